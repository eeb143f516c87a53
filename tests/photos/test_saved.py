"""Saved photos: a private collection.  Who may save what, who sees the
collection (only its owner), what leaves it (a hidden or deleted photo),
its pages, and the Save buttons on tiles, the photo page and the
viewer."""

import re
import subprocess

from agora_kit.site import Tags
from conftest import PHOTOS

SAVED = "/api/v1/me/saved"


def save_url(pid):
    return "%s/%s/save" % (PHOTOS, pid)


def saved_ids(actor, **params):
    r = actor.get(SAVED, params=params)
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()["photos"]]


def test_who_may_save_and_who_sees_the_collection(owner, other, new_user,
                                                  anon, admin, photos,
                                                  helpers):
    third = new_user("th_")
    p = photos.published(owner)
    # Signed out: nothing.
    helpers.assert_problem(anon.post(save_url(p["id"])), 401)
    helpers.assert_problem(anon.delete(save_url(p["id"])), 401)
    helpers.assert_problem(anon.get(SAVED), 401)
    r = anon.html.get("/photos/saved", allow_redirects=False)
    assert r.status_code in (302, 303) and "/login" in r.headers["Location"]

    # Someone else's photo and one's own can be saved; twice is once.
    r = other.post(save_url(p["id"]))
    assert helpers.assert_json(r, 200) == {"photo_id": p["id"],
                                           "saved": True}
    assert other.post(save_url(p["id"])).status_code == 200
    assert owner.post(save_url(p["id"])).status_code == 200
    assert saved_ids(other) == [p["id"]]
    assert saved_ids(owner) == [p["id"]]
    # Only the saver sees it saved: not the owner's list, not a third
    # user, not a visitor, not even an admin's own collection.
    assert saved_ids(third) == []
    assert saved_ids(admin) == []
    assert photos.get(other, p["id"])["saved"] is True
    assert photos.get(third, p["id"])["saved"] is False
    assert photos.get(anon, p["id"])["saved"] is False
    page = third.html.get("/photos/saved").text
    assert 'id="p%s"' % p["id"] not in page
    page = helpers.assert_html(other.html.get("/photos/saved"), 200)
    assert 'id="p%s"' % p["id"] in page
    assert "no-store" in other.html.get("/photos/saved") \
        .headers["Cache-Control"]

    # Unsave: gone; unsaving again changes nothing.
    r = other.delete(save_url(p["id"]))
    assert helpers.assert_json(r, 200)["saved"] is False
    assert other.delete(save_url(p["id"])).status_code == 200
    assert saved_ids(other) == []


def hide(admin, reporter, pid):
    """Report photo `pid` and have an admin reject it."""
    r = reporter.post("%s/%s/report" % (PHOTOS, pid), json={"reason": "x"})
    assert r.status_code == 202, r.text
    r = admin.post("/api/v1/admin/moderation/photo/%s/reject" % pid,
                   json={"reason": "No."})
    assert r.status_code == 200, r.text


def test_a_photo_one_cannot_see_cannot_be_saved(owner, other, new_user,
                                                admin, photos, helpers):
    helpers.assert_problem(other.post(save_url(999999999)), 404)
    p = photos.published(owner)
    hide(admin, new_user("rp_"), p["id"])
    helpers.assert_problem(other.post(save_url(p["id"])), 404)
    assert saved_ids(other) == []
    # Only POST and DELETE.
    assert other.get(save_url(p["id"])).status_code in (404, 405)


def test_hidden_and_deleted_photos_leave_the_collection(owner, other, admin,
                                                       new_user, photos,
                                                       helpers):
    a = photos.published(owner)
    b = photos.published(owner)
    for p in (a, b):
        assert other.post(save_url(p["id"])).status_code == 200
    assert saved_ids(other) == [b["id"], a["id"]]

    hide(admin, new_user("rp_"), a["id"])
    assert saved_ids(other) == [b["id"]]
    page = other.html.get("/photos/saved").text
    assert 'id="p%s"' % a["id"] not in page and 'id="p%s"' % b["id"] in page
    # Even the owner's own save of a hidden photo does not show it.
    assert owner.post(save_url(a["id"])).status_code == 200
    assert a["id"] not in saved_ids(owner)

    assert owner.delete("%s/%s" % (PHOTOS, b["id"])).status_code == 204
    assert saved_ids(other) == []


def test_the_collection_is_paged_by_cursor(owner, other, photos, helpers):
    made = [photos.published(owner) for _ in range(3)]
    for p in made:
        assert other.post(save_url(p["id"])).status_code == 200
    r = helpers.assert_json(other.get(SAVED, params={"limit": 2}), 200)
    assert [p["id"] for p in r["photos"]] == [made[2]["id"], made[1]["id"]]
    assert r["photos"][0]["saved"] is True
    nxt = r["next_cursor"]
    r = helpers.assert_json(other.get(SAVED, params={"limit": 2,
                                                    "cursor": nxt}), 200)
    assert [p["id"] for p in r["photos"]] == [made[0]["id"]]
    assert r["next_cursor"] is None
    helpers.assert_problem(other.get(SAVED, params={"cursor": "nope"}), 400,
                           ["cursor"])
    helpers.assert_problem(other.get(SAVED, params={"limit": 0}), 400)
    assert other.html.get("/photos/saved?cursor=nope").status_code == 400


def test_save_buttons_on_the_tile_the_page_and_the_viewer(owner, other,
                                                         anon, photos,
                                                         helpers):
    p = photos.published(owner)
    path = "/photos/u/%s" % owner.username
    page = other.html.get(path).text
    t = re.search(r'<li id="p%s">.*?</li>' % p["id"], page, re.S).group(0)
    forms = [a["action"] for tag, a in Tags(t).tags if tag == "form"]
    assert "/photos/%s/save" % p["id"] in forms
    assert 'class="save-button" aria-pressed="false"' in t
    # The form (with its CSRF token) comes back to the tile.
    r = other.form("/photos/%s/save" % p["id"], {"back": path}, page=path)
    assert r.status_code == 303, helpers.describe(r)
    assert r.headers["Location"] == "%s#p%s" % (path, p["id"])
    assert saved_ids(other) == [p["id"]]
    t = re.search(r'<li id="p%s">.*?</li>' % p["id"],
                  other.html.get(path).text, re.S).group(0)
    assert 'action="/photos/%s/unsave"' % p["id"] in t
    assert 'aria-pressed="true"' in t
    # Without the token: refused, nothing changes.
    r = other.form("/photos/%s/unsave" % p["id"], {"back": path}, page=path,
                   csrf=False)
    assert r.status_code == 403
    assert saved_ids(other) == [p["id"]]
    # The photo page and the viewer have the button too; visitors none.
    for url in ("/photos/%s" % p["id"],
                "/photos/%s?in=user&u=%s" % (p["id"], owner.username)):
        page = other.html.get(url).text
        assert 'action="/photos/%s/unsave"' % p["id"] in page, url
        assert "save-button saved" in page
        assert "save-button" not in anon.html.get(url).text
    r = other.form("/photos/%s/unsave" % p["id"], {}, page="/photos/%s" %
                   p["id"])
    assert r.status_code == 303
    assert r.headers["Location"] == "/photos/%s" % p["id"]
    assert saved_ids(other) == []


def psql(sql):
    return subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1",
                           "-c", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_at_most_ten_thousand_saves(owner, other, new_user, photos,
                                    helpers):
    p = photos.published(owner)
    filler = new_user("fi_")
    # 9,999 hidden photos of someone else, saved by `other` already.
    psql("WITH m AS (INSERT INTO media_files (user_id, sha256, format,"
         " bytes, status, withdrawn) SELECT %d, lpad(to_hex(g), 64, '0'),"
         " 'png', 1, 'ready', true FROM generate_series(1, 9999) g"
         " RETURNING id), ph AS (INSERT INTO photos (owner_id, media_id,"
         " hidden) SELECT %d, id, true FROM m RETURNING id)"
         " INSERT INTO photo_saves (user_id, photo_id)"
         " SELECT %d, id FROM ph" % (filler.id, filler.id, other.id))
    try:
        q = photos.published(owner)
        assert other.post(save_url(p["id"])).status_code == 200
        r = other.post(save_url(q["id"]))
        body = helpers.assert_problem(r, 409)
        assert "10,000" in body["detail"]
        assert saved_ids(other) == [p["id"]]
        # Saving what is saved, and unsaving, still work.
        assert other.post(save_url(p["id"])).status_code == 200
        assert other.delete(save_url(p["id"])).status_code == 200
        assert other.post(save_url(q["id"])).status_code == 200
    finally:
        psql("WITH d AS (DELETE FROM photos WHERE owner_id = %d"
             " RETURNING media_id) DELETE FROM media_files"
             " WHERE id IN (SELECT media_id FROM d)" % filler.id)
