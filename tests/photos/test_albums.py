"""Albums: one post of up to 10 photos under one caption, each photo with
its own alt text; a carousel on the photo page and in the viewer, "1/5"
on the grid's tile; one bad file refused with the others kept; likes,
comments and moderation for the whole post."""

import html
import os
import re

from agora_kit.site import Tags, wait_for
from conftest import PHOTOS, image_bytes
from test_upload_form import field_error, textarea


def album_files(n, alts=None, bad=()):
    """`n` file parts (a text file at the 1-based positions in `bad`),
    with one `alt` part each when `alts` is given."""
    parts = []
    for i in range(n):
        if i + 1 in bad:
            parts.append(("file", ("notes%d.jpg" % (i + 1),
                                   b"just some text\n" * 20, "image/jpeg")))
        else:
            parts.append(("file", ("p%d.jpg" % (i + 1), image_bytes(
                size=(320 + 8 * i, 240)), "image/jpeg")))
    for a in alts or ():
        parts.append(("alt", (None, a)))
    return parts


def post_album(actor, photos, parts, caption="An album", status=201):
    r = actor.post(PHOTOS, files=parts + [("caption", (None, caption))])
    assert r.status_code == status, r.text[:500]
    if status == 201:
        photos.made.append(r.json()["photo"]["id"])
    return r


def all_ready(photos, actor, pid):
    def done():
        p = photos.get(actor, pid)
        return p if all(i["status"] == "ready" for i in p["items"]) \
            else None
    return wait_for(done, what="every photo of album %s" % pid)


def imgs(page):
    return [a for tag, a in Tags(page).tags if tag == "img" and
            "/media/" in a.get("src", "") and "/avatar" not in a["src"]]


def post_form(actor, parts):
    token = actor.csrf("/photos/new")
    return actor.html.request("POST", "/photos/new",
                              files=[("_csrf", (None, token))] + parts,
                              allow_redirects=False)


def user_ids(actor, user):
    return [p["id"] for p in
            actor.get(PHOTOS, params={"user": user}).json()["photos"]]


def test_an_album_of_ten_shows_every_photo_with_its_alt_text(
        owner, anon, photos, helpers):
    alts = ['Photo %d: a "gull" <on> a post & sky' % (i + 1)
            for i in range(10)]
    r = post_album(owner, photos, album_files(10, alts), caption="Ten")
    body = helpers.assert_json(r, 201)
    assert body["refused"] == []
    p = body["photo"]
    assert p["album_size"] == 10
    assert [i["position"] for i in p["items"]] == list(range(10))
    assert [i["alt_text"] for i in p["items"]] == alts
    assert p["alt_text"] == alts[0]
    p = all_ready(photos, owner, p["id"])
    # Every photo has its own copies (the thumbnail job, per photo).
    shas = set()
    for item in p["items"]:
        assert anon.html.get(item["urls"]["thumb"]).status_code == 200
        assert anon.html.get(item["urls"]["display"]).status_code == 200
        shas.add(item["urls"]["display"])
    assert len(shas) == 10
    seen = photos.get(anon, p["id"])
    assert [i["alt"] for i in seen["items"]] == alts

    # The photo page: a carousel of ten slides, each image with its alt.
    page = helpers.assert_html(anon.html.get("/photos/%s" % p["id"]), 200)
    got = imgs(page)
    assert [a["alt"] for a in got] == alts
    assert [a["src"] for a in got] == [i["urls"]["display"]
                                       for i in p["items"]]
    assert 'aria-roledescription="carousel"' in page
    assert page.count('aria-roledescription="slide"') == 10
    for k in range(1, 11):
        assert 'aria-label="%d of 10"' % k in page
    assert 'class="album-prev' in page and 'class="album-next' in page
    assert 'aria-label="Previous photo of the album"' in page
    assert '<span class="album-i">1</span>/10' in page
    assert html.escape(alts[3]) in page and "<on>" not in page

    # The viewer: the same carousel and alt texts.
    page = helpers.assert_html(anon.html.get(
        "/photos/%s?in=user&u=%s" % (p["id"], owner.username)), 200)
    assert [a["alt"] for a in imgs(page)] == alts
    assert 'aria-roledescription="carousel"' in page

    # The grids: the first photo's thumbnail with its alt, and "1/10".
    for path in ("/photos/u/%s" % owner.username, "/photos"):
        def tile_of():
            t = anon.html.get(path).text
            m = re.search(r'<li id="p%s">.*?</li>' % p["id"], t, re.S)
            return m.group(0) if m else None
        t = wait_for(tile_of, what="the album on %s" % path)
        assert [a["alt"] for a in imgs(t)] == [alts[0]]
        assert '<span aria-hidden="true">1/10</span>' in t
        assert "an album of 10 photos" in t


def test_an_album_of_one_is_a_photo_as_before(owner, anon, photos, helpers):
    r = post_album(owner, photos, album_files(1, ["Just one gull"]))
    p = photos.ready(owner, r.json()["photo"]["id"])
    assert p["album_size"] == 1 and len(p["items"]) == 1
    assert p["items"][0]["alt"] == "Just one gull"
    page = helpers.assert_html(anon.html.get("/photos/%s" % p["id"]), 200)
    assert "carousel" not in page and "album-track" not in page
    assert [a["alt"] for a in imgs(page)] == ["Just one gull"]
    t = anon.html.get("/photos/u/%s" % owner.username).text
    assert "tile-count" not in t


def test_eleven_files_are_refused_and_nothing_is_kept(owner, photos,
                                                      helpers):
    r = owner.post(PHOTOS, files=album_files(11) +
                   [("caption", (None, "Too many"))])
    body = helpers.assert_problem(r, 422, ["file"])
    assert "at most 10" in body["errors"]["file"]
    # The form: the reason beside the file, the caption kept.
    r = post_form(owner, album_files(11) +
                  [("caption", (None, "Too many <b>here</b>"))])
    page = helpers.assert_html(r, 422)
    assert "at most 10 photos" in field_error(page, "file")
    assert textarea(page, "caption") == "Too many <b>here</b>"
    assert user_ids(owner, owner.username) == []


def test_a_bad_file_among_good_ones_is_refused_and_the_others_kept(
        owner, anon, photos, helpers):
    r = post_album(owner, photos, album_files(3, ["First", "Bad", "Third"],
                                              bad=(2,)))
    body = helpers.assert_json(r, 201)
    assert [(x["file"], x["name"], x["status"]) for x in body["refused"]] \
        == [(2, "notes2.jpg", 422)]
    assert "Not a JPEG, PNG or WebP image" in body["refused"][0]["reason"]
    p = body["photo"]
    assert p["album_size"] == 2
    # Each alt text stays with its own file.
    assert [i["alt_text"] for i in p["items"]] == ["First", "Third"]

    # The form: the album is posted, and its page says which file was
    # refused and why.
    r = post_form(owner, album_files(3, bad=(1,)) + [
        ("caption", (None, "Form album")),
        ("alt_text", (None, "Refused one")),
        ("alt_text_2", (None, "Second kept")),
        ("alt_text_3", (None, "Third kept"))])
    page = helpers.assert_html(r, 201)
    pid = int(r.headers["Location"].rsplit("/", 1)[1])
    photos.made.append(pid)
    m = re.search(r'<div class="form-error album-refused".*?</div>', page,
                  re.S)
    assert m and "Photo 1 (notes1.jpg)" in m.group(0)
    assert "Not a JPEG, PNG or WebP image" in m.group(0)
    got = all_ready(photos, owner, pid)
    assert [i["alt_text"] for i in got["items"]] == ["Second kept",
                                                     "Third kept"]
    assert got["caption"] == "Form album"


def test_an_album_of_bad_files_only_keeps_the_form(owner, photos, helpers):
    r = post_form(owner, album_files(2, bad=(1, 2)) + [
        ("caption", (None, "Nothing good")),
        ("alt_text_2", (None, "kept alt"))])
    page = helpers.assert_html(r, 422)
    why = field_error(page, "file")
    assert "notes1.jpg" in why and "notes2.jpg" in why
    assert textarea(page, "caption") == "Nothing good"
    assert 'value="kept alt"' in page
    r = owner.post(PHOTOS, files=album_files(2, bad=(1, 2)))
    body = helpers.assert_problem(r, 422, ["file"])
    assert [f["file"] for f in body["refused"]] == [1, 2]
    assert user_ids(owner, owner.username) == []


def test_a_bad_alt_text_refuses_the_album_with_the_form_kept(owner, photos,
                                                             helpers):
    r = post_form(owner, album_files(3) + [
        ("caption", (None, "Keep me")),
        ("alt_text_3", (None, "x" * 501))])
    page = helpers.assert_html(r, 422)
    assert "500 characters" in field_error(page, "alt_text_3")
    assert field_error(page, "alt_text") == ""
    assert textarea(page, "caption") == "Keep me"
    # The API: one alt per file, or none.
    r = owner.post(PHOTOS, files=album_files(3, ["a", "b"]))
    helpers.assert_problem(r, 422, ["alt"])
    r = owner.post(PHOTOS, files=album_files(2) +
                   [("alt_text_2", (None, "two\nlines"))])
    helpers.assert_problem(r, 422, ["alt_text_2"])
    assert user_ids(owner, owner.username) == []


def test_likes_comments_and_moderation_are_the_albums(
        owner, other, anon, admin, photos, helpers, media_dir):
    r = post_album(owner, photos, album_files(3, ["a", "b", "c"]))
    p = all_ready(photos, owner, r.json()["photo"]["id"])
    r = other.post("%s/%s/like" % (PHOTOS, p["id"]))
    assert helpers.assert_json(r, 200)["like_count"] == 1
    r = other.post("%s/%s/comments" % (PHOTOS, p["id"]),
                   json={"body": "Lovely set"})
    assert r.status_code == 201
    got = photos.get(anon, p["id"])
    assert got["like_count"] == 1 and got["album_size"] == 3

    # Rejecting the post hides it and withdraws every photo's copies.
    r = other.post("%s/%s/report" % (PHOTOS, p["id"]), json={"reason": "x"})
    assert r.status_code == 202
    r = admin.post("/api/v1/admin/moderation/photo/%s/reject" % p["id"],
                   json={"reason": "Not here."})
    assert r.status_code == 200, helpers.describe(r)
    photos.get(anon, p["id"], status=404)
    mine = photos.get(owner, p["id"])
    assert mine["status"] == "hidden"
    assert all(i["status"] == "hidden" and i["urls"] is None
               for i in mine["items"])
    for item in p["items"]:
        helpers.wait_for(lambda: anon.html.get(item["urls"]["display"])
                         .status_code == 404, what="the copies purged")
    # Approving brings all of them back.
    r = admin.post("%s/%s/report" % (PHOTOS, p["id"]), json={"reason": "y"})
    assert r.status_code == 202
    r = admin.post("/api/v1/admin/moderation/photo/%s/approve" % p["id"],
                   json={})
    assert r.status_code == 200
    for item in p["items"]:
        helpers.wait_for(lambda: anon.html.get(item["urls"]["display"])
                         .status_code == 200, what="the copies back")
    assert photos.get(anon, p["id"])["status"] == "ready"

    # Deleting the post removes every photo's files.
    assert owner.delete("%s/%s" % (PHOTOS, p["id"])).status_code == 204
    names = [i["urls"]["display"].rsplit("/", 1)[1] for i in p["items"]]
    helpers.wait_for(lambda: not any(os.path.exists(os.path.join(
        media_dir, "display", n)) for n in names),
        what="the album's files purged")


def test_every_pictures_alt_text_can_be_changed(owner, other, anon, photos,
                                                helpers):
    """After posting: the edit form has a field for each picture, the API
    takes items by the photo's own positions, both go through the same
    moderation as a caption's edit, and a bad one changes nothing."""
    r = post_album(owner, photos, album_files(3, ["one", "two", "three"]))
    p = all_ready(photos, owner, r.json()["photo"]["id"])
    url = "%s/%s" % (PHOTOS, p["id"])

    page = owner.html.get("/photos/%s" % p["id"]).text
    assert 'name="alt_text_2" maxlength="500" value="two"' in page
    assert 'name="alt_text_3" maxlength="500" value="three"' in page
    assert "Alt text of picture 3" in page
    assert 'name="alt_text_2"' not in anon.html.get(
        "/photos/%s" % p["id"]).text

    # The page's form.
    r = owner.form("/photos/%s/edit" % p["id"], {
        "caption": p["caption"], "alt_text": "one", "alt_text_2": "A gull",
        "alt_text_3": "three"}, page="/photos/%s" % p["id"])
    assert r.status_code in (200, 303), helpers.describe(r)
    got = photos.get(anon, p["id"])
    assert [i["alt"] for i in got["items"]] == ["one", "A gull", "three"]
    assert 'alt="A gull"' in anon.html.get("/photos/%s" % p["id"]).text

    # A bad one: 422 on the page with the text kept, nothing changed.
    r = owner.form("/photos/%s/edit" % p["id"], {
        "caption": p["caption"], "alt_text": "one", "alt_text_2": "x" * 501,
        "alt_text_3": "Changed"}, page="/photos/%s" % p["id"])
    assert r.status_code == 422, helpers.describe(r)
    assert 'aria-invalid="true"' in r.text and 'value="Changed"' in r.text
    assert [i["alt"] for i in photos.get(anon, p["id"])["items"]] == \
        ["one", "A gull", "three"]

    # The API, by the photo's own positions (0 is the first picture).
    r = owner.patch(url, json={"items": [
        {"position": 0, "alt_text": "First"},
        {"position": 2, "alt_text": "Third, <b>bold</b>"}]})
    got = helpers.assert_json(r, 200)["photo"]
    assert [i["alt_text"] for i in got["items"]] == \
        ["First", "A gull", "Third, <b>bold</b>"]
    assert got["alt_text"] == "First"
    for bad in ([{"position": 10, "alt_text": "x"}], [{"position": 1}],
                {"position": 1}):
        helpers.assert_problem(owner.patch(url, json={"items": bad}), 400)
    helpers.assert_problem(owner.patch(url, json={"items": [
        {"position": 1, "alt_text": "a\nb"}]}), 422)
    helpers.assert_problem(other.patch(url, json={"items": [
        {"position": 1, "alt_text": "mine"}]}), 403)
    assert [i["alt"] for i in photos.get(anon, p["id"])["items"]] == \
        ["First", "A gull", "Third, <b>bold</b>"]
    assert "&lt;b&gt;bold" in anon.html.get("/photos/%s" % p["id"]).text
