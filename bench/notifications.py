#!/usr/bin/env python3
"""The live part of bench/notifications.sh, against a running site.

likes:    the owner's socket open, 1,000 users like one photo through
          the API (32 at a time): how fast they are stored, and when the
          owner's socket has heard each of them.
mentions: 1,000 users' sockets open; 50 users each post one message in
          a public room naming 20 of them (1,000 mentions): the time from
          each send to each named socket hearing it.

  notifications.py BASE TOKENFILE PHOTO ROOM   prints one JSON object
TOKENFILE holds one token a line, user 1 first (bench/chat_seed.py).
"""

import asyncio
import concurrent.futures
import json
import sys
import threading
import time

import requests
import websockets

LIKERS = 1000
MEMBERS = 1000
SENDERS = 50
PER_MESSAGE = 20
QUIET = 5.0		# seconds without a frame: delivery is over


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values))) - 1))
    return round(values[k] * 1000, 1)


def ws_url(base):
    return base.replace("http://", "ws://", 1) + "/chat/ws"


async def connect(base, token):
    return await websockets.connect(
        ws_url(base), extra_headers={"Authorization": "Bearer " + token},
        max_queue=None)


local = threading.local()


def session(token):
    s = getattr(local, "s", None)
    if s is None:
        s = local.s = requests.Session()
    s.headers["Authorization"] = "Bearer " + token
    return s


def like(base, photo, token):
    r = session(token).post("%s/api/v1/photos/%s/like" % (base, photo),
                            json={}, timeout=30)
    return r.status_code


def post(base, room, token, body):
    t = time.monotonic()
    r = session(token).post("%s/api/v1/chat/rooms/%s/messages" % (base, room),
                            json={"body": body}, timeout=30)
    return t, r.status_code


async def frames(ws, arrivals, want):
    """Notify frames' arrival times until `want` came or it went quiet."""
    while len(arrivals) < want:
        try:
            f = json.loads(await asyncio.wait_for(ws.recv(), QUIET))
        except asyncio.TimeoutError:
            return
        if f.get("type") == "notify":
            arrivals.append(time.monotonic())


async def likes(base, tokens, photo, pool):
    ws = await connect(base, tokens[0])
    arrivals = []
    reader = asyncio.ensure_future(frames(ws, arrivals, LIKERS))
    await asyncio.sleep(0.5)
    loop = asyncio.get_running_loop()
    t0 = time.monotonic()
    codes = await asyncio.gather(*[
        loop.run_in_executor(pool, like, base, photo, t)
        for t in tokens[1:1 + LIKERS]])
    stored = time.monotonic() - t0
    await reader
    await ws.close()
    return {
        "likes": len(codes),
        "errors": sum(1 for c in codes if c != 200),
        "stored_s": round(stored, 3),
        "likes_per_s": round(len(codes) / stored),
        "frames": len(arrivals),
        "last_frame_s": round(arrivals[-1] - t0, 3) if arrivals else None,
    }


async def mentions(base, tokens, room, pool):
    members = tokens[1:1 + MEMBERS]
    names = ["bench_%d" % (i + 2) for i in range(MEMBERS)]
    sem = asyncio.Semaphore(64)

    async def open_one(t):
        async with sem:
            return await connect(base, t)
    sockets = await asyncio.gather(*[open_one(t) for t in members])
    arrivals = [[] for _ in sockets]
    readers = [asyncio.ensure_future(frames(ws, arrivals[i], 1))
               for i, ws in enumerate(sockets)]
    await asyncio.sleep(1.0)

    loop = asyncio.get_running_loop()
    senders = tokens[1 + MEMBERS:1 + MEMBERS + SENDERS]
    jobs = []
    for s, token in enumerate(senders):
        named = names[s * PER_MESSAGE:(s + 1) * PER_MESSAGE]
        body = "Look " + " ".join("@" + n for n in named)
        jobs.append(loop.run_in_executor(pool, post, base, room, token, body))
    t0 = time.monotonic()
    sent = await asyncio.gather(*jobs)
    await asyncio.gather(*readers)
    latency, missed = [], 0
    for i, got in enumerate(arrivals):
        if not got:
            missed += 1
            continue
        latency.append(got[0] - sent[i // PER_MESSAGE][0])
    last = max((a[0] for a in arrivals if a), default=t0)
    for ws in sockets:
        await ws.close()
    return {
        "messages": len(sent),
        "errors": sum(1 for _, c in sent if c != 201),
        "mentions": MEMBERS,
        "delivered": MEMBERS - missed,
        "p50_ms": pct(latency, 50),
        "p99_ms": pct(latency, 99),
        "max_ms": pct(latency, 100),
        "all_delivered_s": round(last - t0, 3),
    }


async def main():
    base, token_file, photo, room = sys.argv[1:5]
    tokens = [line.strip() for line in open(token_file) if line.strip()]
    need = 1 + max(LIKERS, MEMBERS + SENDERS)
    if len(tokens) < need:
        sys.exit("notifications.py: %d tokens, need %d" % (len(tokens), need))
    with concurrent.futures.ThreadPoolExecutor(32) as pool:
        out = {"likes": await likes(base, tokens, photo, pool),
               "mentions": await mentions(base, tokens, room, pool)}
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
