"""The upload page when something is wrong: the form comes back (422 or
413) with the reason beside the field it is about and the caption kept,
and nothing is posted."""

import html
import re

from agora_kit.site import Tags
from conftest import PHOTOS, image_bytes


def post_form(actor, fields):
    token = actor.csrf("/photos/new")
    files = {"_csrf": (None, token)}
    files.update(fields)
    return actor.html.request("POST", "/photos/new", files=files,
                              allow_redirects=False)


def field_error(page, field):
    """The text of the error beside `field` ('' when hidden or empty)."""
    m = re.search(r'<small class="field-error" id="%s-error"( hidden)?>'
                  r'([^<]*)</small>' % field, page)
    assert m is not None, "no error slot for %s in %r" % (field, page[:2000])
    return "" if m.group(1) else html.unescape(m.group(2))


def textarea(page, name):
    m = re.search(r'<textarea[^>]*name="%s"[^>]*>([^<]*)</textarea>' % name,
                  page)
    assert m is not None, "no textarea %s" % name
    return html.unescape(m.group(1))


def invalid(page, name):
    for tag, attrs in Tags(page).tags:
        if attrs.get("name") == name:
            return attrs.get("aria-invalid") == "true"
    raise AssertionError("no field %s" % name)


def feed_ids(actor, user):
    return [p["id"] for p in
            actor.get(PHOTOS, params={"user": user}).json()["photos"]]


def test_not_an_image_keeps_the_caption_and_says_why_beside_the_file(
        owner, helpers):
    caption = 'Dusk <b>"over"</b> the bay #dusk'
    r = post_form(owner, {"file": ("notes.jpg", b"just some text\n" * 20,
                                   "image/jpeg"),
                          "caption": (None, caption)})
    page = helpers.assert_html(r, 422)
    assert "Not a JPEG, PNG or WebP image" in field_error(page, "file")
    assert field_error(page, "caption") == ""
    assert invalid(page, "file") and not invalid(page, "caption")
    assert textarea(page, "caption") == caption
    assert '<b>"over"</b>' not in page
    assert 'role="alert"' in page
    assert feed_ids(owner, owner.username) == []


def test_no_file_and_an_empty_file_are_refused_on_the_form(owner, helpers):
    r = post_form(owner, {"caption": (None, "Where is it")})
    page = helpers.assert_html(r, 422)
    assert field_error(page, "file") == "Choose an image file."
    assert textarea(page, "caption") == "Where is it"
    r = post_form(owner, {"file": ("e.png", b"", "image/png"),
                          "caption": (None, "Empty")})
    page = helpers.assert_html(r, 422)
    # Kore keeps no empty file part, so it is no file at all.
    assert field_error(page, "file") in ("The file is empty.",
                                         "Choose an image file.")
    assert textarea(page, "caption") == "Empty"
    assert feed_ids(owner, owner.username) == []


def test_a_caption_too_long_is_marked_and_kept(owner, helpers):
    caption = "x" * 2001
    r = post_form(owner, {"file": ("a.png", image_bytes("PNG"), "image/png"),
                          "caption": (None, caption)})
    page = helpers.assert_html(r, 422)
    assert "2,000 characters" in field_error(page, "caption")
    assert field_error(page, "file") == ""
    assert invalid(page, "caption") and not invalid(page, "file")
    assert textarea(page, "caption") == caption
    assert feed_ids(owner, owner.username) == []


def test_the_form_names_its_fields_and_links_the_errors(owner, helpers):
    page = helpers.assert_html(owner.html.get("/photos/new"), 200)
    for name in ("file", "caption"):
        ids = [a for t, a in Tags(page).tags if a.get("name") == name]
        assert ids and ids[0].get("aria-describedby") == "%s-error" % name
        assert 'for="%s"' % ids[0]["id"] in page
    assert field_error(page, "file") == ""
    assert "/static/photos" in page
