"""Alt text: a description of each photo apart from its caption, used as
the alt of every <img> of the photo (grids, the photo page, the cat zone,
tag pages, the profile, the home page); the owner edits the caption and
alt text at any time (others cannot), and edits go through the moderate
job like comments."""

import html
import re

import pytest

from agora_kit.site import Tags, unique_name, wait_for
from conftest import PHOTOS, image_bytes


def imgs_of(page, sha):
    """The alt of every <img> of the page showing the photo with `sha`."""
    return [a.get("alt") for t, a in Tags(page).tags
            if t == "img" and sha in a.get("src", "")]


def sha_of(photo):
    return photo["urls"]["thumb"].rsplit("/", 1)[1].split(".")[0]


def edit(actor, pid, **fields):
    return actor.patch("%s/%s" % (PHOTOS, pid), json=fields)


def wait_feed(reader, path, sha):
    def found():
        page = reader.html.get(path).text
        return page if imgs_of(page, sha) else None
    return wait_for(found, what="the photo on %s" % path)


def test_alt_text_is_the_alt_of_every_image_of_the_photo(
        owner, anon, photos, helpers):
    tag = unique_name("alt")
    alt = 'A tabby asleep on a "red" <blanket> & a book'
    p = photos.upload(owner, caption="Sunday #%s\nmore words" % tag,
                      data=image_bytes())
    r = edit(owner, p["id"], alt_text=alt)
    assert helpers.assert_json(r, 200)["photo"]["alt_text"] == alt
    p = photos.ready(owner, p["id"])
    assert p["alt_text"] == alt and p["alt"] == alt
    assert p["caption"].startswith("Sunday")
    sha = sha_of(p)
    # The cat zone lists the photo once its owner says there is a cat.
    r = owner.post("%s/%s/corrections" % (PHOTOS, p["id"]),
                   json={"tag": "cat", "action": "add"})
    assert r.status_code == 200, helpers.describe(r)
    places = ["/photos", "/photos/%s" % p["id"], "/photos/tag/%s" % tag,
              "/photos/cats", "/photos/u/%s" % owner.username,
              "/u/%s" % owner.username, "/"]
    for path in places:
        page = wait_feed(anon, path, sha)
        alts = imgs_of(page, sha)
        assert alts and all(a == alt for a in alts), (path, alts)
        # Escaped, never markup, and never the caption.
        assert "<blanket>" not in page
        assert html.escape(alt) in page or \
            html.escape(alt, quote=False) in page
        assert all(not a.startswith("Sunday") for a in alts)


def test_without_alt_text_the_image_says_whose_photo_it_is(
        owner, anon, photos):
    p = photos.published(owner, caption="Not a description")
    assert p["alt_text"] == "" and p["alt"] == "Photo by %s" % owner.username
    page = wait_feed(anon, "/photos/u/%s" % owner.username, sha_of(p))
    assert imgs_of(page, sha_of(p)) == ["Photo by %s" % owner.username]


def test_alt_text_given_at_upload_through_api_and_form(owner, photos, anon,
                                                      helpers):
    r = owner.post(PHOTOS, files={
        "file": ("a.jpg", image_bytes(), "image/jpeg"),
        "caption": (None, "With words"),
        "alt_text": (None, "Two gulls on a post")})
    p = helpers.assert_json(r, 201)["photo"]
    photos.made.append(p["id"])
    assert p["alt_text"] == "Two gulls on a post"
    token = owner.csrf("/photos/new")
    r = owner.html.request("POST", "/photos/new", files={
        "file": ("a.png", image_bytes("PNG"), "image/png"),
        "caption": (None, "From the form"),
        "alt_text": (None, "A lighthouse at dusk"),
        "_csrf": (None, token)})
    assert r.status_code == 303, helpers.describe(r)
    pid = int(r.headers["Location"].rsplit("/", 1)[1])
    photos.made.append(pid)
    assert photos.ready(owner, pid)["alt_text"] == "A lighthouse at dusk"
    # The upload form has the field, labelled.
    page = owner.html.get("/photos/new").text
    assert 'for="photo-alt"' in page and 'name="alt_text"' in page


@pytest.mark.parametrize("alt,why", [("x" * 501, "500 characters"),
                                     ("two\nlines", "one line"),
                                     ("bell \x07", "control")])
def test_bad_alt_text_is_refused_and_changes_nothing(alt, why, owner,
                                                     photos, helpers):
    r = owner.post(PHOTOS, files={
        "file": ("a.jpg", image_bytes(), "image/jpeg"),
        "alt_text": (None, alt)})
    body = helpers.assert_problem(r, 422, ["alt_text"])
    assert why in body["errors"]["alt_text"], body
    p = photos.published(owner, caption="kept")
    r = edit(owner, p["id"], alt_text=alt, caption="changed")
    helpers.assert_problem(r, 422, ["alt_text"])
    got = photos.get(owner, p["id"])
    assert got["caption"] == "kept" and got["alt_text"] == ""
    assert got["edited_at"] is None
    # On the page: the form again, the reason beside alt text, text kept.
    page = "/photos/%s" % p["id"]
    r = owner.form(page + "/edit", {"caption": "changed on the page",
                                    "alt_text": alt}, page=page)
    text = helpers.assert_html(r, 422)
    m = re.search(r'id="alt_text-error">([^<]*)<', text)
    assert m and why in html.unescape(m.group(1)), text[-3000:]
    assert "changed on the page</textarea>" in text
    assert photos.get(owner, p["id"])["caption"] == "kept"


def test_the_owner_edits_caption_and_alt_text_on_the_page(owner, anon,
                                                          photos, helpers):
    tag_old, tag_new = unique_name("old"), unique_name("new")
    p = photos.published(owner, caption="Before #%s" % tag_old)
    page = "/photos/%s" % p["id"]
    text = owner.html.get(page).text
    assert 'action="%s/edit"' % page in text
    r = owner.form(page + "/edit", {"caption": "After #%s" % tag_new,
                                    "alt_text": "A quiet harbour"},
                   page=page)
    assert r.status_code == 303 and r.headers["Location"] == page
    got = photos.get(anon, p["id"])
    assert got["caption"] == "After #%s" % tag_new
    assert got["alt_text"] == "A quiet harbour"
    assert got["edited_at"] is not None
    # The #tags follow the caption.
    tags = got["tags"]
    assert tag_new in tags and tag_old not in tags
    assert "edited" in anon.html.get(page).text
    # Only the caption: the alt text stays (API, partial).
    r = edit(owner, p["id"], caption="Again")
    got = helpers.assert_json(r, 200)["photo"]
    assert got["caption"] == "Again" and got["alt_text"] == "A quiet harbour"


def test_others_cannot_edit(owner, other, anon, admin, photos, helpers):
    p = photos.published(owner, caption="Mine")
    page = "/photos/%s" % p["id"]
    assert edit(other, p["id"], caption="Theirs").status_code == 403
    assert edit(admin, p["id"], caption="Admin's").status_code == 403
    assert edit(anon, p["id"], caption="Anon").status_code == 401
    r = other.form(page + "/edit", {"caption": "Theirs", "alt_text": "x"},
                   page=page)
    assert r.status_code == 403
    # Not even with bad input, which would show the owner's form.
    r = other.form(page + "/edit", {"caption": "x" * 2001, "alt_text": ""},
                   page=page)
    assert r.status_code == 403
    assert 'action="%s/edit"' % page not in other.html.get(page).text
    r = anon.html.request("POST", page + "/edit",
                          data={"caption": "Anon"})
    assert r.status_code in (303, 401, 403)
    assert photos.get(anon, p["id"])["caption"] == "Mine"
    assert edit(other, 999999999, caption="x").status_code == 404


def test_a_flagged_edit_is_held_until_approved(owner, anon, photos, blog,
                                               helpers):
    p = photos.published(owner, caption="Clean words")
    spam = "Look " + " ".join("http://spam%d.example/" % i for i in range(6))
    r = edit(owner, p["id"], caption=spam, alt_text="Nice alt")
    assert r.status_code == 200, helpers.describe(r)
    # The moderate job flags it: the photo shows what it said before.
    wait_for(lambda: photos.get(anon, p["id"])["caption"] == "Clean words",
             what="the flagged edit to be undone")
    got = photos.get(owner, p["id"])
    assert got["edit_held"] is True and got["alt_text"] == ""
    assert "held for a moderator" in owner.html.get(
        "/photos/%s" % p["id"]).text
    items = [i for i in blog.queue() if i["kind"] == "photo_edit" and
             i.get("link") == "/photos/%s" % p["id"]]
    assert len(items) == 1, blog.queue()
    item = items[0]
    blog.approve("photo_edit", item["item_id"])
    got = photos.get(anon, p["id"])
    assert got["caption"] == spam and got["alt_text"] == "Nice alt"
    assert photos.get(owner, p["id"])["edit_held"] is False


def test_a_clean_edit_stays(owner, anon, photos):
    p = photos.published(owner, caption="First")
    r = edit(owner, p["id"], caption="Second, clean", alt_text="A dog")
    assert r.status_code == 200
    # The moderate job has looked (the same queue) and left it.
    photos.published(owner, caption="after")
    got = photos.get(anon, p["id"])
    assert got["caption"] == "Second, clean" and got["alt_text"] == "A dog"
