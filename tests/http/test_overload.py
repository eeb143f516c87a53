"""Overload is an answer, never an error: when every PostgreSQL
connection is busy and the queue behind them is full, a request gets 503
with Retry-After (problem+json on the API), a chat frame gets an `error`
frame with code 503 and `retry_after`, nothing is half-stored, and
/metrics counts the refusals.

Black-box: a separate instance of the site (the test build, one worker,
one database connection and a queue of one), started as scripts/test.sh
starts its two and stopped afterwards; a leak or sanitizer report in its
log fails the test."""

import asyncio
import concurrent.futures
import json
import re
import secrets
import time

import pytest
import requests
import websockets

from agora_kit.web import describe
from test_media_dir import start_site, stop

ROUNDS = 6
BURST = 48


@pytest.fixture
def small_site(tmp_path):
    """The site with one worker, one connection and a queue of one."""
    p, port, log = start_site(tmp_path, tmp_path / "media", conf_edit=lambda c: (
        re.sub(r"^pgsql_queue_limit\s+\d+", "pgsql_queue_limit\t1",
               re.sub(r"^pgsql_conn_max\s+\d+", "pgsql_conn_max\t\t1",
                      re.sub(r"^workers\s+\d+", "workers\t\t\t1", c,
                             flags=re.M), flags=re.M), flags=re.M)))
    base = "http://127.0.0.1:%d" % port
    try:
        for _ in range(240):
            try:
                if requests.get(base + "/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if p.poll() is not None:
                break
            time.sleep(0.25)
        assert requests.get(base + "/healthz", timeout=5).ok, \
            log.read_text()[-2000:]
        yield base
    finally:
        stop(p, log)


def burst(fn, n):
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as ex:
        return list(ex.map(lambda i: fn(i), range(n)))


def test_a_full_queue_answers_503_and_stores_nothing_half(
        small_site, api, new_user, psql):
    users = [new_user() for _ in range(4)]
    room = api.post("/api/v1/chat/rooms", token=users[0].token,
                    json={"name": "busy-%s" % secrets.token_hex(4)})
    assert room.status_code == 201, describe(room)
    room_id = room.json()["room"]["id"]
    for u in users[1:]:
        r = api.post("/api/v1/chat/rooms/%d/messages" % room_id,
                     token=u.token, json={"body": "hello"})
        assert r.status_code == 201, describe(r)

    def post(i):
        u = users[i % len(users)]
        body = "burst %s" % secrets.token_hex(6)
        r = requests.post("%s/api/v1/chat/rooms/%d/messages" % (
            small_site, room_id), json={"body": body},
            headers={"Authorization": "Bearer " + u.token}, timeout=30)
        return r, body

    outcomes = []
    for _ in range(ROUNDS):
        outcomes += burst(post, BURST)
        if any(r.status_code == 503 for r, _ in outcomes):
            break
    statuses = sorted({r.status_code for r, _ in outcomes})
    assert 503 in statuses, statuses
    assert set(statuses) <= {201, 429, 503}, [
        describe(r) for r, _ in outcomes if r.status_code not in
        (201, 429, 503)][:3]
    for r, _ in outcomes:
        if r.status_code == 503:
            assert r.headers.get("retry-after") == "1", describe(r)
            assert r.headers["content-type"].startswith(
                "application/problem+json"), describe(r)
            assert r.json()["status"] == 503, describe(r)

    stored = set(psql("SELECT body FROM chat_messages WHERE room_id = %d"
                      % room_id))
    for r, body in outcomes:
        assert (body in stored) == (r.status_code == 201), (
            r.status_code, body)

    metrics = requests.get(small_site + "/metrics", timeout=10).text
    m = re.search(r"^agora_pgsql_overload_total (\d+)$", metrics, re.M)
    assert m and int(m.group(1)) > 0, metrics[-1500:]


def test_a_busy_socket_gets_retry_after(small_site, api, new_user, psql):
    user = new_user()
    room = api.post("/api/v1/chat/rooms", token=user.token,
                    json={"name": "busyws-%s" % secrets.token_hex(4)})
    assert room.status_code == 201, describe(room)
    room_id = room.json()["room"]["id"]
    ws_url = small_site.replace("http://", "ws://") + "/chat/ws"

    async def run():
        async with websockets.connect(ws_url, extra_headers={
                "Authorization": "Bearer " + user.token}) as ws:
            frames = []
            # Sockets of other clients keep the one connection busy.
            hammer = asyncio.gather(*[asyncio.to_thread(
                requests.get, small_site + "/api/v1/chat/rooms/%d/messages"
                % room_id, headers={"Authorization": "Bearer " +
                                    user.token}, timeout=30)
                for _ in range(BURST)])
            for i in range(BURST):
                await ws.send(json.dumps({"type": "send", "room": room_id,
                                          "body": "ws %d" % i,
                                          "ref": "r%d" % i}))
            await hammer
            try:
                while True:
                    frames.append(json.loads(await asyncio.wait_for(
                        ws.recv(), 3)))
            except asyncio.TimeoutError:
                pass
            return frames

    frames = asyncio.run(run())
    errors = [f for f in frames if f["type"] == "error"]
    sent = {f["ref"] for f in frames if f["type"] == "sent"}
    busy = [f for f in errors if f["code"] == 503]
    assert busy, frames[:10]
    for f in busy:
        assert f["retry_after"] == 1 and f["ref"], f
    assert all(f["code"] in (429, 503) for f in errors), errors[:5]
    stored = set(psql("SELECT body FROM chat_messages WHERE room_id = %d"
                      % room_id))
    for i in range(BURST):
        assert (("ws %d" % i) in stored) == (("r%d" % i) in sent), i
