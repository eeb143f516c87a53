"""Grid tiles: the author's name linked to their profile, the first line
of the caption, and for a signed-in viewer a like button (a form with
CSRF that comes back to the grid)."""

import re

from agora_kit.site import Tags, find_csrf, wait_for


def tile(page, pid):
    m = re.search(r'<li id="p%s">.*?</li>' % pid, page, re.S)
    assert m is not None, "no tile for %s" % pid
    return m.group(0)


def grid(actor, path, pid):
    def found():
        page = actor.html.get(path).text
        return page if 'id="p%s"' % pid in page else None
    return wait_for(found, what="photo %s on %s" % (pid, path))


def test_a_tile_names_the_author_and_the_caption(owner, anon, photos):
    p = photos.published(owner, caption="Harbour at noon\nsecond line")
    t = tile(grid(anon, "/photos", p["id"]), p["id"])
    assert '<a href="/u/%s">%s</a>' % (owner.username, owner.username) in t
    assert '<p class="tile-caption">Harbour at noon…</p>' in t
    assert "second line" not in t
    assert 'href="/photos/%s?in=feed"' % p["id"] in t
    # Signed out: the count, no form.
    assert "<form" not in t and "♥ 0" in t


def test_like_from_the_grid_comes_back_to_the_grid(owner, other, anon,
                                                   photos, helpers):
    p = photos.published(owner, caption="Like me")
    path = "/photos/u/%s" % owner.username
    t = tile(grid(other, path, p["id"]), p["id"])
    forms = [a for tag, a in Tags(t).tags if tag == "form"]
    assert forms and forms[0]["action"] == "/photos/%s/like" % p["id"]
    assert 'name="_csrf"' in t and 'aria-pressed="false"' in t
    assert 'name="back" value="%s"' % path in t
    r = other.form("/photos/%s/like" % p["id"], {"back": path}, page=path)
    assert r.status_code == 303, helpers.describe(r)
    assert r.headers["Location"] == "%s#p%s" % (path, p["id"])
    assert photos.get(anon, p["id"])["like_count"] == 1
    t = tile(other.html.get(path).text, p["id"])
    assert 'action="/photos/%s/unlike"' % p["id"] in t
    assert 'aria-pressed="true"' in t
    assert '<span class="like-n">1</span>' in t
    # Without its CSRF token the like is refused and changes nothing.
    r = other.form("/photos/%s/unlike" % p["id"], {"back": path}, page=path,
                   csrf=False)
    assert r.status_code == 403
    assert photos.get(anon, p["id"])["like_count"] == 1
    r = other.form("/photos/%s/unlike" % p["id"], {"back": path}, page=path)
    assert r.status_code == 303
    assert photos.get(anon, p["id"])["like_count"] == 0


def test_like_goes_back_only_to_a_grid_of_this_site(other, owner, photos):
    p = photos.published(owner)
    for back in ("https://evil.example/", "//evil.example/photos",
                 "/admin", "/photos/../admin", "/photos\r\nX-A: b", ""):
        r = other.form("/photos/%s/like" % p["id"], {"back": back},
                       page="/photos")
        assert r.status_code == 303
        assert r.headers["Location"] == "/photos/%s" % p["id"], back
    r = other.form("/photos/%s/unlike" % p["id"],
                   {"back": "/photos/tag/sky?cursor=1.2"}, page="/photos")
    assert r.headers["Location"] == "/photos/tag/sky?cursor=1.2#p%s" % p["id"]


def test_the_shared_feed_never_carries_a_viewers_form(other, anon, owner,
                                                      photos):
    p = photos.published(owner)
    grid(other, "/photos", p["id"])
    page = anon.html.get("/photos").text
    t = tile(grid(anon, "/photos", p["id"]), p["id"])
    assert "like-form" not in page and "<form" not in t
    # And a signed-in viewer never gets the signed-out grid.
    assert "like-form" in tile(other.html.get("/photos").text, p["id"])


def test_tiles_link_the_viewer_within_their_list(owner, anon, photos):
    p = photos.published(owner, caption="#tilesky here")
    cases = {"/photos/u/%s" % owner.username:
             "in=user&amp;u=%s" % owner.username,
             "/photos/tag/tilesky": "in=tag&amp;t=tilesky"}
    for path, q in cases.items():
        t = tile(grid(anon, path, p["id"]), p["id"])
        assert 'href="/photos/%s?%s"' % (p["id"], q) in t, t
