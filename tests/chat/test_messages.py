"""Messages: posting, reading by id and by version, history, editing,
deleting, limits, rate limiting, mentions and reports."""

import threading
import time

import pytest

ROOMS = "/api/v1/chat/rooms"
MSG = "/api/v1/chat/messages/%s"


def test_post_and_read_a_message(alice, bob, chat, helpers):
    room = chat.room(alice)
    r = alice.post("%s/%s/messages" % (ROOMS, room["id"]),
                   json={"body": "Hello, world"})
    msg = helpers.assert_json(r, 201)["message"]
    assert r.headers["Location"] == MSG % msg["id"]
    assert msg["room_id"] == room["id"] and msg["author"] == alice.username
    assert msg["author_id"] == alice.id and msg["body"] == "Hello, world"
    assert msg["edited_at"] is None and msg["deleted"] is False
    assert msg["version"] > 0
    got = chat.messages(bob, room["id"])
    assert got == {"messages": [msg], "has_more": False}


def test_after_before_and_latest(alice, chat):
    room = chat.room(alice)
    sent = [chat.send(alice, room["id"], "m%d" % i) for i in range(7)]
    ids = [m["id"] for m in sent]
    assert ids == sorted(ids)

    page = chat.messages(alice, room["id"], limit=3)
    assert [m["id"] for m in page["messages"]] == ids[-3:]
    assert page["has_more"] is True

    page = chat.messages(alice, room["id"], before=ids[-3], limit=3)
    assert [m["id"] for m in page["messages"]] == ids[1:4]
    assert page["has_more"] is True
    page = chat.messages(alice, room["id"], before=ids[1], limit=3)
    assert [m["id"] for m in page["messages"]] == ids[:1]
    assert page["has_more"] is False

    page = chat.messages(alice, room["id"], after=ids[2], limit=2)
    assert [m["id"] for m in page["messages"]] == ids[3:5]
    assert page["has_more"] is True
    page = chat.messages(alice, room["id"], after=ids[-1])
    assert page == {"messages": [], "has_more": False}
    assert [m["id"] for m in chat.messages(alice, room["id"],
                                           after=0)["messages"]] == ids


@pytest.mark.parametrize("params", [
    {"after": "x"}, {"after": "-1"}, {"before": "1.5"}, {"since": "1e3"},
    {"limit": "0"}, {"limit": "201"}, {"after": "1", "before": "9"},
    {"after": "1", "since": "1"}, {"after": "9" * 25}])
def test_bad_paging_is_400(params, alice, chat, helpers):
    room = chat.room(alice)
    r = alice.get("%s/%s/messages" % (ROOMS, room["id"]), params=params)
    helpers.assert_problem(r, 400)


def test_since_carries_edits_and_deletions(alice, bob, chat, helpers):
    room = chat.room(alice)
    a = chat.send(alice, room["id"], "first")
    b = chat.send(alice, room["id"], "second")
    seen = max(a["version"], b["version"])

    r = alice.patch(MSG % a["id"], json={"body": "first, edited"})
    edited = helpers.assert_json(r, 200)["message"]
    assert edited["body"] == "first, edited" and edited["edited_at"]
    assert edited["version"] > seen
    assert alice.delete(MSG % b["id"]).status_code == 204
    c = chat.send(bob, room["id"], "third")

    changes = chat.messages(bob, room["id"], since=seen)["messages"]
    assert [m["id"] for m in changes] == [a["id"], b["id"], c["id"]]
    versions = [m["version"] for m in changes]
    assert versions == sorted(versions)
    assert changes[0]["body"] == "first, edited"
    assert changes[1]["deleted"] is True and changes[1]["body"] == ""
    # Deleted messages leave the ordinary reads.
    ids = [m["id"] for m in chat.messages(bob, room["id"])["messages"]]
    assert ids == [a["id"], c["id"]]
    # A deleted message cannot be changed again.
    helpers.assert_problem(alice.patch(MSG % b["id"], json={"body": "x"}),
                           404)
    helpers.assert_problem(alice.delete(MSG % b["id"]), 404)


def test_only_authors_edit_and_authors_or_admins_delete(
        alice, bob, admin, chat, helpers):
    room = chat.room(alice)
    msg = chat.send(alice, room["id"], "mine")
    helpers.assert_problem(bob.patch(MSG % msg["id"], json={"body": "x"}),
                           403)
    helpers.assert_problem(bob.delete(MSG % msg["id"]), 403)
    helpers.assert_problem(admin.patch(MSG % msg["id"], json={"body": "x"}),
                           403)
    assert chat.messages(bob, room["id"])["messages"][0]["body"] == "mine"
    assert admin.delete(MSG % msg["id"]).status_code == 204
    assert chat.messages(bob, room["id"])["messages"] == []
    helpers.assert_problem(alice.delete(MSG % "999999999"), 404)


@pytest.mark.parametrize("body", [
    "", "  \n\t ", "x" * 4001, "ctl \x01", "esc \x1b[31m", None, 7, {}])
def test_bad_message_bodies_are_422(body, alice, chat, helpers):
    room = chat.room(alice)
    r = alice.post("%s/%s/messages" % (ROOMS, room["id"]),
                   json={"body": body})
    helpers.assert_problem(r, 422, ["body"])
    msg = chat.send(alice, room["id"], "ok")
    helpers.assert_problem(alice.patch(MSG % msg["id"], json={"body": body}),
                           422, ["body"])
    assert [m["body"] for m in chat.messages(alice, room["id"])["messages"]] \
        == ["ok"]


def test_longest_message_fits_any_escaping(alice, chat, helpers):
    import json as _json
    room = chat.room(alice)
    body = "\U0001F600" * 4000
    data = _json.dumps({"body": body}, ensure_ascii=True)
    r = alice.post("%s/%s/messages" % (ROOMS, room["id"]), data=data,
                   headers={"Content-Type": "application/json"})
    assert helpers.assert_json(r, 201)["message"]["body"] == body
    r = alice.post("%s/%s/messages" % (ROOMS, room["id"]),
                   data=b'{"body": "' + b"x" * 100000 + b'"}',
                   headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 413)


def test_text_comes_back_exactly_as_written(alice, bob, chat):
    room = chat.room(alice)
    payloads = [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))", "<svg onload=alert(1)>",
        "&lt;b&gt; &amp;amp; \"quotes\" 'single'", "line one\nline two",
    ]
    for p in payloads:
        chat.send(alice, room["id"], p)
    got = [m["body"] for m in chat.messages(bob, room["id"])["messages"]]
    assert got == payloads


def test_rate_limit_allows_a_burst_then_one_a_second(new_user, chat,
                                                      helpers):
    user = new_user("rl_")
    room = chat.room(user)
    path = "%s/%s/messages" % (ROOMS, room["id"])
    codes = []
    for i in range(14):
        r = user.post(path, json={"body": "burst %d" % i})
        codes.append(r.status_code)
        if r.status_code == 429:
            helpers.assert_problem(r, 429)
            assert r.headers.get("Retry-After") == "1"
    assert codes[:10] == [201] * 10, codes
    assert 429 in codes[10:], codes
    sent = len(chat.messages(user, room["id"], limit=200)["messages"])
    assert sent == codes.count(201)
    time.sleep(1.2)
    assert user.post(path, json={"body": "later"}).status_code == 201


def test_a_poller_misses_nothing_while_many_write(new_user, alice, chat):
    """Ids follow commit order: reading after the last id seen, while
    writers race, yields every message exactly once."""
    room = chat.room(alice)
    writers = [new_user("w_") for _ in range(4)]
    posted, lock = [], threading.Lock()

    def write(actor):
        for i in range(10):
            m = chat.send(actor, room["id"], "%s %d" % (actor.username, i))
            with lock:
                posted.append(m["id"])

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    seen, last = [], 0
    deadline = time.time() + 60
    while time.time() < deadline:
        page = chat.messages(alice, room["id"], after=last, limit=200)
        for m in page["messages"]:
            seen.append(m["id"])
            last = m["id"]
        if len(seen) >= 40 and not any(t.is_alive() for t in threads):
            break
    for t in threads:
        t.join()
    page = chat.messages(alice, room["id"], after=last, limit=200)
    seen += [m["id"] for m in page["messages"]]
    assert len(seen) == len(set(seen)) == 40
    assert sorted(seen) == sorted(posted) == seen


def test_mentioned_offline_user_gets_an_email(alice, bob, chat, mailbox,
                                              helpers):
    room = chat.room(alice)
    chat.send(alice, room["id"], "ping @%s, and @%s" % (bob.username.upper(),
                                                     alice.username))
    msg = mailbox.wait(bob.email, "%s mentioned you" % alice.username)
    text = helpers.mail_text(msg)
    assert "#" + room["name"] in text
    assert "/chat?room=%s" % room["id"] in text
    assert "%s mentioned you" % alice.username not in \
        mailbox.subjects(alice.email)


def test_nobody_outside_a_conversation_is_emailed(alice, bob, carol, chat,
                                                  mailbox):
    room = chat.dm(alice, bob)
    chat.send(alice, room["id"], "@%s @%s" % (carol.username, bob.username))
    # The member is told of a direct message (sql/018_notify_email.sql).
    mailbox.wait(bob.email, "%s sent you a direct message" % alice.username)
    assert not [s for s in mailbox.subjects(carol.email)
                if alice.username in s]


def test_a_reported_message_reaches_the_queue_and_rejection_deletes_it(
        alice, bob, admin, chat, mailbox, helpers):
    room = chat.room(alice)
    msg = chat.send(alice, room["id"], "buy cheap stuff now")
    r = bob.post(MSG % msg["id"] + "/report", json={"reason": "spam"})
    assert helpers.assert_json(r, 202) == {"reported": True}
    items = helpers.assert_json(admin.get("/api/v1/admin/moderation",
                                          params={"limit": 200}), 200)
    item = next(i for i in items["items"]
                if i["kind"] == "chat_message" and i["item_id"] == msg["id"])
    assert item["author"] == alice.username
    assert item["preview_body"] == "buy cheap stuff now"
    assert item["preview_title"] == "Message in #" + room["name"]
    assert item["link"].startswith("/chat?room=%s" % room["id"])
    assert "spam" in item["reason"] and bob.username in item["reason"]

    r = admin.post("/api/v1/admin/moderation/chat_message/%s/reject" %
                   msg["id"], json={"reason": "No advertising."})
    assert r.status_code == 200, helpers.describe(r)
    assert chat.messages(bob, room["id"])["messages"] == []
    gone = chat.messages(bob, room["id"], since=msg["version"])["messages"]
    assert gone[0]["id"] == msg["id"] and gone[0]["deleted"] is True
    mail = mailbox.wait(alice.email, "Your chat message was removed")
    assert "No advertising." in helpers.mail_text(mail)


def test_report_reason_is_checked(alice, bob, chat, helpers):
    room = chat.room(alice)
    msg = chat.send(alice, room["id"])
    helpers.assert_problem(bob.post(MSG % msg["id"] + "/report",
                                    json={"reason": "x" * 501}), 422,
                           ["reason"])
    helpers.assert_problem(bob.post(MSG % "999999999" + "/report",
                                    json={}), 404)
