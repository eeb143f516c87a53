"""The full-screen viewer: /photos/{id}?in=feed|user|tag|cats shows one
photo with links to the previous (newer) and next (older) photo of that
list in the grid's order, a close link back to the grid, its alt text
and labels; lists that are not one are 400, photos one cannot see 404."""

import html
import re

import pytest

from agora_kit.site import Tags, unique_name
from conftest import PHOTOS


def viewer(actor, pid, query, status=200):
    r = actor.html.get("/photos/%s?%s" % (pid, query))
    assert r.status_code == status, (r.status_code, r.text[:500])
    return r.text


def link(page, cls):
    """The href of the viewer's link of class `cls`, or None."""
    for tag, a in Tags(page).tags:
        if tag == "a" and cls in a.get("class", "").split():
            return html.unescape(a["href"])
    return None


def target(page, cls):
    href = link(page, cls)
    if href is None:
        return None
    m = re.match(r"/photos/(\d+)\?(.*)$", href)
    assert m, href
    return int(m.group(1)), m.group(2)


@pytest.fixture
def three(owner, photos):
    tag = unique_name("vw")
    a = photos.published(owner, caption="a #%s" % tag)
    b = photos.published(owner, caption="b")
    c = photos.published(owner, caption="c #%s" % tag)
    return tag, a["id"], b["id"], c["id"]


def test_prev_and_next_within_a_users_photos(three, owner, anon):
    tag, a, b, c = three
    q = "in=user&u=%s" % owner.username
    page = viewer(anon, b, q)
    assert target(page, "viewer-prev") == (c, q)
    assert target(page, "viewer-next") == (a, q)
    # The ends of the list have nothing to go to.
    page = viewer(anon, c, q)
    assert link(page, "viewer-prev") is None
    assert 'class="viewer-prev" aria-disabled="true"' in page
    assert target(page, "viewer-next") == (b, q)
    page = viewer(anon, a, q)
    assert target(page, "viewer-prev") == (b, q)
    assert link(page, "viewer-next") is None


def test_prev_and_next_within_a_tag_and_the_feed(three, owner, anon):
    tag, a, b, c = three
    q = "in=tag&t=%s" % tag
    page = viewer(anon, c, q)
    assert target(page, "viewer-next") == (a, q)      # b has not the tag
    assert link(page, "viewer-prev") is None
    # The feed: the neighbours of the grid's own order.
    ids = [p["id"] for p in anon.get(PHOTOS, params={"limit": 100})
           .json()["photos"]]
    i = ids.index(b)
    page = viewer(anon, b, "in=feed")
    assert target(page, "viewer-prev") == (ids[i - 1], "in=feed")
    assert target(page, "viewer-next") == (ids[i + 1], "in=feed")


def test_the_cat_zone(owner, anon, photos, helpers):
    one = photos.published(owner)
    two = photos.published(owner)
    for p in (one, two):
        r = owner.post("%s/%s/corrections" % (PHOTOS, p["id"]),
                       json={"tag": "cat", "action": "add"})
        assert r.status_code == 200, helpers.describe(r)
    page = viewer(anon, two["id"], "in=cats")
    assert target(page, "viewer-next") == (one["id"], "in=cats")
    assert link(page, "viewer-close") == "/photos/cats#p%s" % two["id"]


def test_the_viewer_is_a_labelled_dialog_with_the_alt_text(three, owner,
                                                           other):
    tag, a, b, c = three
    r = owner.patch("%s/%s" % (PHOTOS, b), json={"alt_text": "Wet sand"})
    assert r.status_code == 200
    page = viewer(other, b, "in=user&u=%s" % owner.username)
    attrs = [at for t, at in Tags(page).tags if at.get("id") == "viewer"][0]
    assert attrs["role"] == "dialog" and attrs["aria-modal"] == "true"
    assert 'id="%s"' % attrs["aria-labelledby"] in page
    assert link(page, "viewer-close") == "/photos/u/%s#p%s" % (
        owner.username, b)
    labels = {at.get("class"): at.get("aria-label")
              for t, at in Tags(page).tags if t == "a"}
    assert labels["viewer-close"] == "Close the viewer"
    assert labels["viewer-prev"] == "Previous photo"
    assert labels["viewer-next"] == "Next photo"
    alts = [at["alt"] for t, at in Tags(page).tags if t == "img" and
            "/media/display/" in at.get("src", "")]
    assert alts == ["Wet sand"]
    assert 'href="/photos/%s"' % b in page            # comments and details
    # A like from the viewer comes back to it.
    q = "in=user&u=%s" % owner.username
    assert 'name="back" value="/photos/%s?in=user&amp;u=%s"' % (
        b, owner.username) in page
    r = other.form("/photos/%s/like" % b,
                   {"back": "/photos/%s?%s" % (b, q)},
                   page="/photos/%s?%s" % (b, q))
    assert r.headers["Location"] == "/photos/%s?%s#p%s" % (b, q, b)


@pytest.mark.parametrize("query", ["in=nope", "in=user", "in=user&u=Bad!",
                                   "in=tag", "in=tag&t=" + "x" * 51,
                                   "in=user&u=a%27b"])
def test_lists_that_are_not_one_are_400(query, three, anon):
    viewer(anon, three[1], query, status=400)


def test_the_viewer_shows_only_what_the_reader_may_see(owner, other, anon,
                                                       admin, photos):
    p = photos.published(owner)
    r = admin.post("/api/v1/admin/moderation/photo/%s/reject" % p["id"],
                   json={"reason": "no"})
    if r.status_code == 404:
        # Not in the queue: report it first, then reject.
        other.post("%s/%s/report" % (PHOTOS, p["id"]), json={"reason": "x"})
        r = admin.post("/api/v1/admin/moderation/photo/%s/reject" % p["id"],
                       json={"reason": "no"})
    assert r.status_code == 200, r.text
    for who in (anon, other):
        viewer(who, p["id"], "in=feed", status=404)
        viewer(who, p["id"], "in=user&u=%s" % owner.username, status=404)
    viewer(owner, p["id"], "in=user&u=%s" % owner.username)
    viewer(anon, 999999999, "in=feed", status=404)
