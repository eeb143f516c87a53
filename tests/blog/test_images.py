"""Images in posts: POST /api/v1/blog/images and GET /api/v1/media/{id},
who may call them, and the Markdown they hand back."""

import os
import re
import struct
import zlib

import pytest


def png(width=64, height=48):
    """A small RGB PNG with random pixels (so every upload is new)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload(actor, data, name="x.png", field="file", ctype="image/png"):
    return actor.post("/api/v1/blog/images",
                      files={field: (name, data, ctype)})


@pytest.mark.parametrize("who", ("anon", "author", "admin"))
def test_upload_needs_a_user(who, anon, author, admin, helpers):
    actor = {"anon": anon, "author": author, "admin": admin}[who]
    r = upload(actor, png())
    if who == "anon":
        helpers.assert_problem(r, 401)
        return
    body = helpers.assert_json(r, 201)
    media = body["media"]
    assert r.headers.get("Location") == "/api/v1/media/%s" % media["id"]
    assert media["format"] == "png"
    assert media["status"] in ("processing", "ready")
    m = re.fullmatch(r"!\[\]\((/media/display/[0-9a-f]{64}\.jpg)\)",
                     body["markdown"])
    assert m and m.group(1) == media["display_url"], body


def test_media_status_is_for_the_uploader_and_admins(author, other, admin,
                                                    anon, helpers):
    media = helpers.assert_json(upload(author, png()), 201)["media"]
    path = "/api/v1/media/%s" % media["id"]
    helpers.assert_problem(anon.get(path), 401)
    helpers.assert_problem(other.get(path), 404)
    got = helpers.assert_json(author.get(path), 200)["media"]
    assert got["id"] == media["id"]
    assert helpers.assert_json(admin.get(path), 200)["media"] == got
    helpers.assert_problem(author.get("/api/v1/media/900000000000000000"), 404)


def test_uploaded_image_is_processed_and_usable_in_a_post(author, anon, blog,
                                                         helpers):
    body = helpers.assert_json(upload(author, png(80, 60)), 201)
    media = body["media"]

    def done():
        m = helpers.assert_json(
            author.get("/api/v1/media/%s" % media["id"]), 200)["media"]
        return m if m["status"] != "processing" else None
    m = helpers.wait_for(done, what="the thumbnail job")
    assert m["status"] == "ready", m
    assert (m["width"], m["height"]) == (80, 60)
    r = anon.html.get(m["display_url"])
    assert r.status_code == 200 and r.content[:3] == b"\xff\xd8\xff"

    post = blog.published(author, body="Look:\n\n" + body["markdown"])
    assert '<img src="%s"' % m["display_url"] in post["html"]


@pytest.mark.parametrize("data,name,ctype", [
    (b"", "empty.png", "image/png"),
    (b"GIF89a" + b"\x00" * 64, "x.gif", "image/gif"),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
     "x.svg", "image/svg+xml"),
    (b"<html><script>alert(1)</script></html>", "x.png", "image/png"),
    (b"\x89PNG\r\n\x1a\n", "truncated.png", "image/png"),
])
def test_non_images_are_refused(data, name, ctype, author, helpers):
    helpers.assert_problem(upload(author, data, name=name, ctype=ctype), 422,
                           ["file"])


def test_upload_without_the_file_field(author, helpers):
    r = upload(author, png(), field="image")
    helpers.assert_problem(r, 422, ["file"])


def test_cookie_upload_needs_the_csrf_token(author, helpers):
    r = author.html.request("POST", "/api/v1/blog/images",
                            files={"file": ("x.png", png(), "image/png")})
    helpers.assert_problem(r, 403)
    token = author.csrf("/blog/new")
    r = author.html.request("POST", "/api/v1/blog/images",
                            headers={"X-CSRF-Token": token},
                            files={"file": ("x.png", png(), "image/png")})
    helpers.assert_json(r, 201)
