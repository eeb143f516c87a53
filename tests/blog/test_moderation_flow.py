"""From writing to publication, rejection and hidden comments, with the
emails that go out."""

import requests

from conftest import (BASE, approve, mails_to, new_post, unique, wait_for)


def on_index(title):
    return title in requests.get(BASE + "/blog").text


def test_post_is_reviewed_published_and_the_author_told(author, admin):
    title = unique("Reviewed")
    post = new_post(author, title=title)
    assert not on_index(title)
    items = admin.get("/api/v1/admin/moderation").json()["items"]
    item = [i for i in items if i["kind"] == "post" and
            i["item_id"] == post["id"]]
    assert item and item[0]["preview_title"] == title
    assert item[0]["author"] == author.name

    approve(admin, post["id"])
    wait_for(lambda: on_index(title), what="the post on /blog")
    msg = wait_for(lambda: [m for m in mails_to(author.email)
                            if "is published" in m["Subject"]],
                   what="the approval email")[0]
    assert title in msg["Subject"]
    # Decided: no longer in the queue; a second decision finds nothing.
    r = admin.post(f"/api/v1/admin/moderation/post/{post['id']}/approve",
                   json={})
    assert r.status_code == 404


def test_rejection_needs_a_reason_and_tells_the_author(author, admin):
    title = unique("Rejected")
    post = new_post(author, title=title)
    url = f"/api/v1/admin/moderation/post/{post['id']}/reject"
    assert admin.post(url, json={}).status_code == 422
    assert admin.post(url, json={"reason": "Off topic"}).status_code == 200
    got = author.get(f"/api/v1/blog/posts/{post['id']}").json()["post"]
    assert got["status"] == "rejected"
    assert got["reject_reason"] == "Off topic"
    msg = wait_for(lambda: [m for m in mails_to(author.email)
                            if "not published" in m["Subject"]],
                   what="the rejection email")[0]
    assert "Off topic" in msg.get_body(("plain",)).get_content()


def test_flagged_comment_is_hidden_until_approved(author, other, admin):
    post = new_post(author)
    approve(admin, post["id"])
    r = other.post(f"/api/v1/blog/posts/{post['id']}/comments",
                   json={"body": "cheap viagra here"})
    cid = r.json()["comment"]["id"]
    path = f"/api/v1/blog/posts/{post['id']}/comments"

    def hidden_for_anon():
        ids = [c["id"] for c in requests.get(BASE + path).json()["comments"]]
        return cid not in ids
    wait_for(hidden_for_anon, what="the comment to be hidden")
    mine = [c for c in other.get(path).json()["comments"] if c["id"] == cid]
    assert mine and mine[0]["hidden"] is True
    # The post's author is told about the comment.
    wait_for(lambda: [m for m in mails_to(author.email)
                      if "commented on" in m["Subject"]],
             what="the comment email")

    r = admin.post(f"/api/v1/admin/moderation/comment/{cid}/approve",
                   json={})
    assert r.status_code == 200
    ids = [c["id"] for c in requests.get(BASE + path).json()["comments"]]
    assert cid in ids


def test_edit_by_author_sends_post_back_to_review(author, admin):
    title = unique("Edited")
    post = new_post(author, title=title)
    approve(admin, post["id"])
    r = author.patch(f"/api/v1/blog/posts/{post['id']}",
                     json={"body": "changed"})
    assert r.json()["post"]["status"] == "pending"
    items = admin.get("/api/v1/admin/moderation").json()["items"]
    assert any(i["item_id"] == post["id"] and i["kind"] == "post"
               for i in items)
