"""Blog images that no post uses any more are withdrawn and their files
removed by the job worker's sweep (AGORA_IMAGE_GRACE is 30 s and the
sweep runs every second in the test stack, scripts/config.sh)."""

import os
import struct
import zlib

GRACE = 30


def png(width=64, height=48):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def ready_image(actor, helpers):
    body = helpers.assert_json(actor.post(
        "/api/v1/blog/images",
        files={"file": ("x.png", png(), "image/png")}), 201)

    def done():
        m = helpers.assert_json(actor.get(
            "/api/v1/media/%s" % body["media"]["id"]), 200)["media"]
        return m if m["status"] == "ready" else None
    helpers.wait_for(done, what="the thumbnail job")
    return body


def test_unused_blog_images_are_purged(author, anon, blog, helpers):
    kept = ready_image(author, helpers)      # stays in a post
    dropped = ready_image(author, helpers)   # its post is deleted
    never = ready_image(author, helpers)     # never put in a post
    blog.create(author, body="Keep:\n\n" + kept["markdown"], status="draft")
    gone = blog.create(author, body="Drop:\n\n" + dropped["markdown"],
                       status="draft")
    for img in (kept, dropped, never):
        r = anon.html.get(img["media"]["display_url"])
        assert r.status_code == 200, helpers.describe(r)

    r = author.delete("/api/v1/blog/posts/%s" % gone["id"])
    assert r.status_code == 204, helpers.describe(r)

    def purged(img):
        return lambda: anon.html.get(
            img["media"]["display_url"]).status_code == 404
    helpers.wait_for(purged(dropped), timeout=GRACE + 30,
                     what="the unused image's files to go")
    helpers.wait_for(purged(never), timeout=30,
                     what="the never used image's files to go")
    r = anon.html.get(kept["media"]["display_url"])
    assert r.status_code == 200, helpers.describe(r)
