"""Revisions: every save of a post is kept, and fixing a typo in a
published post does not take it offline.  While a user's edit waits for
review the approved version stays public (its URL, /blog, the API, the
search), the editor and the post page say so, an admin's decision
applies to the pending revision, and the author and admins see the
history, the changes between two revisions, and can restore one."""

import random
import re
import string

from urllib.parse import urlparse

import pytest


def on_index(actor, post_id, helpers):
    r = actor.html.get("/blog")
    helpers.assert_html(r, 200)
    return post_id in helpers.post_ids_in_list(r.text)


def in_api_list(actor, post_id, helpers):
    r = actor.get("/api/v1/blog/posts?limit=100")
    return post_id in [p["id"] for p in helpers.assert_json(r, 200)["posts"]]


def word():
    """A word no other test wrote and no stemmer changes."""
    return "zr" + "".join(random.choice(string.ascii_lowercase)
                          for _ in range(10))


def found(actor, q):
    r = actor.get("/api/v1/search", params={"q": q})
    assert r.status_code == 200, r.text
    return {(x["kind"], int(x["id"])) for x in r.json()["results"]}


def page_of(post):
    return urlparse(post["url"]).path


def edit(actor, pid, **fields):
    r = actor.patch("/api/v1/blog/posts/%s" % pid, json=fields)
    assert r.status_code == 200, r.text
    return r.json()["post"]


def revisions(actor, pid):
    r = actor.get("/api/v1/blog/posts/%s/revisions" % pid)
    assert r.status_code == 200, r.text
    return r.json()["revisions"]


def test_a_published_post_stays_up_while_its_edit_waits(
        author, anon, admin, blog, helpers):
    old, new = word(), word()
    post = blog.published(author, body="The %s walk.\n\nSecond line." % old)
    pid = post["id"]
    helpers.wait_for(lambda: on_index(anon, pid, helpers),
                     what="the post on /blog")

    title = blog.new_title("Typo fixed")
    got = edit(author, pid, title=title,
               body="The %s walk.\n\nSecond line." % new)
    # The answer is the published post, with the edit beside it.
    assert got["status"] == "approved" and got["title"] == post["title"]
    assert got["edit"]["status"] == "pending"
    assert got["edit"]["title"] == title
    assert new in got["edit"]["body"] and old in got["body"]

    # Readers still have the published version, everywhere.
    r = anon.html.get(page_of(post))
    helpers.assert_html(r, 200)
    assert old in r.text and new not in r.text
    assert "waiting for" not in r.text
    assert blog.get(anon, pid)["title"] == post["title"]
    assert "edit" not in blog.get(anon, pid)
    assert on_index(anon, pid, helpers)
    assert in_api_list(anon, pid, helpers)
    assert ("post", pid) in found(anon, old)
    assert ("post", pid) not in found(anon, new)
    assert ("post", pid) not in found(author, new)

    # The author is told what happens.
    page = author.html.get(page_of(post)).text
    assert "is waiting for an admin&#39;s review" in page or \
        "is waiting for an admin's review" in page
    assert old in page
    live = revisions(author, pid)[1]["id"]
    changes = "/blog/%s/diff?from=%s&amp;to=%s" % (
        pid, live, got["edit"]["revision"])
    assert changes in page
    assert changes in admin.html.get(page_of(post)).text
    own = helpers.list_item(author.html.get(
        "/blog/u/%s" % author.username).text, pid)
    assert "edit waiting for review</mark>" in own
    assert "edit waiting" not in helpers.list_item(anon.html.get(
        "/blog/u/%s" % author.username).text, pid)
    editor = author.html.get("/blog/%s/edit" % pid).text
    assert "waiting for an admin" in editor
    assert new in editor and title in editor

    # The review is of the pending revision.
    q = blog.queue_item("post", pid)
    assert q is not None
    assert q["preview_title"] == title and new in q["preview_body"]
    blog.approve("post", pid)
    now = blog.get(anon, pid)
    assert now["title"] == title and new in now["body"]
    assert "edit" not in blog.get(author, pid)
    assert blog.queue_item("post", pid) is None
    helpers.assert_html(anon.html.get(page_of(now)), 200)
    assert ("post", pid) in found(anon, new)
    assert ("post", pid) not in found(anon, old)


def test_a_form_edit_keeps_the_post_up_and_the_editor_says_so(
        author, anon, blog, helpers):
    post = blog.published(author)
    path = "/blog/%s/edit" % post["id"]
    before = author.html.get(path).text
    assert "stays up while you edit" in before
    r = author.form(path, {"title": post["title"], "body": "Form edit.",
                           "status": "pending"}, page=path)
    assert r.status_code == 303, helpers.describe(r)
    helpers.assert_html(anon.html.get(page_of(post)), 200)
    assert blog.get(anon, post["id"])["body"] == post["body"]
    assert blog.get(author, post["id"])["edit"]["body"] == "Form edit."
    assert blog.queue_item("post", post["id"]) is not None


def test_a_rejected_edit_leaves_the_published_version(author, anon, blog,
                                                      helpers):
    post = blog.published(author)
    edit(author, post["id"], body="Something the admin refuses.")
    blog.reject("post", post["id"], "Keep it <civil>.")
    got = blog.get(anon, post["id"])
    assert got["status"] == "approved" and got["body"] == post["body"]
    mine = blog.get(author, post["id"])
    assert mine["edit"]["status"] == "rejected"
    assert mine["edit"]["reason"] == "Keep it <civil>."
    editor = author.html.get("/blog/%s/edit" % post["id"]).text
    assert "was not published: Keep it &lt;civil&gt;." in editor
    assert "Something the admin refuses." in editor
    # Sent again, it is reviewed again.
    edit(author, post["id"], body="Something better.")
    assert blog.get(author, post["id"])["edit"]["status"] == "pending"
    assert blog.queue_item("post", post["id"]) is not None


def test_a_drafted_edit_waits_for_no_one(author, anon, blog):
    post = blog.published(author)
    got = edit(author, post["id"], body="Half done.", status="draft")
    assert got["edit"]["status"] == "draft"
    assert blog.queue_item("post", post["id"]) is None
    assert blog.get(anon, post["id"])["body"] == post["body"]
    page = author.html.get(page_of(post)).text
    assert "a draft of an edit" in page
    # Sent: in review.  Back to the published text: nothing waits.
    got = edit(author, post["id"], status="pending")
    assert got["edit"]["status"] == "pending"
    assert blog.queue_item("post", post["id"]) is not None
    got = edit(author, post["id"], body=post["body"])
    assert "edit" not in got
    assert blog.queue_item("post", post["id"]) is None


def test_an_admin_edit_publishes_the_pending_one(author, admin, anon, blog):
    post = blog.published(author)
    edit(author, post["id"], body="The author's fix.")
    got = edit(admin, post["id"], status="pending")
    assert got["body"] == "The author's fix." and "edit" not in got
    assert blog.get(anon, post["id"])["body"] == "The author's fix."
    assert blog.queue_item("post", post["id"]) is None


def test_every_save_is_a_revision(author, admin, blog):
    post = blog.create(author, body="One.")
    edit(author, post["id"], body="Two.")
    edit(author, post["id"], body="Two.")         # no change: no revision
    blog.approve("post", post["id"])
    edit(author, post["id"], title="Three %s" % word(), body="Three.")
    revs = revisions(author, post["id"])
    assert [r["state"] for r in revs] == ["pending", "published", None]
    assert all(r["editor"] == author.username for r in revs)
    assert revs[0]["id"] > revs[1]["id"] > revs[2]["id"]
    assert revisions(admin, post["id"]) == revs
    one = author.get("/api/v1/blog/posts/%s/revisions/%s"
                     % (post["id"], revs[2]["id"])).json()["revision"]
    assert one["body"] == "One." and one["title"] == post["title"]
    assert blog.get(author, post["id"])["revision_count"] == 3


@pytest.mark.parametrize("who,published,expected", [
    ("anon", True, 401), ("other", True, 403), ("other", False, 404),
    ("author", False, 200), ("admin", True, 200)])
def test_who_sees_the_history(who, published, expected, author, other, anon,
                              admin, blog):
    people = {"anon": anon, "author": author, "other": other,
              "admin": admin}
    post = blog.published(author) if published else blog.create(author)
    rid = revisions(author, post["id"])[0]["id"]
    actor = people[who]
    for path in ("/api/v1/blog/posts/%s/revisions",
                 "/api/v1/blog/posts/%%s/revisions/%s" % rid):
        r = actor.get(path % post["id"])
        assert r.status_code == expected, (path, r.text)
    for path in ("/blog/%s/history", "/blog/%%s/revisions/%s" % rid,
                 "/blog/%%s/diff?from=%s&to=%s" % (rid, rid)):
        r = actor.html.get(path % post["id"], allow_redirects=False)
        assert r.status_code == (303 if expected == 401 else expected), path
    if who != "author":
        r = actor.post("/api/v1/blog/posts/%s/revisions/%s/restore"
                       % (post["id"], rid))
        assert r.status_code == expected, r.text


def test_a_revision_of_another_post_is_404(author, blog):
    a = blog.published(author)
    b = blog.published(author)
    rid = revisions(author, b["id"])[0]["id"]
    r = author.get("/api/v1/blog/posts/%s/revisions/%s" % (a["id"], rid))
    assert r.status_code == 404
    r = author.post("/api/v1/blog/posts/%s/revisions/%s/restore"
                    % (a["id"], rid))
    assert r.status_code == 404
    assert blog.get(author, a["id"])["body"] == a["body"]


def test_restoring_is_an_edit(author, admin, anon, blog, helpers):
    post = blog.published(author, body="First words.")
    first = revisions(author, post["id"])[0]["id"]
    edit(admin, post["id"], body="Second words.")
    assert blog.get(anon, post["id"])["body"] == "Second words."

    # The author's restore waits for review like any edit.
    r = author.post("/api/v1/blog/posts/%s/revisions/%s/restore"
                    % (post["id"], first))
    got = helpers.assert_json(r, 200)["post"]
    assert got["body"] == "Second words."
    assert got["edit"]["body"] == "First words."
    assert got["edit"]["status"] == "pending"
    revs = revisions(author, post["id"])
    assert revs[0]["restored_from"] == first
    assert blog.get(anon, post["id"])["body"] == "Second words."

    # An admin's restore, through the page, is published at once.
    second = revs[1]["id"]
    page = admin.html.get("/blog/%s/history" % post["id"]).text
    action = "/blog/%s/revisions/%s/restore" % (post["id"], second)
    assert 'action="%s"' % action in page
    r = admin.form(action, {}, page="/blog/%s/history" % post["id"])
    assert r.status_code == 303, helpers.describe(r)
    assert blog.get(anon, post["id"])["body"] == "Second words."
    assert "edit" not in blog.get(author, post["id"])
    assert blog.queue_item("post", post["id"]) is None


def test_the_history_page_and_the_changes(author, blog, helpers):
    post = blog.published(author, body="Line one.\nLine <two>.\nLine three.")
    edit(author, post["id"], body="Line one.\nLine 2 & more.\nLine three.")
    revs = revisions(author, post["id"])
    page = author.html.get("/blog/%s/history" % post["id"])
    helpers.assert_html(page, 200)
    for r in revs:
        assert 'href="/blog/%s/revisions/%s"' % (post["id"], r["id"]) \
            in page.text
    assert "waiting for review" in page.text and "published" in page.text
    link = "/blog/%s/diff?from=%s&amp;to=%s" % (post["id"], revs[1]["id"],
                                                revs[0]["id"])
    assert link in page.text
    diff = author.html.get(link.replace("&amp;", "&"))
    helpers.assert_html(diff, 200)
    assert "<del>Line &lt;two&gt;.</del>" in diff.text
    assert "<ins>Line 2 &amp; more.</ins>" in diff.text
    assert "<span>Line one.</span>" in diff.text
    assert "<span>Line three.</span>" in diff.text
    one = author.html.get("/blog/%s/revisions/%s" % (post["id"],
                                                     revs[1]["id"]))
    assert "Line &lt;two&gt;." in one.text
    assert "Restore this revision" in one.text
    r = author.html.get("/blog/%s/diff?from=x&to=1" % post["id"])
    assert r.status_code == 404


def test_search_indexes_the_public_version_only(author, admin, anon, blog):
    secret = word()
    post = blog.published(author)
    edit(author, post["id"], title="Edited %s" % secret)
    for actor in (anon, author, admin):
        assert ("post", post["id"]) not in found(actor, secret)


def test_a_post_keeps_its_newest_200_revisions_and_the_published_one(
        author, blog):
    post = blog.published(author, body="The published text.")
    published = revisions(author, post["id"])[0]["id"]
    for i in range(205):
        edit(author, post["id"], body="Save %d" % i, status="draft")
    revs = revisions(author, post["id"])
    assert len(revs) == 200
    assert revs[0]["state"] == "draft"
    r = author.get("/api/v1/blog/posts/%s/revisions/%s"
                   % (post["id"], published))
    assert r.status_code == 200 and r.json()["revision"]["state"] == \
        "published"
    assert blog.get(author, post["id"])["revision_count"] == 201
