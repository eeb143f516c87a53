"""/media/: content types, ETags, 304s, immutable caching; nothing else
under it is served: no listing, no originals, no traversal."""

import os

import pytest
import requests


def test_served_copies_are_cached_by_content(owner, anon, photos):
    p = photos.published(owner)
    r = anon.html.get(p["urls"]["thumb"])
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "image/jpeg"
    assert "immutable" in r.headers["Cache-Control"]
    etag = r.headers["ETag"]
    r2 = anon.html.get(p["urls"]["thumb"], headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""


@pytest.mark.parametrize("path", [
    "/media/", "/media/thumb/", "/media/orig/",
    "/media/../kore.conf", "/media/thumb/../../kore.conf",
    "/media/thumb/..%2F..%2Fkore.conf", "/media/%2e%2e/kore.conf",
    "/media/thumb/%2Fetc%2Fpasswd", "/media//etc/passwd",
    "/media/thumb/" + "0" * 64 + ".png",
    "/media/thumb/" + "g" * 64 + ".jpg",
])
def test_nothing_else_is_served(path, anon):
    assert anon.html.get(path).status_code == 404, path


def test_originals_are_never_served(owner, anon, photos):
    p = photos.published(owner)
    sha = p["urls"]["display"].rsplit("/", 1)[1].split(".")[0]
    for ext in ("jpg", "jpeg", "png", "webp"):
        assert anon.html.get("/media/orig/%s.%s" % (sha, ext)) \
            .status_code == 404


def test_a_copy_not_there_yet_is_a_404_nobody_keeps():
    """A copy asked for before the worker made it (or after it was
    withdrawn) must not be cached: once it exists, it is served."""
    base = os.environ["AGORA_TEST_URL"]
    for kind in ("thumb", "display"):
        r = requests.get("%s/media/%s/%s.jpg" % (base, kind, "ab" * 32))
        assert r.status_code == 404
        assert "immutable" not in r.headers.get("Cache-Control", "")
        assert "max-age=31536000" not in r.headers.get("Cache-Control", "")
        assert "ETag" not in r.headers
