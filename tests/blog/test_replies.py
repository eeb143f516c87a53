"""Replies to comments (one level) with a 'reply' notification to the
parent comment's author, and editing one's own comment (reviewed again
by the moderate job, marked edited)."""

import secrets
import time

import pytest

NOTIFY = "/api/v1/notifications"
FLAGGED = "Get cheap VIAGRA here, best prices."


def reply(actor, post_id, parent, body=None):
    return actor.post("/api/v1/blog/posts/%s/comments" % post_id, json={
        "body": body or "A reply, %s." % secrets.token_hex(3),
        "parent_id": parent})


def notes(actor, kind=None):
    r = actor.get(NOTIFY, params={"limit": 100})
    assert r.status_code == 200, r.text
    got = r.json()["notifications"]
    return [n for n in got if kind is None or n["kind"] == kind]


def by_id(comments):
    return {c["id"]: c for c in comments}


# ---------------------------------------------------------------- replies

def test_one_level_of_replies(author, other, new_user, blog, helpers):
    third = new_user("r3_")
    post = blog.published(author)
    top = blog.comment(other, post["id"])
    r = reply(third, post["id"], top["id"])
    assert r.status_code == 201, helpers.describe(r)
    first = r.json()["comment"]
    assert first["parent_id"] == top["id"]

    # A reply to the reply hangs under the top-level comment.
    r = reply(author, post["id"], first["id"])
    assert r.status_code == 201, helpers.describe(r)
    second = r.json()["comment"]
    assert second["parent_id"] == top["id"]

    later = blog.comment(third, post["id"])
    got = blog.comments(other, post["id"])
    assert [c["id"] for c in got] == [top["id"], first["id"], second["id"],
                                      later["id"]]
    assert by_id(got)[top["id"]]["parent_id"] is None
    assert by_id(got)[later["id"]]["parent_id"] is None

    page = other.html.get(post["url"]).text
    block = page.split('id="c%s"' % top["id"])[1].split(
        'id="c%s"' % later["id"])[0]
    assert 'class="replies"' in block
    assert 'id="c%s"' % first["id"] in block
    assert 'id="c%s"' % second["id"] in block
    assert 'name="parent" value="%s"' % top["id"] in page


def test_reply_needs_a_comment_of_that_post(author, other, blog, helpers):
    post = blog.published(author)
    elsewhere = blog.published(author)
    theirs = blog.comment(other, elsewhere["id"])
    before = len(blog.comments(author, post["id"]))

    for parent in (theirs["id"], 999999999):
        r = reply(other, post["id"], parent)
        assert r.status_code == 404, helpers.describe(r)
    for bad in ("1", -1, 0, 1.5, [1]):
        r = reply(other, post["id"], bad)
        helpers.assert_problem(r, 422, fields=["parent_id"])
    r = other.form("/blog/%s/comments" % post["id"],
                   {"body": "by form", "parent": "x1"}, page=post["url"])
    assert r.status_code == 422
    assert len(blog.comments(author, post["id"])) == before


def test_reply_to_a_held_comment_is_only_for_who_sees_it(
        author, other, new_user, blog, helpers):
    third = new_user("rh_")
    post = blog.published(author)
    held = blog.comment(other, post["id"], FLAGGED + secrets.token_hex(2))
    blog.wait_hidden(third, post["id"], held["id"])
    r = reply(third, post["id"], held["id"])
    assert r.status_code == 404, helpers.describe(r)
    # Its author still sees it, and may answer under it.
    r = reply(other, post["id"], held["id"])
    assert r.status_code == 201, helpers.describe(r)


def test_reply_through_the_form(author, other, blog, helpers):
    post = blog.published(author)
    top = blog.comment(author, post["id"])
    text = "Form reply %s" % secrets.token_hex(3)
    r = other.form("/blog/%s/comments" % post["id"],
                   {"body": text, "parent": str(top["id"])}, page=post["url"])
    assert r.status_code == 303, helpers.describe(r)
    got = [c for c in blog.comments(other, post["id"]) if c["body"] == text]
    assert len(got) == 1 and got[0]["parent_id"] == top["id"]


def test_reply_notifies_the_parents_author(author, other, new_user, blog):
    third = new_user("rn_")
    post = blog.published(author)
    top = blog.comment(other, post["id"])
    before = {n["id"] for n in notes(other)}

    r = reply(third, post["id"], top["id"], "Good point, @%s." % other.username)
    assert r.status_code == 201
    rid = r.json()["comment"]["id"]
    got = [n for n in notes(other) if n["id"] not in before]
    assert [n["kind"] for n in got] == ["reply"], got
    assert got[0]["link"].endswith("#c%s" % rid)
    assert "replied to your comment" in other.html.get("/notifications").text
    # The post's author hears of the comment as before, once.
    kinds = [n["kind"] for n in notes(author)
             if n["link"].endswith("#c%s" % rid)]
    assert kinds == ["comment"]

    # Not for one's own reply.
    before = {n["id"] for n in notes(other)}
    assert reply(other, post["id"], top["id"]).status_code == 201
    assert [n for n in notes(other) if n["id"] not in before] == []

    # The post's author replying to a comment: its author gets a reply.
    before = {n["id"] for n in notes(other)}
    assert reply(author, post["id"], top["id"]).status_code == 201
    assert [n["kind"] for n in notes(other) if n["id"] not in before] == \
        ["reply"]


def test_no_reply_notification_while_held(author, other, new_user, blog,
                                          helpers):
    third = new_user("rq_")
    post = blog.published(author)
    top = blog.comment(other, post["id"])
    r = reply(third, post["id"], top["id"], FLAGGED + secrets.token_hex(2))
    held = r.json()["comment"]
    blog.wait_hidden(author, post["id"], held["id"])
    helpers.wait_for(lambda: not [n for n in notes(other, "reply")
                                  if n["link"].endswith("#c%s" % held["id"])],
                     what="the held reply's notification to go")
    blog.approve("comment", held["id"])
    got = [n for n in notes(other, "reply")
           if n["link"].endswith("#c%s" % held["id"])]
    assert len(got) == 1


# ---------------------------------------------------------------- edits

def test_edit_own_comment(author, other, anon, blog, helpers):
    post = blog.published(author)
    c = blog.comment(other, post["id"])
    r = other.patch("/api/v1/blog/comments/%s" % c["id"],
                    json={"body": "Changed <b>mind</b>."})
    assert r.status_code == 200, helpers.describe(r)
    assert r.json()["comment"]["edited_at"]
    got = by_id(blog.comments(anon, post["id"]))[c["id"]]
    assert got["body"] == "Changed <b>mind</b>."
    assert got["edited_at"] and got["edited_at"] >= got["created_at"]
    page = anon.html.get(post["url"]).text
    art = page.split('id="c%s"' % c["id"])[1].split("</article>")[0]
    assert "edited" in art
    assert "Changed &lt;b&gt;mind&lt;/b&gt;." in art
    assert "<b>mind" not in page


@pytest.mark.parametrize("who,status", [
    ("anon", 401), ("author", 403), ("third", 403), ("admin", 403)])
def test_others_comments_are_not_editable(author, other, anon, admin,
                                          new_user, blog, helpers, who,
                                          status):
    actors = {"anon": anon, "author": author, "admin": admin,
              "third": new_user("re_")}
    post = blog.published(author)
    c = blog.comment(other, post["id"])
    actor = actors[who]
    r = actor.patch("/api/v1/blog/comments/%s" % c["id"],
                    json={"body": "Hijacked."})
    assert r.status_code == status, helpers.describe(r)
    if not actor.anonymous:
        r = actor.form("/blog/comments/%s/edit" % c["id"],
                       {"body": "Hijacked."}, page=post["url"])
        assert r.status_code == status
        page = actor.html.get(post["url"]).text
        assert 'action="/blog/comments/%s/edit"' % c["id"] not in page
    got = by_id(blog.comments(other, post["id"]))[c["id"]]
    assert got["body"] == c["body"] and got["edited_at"] is None


def test_bad_edits_change_nothing(author, other, blog, helpers):
    post = blog.published(author)
    c = blog.comment(other, post["id"])
    for body in ({"body": ""}, {"body": "x" * 5001}, {"body": "bell \x07"},
                 {"body": 5}, {}):
        r = other.patch("/api/v1/blog/comments/%s" % c["id"], json=body)
        helpers.assert_problem(r, 422, fields=["body"])
    r = other.patch("/api/v1/blog/comments/999999999", json={"body": "x"})
    assert r.status_code == 404
    got = by_id(blog.comments(other, post["id"]))[c["id"]]
    assert got["body"] == c["body"] and got["edited_at"] is None


def test_edit_through_the_form(author, other, blog, helpers):
    post = blog.published(author)
    c = blog.comment(other, post["id"])
    page = other.html.get(post["url"]).text
    assert 'action="/blog/comments/%s/edit"' % c["id"] in page
    r = other.form("/blog/comments/%s/edit" % c["id"],
                   {"body": "Edited by form."}, page=post["url"])
    assert r.status_code == 303, helpers.describe(r)
    assert r.headers["location"].endswith("#c%s" % c["id"])
    got = by_id(blog.comments(other, post["id"]))[c["id"]]
    assert got["body"] == "Edited by form." and got["edited_at"]
    r = other.form("/blog/comments/%s/edit" % c["id"], {"body": "x"},
                   page=post["url"], csrf=None)
    assert r.status_code == 403


def test_an_edit_goes_through_moderation(author, other, blog):
    post = blog.published(author)
    c = blog.comment(other, post["id"])
    r = other.patch("/api/v1/blog/comments/%s" % c["id"],
                    json={"body": FLAGGED + secrets.token_hex(2)})
    assert r.status_code == 200
    blog.wait_hidden(author, post["id"], c["id"])
    item = blog.queue_item("comment", c["id"])
    assert item is not None
    mine = by_id(blog.comments(other, post["id"]))[c["id"]]
    assert mine["hidden"] is True and mine["edited_at"]
