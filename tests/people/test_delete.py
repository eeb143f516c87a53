"""Deleting one's account, from /settings/delete or with POST
/api/v1/me/delete: the password is asked for, the content goes
("delete") or stays without a name ("anonymise"), the other side of a
direct conversation keeps their messages, every session and token ends
at once, images nobody uses are purged, notifications they caused go,
the profile is 404 and the username is held."""

import os
import re
import secrets

import pytest

from agora_kit.site import read_config_value
from agora_kit.web import assert_problem, describe, find_csrf

DELETE = "/api/v1/me/delete"
ROOMS = "/api/v1/chat/rooms"


def media(*parts):
    return os.path.join(read_config_value("AGORA_MEDIA_DIR"), *parts)


def send(actor, room, body):
    r = actor.post("%s/%s/messages" % (ROOMS, room), json={"body": body})
    assert r.status_code == 201, describe(r)
    return r.json()["message"]


def messages(actor, room):
    r = actor.get("%s/%s/messages" % (ROOMS, room))
    assert r.status_code == 200, describe(r)
    return r.json()["messages"]


@pytest.fixture
def world(new_user, blog, photo, psql, helpers):
    """A user who made things, and a friend who answered them."""
    me, friend = new_user("del_"), new_user("delf_")
    w = {"me": me, "friend": friend}
    w["post"] = blog.published(me, body="Words of mine %s" %
                               secrets.token_hex(4))
    w["friend_post"] = blog.published(friend, body="Friend's words.")
    w["my_comment"] = blog.comment(me, w["friend_post"]["id"])
    w["their_comment"] = blog.comment(friend, w["post"]["id"])
    w["photo"] = photo(me, "mine %s" % secrets.token_hex(3))
    r = me.post("/api/v1/photos/%s/comments" % w["photo"],
                json={"body": "my photo comment %s" % secrets.token_hex(3)})
    assert r.status_code == 201, describe(r)
    w["my_photo_comment"] = r.json()["comment"]
    w["sha"] = psql("SELECT m.sha256 FROM photos p JOIN media_files m"
                    " ON m.id = p.media_id WHERE p.id = :'p1'",
                    w["photo"])[0]

    r = friend.post(ROOMS, json={"name": "del-%s" % secrets.token_hex(4)})
    assert r.status_code == 201, describe(r)
    w["room"] = r.json()["room"]["id"]
    w["my_msg"] = send(me, w["room"], "in public %s" % secrets.token_hex(3))
    w["their_msg"] = send(friend, w["room"], "reply %s" %
                          secrets.token_hex(3))
    r = me.post("/api/v1/chat/dm/%s" % friend.username)
    assert r.status_code in (200, 201), describe(r)
    w["dm"] = r.json()["room"]["id"]
    w["my_dm"] = send(me, w["dm"], "psst %s" % secrets.token_hex(3))
    w["their_dm"] = send(friend, w["dm"], "hush %s" % secrets.token_hex(3))

    r = me.post("/api/v1/users/%s/follow" % friend.username)
    assert r.status_code in (200, 201, 204), describe(r)
    helpers.wait_for(lambda: me.username in
                     friend.get("/api/v1/notifications").text,
                     what="the follow notification")
    w["session"] = me.html  # a browser signed in before the deletion
    return w


def delete_api(actor, content, password=None):
    return actor.post(DELETE, json={
        "password": password if password is not None else actor.password,
        "content": content})


def delete_page(actor, content, password=None):
    page = actor.html.get("/settings/delete")
    assert page.status_code == 200, describe(page)
    assert 'name="password"' in page.text and 'value="anonymise"' in page.text
    return actor.html.post("/settings/delete", data={
        "_csrf": find_csrf(page.text), "content": content,
        "password": password if password is not None else actor.password},
        allow_redirects=False)


def gone_for_good(w, anon, api, helpers):
    """What holds after either kind of deletion."""
    me, friend = w["me"], w["friend"]
    # The rows are gone with the account; the revocation reaches every
    # worker's credential cache as the event arrives.
    helpers.wait_for(lambda: me.get("/api/v1/me").status_code == 401,
                     timeout=5, what="the token to be revoked")
    r = api.post("/api/v1/auth/login", json={"username": me.username,
                                             "password": me.password})
    assert r.status_code == 401, describe(r)
    helpers.wait_for(lambda: w["session"].get(
        "/settings", allow_redirects=False).status_code in (302, 303),
        timeout=5, what="the browser session to be revoked")
    assert anon.html.get("/u/%s" % me.username).status_code == 404
    assert anon.get("/api/v1/users/%s" % me.username).status_code == 404
    assert anon.html.get("/u/deleted").status_code == 404

    r = api.post("/api/v1/auth/register", json={
        "username": me.username, "email": "new-%s@example.org" %
        secrets.token_hex(3), "password": "pw-" + secrets.token_hex(8)})
    assert_problem(r, 422, ["username"])
    assert "deleted recently" in r.text

    # The notification of their follow went with them.
    assert me.username not in friend.get("/api/v1/notifications").text
    # The other side's messages stay, in the DM and in the room.
    dm = messages(friend, w["dm"])
    assert w["their_dm"]["body"] in [m["body"] for m in dm]
    assert w["dm"] in [r["id"] for r in
                       friend.get(ROOMS).json()["rooms"]]
    assert w["their_msg"]["body"] in \
        [m["body"] for m in messages(friend, w["room"])]
    return dm


def test_delete_removes_what_they_made(world, anon, api, helpers, blog):
    w, me, friend = world, world["me"], world["friend"]

    r = delete_api(me, "delete", password="not-it-at-all")
    assert_problem(r, 403, ["password"])
    assert me.get("/api/v1/me").status_code == 200
    assert_problem(delete_api(me, "erase"), 422, ["content"])
    assert me.get("/api/v1/me").status_code == 200

    r = delete_api(me, "delete")
    assert r.status_code == 200, describe(r)
    assert r.json() == {"deleted": True}

    dm = gone_for_good(w, anon, api, helpers)
    assert w["my_dm"]["body"] not in [m["body"] for m in dm]
    assert w["my_msg"]["body"] not in \
        [m["body"] for m in messages(friend, w["room"])]
    assert friend.get("/api/v1/blog/posts/%s" % w["post"]["id"]) \
        .status_code == 404
    assert anon.html.get(w["post"]["url"]).status_code == 404
    assert w["my_comment"]["id"] not in \
        [c["id"] for c in blog.comments(friend, w["friend_post"]["id"])]
    assert anon.html.get("/photos/%s" % w["photo"]).status_code == 404
    assert friend.get("/api/v1/photos/%s" % w["photo"]).status_code == 404

    for d, ext in (("orig", "jpg"), ("thumb", "jpg"), ("display", "jpg")):
        helpers.wait_for(lambda: not os.path.exists(
            media(d, "%s.%s" % (w["sha"], ext))),
            what="%s copy of the photo to be purged" % d)


def test_anonymise_keeps_it_without_a_name(world, anon, api, blog,
                                           helpers):
    w, me, friend = world, world["me"], world["friend"]

    r = delete_page(me, "anonymise", password="wrong-password-here")
    assert r.status_code == 403
    assert "not your password" in r.text

    r = delete_page(me, "anonymise")
    assert r.status_code == 200, describe(r)
    assert "Your account is deleted" in r.text

    dm = gone_for_good(w, anon, api, helpers)
    mine = [m for m in dm if m["body"] == w["my_dm"]["body"]]
    assert mine and mine[0]["author"] == "deleted"
    room = messages(friend, w["room"])
    mine = [m for m in room if m["body"] == w["my_msg"]["body"]]
    assert mine and mine[0]["author"] == "deleted"

    # The post, its page and the comments: written by "deleted user".
    post = blog.get(friend, w["post"]["id"])
    assert post["body"] == w["post"]["body"]
    page = anon.html.get(w["post"]["url"])
    assert page.status_code == 200
    for text in (page.text,):
        assert me.username not in text
        assert "deleted user" in text
        assert 'href="/u/deleted"' not in text
    comments = blog.comments(friend, w["friend_post"]["id"])
    assert w["my_comment"]["body"] in [c["body"] for c in comments]
    page = anon.html.get(w["friend_post"]["url"]).text
    assert w["my_comment"]["body"] in page
    assert me.username not in page and 'href="/u/deleted"' not in page

    # The photo and its comment stay, and so do its files.
    page = anon.html.get("/photos/%s" % w["photo"])
    assert page.status_code == 200
    assert me.username not in page.text
    assert "deleted user" in page.text
    assert w["my_photo_comment"]["body"] in page.text
    assert not re.search(r'href="/u/deleted"', page.text)
    assert os.path.exists(media("orig", "%s.jpg" % w["sha"]))


def test_needs_the_csrf_token_and_a_session(new_user, anon):
    me = new_user("del_")
    r = me.html.post("/settings/delete", data={
        "content": "delete", "password": me.password},
        allow_redirects=False)
    assert r.status_code == 403
    assert me.get("/api/v1/me").status_code == 200
    r = anon.post(DELETE, json={"password": "x", "content": "delete"})
    assert r.status_code == 401


def test_the_placeholder_is_nobody(new_user, anon):
    """Content of deleted accounts belongs to "deleted": no profile, no
    sign-in, no conversation or follow with it, no sign-up as it."""
    me = new_user("del_")
    assert anon.html.get("/u/deleted").status_code == 404
    assert anon.get("/api/v1/users/deleted").status_code == 404
    for page in ("/blog/u/deleted", "/photos/u/deleted",
                 "/blog/u/deleted/feed.atom", "/u/deleted/followers"):
        assert anon.html.get(page).status_code == 404, page
    assert me.post("/api/v1/chat/dm/deleted").status_code == 404
    assert me.post("/api/v1/users/deleted/follow").status_code == 404
    r = anon.post("/api/v1/auth/login", json={"username": "deleted",
                                              "password": "!"})
    assert r.status_code == 401
    r = anon.post("/api/v1/auth/register", json={
        "username": "deleted", "email": "d-%s@example.org" %
        secrets.token_hex(3), "password": "pw-" + secrets.token_hex(8)})
    assert_problem(r, 422, ["username"])
