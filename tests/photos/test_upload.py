"""Uploads: real JPEG, PNG and WebP accepted and processed; everything
else refused by content; copies upright and free of metadata."""

import html
import io
import os
import struct
import zlib

import pytest
from PIL import Image

from conftest import PHOTOS, image_bytes


def png_header_bomb(width=30000, height=30000):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def exif_segments(jpeg):
    """The APP1 (Exif/XMP) segments of a JPEG, by walking its markers."""
    found, i = [], 2
    assert jpeg[:2] == b"\xff\xd8"
    while i + 4 <= len(jpeg):
        assert jpeg[i] == 0xFF, "bad marker at %d" % i
        marker = jpeg[i + 1]
        if marker == 0xDA:          # start of scan: no more metadata
            break
        length = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        if marker == 0xE1:
            found.append(jpeg[i + 4:i + 4 + length - 2][:4])
        i += 2 + length
    return found


@pytest.mark.parametrize("fmt,ctype", [("JPEG", "image/jpeg"),
                                       ("PNG", "image/png"),
                                       ("WEBP", "image/webp")])
def test_real_images_are_accepted_and_processed(fmt, ctype, owner, anon,
                                                photos, helpers):
    data = image_bytes(fmt, (800, 600))
    # The name and the declared type do not matter, only the content.
    photo = photos.upload(owner, data, caption="A %s" % fmt,
                          name="whatever.txt", ctype="text/plain")
    assert photo["status"] in ("processing", "ready")
    assert photo["owner"] == owner.username
    ready = photos.ready(owner, photo["id"])
    assert (ready["width"], ready["height"]) == (800, 600)
    thumb = anon.html.get(ready["urls"]["thumb"])
    display = anon.html.get(ready["urls"]["display"])
    for r in (thumb, display):
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 320)
    assert Image.open(io.BytesIO(display.content)).size == (800, 600)


def test_large_photos_are_shrunk_for_display(owner, photos, anon):
    p = photos.published(owner, data=image_bytes("JPEG", (2400, 1600)))
    img = Image.open(io.BytesIO(anon.html.get(p["urls"]["display"]).content))
    assert img.size == (1280, 853)


def test_copies_are_upright_and_carry_no_metadata(owner, photos, anon):
    exif = Image.Exif()
    exif[0x0112] = 6                        # rotated 90° clockwise
    exif[0x010F] = "SecretCam"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 24.0)
    gps[3], gps[4] = "E", (2.0, 21.0, 3.0)
    data = image_bytes("JPEG", (600, 400), exif=exif)
    assert exif_segments(data), "the fixture has no EXIF"
    p = photos.published(owner, data=data)
    assert (p["width"], p["height"]) == (400, 600)
    for size in ("thumb", "display"):
        body = anon.html.get(p["urls"][size]).content
        assert exif_segments(body) == [], size
        assert b"SecretCam" not in body and b"Exif" not in body
        img = Image.open(io.BytesIO(body))
        assert not img.getexif(), size
    disp = Image.open(io.BytesIO(anon.html.get(p["urls"]["display"]).content))
    assert disp.size == (400, 600)


@pytest.mark.parametrize("data,name", [
    (b"", "empty.jpg"),
    (b"just some text, not a picture\n" * 10, "notes.jpg"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png"),
    (b"GIF89a" + b"\x00" * 100, "x.gif"),
    (png_header_bomb(), "bomb.png"),
])
def test_non_images_and_bombs_are_refused(data, name, owner, photos,
                                          helpers):
    r = photos.upload(owner, data, name=name, status=422)
    helpers.assert_problem(r, 422, ["file"])


def test_truncated_jpeg_is_refused_or_fails_visibly(owner, other, photos,
                                                   helpers):
    data = image_bytes("JPEG", (640, 480))
    r = owner.post(PHOTOS, files={"file": ("t.jpg", data[:600],
                                           "image/jpeg")})
    if r.status_code == 422:
        return
    photo = helpers.assert_json(r, 201)["photo"]
    photos.made.append(photo["id"])

    def settled():
        p = photos.get(owner, photo["id"])
        return p if p["status"] != "processing" else None
    p = helpers.wait_for(settled, what="the thumbnail job")
    assert p["status"] == "failed" and p["reason"], p
    assert p["urls"] is None
    photos.get(other, photo["id"], status=404)
    # The owner's page says why, in the words the API gives.
    page = helpers.assert_html(owner.html.get("/photos/%s" % photo["id"]),
                               200)
    assert 'data-status="failed"' in page
    assert "could not be processed" in page
    assert html.escape(p["reason"], quote=False) in page


def test_oversize_upload_is_413(owner, helpers):
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * (20 * 1024 * 1024)
    r = owner.post(PHOTOS, files={"file": ("big.png", data, "image/png")})
    helpers.assert_problem(r, 413)


def test_caption_is_checked_before_the_file_is_kept(owner, helpers,
                                                    media_dir):
    before = set(os.listdir(os.path.join(media_dir, "orig"))) \
        if os.path.isdir(os.path.join(media_dir, "orig")) else set()
    for caption in ("x" * 2001, "bell \x07"):
        r = owner.post(PHOTOS, files={"file": ("a.jpg", image_bytes(),
                                               "image/jpeg"),
                                      "caption": (None, caption)})
        helpers.assert_problem(r, 422, ["caption"])
    after = set(os.listdir(os.path.join(media_dir, "orig"))) \
        if os.path.isdir(os.path.join(media_dir, "orig")) else set()
    assert after == before


def test_upload_needs_a_user_and_the_file_field(anon, owner, helpers):
    r = anon.post(PHOTOS, files={"file": ("a.jpg", image_bytes(),
                                          "image/jpeg")})
    helpers.assert_problem(r, 401)
    r = owner.post(PHOTOS, files={"image": ("a.jpg", image_bytes(),
                                            "image/jpeg")})
    helpers.assert_problem(r, 422, ["file"])
