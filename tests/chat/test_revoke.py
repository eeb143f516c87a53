"""A ban, a logout, a password reset or a revoked token reaches the
WebSockets that credential opened, on every worker of both instances:
they are closed within a second, and a frame that writes (send, typing,
subscribe) is refused even when the revocation event is lost, so nothing
a revoked socket sends is stored or delivered."""

import asyncio
import re
import secrets
import subprocess

import pytest
import websockets

from test_ws import BASE, BASE2, Client, run, ws_url

CLOSE_WITHIN = 1.0
INSTANCES = [BASE] + ([BASE2] if BASE2 else [])
RESET_LINK = re.compile(r"/reset\?token=([0-9a-f]{64})")


async def cookie_client(actor, base):
    """A socket opened with `actor`'s browser session, as the page does."""
    actor.csrf("/chat")
    cookie = "; ".join("%s=%s" % kv for kv in actor.html.cookies.items())
    ws = await websockets.connect(ws_url(base), extra_headers={
        "Cookie": cookie, "Origin": base}, max_size=2 ** 20)
    return Client(ws)


async def token_client(token, base):
    ws = await websockets.connect(ws_url(base), extra_headers={
        "Authorization": "Bearer " + token}, max_size=2 ** 20)
    return Client(ws)


async def client_as(actor, how, base):
    """A socket of `actor`'s by its session cookie or its bearer token."""
    if how == "session":
        return await cookie_client(actor, base)
    return await token_client(actor.token, base)


async def refused(client, wait):
    """Every frame until the socket closes or is quiet for `wait`
    seconds is one error with code 401."""
    frames = []
    try:
        while True:
            frames.append(await client.recv(wait))
    except (websockets.ConnectionClosed, asyncio.TimeoutError):
        pass
    assert [f["type"] for f in frames] == ["error"], frames
    assert frames[0]["code"] == 401, frames


async def in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def closed_within(client, seconds=CLOSE_WITHIN):
    """Whether the server closes the socket within `seconds`; frames it
    sends before (an error saying why) are ignored."""
    try:
        await asyncio.wait_for(client.ws.wait_closed(), seconds)
        return True
    except asyncio.TimeoutError:
        return False


async def try_send(client, room, body):
    """Send a message frame; the socket may already be gone."""
    try:
        await client.send(type="send", room=room, body=body, ref="late")
    except websockets.ConnectionClosed:
        pass


async def still_open(client):
    await client.send(type="ping")
    assert (await client.expect("pong"))["type"] == "pong"


def bodies(chat, reader, room):
    return [m["body"] for m in chat.messages(reader, room)["messages"]]


def psql(sql):
    subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, capture_output=True, text=True, timeout=30)


def new_token(actor):
    r = actor.post("/api/v1/tokens", json={"name": "second"})
    assert r.status_code == 201, r.text
    return r.json()


def reset_password(actor, html_client, mailbox):
    """The forgotten-password flow through the mail sink, as a stranger
    to the account's sessions (a fresh browser)."""
    b = html_client()
    r = b.submit("/forgot", "/forgot", {"email": actor.email})
    assert r.status_code == 200, r.text
    msg = mailbox.wait(actor.email, "Reset")
    text = msg.get_body(("plain",)).get_content()
    token = RESET_LINK.search(text).group(1)
    page = b.get("/reset?token=" + token)
    assert page.status_code == 200, page.text
    r = b.submit("/reset?token=" + token, "/reset", {
        "token": token, "password": "a brand new password " +
        secrets.token_hex(4)})
    assert r.status_code == 303, r.text


def check_revoked(chat, open_victim, room, watcher, revoke, after=None):
    """`open_victim()` opens the socket the revocation must reach;
    `revoke()` (blocking) must close it within a second, and a message
    it sends right after is stored nowhere and reaches nobody.  `after()`
    then checks the sockets that must have survived, in the same loop."""
    marker = "after revocation " + secrets.token_hex(4)

    async def go():
        c = await open_victim()
        await c.subscribe(room)
        w = await Client.open(watcher)
        await w.subscribe(room)
        await in_thread(revoke)
        await try_send(c, room, marker)
        assert await closed_within(c), "the socket stayed open"
        heard = [f for f in await w.quiet(1.0) if f["type"] == "message"]
        assert marker not in [f["message"]["body"] for f in heard]
        await w.close()
        if after is not None:
            await after()
    run(go())
    assert marker not in bodies(chat, watcher, room)


def ban_of(admin, victim):
    def ban():
        r = admin.post("/api/v1/admin/users/%s/ban" % victim.id)
        assert r.status_code == 200, r.text
    return ban


@pytest.mark.parametrize("base", INSTANCES)
@pytest.mark.parametrize("how", ["token", "session"])
def test_a_ban_closes_the_users_sockets(how, base, new_user, admin, chat):
    victim, watcher = new_user("ban_"), new_user("w_")
    room = chat.room(watcher)["id"]
    check_revoked(chat, lambda: client_as(victim, how, base), room,
                  watcher, ban_of(admin, victim))


@pytest.mark.parametrize("base", INSTANCES)
def test_logout_closes_that_sessions_sockets_only(base, new_user, chat):
    victim, watcher = new_user("out_"), new_user("w_")
    room = chat.room(watcher)["id"]
    kept = {}

    async def open_victim():
        kept["token"] = await token_client(victim.token, base)
        return await cookie_client(victim, base)

    def logout():
        r = victim.html.submit("/", "/logout", {})
        assert r.status_code == 303, r.text

    async def after():
        # The token's socket is not that session's: it still works.
        c = kept["token"]
        await still_open(c)
        await c.send(type="send", room=room, body="still here", ref="k")
        assert (await c.expect("sent"))["ref"] == "k"
        await c.close()

    check_revoked(chat, open_victim, room, watcher, logout, after)


@pytest.mark.parametrize("base", INSTANCES)
def test_revoking_a_token_closes_its_sockets_only(base, new_user, chat):
    victim, watcher = new_user("tok_"), new_user("w_")
    room = chat.room(watcher)["id"]
    second = new_token(victim)
    kept = {}

    async def open_victim():
        kept["main"] = await token_client(victim.token, base)
        return await token_client(second["token"], base)

    def revoke():
        r = victim.delete("/api/v1/tokens/%s" % second["id"])
        assert r.status_code == 204, r.text

    async def after():
        await still_open(kept["main"])
        await kept["main"].close()

    check_revoked(chat, open_victim, room, watcher, revoke, after)


@pytest.mark.parametrize("base", INSTANCES)
def test_logout_by_token_closes_its_sockets(base, new_user, chat, api):
    victim, watcher = new_user("tout_"), new_user("w_")
    room = chat.room(watcher)["id"]
    second = new_token(victim)

    def logout():
        r = api.post("/api/v1/auth/logout", token=second["token"], json={})
        assert r.status_code == 204, r.text

    check_revoked(chat, lambda: token_client(second["token"], base), room,
                  watcher, logout)


@pytest.mark.parametrize("base", INSTANCES)
def test_a_password_reset_closes_every_socket_and_revokes_tokens(
        base, new_user, chat, html_client, mailbox, helpers):
    victim, watcher = new_user("rst_"), new_user("w_")
    room = chat.room(watcher)["id"]
    kept = {}

    async def open_victim():
        kept["session"] = await cookie_client(victim, base)
        return await token_client(victim.token, base)

    async def after():
        assert await closed_within(kept["session"]), \
            "the session's socket stayed open"

    check_revoked(chat, open_victim, room, watcher,
                  lambda: reset_password(victim, html_client, mailbox),
                  after)
    # The reset revoked the API token too.
    helpers.assert_problem(victim.get("/api/v1/me"), 401)


# ------------------------------------------------ the event is lost

LOST = {
    "session": "DELETE FROM sessions WHERE user_id = %d",
    "token": "DELETE FROM api_tokens WHERE user_id = %d",
    "ban": "UPDATE users SET banned = true WHERE id = %d",
}


@pytest.mark.parametrize("frame", ["send", "typing", "subscribe"])
@pytest.mark.parametrize("how", sorted(LOST))
def test_write_frames_recheck_the_credential(how, frame, new_user, chat):
    """The credential goes away with no event (as if Redis lost it): the
    next send, typing or subscribe is refused, and nothing is stored or
    delivered."""
    victim, watcher = new_user("lost_"), new_user("w_")
    room = chat.room(watcher)["id"]
    other_room = chat.room(watcher)["id"]
    marker = "unsent " + secrets.token_hex(4)

    async def go():
        c = await client_as(victim, how, BASE)
        await c.subscribe(room)
        w = await Client.open(watcher)
        await w.subscribe(room)
        await in_thread(psql, LOST[how] % victim.id)

        try:
            if frame == "send":
                await c.send(type="send", room=room, body=marker, ref="m")
            elif frame == "typing":
                await c.send(type="typing", room=room)
            else:
                await c.send(type="subscribe", room=other_room)
        except websockets.ConnectionClosed:
            pass
        await refused(c, 3)
        assert await closed_within(c), "the socket stayed open"
        heard = await w.quiet(1.0)
        assert [f for f in heard if f["type"] in ("typing", "message")] \
            == [], heard
        await w.close()
    run(go())
    assert marker not in bodies(chat, watcher, room)


@pytest.mark.parametrize("how", sorted(LOST))
def test_a_socket_that_only_reads_is_closed_too(how, new_user, chat):
    """No event, no frame from the client: the worker's periodic check of
    its sockets' credentials (every 10 s) still closes the socket, so a
    lost event does not let it go on receiving the room."""
    victim, watcher = new_user("read_"), new_user("w_")
    room = chat.room(watcher)["id"]

    async def go():
        c = await client_as(victim, how, BASE)
        await c.subscribe(room)
        await in_thread(psql, LOST[how] % victim.id)
        await refused(c, 30)
        assert c.ws.closed, "the socket stayed open"
    run(go())
