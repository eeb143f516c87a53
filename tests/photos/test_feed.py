"""The feed, users' and tags' pages in HTML and JSON, cursors, and who
may see what."""

import pytest

from conftest import PHOTOS


def ids(body):
    return [p["id"] for p in body["photos"]]


def test_feed_is_newest_first_with_cursor_pages(owner, anon, photos,
                                                helpers):
    made = [photos.published(owner)["id"] for _ in range(5)]

    # The first page of the feed is cached for a second.
    def first_page():
        body = helpers.assert_json(anon.get(PHOTOS, params={"limit": 2}),
                                   200)
        return body if ids(body) == made[::-1][:2] else None
    first = helpers.wait_for(first_page, timeout=5, what="a fresh feed")
    second = helpers.assert_json(anon.get(PHOTOS, params={
        "limit": 2, "cursor": first["next_cursor"]}), 200)
    assert ids(second) == made[::-1][2:4]
    mine = helpers.assert_json(anon.get(PHOTOS, params={
        "user": owner.username, "limit": 100}), 200)
    assert ids(mine) == made[::-1] and mine["next_cursor"] is None


@pytest.mark.parametrize("params", [
    {"cursor": "garbage"}, {"cursor": "1.2.3"}, {"cursor": "9" * 30 + ".1"},
    {"limit": "0"}, {"limit": "101"}, {"limit": "x"}])
def test_bad_paging_is_400(params, anon, helpers):
    helpers.assert_problem(anon.get(PHOTOS, params=params), 400)


def test_pages_show_the_grid(owner, anon, photos, helpers):
    p = photos.published(owner, caption="A <i>grid</i> photo")
    # The feed's first page is cached for a second.
    helpers.wait_for(lambda: 'href="/photos/%s?in=feed"' % p["id"] in
                     anon.html.get("/photos").text, timeout=5,
                     what="a fresh feed page")
    for path in ("/photos", "/photos/u/%s" % owner.username):
        page = anon.html.get(path)
        helpers.assert_html(page, 200)
        assert 'href="/photos/%s?in=' % p["id"] in page.text
        assert p["urls"]["thumb"] in page.text
        assert "<i>grid</i>" not in page.text
    assert anon.html.get("/photos/u/nobody_here_zz").status_code == 404
    page = anon.html.get("/photos/%s" % p["id"])
    assert p["urls"]["display"] in page.text


def test_permission_matrix(owner, other, anon, admin, photos, helpers):
    p = photos.published(owner)
    base = "%s/%s" % (PHOTOS, p["id"])
    # Reading a public photo: everyone.
    for actor in (anon, owner, other, admin):
        assert photos.get(actor, p["id"])["id"] == p["id"]
    # Changing: users only; people only the owner; deleting owner/admin.
    helpers.assert_problem(anon.post(base + "/comments",
                                     json={"body": "x"}), 401)
    helpers.assert_problem(anon.post(base + "/report", json={}), 401)
    helpers.assert_problem(anon.post(base + "/people",
                                     json={"username": "x"}), 401)
    helpers.assert_problem(other.post(base + "/people",
                                      json={"username": owner.username}),
                           403)
    helpers.assert_problem(other.delete(base), 403)
    # Cookie sessions need the CSRF header.
    r = other.html.request("POST", base + "/like")
    helpers.assert_problem(r, 403)
    token = other.csrf("/photos")
    r = other.html.request("POST", base + "/like",
                           headers={"X-CSRF-Token": token})
    assert helpers.assert_json(r, 200)["liked"] is True


def test_html_forms_like_comment_and_delete(owner, other, anon, photos,
                                            helpers):
    p = photos.published(owner)
    page = "/photos/%s" % p["id"]
    r = other.form("/photos/%s/like" % p["id"], page=page)
    assert r.status_code == 303 and r.headers["Location"] == page
    assert photos.get(anon, p["id"])["like_count"] == 1
    r = other.form("/photos/%s/comments" % p["id"],
                   {"body": "Nice one"}, page=page)
    assert r.status_code == 303
    assert "Nice one" in anon.html.get(page).text
    r = other.form("/photos/%s/delete" % p["id"], page=page)
    assert r.status_code == 403
    r = owner.form("/photos/%s/delete" % p["id"], page=page)
    assert r.status_code == 303 and r.headers["Location"] == "/photos"
    assert anon.html.get(page).status_code == 404


def test_upload_through_the_page(owner, anon, helpers):
    from conftest import image_bytes
    token = owner.csrf("/photos/new")
    r = owner.html.request("POST", "/photos/new", files={
        "file": ("a.png", image_bytes("PNG"), "image/png"),
        "caption": (None, "From the form #formtest"),
        "_csrf": (None, token)})
    assert r.status_code == 303, helpers.describe(r)
    pid = int(r.headers["Location"].rsplit("/", 1)[1])
    page = owner.html.get("/photos/%s" % pid).text
    assert "#formtest" in page
    owner.delete("%s/%s" % (PHOTOS, pid))
    r = owner.html.request("POST", "/photos/new", files={
        "file": ("a.png", image_bytes("PNG"), "image/png")})
    assert r.status_code == 403
