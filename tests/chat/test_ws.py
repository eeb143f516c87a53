"""/chat/ws: authentication, subscribe/send/typing frames, fan-out of
API changes, resuming with no gap and no duplicate, and fan-out across
two instances of the site (AGORA_TEST_URL2) through Redis."""

import asyncio
import json
import os

import pytest
import websockets

BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")
BASE2 = os.environ.get("AGORA_TEST_URL2")
ROOMS = "/api/v1/chat/rooms"
WAIT = 10


def ws_url(base):
    return base.replace("http://", "ws://", 1) + "/chat/ws"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


class Client:
    """One WebSocket connection, authenticated by a bearer token."""

    def __init__(self, ws):
        self.ws = ws

    @classmethod
    async def open(cls, actor, base=BASE, headers=None):
        h = {"Authorization": "Bearer " + actor.token} if actor else {}
        h.update(headers or {})
        ws = await websockets.connect(ws_url(base), extra_headers=h,
                                      max_size=2 ** 20)
        return cls(ws)

    async def send(self, **frame):
        await self.ws.send(json.dumps(frame))

    async def recv(self, timeout=WAIT):
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def expect(self, type_, timeout=WAIT, **match):
        """The next frame of this type (and these fields); others are
        returned in self.skipped."""
        while True:
            f = await self.recv(timeout)
            if f.get("type") == type_ and all(
                    f.get(k) == v for k, v in match.items()):
                return f

    async def quiet(self, seconds=0.5):
        """Frames that arrive within `seconds` (none expected, usually)."""
        got = []
        try:
            while True:
                got.append(await self.recv(seconds))
        except asyncio.TimeoutError:
            return got

    async def subscribe(self, room, **kw):
        await self.send(type="subscribe", room=room, **kw)
        return await self.expect("subscribed", room_id=room)

    async def close(self):
        await self.ws.close()


def test_handshake_needs_a_user():
    async def go():
        with pytest.raises(websockets.InvalidStatusCode) as e:
            await websockets.connect(ws_url(BASE))
        assert e.value.status_code == 401
    run(go())


def test_cookie_sessions_need_the_site_origin(alice):
    alice.csrf("/chat")         # a signed-in browser session
    cookie = "; ".join("%s=%s" % (k, v)
                       for k, v in alice.html.cookies.items())

    async def go():
        for origin in (None, "http://evil.example", "null"):
            h = {"Cookie": cookie}
            if origin:
                h["Origin"] = origin
            with pytest.raises(websockets.InvalidStatusCode) as e:
                await websockets.connect(ws_url(BASE), extra_headers=h)
            assert e.value.status_code == 403, origin
        ws = await websockets.connect(ws_url(BASE), extra_headers={
            "Cookie": cookie, "Origin": BASE})
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv()) == {"type": "pong"}
        await ws.close()
    run(go())


def test_send_and_receive_with_two_users(alice, bob, chat):
    room = chat.room(alice)

    async def go():
        a = await Client.open(alice)
        b = await Client.open(bob)
        sa = await a.subscribe(room["id"])
        assert sa["backlog"] == 0 and sa["truncated"] is False
        await b.subscribe(room["id"])
        await a.send(type="send", room=room["id"], body="hi <b>bob</b>",
                     ref="r1")
        sent = await a.expect("sent")
        assert sent["ref"] == "r1"
        msg = sent["message"]
        assert msg["body"] == "hi <b>bob</b>" and msg["author"] == \
            alice.username
        got_b = await b.expect("message")
        got_a = await a.expect("message")
        assert got_b["message"] == msg == got_a["message"]
        # Stored: the API has it with the same id.
        assert chat.messages(bob, room["id"])["messages"] == [msg]
        await a.close()
        await b.close()
    run(go())


def test_api_changes_reach_sockets(alice, bob, chat):
    room = chat.room(alice)

    async def go():
        b = await Client.open(bob)
        await b.subscribe(room["id"])
        m = chat.send(alice, room["id"], "from the API")
        assert (await b.expect("message"))["message"] == m
        r = alice.patch("/api/v1/chat/messages/%s" % m["id"],
                        json={"body": "edited"})
        edited = (await b.expect("edited"))["message"]
        assert edited == r.json()["message"]
        assert alice.delete("/api/v1/chat/messages/%s" % m["id"]) \
            .status_code == 204
        d = await b.expect("deleted")
        assert d["id"] == m["id"] and d["room_id"] == room["id"]
        assert d["version"] > edited["version"]
        await b.close()
    run(go())


def test_typing_reaches_others_but_not_the_typist(alice, bob, chat):
    room = chat.room(alice)

    async def go():
        a = await Client.open(alice)
        b = await Client.open(bob)
        await a.subscribe(room["id"])
        await b.subscribe(room["id"])
        await a.send(type="typing", room=room["id"])
        t = await b.expect("typing")
        assert t["user"] == alice.username and t["room_id"] == room["id"]
        assert [f for f in await a.quiet() if f["type"] == "typing"] == []
        await a.close()
        await b.close()
    run(go())


def test_resume_since_a_version_has_no_gap_and_no_duplicate(alice, bob,
                                                             chat):
    room = chat.room(alice)
    first = chat.send(alice, room["id"], "seen")

    async def go():
        # bob was away: three messages, an edit and a deletion.
        missed = [chat.send(alice, room["id"], "missed %d" % i)
                  for i in range(3)]
        alice.patch("/api/v1/chat/messages/%s" % first["id"],
                    json={"body": "seen, edited"})
        alice.delete("/api/v1/chat/messages/%s" % missed[0]["id"])
        b = await Client.open(bob)
        sub = await b.subscribe(room["id"], since=first["version"])
        frames = [await b.expect("message") for _ in range(sub["backlog"])]
        versions = [f["message"]["version"] for f in frames]
        assert versions == sorted(versions)
        by_id = {f["message"]["id"]: f["message"] for f in frames}
        assert by_id[first["id"]]["body"] == "seen, edited"
        assert by_id[missed[0]["id"]]["deleted"] is True
        assert {missed[1]["id"], missed[2]["id"]} <= set(by_id)
        assert len(by_id) == len(frames) == 4
        # Live again, and nothing twice.
        live = chat.send(alice, room["id"], "live")
        got = await b.expect("message")
        assert got["message"]["id"] == live["id"]
        assert [f for f in await b.quiet() if f["type"] == "message"] == []
        await b.close()
    run(go())


def test_resume_after_an_id_while_others_write(alice, bob, carol, chat):
    """Messages posted while the backlog is read arrive once, in order."""
    room = chat.room(alice)
    last_seen = chat.send(alice, room["id"], "before")

    async def go():
        for i in range(5):
            chat.send(carol, room["id"], "away %d" % i)
        b = await Client.open(bob)
        await b.send(type="subscribe", room=room["id"],
                     after=last_seen["id"])
        loop = asyncio.get_running_loop()
        writer = loop.run_in_executor(None, lambda: [
            chat.send(alice, room["id"], "during %d" % i) for i in range(5)])
        ids = []
        while len(ids) < 10:
            f = await b.recv()
            if f["type"] == "message":
                ids.append(f["message"]["id"])
        await writer
        ids += [f["message"]["id"] for f in await b.quiet(1.0)
                if f["type"] == "message"]
        everything = [m["id"] for m in chat.messages(
            alice, room["id"], after=last_seen["id"])["messages"]]
        assert ids == everything and len(ids) == 10
        await b.close()
    run(go())


def test_private_rooms_and_bad_frames(alice, bob, carol, chat):
    dm = chat.dm(alice, bob)

    async def go():
        c = await Client.open(carol)
        await c.send(type="subscribe", room=dm["id"])
        e = await c.expect("error")
        assert e["code"] == 404
        await c.send(type="send", room=dm["id"], body="let me in",
                     ref="x")
        e = await c.expect("error")
        assert e["code"] == 404 and e["ref"] == "x"
        await c.ws.send("not json")
        assert (await c.expect("error"))["code"] == 400
        await c.ws.send(b"\x00binary")
        assert (await c.expect("error"))["code"] == 400
        await c.send(type="dance")
        assert (await c.expect("error"))["code"] == 400
        await c.send(type="subscribe", room="1")
        assert (await c.expect("error"))["code"] == 400
        room = chat.room(carol)
        await c.subscribe(room["id"])
        await c.send(type="subscribe", room=room["id"])
        assert (await c.expect("error"))["code"] == 409
        await c.send(type="send", room=room["id"], body=" ", ref="empty")
        e = await c.expect("error")
        assert e["code"] == 422 and e["ref"] == "empty"
        await c.send(type="send", room=room["id"], body="x" * 4001)
        assert (await c.expect("error"))["code"] == 422
        # Still usable.
        await c.send(type="ping")
        assert (await c.expect("pong")) == {"type": "pong"}
        assert chat.messages(alice, dm["id"])["messages"] == []
        await c.close()
    run(go())


def test_rate_limit_over_the_socket(new_user, chat):
    user = new_user("wr_")
    room = chat.room(user)

    async def go():
        c = await Client.open(user)
        await c.subscribe(room["id"])
        for i in range(13):
            await c.send(type="send", room=room["id"], body="b%d" % i,
                         ref="r%d" % i)
        sent, limited = 0, 0
        while sent + limited < 13:
            f = await c.recv()
            if f["type"] == "sent":
                sent += 1
            elif f["type"] == "error":
                assert f["code"] == 429 and f["ref"].startswith("r")
                limited += 1
        assert sent >= 10 and limited >= 1
        await c.close()
    run(go())


def test_a_moderators_removal_reaches_sockets(alice, bob, admin, chat,
                                              helpers):
    room = chat.room(alice)
    msg = chat.send(alice, room["id"], "report me")

    async def go():
        b = await Client.open(bob)
        await b.subscribe(room["id"])
        r = bob.post("/api/v1/chat/messages/%s/report" % msg["id"],
                     json={"reason": "rude"})
        assert r.status_code == 202
        r = admin.post("/api/v1/admin/moderation/chat_message/%s/reject" %
                       msg["id"], json={"reason": "Rude."})
        assert r.status_code == 200, helpers.describe(r)
        d = await b.expect("deleted", timeout=20)
        assert d["id"] == msg["id"] and d["room_id"] == room["id"]
        await b.close()
    run(go())


@pytest.mark.skipif(not BASE2, reason="needs a second instance")
def test_fan_out_across_two_instances_both_ways(alice, bob, chat):
    room = chat.room(alice)

    async def go():
        a = await Client.open(alice, BASE)
        b = await Client.open(bob, BASE2)
        await a.subscribe(room["id"])
        await b.subscribe(room["id"])
        await a.send(type="send", room=room["id"], body="from A", ref="a")
        mine = (await a.expect("sent"))["message"]
        assert (await b.expect("message"))["message"] == mine
        await b.send(type="send", room=room["id"], body="from B", ref="b")
        theirs = (await b.expect("sent"))["message"]
        while True:     # a hears its own message too, first
            got = (await a.expect("message"))["message"]
            if got["id"] != mine["id"]:
                break
        assert got == theirs
        # Typing crosses too.
        await b.send(type="typing", room=room["id"])
        assert (await a.expect("typing"))["user"] == bob.username
        await a.close()
        await b.close()
    run(go())
