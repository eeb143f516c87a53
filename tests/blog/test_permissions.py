"""Who may do what with posts and comments, in the API and the pages."""

import pytest
import requests

from conftest import (BASE, _new_user, approve, csrf_of, html_login,
                      new_post)


def who(name, author, other, admin, anon):
    return {"author": author, "other": other, "admin": admin,
            "anon": anon}[name]


@pytest.mark.parametrize("reader,expected", [
    ("anon", 404), ("other", 404), ("author", 200), ("admin", 200)])
def test_unpublished_post_is_visible_to_author_and_admins(
        reader, expected, author, other, admin, anon):
    post = new_post(author)                       # pending
    assert post["status"] == "pending"
    r = who(reader, author, other, admin, anon).get(
        f"/api/v1/blog/posts/{post['id']}")
    assert r.status_code == expected
    page = requests.get(BASE + post["url"],
                        headers=who(reader, author, other, admin, anon).h)
    assert page.status_code == expected


@pytest.mark.parametrize("reader", ["anon", "other", "author", "admin"])
def test_published_post_is_public(reader, author, other, admin, anon):
    post = new_post(author)
    approve(admin, post["id"])
    r = who(reader, author, other, admin, anon).get(
        f"/api/v1/blog/posts/{post['id']}")
    assert r.status_code == 200
    assert r.json()["post"]["status"] == "approved"


@pytest.mark.parametrize("editor,expected", [
    ("anon", 401), ("other", 403), ("author", 200), ("admin", 200)])
def test_patch_published_post(editor, expected, author, other, admin, anon):
    post = new_post(author)
    approve(admin, post["id"])
    r = who(editor, author, other, admin, anon).patch(
        f"/api/v1/blog/posts/{post['id']}", json={"title": "Changed"})
    assert r.status_code == expected
    if expected == 200:
        status = r.json()["post"]["status"]
        # A user's edit goes back to review; an admin's does not.
        assert status == ("approved" if editor == "admin" else "pending")


@pytest.mark.parametrize("editor,expected", [
    ("anon", 401), ("other", 404), ("author", 204), ("admin", 204)])
def test_delete_unpublished_post(editor, expected, author, other, admin,
                                 anon):
    post = new_post(author, status="draft")
    r = who(editor, author, other, admin, anon).delete(
        f"/api/v1/blog/posts/{post['id']}")
    assert r.status_code == expected


@pytest.mark.parametrize("editor,expected", [
    ("anon", 401), ("other", 403), ("author", 204), ("admin", 204)])
def test_delete_published_post(editor, expected, author, other, admin, anon):
    post = new_post(author)
    approve(admin, post["id"])
    r = who(editor, author, other, admin, anon).delete(
        f"/api/v1/blog/posts/{post['id']}")
    assert r.status_code == expected
    gone = author.get(f"/api/v1/blog/posts/{post['id']}").status_code
    assert gone == (404 if expected == 204 else 200)


def test_admin_posts_are_published_at_once(admin):
    assert new_post(admin)["status"] == "approved"


@pytest.mark.parametrize("deleter,expected", [
    ("anon", 401), ("other", 403), ("author", 204), ("admin", 204),
    ("commenter", 204)])
def test_delete_comment(deleter, expected, author, other, admin, anon):
    post = new_post(author)
    approve(admin, post["id"])
    commenter = _new_user()
    r = commenter.post(f"/api/v1/blog/posts/{post['id']}/comments",
                       json={"body": "nice"})
    assert r.status_code == 201, r.text
    cid = r.json()["comment"]["id"]
    actor = commenter if deleter == "commenter" else \
        who(deleter, author, other, admin, anon)
    assert actor.delete(f"/api/v1/blog/comments/{cid}").status_code == \
        expected


def test_comments_only_on_published_posts(author, other, admin):
    post = new_post(author)
    r = other.post(f"/api/v1/blog/posts/{post['id']}/comments",
                   json={"body": "too early"})
    assert r.status_code == 404
    approve(admin, post["id"])
    r = other.post(f"/api/v1/blog/posts/{post['id']}/comments",
                   json={"body": "now"})
    assert r.status_code == 201
    assert requests.post(BASE + f"/api/v1/blog/posts/{post['id']}/comments",
                         json={"body": "anon"}).status_code == 401


def test_html_pages_permissions(author, other, admin):
    # Anonymous writers are sent to log in.
    r = requests.get(BASE + "/blog/new", allow_redirects=False)
    assert r.status_code == 303 and "/login?next=" in r.headers["location"]
    post = new_post(author)
    approve(admin, post["id"])
    s = html_login(other.name, "correct horse battery")
    assert s.get(BASE + f"/blog/{post['id']}/edit").status_code == 403
    token = csrf_of(s, "/")
    r = s.post(BASE + f"/blog/{post['id']}/delete", data={"_csrf": token})
    assert r.status_code == 403
    # Without the CSRF token, even the author changes nothing.
    s2 = html_login(author.name, "correct horse battery")
    r = s2.post(BASE + f"/blog/{post['id']}/delete", data={})
    assert r.status_code == 403
    assert author.get(f"/api/v1/blog/posts/{post['id']}").status_code == 200


def test_moderation_is_for_admins(author, anon, admin):
    assert author.get("/api/v1/admin/moderation").status_code == 403
    assert anon.get("/api/v1/admin/moderation").status_code == 401
    assert admin.get("/api/v1/admin/moderation").status_code == 200
    post = new_post(author)
    r = author.post(f"/api/v1/admin/moderation/post/{post['id']}/approve",
                    json={})
    assert r.status_code == 403
    r = requests.get(BASE + "/admin/moderation", allow_redirects=False)
    assert r.status_code == 303
