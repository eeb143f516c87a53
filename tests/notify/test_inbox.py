"""Notifications: each kind is made in the event's own transaction, none
for one's own action, none while moderation holds a comment (one once
it is approved), removed with their cause; the inbox is one's own; mark
read; cursor pages; escaping on the page."""

import re

from agora_kit.site import describe, wait_for

from conftest import FLAGGED, NOTIFY


def test_comment_on_post(blog, inbox, author, other):
    post = blog.published(author)
    c = blog.comment(other, post["id"])
    got = inbox.of_kind(author, "comment")
    assert len(got) == 1, got
    n = got[0]
    assert n["actor"] == other.username and n["app"] == "blog"
    assert n["unread"] is True and n["subject"] == post["title"]
    assert n["link"].startswith("/blog/%s-" % post["id"])
    assert n["link"].endswith("#c%s" % c["id"])
    assert inbox.items(other) == []


def test_own_actions_notify_nobody(blog, social, inbox, author):
    post = blog.published(author)
    blog.comment(author, post["id"], "My own comment @%s" % author.username)
    pid = social.photo(author)
    social.like(author, pid)
    social.photo_comment(author, pid)
    room = social.room(author)
    social.send(author, room["id"], "note to self @%s" % author.username)
    kinds = [n["kind"] for n in inbox.items(author)]
    # Only the admin's approval of the post (not the author's own doing).
    assert set(kinds) <= {"moderation"}, kinds


def test_photo_comment_and_grouped_likes(social, inbox, author, new_user):
    pid = social.photo(author)
    likers = [new_user("lk_") for _ in range(4)]
    c = social.photo_comment(likers[0], pid)
    for u in likers:
        social.like(u, pid)
    items = inbox.items(author)
    comments = [n for n in items if n["kind"] == "comment"]
    assert len(comments) == 1 and comments[0]["app"] == "photos"
    assert comments[0]["link"] == "/photos/%s#c%s" % (pid, c["id"])
    likes = [n for n in items if n["kind"] == "like"]
    assert len(likes) == 1, likes
    assert likes[0]["actors"] == 4
    assert likes[0]["actor"] == likers[-1].username
    assert inbox.unread(author) == 2

    page = author.html.get("/notifications").text
    assert "%s</strong> and 3 others liked your photo" % \
        likers[-1].username in page

    # An unlike removes that like's notification; liking again is new.
    social.unlike(likers[-1], pid)
    likes = inbox.of_kind(author, "like")
    assert likes[0]["actors"] == 3
    assert likes[0]["actor"] == likers[-2].username


def test_dm_and_mentions(social, blog, inbox, author, other, new_user):
    dm = social.dm(other, author)
    m = social.send(other, dm["id"], "psst @%s" % author.username)
    got = inbox.of_kind(author, "dm")
    assert len(got) == 1, got
    assert got[0]["link"] == "/chat?room=%s#m%s" % (dm["id"], m["id"])
    # The DM is its one notification, not a mention as well.
    assert inbox.of_kind(author, "mention") == []
    assert inbox.items(other) == []

    room = social.room(other)
    m = social.send(other, room["id"],
                    "hey @%s and @nobody_here" % author.username.upper())
    got = inbox.of_kind(author, "mention")
    assert len(got) == 1 and got[0]["app"] == "chat"
    assert got[0]["subject"] == "#" + room["name"]
    assert got[0]["link"] == "/chat?room=%s#m%s" % (room["id"], m["id"])

    # A mention in a comment: the post's author gets the comment only.
    third = new_user("th_")
    post = blog.published(other)
    blog.comment(third, post["id"], "@%s look, and @%s" %
                 (author.username, other.username))
    got = inbox.of_kind(author, "mention")
    assert len(got) == 2 and got[0]["app"] == "blog", got
    assert [n["kind"] for n in inbox.items(other)
            if n["kind"] != "moderation"] == ["comment"]


def test_held_comment_then_approved(blog, inbox, author, other, anon):
    post = blog.published(author)
    c = blog.comment(other, post["id"], FLAGGED)
    blog.wait_hidden(anon, post["id"], c["id"])
    # Flagged: no notification while it is held.
    wait_for(lambda: inbox.of_kind(author, "comment") == [],
             what="the held comment's notification to go")
    blog.approve("comment", c["id"])
    got = inbox.of_kind(author, "comment")
    assert len(got) == 1 and got[0]["link"].endswith("#c%s" % c["id"])
    # And its author hears of the decision.
    dec = inbox.of_kind(other, "moderation")
    assert len(dec) == 1 and dec[0]["decision"] == "approved"


def test_post_decision_notifies_its_author(blog, inbox, author):
    post = blog.create(author)
    if post["status"] == "approved":
        return      # the site publishes without review: nothing to decide
    assert inbox.of_kind(author, "moderation") == []
    blog.approve("post", post["id"])
    got = inbox.of_kind(author, "moderation")
    assert len(got) == 1 and got[0]["decision"] == "approved"
    assert got[0]["link"].startswith("/blog/%s" % post["id"])
    assert got[0]["actor"] is None
    page = author.html.get("/notifications").text
    assert "The moderators approved your post" in page


def test_deleting_the_cause_removes_it(blog, social, inbox, author, other):
    post = blog.published(author)
    c = blog.comment(other, post["id"])
    assert len(inbox.of_kind(author, "comment")) == 1
    r = other.delete("/api/v1/blog/comments/%s" % c["id"])
    assert r.status_code in (200, 204), describe(r)
    assert inbox.of_kind(author, "comment") == []

    dm = social.dm(other, author)
    m = social.send(other, dm["id"])
    assert len(inbox.of_kind(author, "dm")) == 1
    r = other.delete("/api/v1/chat/messages/%s" % m["id"])
    assert r.status_code in (200, 204), describe(r)
    assert inbox.of_kind(author, "dm") == []

    blog.comment(other, post["id"])
    assert len(inbox.of_kind(author, "comment")) == 1
    r = author.delete("/api/v1/blog/posts/%s" % post["id"])
    assert r.status_code in (200, 204), describe(r)
    assert inbox.of_kind(author, "comment") == []

    pid = social.photo(author)
    social.photo_comment(other, pid)
    social.like(other, pid)
    assert len(inbox.items(author)) >= 2
    r = author.delete("/api/v1/photos/%s" % pid)
    assert r.status_code in (200, 204), describe(r)
    assert [n for n in inbox.items(author) if n["app"] == "photos"] == []


def test_only_your_own(blog, inbox, author, other, anon):
    post = blog.published(author)
    blog.comment(other, post["id"])
    mine = inbox.of_kind(author, "comment")[0]
    assert all(n["id"] != mine["id"] for n in inbox.items(other))

    r = inbox.read(other, mine["id"])
    assert r.status_code == 404, describe(r)
    r = other.form("/notifications", {"id": str(mine["id"])},
                   page="/notifications")
    assert r.status_code == 404, describe(r)
    assert inbox.of_kind(author, "comment")[0]["unread"] is True
    # The other user's page does not show it.
    page = other.html.get("/notifications").text
    assert 'id="n%s"' % mine["id"] not in page

    r = anon.get(NOTIFY)
    assert r.status_code == 401, describe(r)
    r = anon.html.get("/notifications", allow_redirects=False)
    assert r.status_code in (302, 303), describe(r)
    r = anon.post(NOTIFY + "/read", json={})
    assert r.status_code in (401, 403), describe(r)


def test_mark_read_one_and_all(blog, inbox, author, other):
    post = blog.published(author)
    for _ in range(3):
        blog.comment(other, post["id"])
    before = inbox.unread(author)
    assert before >= 3
    first = inbox.of_kind(author, "comment")[0]
    r = inbox.read(author, first["id"])
    assert r.status_code == 200, describe(r)
    assert r.json()["unread"] == before - 1
    assert inbox.unread(author) == before - 1
    unread = inbox.items(author, unread="true")
    assert first["id"] not in [n["id"] for n in unread]
    assert all(n["unread"] for n in unread)

    # The page's form, with its CSRF token; without it, refused.
    r = author.form("/notifications", {}, page="/notifications", csrf=False)
    assert r.status_code == 403, describe(r)
    r = author.form("/notifications", {}, page="/notifications")
    assert r.status_code == 303, describe(r)
    assert inbox.unread(author) == 0
    assert inbox.items(author, unread="1") == []
    page = author.html.get("/notifications").text
    assert 'aria-label="Notifications, 0 unread"' in page
    assert "All read." in page

    r = inbox.read(author, 999999999)
    assert r.status_code == 404, describe(r)


def test_cursor_pages(blog, inbox, author, other):
    post = blog.published(author)
    for _ in range(5):
        blog.comment(other, post["id"])
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = inbox.list(author, **params)
        seen += [n["id"] for n in body["notifications"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(body["notifications"]) == 2
    assert len(seen) == len(set(seen)) == len(inbox.items(author))
    assert pages >= 3
    assert seen == sorted(seen, reverse=True)

    for bad in ("x", "1.", "-1.2", "99999999999999999999.1"):
        r = author.get(NOTIFY, params={"cursor": bad})
        assert r.status_code == 400, describe(r)
    for bad in ("0", "101", "x"):
        r = author.get(NOTIFY, params={"limit": bad})
        assert r.status_code == 400, describe(r)
    r = author.get(NOTIFY, params={"unread": "maybe"})
    assert r.status_code == 400, describe(r)

    # The page pages too.
    page = author.html.get("/notifications").text
    assert "Older notifications" not in page or 'rel="next"' in page


def test_escaped_on_the_page(blog, inbox, author, other):
    title = '<script>alert("t")</script> & "quotes"'
    post = blog.published(author, title=title)
    blog.comment(other, post["id"], '<img src=x onerror=alert(1)> hi')
    page = author.html.get("/notifications").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; hi" in page
    assert "&lt;script&gt;alert(" in page
    # The API carries the text as it was written.
    n = inbox.of_kind(author, "comment")[0]
    assert n["subject"] == title


def test_bell_on_every_signed_in_page(blog, inbox, author, other, anon):
    post = blog.published(author)
    blog.comment(other, post["id"])
    count = inbox.unread(author)
    assert count >= 1
    for path in ("/", "/blog", "/photos", "/chat", "/notifications"):
        page = author.html.get(path).text
        assert 'aria-label="Notifications, %d unread"' % count in page, path
        assert re.search(r"<title>\(%d\) " % count, page), path
        assert "/static/notify" in page
    page = anon.html.get("/").text
    assert "nav-bell" not in page and "/static/notify" not in page


def test_empty_state(inbox, new_user):
    u = new_user("em_")
    page = u.html.get("/notifications").text
    assert "No notifications yet." in page
    assert 'href="/chat"' in page
    assert 'aria-label="Notifications, 0 unread"' in page
    assert inbox.list(u) == {"notifications": [], "unread": 0,
                             "next_cursor": None}


def test_reading_the_room_reads_its_notifications(social, inbox, author,
                                                  other):
    dm = social.dm(other, author)
    first = social.send(other, dm["id"])
    last = social.send(other, dm["id"])
    assert len([n for n in inbox.of_kind(author, "dm") if n["unread"]]) == 2
    r = author.post("/api/v1/chat/rooms/%s/read" % dm["id"],
                    json={"last_id": first["id"]})
    assert r.status_code == 204, describe(r)
    unread = [n for n in inbox.of_kind(author, "dm") if n["unread"]]
    assert [n["link"] for n in unread] == \
        ["/chat?room=%s#m%s" % (dm["id"], last["id"])]
    r = author.post("/api/v1/chat/rooms/%s/read" % dm["id"],
                    json={"last_id": last["id"]})
    assert r.status_code == 204, describe(r)
    assert inbox.unread(author) == 0


def test_the_bell_asks_for_the_count_and_the_newest(social, inbox, author,
                                                    other, new_user, anon):
    """GET /api/v1/notifications/unread: what the bell shows and what a
    browser notification says, the same count as the inbox."""
    bell = "/api/v1/notifications/unread"
    r = anon.get(bell)
    assert r.status_code == 401, describe(r)
    fresh = new_user("bl_")
    assert fresh.get(bell).json() == {"unread": 0, "newest": None}

    pid = social.photo(fresh)
    fans = [new_user("bf_") for _ in range(3)]
    for f in fans:
        social.like(f, pid)
    got = fresh.get(bell).json()
    assert got["unread"] == 1 == inbox.unread(fresh)    # likes are one
    assert got["newest"]["kind"] == "like"
    assert got["newest"]["actor"] == fans[-1].username
    dm = social.dm(other, fresh)
    social.send(other, dm["id"], "about the <photo>")
    got = fresh.get(bell).json()
    assert got["unread"] == 2 == inbox.unread(fresh)
    newest = got["newest"]
    assert newest["kind"] == "dm" and newest["actor"] == other.username
    assert newest["excerpt"] == "about the <photo>"
    assert newest["link"].startswith("/chat?room=%s#m" % dm["id"])
    # Someone else's bell knows nothing of it; reading empties it.
    assert author.get(bell).json()["newest"] is None or \
        author.get(bell).json()["newest"]["id"] != newest["id"]
    assert inbox.read(fresh).status_code == 200
    assert fresh.get(bell).json() == {"unread": 0, "newest": None}
