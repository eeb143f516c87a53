"""Live delivery: a notification made on one instance reaches the
user's WebSocket on the other (Redis fan-out), as {"type":"notify"};
nobody else's socket hears it; marking read tells the user's other
tabs."""

import asyncio
import json
import os

import pytest
import websockets

BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")
BASE2 = os.environ.get("AGORA_TEST_URL2")
WAIT = 10


def ws_url(base):
    return base.replace("http://", "ws://", 1) + "/chat/ws"


async def connect(actor, base):
    return await websockets.connect(
        ws_url(base), extra_headers={"Authorization": "Bearer " + actor.token})


async def notify_frames(ws, seconds):
    got = []
    try:
        while True:
            f = json.loads(await asyncio.wait_for(ws.recv(), seconds))
            if f.get("type") == "notify":
                got.append(f)
                seconds = 0.3
    except asyncio.TimeoutError:
        return got


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


@pytest.mark.skipif(not BASE2, reason="needs the second instance")
def test_comment_reaches_the_other_instance(blog, inbox, author, other,
                                            new_user):
    post = blog.published(author)
    bystander = new_user("by_")

    async def go():
        mine = await connect(author, BASE2)
        theirs = await connect(bystander, BASE2)
        here = await connect(author, BASE)
        try:
            await asyncio.sleep(0.3)
            blog.comment(other, post["id"])
            got2 = await notify_frames(mine, WAIT)
            got1 = await notify_frames(here, WAIT)
            none = await notify_frames(theirs, 0.5)
            return got2, got1, none
        finally:
            for ws in (mine, theirs, here):
                await ws.close()

    got2, got1, none = run(go())
    assert got2 and got1, (got2, got1)
    assert none == []
    assert inbox.unread(author) >= 1


@pytest.mark.skipif(not BASE2, reason="needs the second instance")
def test_dm_like_and_read_are_live(social, inbox, author, other):
    pid = social.photo(author)

    async def go():
        ws = await connect(author, BASE2)
        try:
            await asyncio.sleep(0.3)
            dm = social.dm(other, author)
            social.send(other, dm["id"])
            dm_frames = await notify_frames(ws, WAIT)
            social.like(other, pid)
            like_frames = await notify_frames(ws, WAIT)
            # Read in one tab: the others hear it and show the count.
            r = inbox.read(author)
            assert r.status_code == 200
            read_frames = await notify_frames(ws, WAIT)
            return dm_frames, like_frames, read_frames
        finally:
            await ws.close()

    dm_frames, like_frames, read_frames = run(go())
    assert dm_frames and like_frames and read_frames
    assert inbox.unread(author) == 0


def test_a_socket_that_goes_away_harms_nothing(blog, inbox, author, other):
    post = blog.published(author)

    async def go():
        for _ in range(5):
            ws = await connect(author, BASE)
            await ws.close()
        ws = await connect(author, BASE)
        ws.transport.abort()      # gone without a close frame

    run(go())
    blog.comment(other, post["id"])
    assert len(inbox.of_kind(author, "comment")) == 1
