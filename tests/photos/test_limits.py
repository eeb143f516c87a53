"""Per-user limits on photo comments (30 in ten minutes for a member,
with the blog's; a third of that for a new account)
and reports (30 an hour, with the chat's; a third of that for a new
user, trust level new); apps/core/limits.h; and the upload quota."""

import os
import struct
import zlib

from agora_kit.web import assert_retry_after

PHOTOS = "/api/v1/photos"
ALLOWED = 30
REPORTS_ALLOWED = 10	# a new user's share of 30


def test_photo_comments_are_limited_per_user(owner, other, new_user, photos,
                                             helpers, member):
    member(other)
    p = photos.published(owner)
    url = "%s/%s/comments" % (PHOTOS, p["id"])
    for i in range(ALLOWED):
        helpers.assert_json(other.post(url, json={"body": "nice %d" % i}),
                            201)
    r = other.post(url, json={"body": "too many"})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, 600)
    # The page's form answers with a page.
    r = other.form("/photos/%s/comments" % p["id"], {"body": "by form"},
                   page="/photos/%s" % p["id"])
    helpers.assert_html(r, 429)
    assert_retry_after(r, 600)
    assert "many comments" in r.text
    helpers.assert_json(new_user("nc_").post(url, json={"body": "hi"}), 201)


def test_photo_reports_are_limited_per_user(owner, other, photos, helpers):
    p = photos.published(owner)
    url = "%s/%s/report" % (PHOTOS, p["id"])
    # Report the same photo until the limit; it stays visible to the
    # reporter until an admin decides, so each report is accepted.
    for i in range(REPORTS_ALLOWED):
        r = other.post(url, json={"reason": "r%d" % i})
        assert r.status_code == 202, helpers.describe(r)
    r = other.post(url, json={"reason": "once more"})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, 3600)


# ---- the upload quota: 8 MiB per user in the test stack
# (AGORA_UPLOAD_QUOTA_BYTES, scripts/config.sh), photos and blog images
# together; a withdrawn (deleted) image frees its space.

QUOTA = 8 * 1024 * 1024


def noise_png(side):
    """An RGB PNG of random pixels: about 3 * side**2 bytes, never alike."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0,
                                       0)) +
            chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def test_upload_quota_per_user(owner, other, photos, helpers):
    kept = []
    used = 0
    while True:
        data = noise_png(820)
        if used + len(data) > QUOTA:
            break
        kept.append(photos.upload(owner, data=data, name="n.png",
                                  ctype="image/png"))
        used += len(data)
    assert len(kept) >= 3
    r = photos.upload(owner, data=noise_png(820), name="n.png",
                      ctype="image/png", status=413)
    body = helpers.assert_problem(r, 413, ["file"])
    assert "space" in body["detail"], body
    # Blog images draw on the same quota.
    r = owner.post("/api/v1/blog/images",
                   files={"file": ("b.png", noise_png(600), "image/png")})
    helpers.assert_problem(r, 413, ["file"])
    # The page's form answers with a page that says why.
    token = owner.csrf("/photos/new")
    r = owner.html.request("POST", "/photos/new", files={
        "file": ("f.png", noise_png(600), "image/png"),
        "_csrf": (None, token)})
    helpers.assert_html(r, 413)
    assert "all the space" in r.text
    # Another user has their own quota.
    photos.upload(other, data=noise_png(820), name="n.png",
                  ctype="image/png")
    # Deleting a photo frees its space.
    r = owner.delete("%s/%s" % (PHOTOS, kept[0]["id"]))
    assert r.status_code == 204, helpers.describe(r)
    photos.upload(owner, data=noise_png(820), name="n.png",
                  ctype="image/png")
