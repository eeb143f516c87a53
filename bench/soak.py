"""Mixed traffic for bench/soak.sh: pages, API, uploads, chat sockets and
logins against one site for SOAK_SECONDS, while the Kore workers' RSS is
sampled.  Prints one JSON line of figures; exits non-zero on any error.

    soak.py BASE_URL KORE_PARENT_PID SECONDS
"""

import asyncio
import io
import json
import os
import random
import secrets
import sys
import threading
import time

import requests
import websockets
from PIL import Image

BASE, PARENT, SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
stop = time.time() + SECONDS
lock = threading.Lock()
counts = {"requests": 0, "errors": 0, "uploads": 0, "logins": 0,
          "chat_sent": 0, "chat_received": 0}
errors = []


def note(key, n=1):
    with lock:
        counts[key] += n


def fail(what):
    with lock:
        counts["errors"] += 1
        if len(errors) < 20:
            errors.append(what)


def workers_rss():
    """KiB of resident memory of each Kore worker (children of PARENT)."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) != PARENT:
                continue
            with open("/proc/%s/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        out[int(pid)] = int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
    return out


def user():
    s = requests.Session()
    name = "soak_" + secrets.token_hex(4)
    pw = secrets.token_hex(10)
    r = s.post(BASE + "/api/v1/auth/register", json={
        "username": name, "email": name + "@example.test", "password": pw})
    assert r.status_code == 201, r.text
    r = s.post(BASE + "/api/v1/auth/login",
               json={"username": name, "password": pw})
    assert r.status_code == 200, r.text
    return name, pw, r.json()["token"]


def jpeg():
    img = Image.new("RGB", (320, 240), tuple(random.randrange(256)
                                             for _ in range(3)))
    for _ in range(20):
        x, y = random.randrange(300), random.randrange(220)
        img.paste(tuple(random.randrange(256) for _ in range(3)),
                  (x, y, x + 20, y + 20))
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


def check(r, what, ok=(200,)):
    note("requests")
    if r.status_code not in ok:
        fail("%s -> %d %s" % (what, r.status_code, r.text[:200]))


def reader(token):
    s = requests.Session()
    paths = ["/", "/blog", "/blog?page=2", "/photos", "/api/v1/blog/posts",
             "/api/v1/photos", "/healthz", "/static/agora.css",
             "/nowhere"]
    while time.time() < stop:
        p = random.choice(paths)
        try:
            r = s.get(BASE + p, timeout=30)
            check(r, p, (200, 404) if p == "/nowhere" else (200,))
            r = s.get(BASE + "/api/v1/me", timeout=30,
                      headers={"Authorization": "Bearer " + token})
            check(r, "/api/v1/me")
        except requests.RequestException as e:
            fail("%s: %s" % (p, e))


def uploader(token):
    s = requests.Session()
    h = {"Authorization": "Bearer " + token}
    while time.time() < stop:
        try:
            r = s.post(BASE + "/api/v1/photos", headers=h, timeout=60,
                       files={"file": ("s.jpg", jpeg(), "image/jpeg"),
                              "caption": (None, "soak #soak")})
            # 413 once the user's quota is used: a new user then.
            if r.status_code == 413:
                _, _, token = user()
                h = {"Authorization": "Bearer " + token}
                continue
            check(r, "upload", (201,))
            note("uploads")
            if r.status_code == 201:
                pid = r.json()["photo"]["id"]
                check(s.delete(BASE + "/api/v1/photos/%s" % pid, headers=h,
                               timeout=30), "delete photo", (204,))
        except requests.RequestException as e:
            fail("upload: %s" % e)
        time.sleep(0.2)


def login_loop():
    name, pw, _ = user()
    s = requests.Session()
    while time.time() < stop:
        try:
            r = s.post(BASE + "/api/v1/auth/login",
                       json={"username": name, "password": pw}, timeout=30)
            check(r, "login")
            if r.status_code == 200:
                note("logins")
                tok = r.json()["token"]
                check(s.post(BASE + "/api/v1/auth/logout", timeout=30,
                             headers={"Authorization": "Bearer " + tok}),
                      "logout", (200, 204))
        except requests.RequestException as e:
            fail("login: %s" % e)
        time.sleep(0.5)


async def chatter(token, room, n):
    url = BASE.replace("http://", "ws://") + "/chat/ws"
    while time.time() < stop:
        try:
            async with websockets.connect(url, extra_headers={
                    "Authorization": "Bearer " + token}) as ws:
                await ws.send(json.dumps({"type": "subscribe", "room": room}))
                end = min(stop, time.time() + 60)
                i = 0
                while time.time() < end:
                    await ws.send(json.dumps({
                        "type": "send", "room": room, "ref": "r%d" % i,
                        "body": "soak %d %d" % (n, i)}))
                    note("chat_sent")
                    i += 1
                    t = time.time() + 1.0
                    while time.time() < t:
                        try:
                            f = json.loads(await asyncio.wait_for(
                                ws.recv(), t - time.time()))
                        except asyncio.TimeoutError:
                            break
                        if f.get("type") == "message":
                            note("chat_received")
                        elif f.get("type") == "error" and \
                                f.get("code") != 429:
                            fail("chat frame: %r" % f)
        except (OSError, websockets.WebSocketException) as e:
            fail("chat: %s" % e)
            await asyncio.sleep(1)


def chat_thread(tokens, room):
    async def go():
        await asyncio.gather(*(chatter(t, room, i)
                               for i, t in enumerate(tokens)))
    asyncio.run(go())


def main():
    tokens = [user()[2] for _ in range(5)]
    # One user per socket: each sends a message a second, the chat's
    # steady rate per user.
    chatters = [user()[2] for _ in range(8)]
    r = requests.post(BASE + "/api/v1/chat/rooms", json={
        "name": "soak-" + secrets.token_hex(3)},
        headers={"Authorization": "Bearer " + tokens[0]})
    assert r.status_code == 201, r.text
    room = r.json()["room"]["id"]

    # More connections than Kore's accept threshold (8), so that every
    # worker serves from the first minute on.
    ts = [threading.Thread(target=reader, args=(tokens[i % 3],))
          for i in range(12)]
    ts += [threading.Thread(target=uploader, args=(tokens[3],)),
           threading.Thread(target=login_loop),
           threading.Thread(target=chat_thread, args=(chatters, room))]
    for t in ts:
        t.start()

    time.sleep(min(60, SECONDS / 2))
    first = workers_rss()
    while any(t.is_alive() for t in ts):
        time.sleep(1)
    last = workers_rss()
    # Judged on all workers together: Kore hands connections to one
    # worker until it has taken a few, so a single worker's share (and a
    # small baseline) moves between them; the same workers must be there
    # at the end (none died and was replaced).
    before, after = sum(first.values()), sum(last.values())
    growth = round(100.0 * (after - before) / before, 1) if before else None
    out = dict(counts, seconds=SECONDS, rss_after_first_minute_kib=first,
               rss_at_end_kib=last, rss_total_kib=[before, after],
               rss_growth_percent=growth, error_samples=errors)
    print(json.dumps(out))
    ok = counts["errors"] == 0 and growth is not None and growth <= 10.0 \
        and sorted(first) == sorted(last)
    sys.exit(0 if ok else 1)


main()
