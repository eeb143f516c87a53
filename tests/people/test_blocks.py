"""Blocking and muting: the API, the profile's buttons and the settings'
lists, and what each hides, seen from both people: conversations (API
and WebSocket), comments, mentions, tags and notifications, profile
activity, follows, and a muted person's posts, photos and messages in
lists, feeds, the home page, the search and the live chat."""

import asyncio
import json
import os
import secrets

import websockets

PHOTOS = "/api/v1/photos"
ROOMS = "/api/v1/chat/rooms"
BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")


def url(name, kind):
    return "/api/v1/users/%s/%s" % (name, kind)


def word():
    return "zb" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz")
                          for _ in range(10))


def names(actor, which):
    r = actor.get("/api/v1/me/%s" % which)
    assert r.status_code == 200, r.text
    return [x["username"] for x in r.json()[which]]


def profile(actor, name):
    r = actor.get("/api/v1/users/%s" % name)
    assert r.status_code == 200, r.text
    return r.json()["user"]


def notifications(actor):
    """What others' actions told `actor` (not moderation's decisions)."""
    r = actor.get("/api/v1/notifications", params={"limit": 100})
    assert r.status_code == 200, r.text
    return [n for n in r.json()["notifications"]
            if n["kind"] != "moderation"]


def published(blog, actor, title=None):
    return blog.published(actor, title=title or "Post " + word())


def room(actor):
    r = actor.post(ROOMS, json={"name": "room-" + word()})
    assert r.status_code == 201, r.text
    return r.json()["room"]["id"]


def send(actor, room_id, body, status=201):
    r = actor.post("%s/%s/messages" % (ROOMS, room_id), json={"body": body})
    assert r.status_code == status, r.text
    return r.json().get("message")


def history(actor, room_id):
    r = actor.get("%s/%s/messages" % (ROOMS, room_id), params={"limit": 100})
    assert r.status_code == 200, r.text
    return [m["body"] for m in r.json()["messages"]]


def photo_ids(actor, **params):
    r = actor.get(PHOTOS, params=dict(limit=100, **params))
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()["photos"]]


def post_ids(actor):
    r = actor.get("/api/v1/blog/posts", params={"limit": 100})
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()["posts"]]


def found(actor, q):
    r = actor.get("/api/v1/search", params={"q": q})
    assert r.status_code == 200, r.text
    return {x["kind"] for x in r.json()["results"]}


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


class Socket:
    def __init__(self, ws):
        self.ws = ws

    @classmethod
    async def open(cls, actor):
        ws = await websockets.connect(
            BASE.replace("http://", "ws://", 1) + "/chat/ws",
            extra_headers={"Authorization": "Bearer " + actor.token})
        return cls(ws)

    async def send(self, **frame):
        await self.ws.send(json.dumps(frame))

    async def frames(self, seconds=1.0):
        got = []
        try:
            while True:
                got.append(json.loads(await asyncio.wait_for(
                    self.ws.recv(), seconds)))
        except asyncio.TimeoutError:
            return got

    async def expect(self, type_, seconds=10, **match):
        while True:
            f = json.loads(await asyncio.wait_for(self.ws.recv(), seconds))
            if f.get("type") == type_ and all(f.get(k) == v
                                              for k, v in match.items()):
                return f

    async def subscribe(self, room_id, **kw):
        await self.send(type="subscribe", room=room_id, **kw)
        return await self.expect("subscribed", room_id=room_id)


def bodies(frames):
    return [f["message"]["body"] for f in frames
            if f.get("type") == "message"]


# ---------------------------------------------------------------- the API

def test_block_and_mute_by_the_api(new_user, helpers):
    a, b = new_user("ba_"), new_user("bb_")
    assert profile(a, b.username)["blocked"] is False
    body = helpers.assert_json(a.post(url(b.username, "block")), 200)
    assert body == {"username": b.username, "blocked": True}
    # Again: nothing changes.
    assert a.post(url(b.username, "block")).json()["blocked"] is True
    assert names(a, "blocks") == [b.username]
    assert names(a, "mutes") == []
    p = profile(a, b.username)
    assert p["blocked"] is True and p["muted"] is False
    # The blocked person sees nothing of it on their side.
    assert names(b, "blocks") == []
    assert profile(b, a.username)["blocked"] is False

    body = helpers.assert_json(a.post(url(b.username, "mute")), 200)
    assert body == {"username": b.username, "muted": True}
    assert names(a, "mutes") == [b.username]
    assert profile(a, b.username)["muted"] is True

    body = helpers.assert_json(a.delete(url(b.username, "block")), 200)
    assert body == {"username": b.username, "blocked": False}
    assert a.delete(url(b.username, "block")).json()["blocked"] is False
    assert names(a, "blocks") == []
    assert names(a, "mutes") == [b.username]
    assert helpers.assert_json(a.delete(url(b.username, "mute")),
                               200)["muted"] is False
    assert names(a, "mutes") == []


def test_refused_blocks(new_user, anon, ban, helpers):
    a, b = new_user("br_"), new_user("bs_")
    helpers.assert_problem(a.post(url(a.username, "block")), 422)
    helpers.assert_problem(a.post(url(a.username, "mute")), 422)
    helpers.assert_problem(a.post(url("nobody_here_zz", "block")), 404)
    helpers.assert_problem(a.delete(url("nobody_here_zz", "mute")), 404)
    helpers.assert_problem(anon.post(url(b.username, "block")), 401)
    helpers.assert_problem(anon.get("/api/v1/me/blocks"), 401)
    ban(b)
    try:
        helpers.assert_problem(a.post(url(b.username, "block")), 404)
    finally:
        ban(b, undo=True)
    assert a.get(url(b.username, "block")).status_code == 405
    # A cookie session needs the CSRF token.
    helpers.assert_problem(a.html.request("POST", url(b.username, "mute")),
                           403)
    assert names(a, "blocks") == [] and names(a, "mutes") == []


def test_changes_are_limited_per_hour(new_user, helpers):
    a, b = new_user("bl_"), new_user("bk_")
    for i in range(100):
        r = a.post(url(b.username, "mute")) if i % 2 == 0 else \
            a.delete(url(b.username, "mute"))
        assert r.status_code == 200, (i, r.text)
    r = a.post(url(b.username, "block"))
    helpers.assert_problem(r, 429)
    assert r.headers.get("retry-after")
    assert names(a, "blocks") == []


def test_at_most_1000_blocks_and_mutes(new_user, psql, helpers):
    a, b = new_user("bm_"), new_user("bn_")
    tag = secrets.token_hex(3)
    psql("INSERT INTO users (username, email, password_hash)"
         " SELECT 'bz' || :'p1' || g, 'bz' || :'p1' || g || '@example.com',"
         "        'x' FROM generate_series(1, 500) g", tag)
    try:
        psql("INSERT INTO user_blocks (user_id, other_id, kind)"
             " SELECT :'p1', u.id, k FROM users u,"
             "        unnest(ARRAY['block', 'mute']) k"
             "  WHERE u.username LIKE 'bz' || :'p2' || '%'", a.id, tag)
        helpers.assert_problem(a.post(url(b.username, "mute")), 422)
        assert profile(a, b.username)["muted"] is False
        # Unmuting one makes room.
        assert a.delete(url("bz%s1" % tag, "mute")).status_code == 200
        assert a.post(url(b.username, "mute")).json()["muted"] is True
    finally:
        psql("DELETE FROM users WHERE username LIKE 'bz' || :'p1' || '%'",
             tag)


# ---------------------------------------------------------------- blocks

def test_a_block_ends_follows_and_notifications(new_user, helpers):
    a, b = new_user("bf_"), new_user("bg_")
    assert a.post(url(b.username, "follow")).status_code == 200
    assert b.post("/api/v1/users/%s/follow" % a.username).status_code == 200
    assert [n["kind"] for n in notifications(a)] == ["follow"]
    assert a.post(url(b.username, "block")).status_code == 200
    assert profile(a, a.username)["counts"]["followers"] == 0
    assert profile(a, a.username)["counts"]["following"] == 0
    assert notifications(a) == []
    # Neither can follow the other again while the block lasts.
    helpers.assert_problem(b.post("/api/v1/users/%s/follow" % a.username),
                           403)
    helpers.assert_problem(a.post("/api/v1/users/%s/follow" % b.username),
                           403)
    assert notifications(a) == []
    a.delete(url(b.username, "block"))
    assert b.post("/api/v1/users/%s/follow" % a.username).status_code == 200


def test_no_conversation_either_way(new_user, helpers):
    a, b, c = new_user("bd_"), new_user("be_"), new_user("bc_")
    r = a.post("/api/v1/chat/dm/%s" % b.username)
    assert r.status_code == 201, r.text
    dm = r.json()["room"]["id"]
    send(b, dm, "before the block")
    assert a.post(url(b.username, "block")).status_code == 200

    for x, y in ((a, b), (b, a)):
        helpers.assert_problem(x.post("/api/v1/chat/dm/%s" % y.username),
                               403)
        helpers.assert_problem(x.post("%s/%s/messages" % (ROOMS, dm),
                                      json={"body": "hello"}), 403)
    # Others are not concerned.
    assert c.post("/api/v1/chat/dm/%s" % a.username).status_code == 201
    # Nothing was stored, nobody was told.
    assert history(b, dm) == ["before the block"]
    assert [n for n in notifications(a) if n["kind"] == "dm"] == []

    async def go():
        for x in (a, b):
            s = await Socket.open(x)
            await s.subscribe(dm)
            await s.send(type="send", room=dm, body="by socket", ref="r1")
            err = await s.expect("error", ref="r1")
            assert err["code"] == 403
            await s.ws.close()
    run(go())
    assert history(b, dm) == ["before the block"]
    # What the blocked person wrote is hidden from the blocker, as a
    # muted person's words are.
    assert history(a, dm) == []

    a.delete(url(b.username, "block"))
    send(b, dm, "after the block")
    assert b.post("/api/v1/chat/dm/%s" % a.username).status_code == 200


def test_the_blocked_persons_comments_are_hidden(new_user, blog, photo,
                                                 helpers):
    a, b, c = new_user("bh_"), new_user("bi_"), new_user("bj_")
    post = published(blog, a)
    mine = blog.comment(b, post["id"], "A comment %s." % word())
    pid = photo(a)
    r = b.post("%s/%s/comments" % (PHOTOS, pid),
               json={"body": "Nice %s." % word()})
    assert r.status_code == 201, r.text
    pc = r.json()["comment"]["id"]

    def photo_comments(actor):
        r = actor.get("%s/%s/comments" % (PHOTOS, pid))
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["comments"]]

    assert mine["id"] in [x["id"] for x in blog.comments(a, post["id"])]
    helpers.wait_for(lambda: pc in photo_comments(c),
                     what="the photo comment to be shown")
    assert pc in photo_comments(a)
    assert a.post(url(b.username, "block")).status_code == 200
    assert mine["id"] not in [x["id"] for x in blog.comments(a, post["id"])]
    page = "/blog/%s-%s" % (post["id"], post["slug"])
    assert 'id="c%s"' % mine["id"] not in a.html.get(page).text
    assert 'id="c%s"' % mine["id"] in c.html.get(page).text
    assert pc not in photo_comments(a)
    # The author and everyone else still see them.
    assert mine["id"] in [x["id"] for x in blog.comments(b, post["id"])]
    assert mine["id"] in [x["id"] for x in blog.comments(c, post["id"])]
    assert pc in photo_comments(b) and pc in photo_comments(c)
    a.delete(url(b.username, "block"))
    assert mine["id"] in [x["id"] for x in blog.comments(a, post["id"])]


def test_no_mention_tag_or_notification_across_a_block(new_user, blog,
                                                       photo, mailbox,
                                                       helpers):
    a, b, c = new_user("bt_"), new_user("bu_"), new_user("bv_")
    post = published(blog, a)
    pid = photo(a)
    assert a.post(url(b.username, "block")).status_code == 200

    blog.comment(b, post["id"], "@%s look %s" % (a.username, word()))
    assert b.post("%s/%s/like" % (PHOTOS, pid)).status_code == 200
    public = room(c)
    send(b, public, "hey @%s and @%s" % (a.username, c.username))
    # c, not blocked, was told; a was not, of anything.
    helpers.wait_for(lambda: [n for n in notifications(c)
                              if n["kind"] == "mention"],
                     what="c's mention")
    assert notifications(a) == []

    # A caption's mention mails c, never a.
    theirs = photo(b, "With @%s and @%s" % (a.username, c.username))
    mailbox.wait(c.email, "%s mentioned you" % b.username)
    assert not [x for x in mailbox.subjects(a.email) if "mentioned" in x]
    # Nor can the blocked person tag a on a photo (a is unknown to b).
    helpers.assert_problem(b.post("%s/%s/people" % (PHOTOS, theirs),
                                  json={"username": a.username}), 422,
                           ["username"])
    # The other way round too: a's actions do not reach b.
    blog_b = published(blog, b)
    blog.comment(a, blog_b["id"], "Hello %s." % word())
    assert [n for n in notifications(b) if n["kind"] == "comment"] == []


def test_the_blocked_person_sees_no_profile_activity(new_user, blog, photo,
                                                     anon):
    a, b = new_user("bw_"), new_user("bx_")
    published(blog, a)
    photo(a)
    send(a, room(a), "I was here")
    full = profile(anon, a.username)
    assert full["counts"]["posts"] == 1 and full["counts"]["photos"] == 1
    assert full["counts"]["rooms"] == 1
    assert a.post(url(b.username, "block")).status_code == 200

    seen = profile(b, a.username)
    assert seen["counts"]["posts"] == 0 and seen["counts"]["photos"] == 0
    assert seen["counts"]["rooms"] == 0
    assert seen["posts"] == [] and seen["photos"] == [] and \
        seen["rooms"] == []
    shown = "/photos/%s" % full["photos"][0]["id"]
    assert shown not in b.html.get("/u/%s" % a.username).text
    assert shown in anon.html.get("/u/%s" % a.username).text
    # Everyone else, and a themselves, see it all.
    assert profile(anon, a.username)["counts"] == full["counts"]
    assert profile(a, a.username)["counts"]["posts"] == 1
    # Blocking is one way: a still sees b's profile activity.
    published(blog, b)
    assert profile(a, b.username)["counts"]["posts"] == 1


# ---------------------------------------------------------------- mutes

def test_a_muted_persons_posts_and_photos_leave_lists(new_user, blog,
                                                      photo, anon, admin,
                                                      helpers):
    a, b, c = new_user("mo_"), new_user("mp_"), new_user("mq_")
    w = word()
    post = published(blog, b, title="Muted %s" % w)
    pid = photo(b, "Muted photo %s" % w)
    assert a.post("/api/v1/users/%s/follow" % b.username).status_code == 200
    assert c.post("%s/%s/like" % (PHOTOS, pid)).status_code == 200
    lists = {
        "blog": lambda x: post["id"] in post_ids(x),
        "blog page": lambda x: 'href="/blog/%s-' % post["id"] in
        x.html.get("/blog").text,
        "home": lambda x: 'href="/blog/%s-' % post["id"] in
        x.html.get("/").text,
        "photos": lambda x: pid in photo_ids(x),
        "following": lambda x: pid in photo_ids(x, feed="following"),
        "explore": lambda x: pid in photo_ids(x, feed="explore"),
        "photos page": lambda x: "/photos/%s?" % pid in
        x.html.get("/photos").text,
        "search": lambda x: found(x, w) == {"post", "photo"},
    }
    for what, shows in lists.items():
        assert shows(a), what
    assert a.post(url(b.username, "mute")).status_code == 200
    for what, shows in lists.items():
        if what != "following":
            assert shows(c), what
        assert not shows(a), what
    # Nor do b's comments, mentions and likes reach a's inbox.
    mine = published(blog, a)
    blog.comment(b, mine["id"], "@%s hello %s" % (a.username, word()))
    assert b.post("%s/%s/like" % (PHOTOS, photo(a))).status_code == 200
    assert notifications(a) == []
    # Muting is silent and one way: b sees everything as before, a may
    # still open the post and the photo.
    assert post["id"] in post_ids(b)
    assert blog.status_code(a, post["id"]) == 200
    assert a.get("%s/%s" % (PHOTOS, pid)).status_code == 200
    assert profile(b, a.username)["blocked"] is False
    assert a.delete(url(b.username, "mute")).status_code == 200
    for what, shows in lists.items():
        assert shows(a), what


def test_a_muted_persons_chat_messages_are_not_delivered(new_user):
    a, b, c = new_user("mr_"), new_user("ms_"), new_user("mt_")
    w = word()
    public = room(c)
    send(b, public, "muted before " + w)
    send(c, public, "heard before")
    assert found(a, w) == {"message"}
    assert a.post(url(b.username, "mute")).status_code == 200
    assert history(a, public) == ["heard before"]
    assert history(c, public) == ["muted before " + w, "heard before"]
    assert found(a, w) == set() and found(c, w) == {"message"}

    def unread(actor):
        r = actor.get("%s/%s" % (ROOMS, public))
        assert r.status_code == 200, r.text
        return r.json()["room"]["unread"]
    assert unread(a) == 1
    a.delete(url(b.username, "mute"))
    assert unread(a) == 2
    assert a.post(url(b.username, "mute")).status_code == 200

    async def go():
        sa, sc = await Socket.open(a), await Socket.open(c)
        got = await sa.subscribe(public, after=0)
        assert got["backlog"] == 1
        assert bodies(await sa.frames(0.5)) == ["heard before"]
        await sc.subscribe(public)
        send(b, public, "muted live")
        send(c, public, "heard live")
        assert bodies(await sa.frames(1.0)) == ["heard live"]
        assert bodies(await sc.frames(0.5)) == ["muted live", "heard live"]
        # Unmuted, b's next message arrives at once on the open socket.
        assert a.delete(url(b.username, "mute")).status_code == 200
        await asyncio.sleep(0.3)
        send(b, public, "heard again")
        assert bodies(await sa.frames(1.0)) == ["heard again"]
        # And muted again, the open socket drops them again.
        assert a.post(url(b.username, "mute")).status_code == 200
        await asyncio.sleep(0.3)
        send(b, public, "muted again")
        send(c, public, "heard last")
        assert bodies(await sa.frames(1.0)) == ["heard last"]
        await sa.ws.close()
        await sc.ws.close()
    run(go())


# ---------------------------------------------------------------- pages

def test_the_profile_buttons(new_user, anon, helpers):
    a, b = new_user("pa_"), new_user("pb_")
    page = a.html.get("/u/%s" % b.username).text
    assert 'action="/u/%s/mute"' % b.username in page
    assert 'href="/chat?dm=%s"' % b.username in page
    assert 'href="/u/%s/block"' % b.username in page
    assert "/block\"" not in a.html.get("/u/%s" % a.username).text
    assert "/mute\"" not in anon.html.get("/u/%s" % b.username).text

    # Block asks first; the confirmation's form does it.
    r = a.html.get("/u/%s/block" % b.username)
    helpers.assert_html(r, 200)
    assert 'action="/u/%s/block"' % b.username in r.text
    assert names(a, "blocks") == []
    r = a.form("/u/%s/block" % b.username, page="/u/%s/block" % b.username)
    assert r.status_code == 303, r.text
    assert names(a, "blocks") == [b.username]
    page = a.html.get("/u/%s" % b.username).text
    assert 'action="/u/%s/unblock"' % b.username in page
    assert 'href="/chat?dm=%s"' % b.username not in page
    assert 'href="/chat?dm=%s"' % a.username in \
        b.html.get("/u/%s" % a.username).text
    r = a.form("/u/%s/mute" % b.username, page="/u/%s" % b.username)
    assert r.status_code == 303
    assert 'action="/u/%s/unmute"' % b.username in \
        a.html.get("/u/%s" % b.username).text
    # Without the CSRF token nothing happens.
    r = a.form("/u/%s/unblock" % b.username, page="/u/%s" % b.username,
               csrf=False)
    assert r.status_code == 403
    assert names(a, "blocks") == [b.username]
    r = a.form("/u/%s/unblock" % b.username, page="/u/%s" % b.username)
    assert r.status_code == 303
    assert names(a, "blocks") == []
    assert a.html.get("/u/%s/block" % a.username).status_code == 422
    assert a.html.get("/u/nobody_here_zz/block").status_code == 404
    assert anon.html.get("/u/%s/block" % b.username,
                         allow_redirects=False).status_code in (302, 303)


def test_the_settings_list_blocked_and_muted_people(new_user, helpers):
    a, b, c = new_user("sa_"), new_user("sb_"), new_user("sc_")
    page = a.html.get("/settings").text
    assert 'id="people"' in page and "Nobody." in page
    assert a.post(url(b.username, "block")).status_code == 200
    assert a.post(url(c.username, "mute")).status_code == 200
    page = a.html.get("/settings")
    helpers.assert_html(page, 200)
    assert 'action="/settings/people/%s/unblock"' % b.username in page.text
    assert 'action="/settings/people/%s/unmute"' % c.username in page.text
    r = a.form("/settings/people/%s/unblock" % b.username, page="/settings",
               csrf=False)
    assert r.status_code == 403
    r = a.form("/settings/people/%s/unblock" % b.username, page="/settings")
    assert r.status_code == 303
    assert "/settings?saved=unblock" in r.headers["location"]
    r = a.form("/settings/people/%s/unmute" % c.username, page="/settings")
    assert r.status_code == 303
    assert names(a, "blocks") == [] and names(a, "mutes") == []
    assert "no longer muted" in a.html.get("/settings?saved=unmute").text
