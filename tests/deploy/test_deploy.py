"""The deployment, end to end: nginx (conf/nginx/agora.conf) with a fresh
certificate in front of two Kore instances (conf/kore.prod.conf) and two
job workers on one PostgreSQL and one Redis, used over https as people
would: register and log in (the session cookie is Secure), write a post
an admin approves, upload a photo the workers process, chat over wss."""

import asyncio
import io
import json
import os
import re
import secrets
import ssl
import subprocess
import time

import pytest
import requests
import websockets
from PIL import Image

BASE = os.environ.get("AGORA_DEPLOY_URL", "https://127.0.0.1:18443")
HTTP = os.environ.get("AGORA_DEPLOY_HTTP", "http://127.0.0.1:18080")
CA = os.environ.get("AGORA_DEPLOY_CA")
DIR = os.environ.get("AGORA_DEPLOY_DIR", "")

pytestmark = pytest.mark.skipif(not CA, reason="no deployment running")


def wait_for(cond, timeout=30, what="it"):
    deadline = time.time() + timeout
    while True:
        got = cond()
        if got:
            return got
        assert time.time() < deadline, "gave up waiting for " + what
        time.sleep(0.25)


def session():
    """A client that trusts only the deployment's certificate (not the
    system's bundle, whatever REQUESTS_CA_BUNDLE says)."""
    s = requests.Session()
    s.trust_env = False
    s.verify = CA
    return s


def admin_password():
    with open(os.environ["AGORA_ADMIN_PASSWORD_FILE"]) as f:
        return f.read().strip()


def token_for(username, password):
    r = session().post(BASE + "/api/v1/auth/login",
                       json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def api(token):
    s = session()
    s.headers["Authorization"] = "Bearer " + token
    return s


@pytest.fixture(scope="module")
def user():
    name = "dep_" + secrets.token_hex(4)
    password = "deploy-" + secrets.token_hex(8)
    r = session().post(BASE + "/api/v1/auth/register", json={
        "username": name, "email": name + "@example.org",
        "password": password})
    assert r.status_code == 201, r.text
    return name, password


def test_plain_http_redirects_to_https():
    r = requests.get(HTTP + "/blog?x=1", allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Location"] == "https://127.0.0.1/blog?x=1" or \
        r.headers["Location"].startswith("https://127.0.0.1")


def test_tls_http2_hsts_and_gzip():
    out = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/null",
                          "--http2", "--cacert", CA,
                          "-H", "Accept-Encoding: gzip",
                          BASE + "/static/pico.min.css"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    head = out.stdout.lower()
    assert head.startswith("http/2 200"), out.stdout
    assert "strict-transport-security: max-age=63072000" in head
    assert "content-encoding: gzip" in head
    assert "server: nginx\r\n" in head or "server: nginx\n" in head
    r = session().get(BASE + "/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_register_and_log_in_through_the_form_sets_a_secure_cookie(user):
    s = session()
    page = s.get(BASE + "/login")
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    r = s.post(BASE + "/login", data={"username": user[0],
                                      "password": user[1], "_csrf": csrf},
               allow_redirects=False)
    assert r.status_code == 303, r.text[:200]
    cookie = [c for c in r.raw.headers.getlist("Set-Cookie")
              if c.startswith("agora_session=")]
    assert cookie and "Secure" in cookie[0] and "HttpOnly" in cookie[0]
    assert user[0] in s.get(BASE + "/").text


def test_a_post_written_and_approved(user):
    writer = api(token_for(*user))
    title = "Deployed " + secrets.token_hex(3)
    r = writer.post(BASE + "/api/v1/blog/posts",
                    json={"title": title, "body": "Over **TLS**."})
    assert r.status_code == 201, r.text
    post = r.json()["post"]
    assert post["status"] == "pending"
    admin = api(token_for("admin", admin_password()))
    r = admin.post(BASE + "/api/v1/admin/moderation/post/%s/approve" %
                   post["id"], json={})
    assert r.status_code == 200, r.text
    wait_for(lambda: title in session().get(BASE + "/blog").text,
             what="the post on /blog")
    feed = session().get(BASE + "/blog/feed.atom").text
    assert "https://127.0.0.1:18443/blog/%s" % post["id"] in feed


def test_a_photo_uploaded_and_processed_by_the_workers(user):
    owner = api(token_for(*user))
    img = Image.new("RGB", (900, 600), (40, 120, 200))
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    r = owner.post(BASE + "/api/v1/photos", files={
        "file": ("d.jpg", buf.getvalue(), "image/jpeg"),
        "caption": (None, "Through nginx #deploy")})
    assert r.status_code == 201, r.text
    pid = r.json()["photo"]["id"]

    def ready():
        p = owner.get(BASE + "/api/v1/photos/%s" % pid).json()["photo"]
        return p if p["status"] == "ready" else None
    photo = wait_for(ready, what="the workers to process the photo")
    r = session().get(BASE + photo["urls"]["thumb"])
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/jpeg"
    assert "immutable" in r.headers["Cache-Control"]


def test_chat_over_wss(user):
    token = token_for(*user)
    r = api(token).post(BASE + "/api/v1/chat/rooms",
                        json={"name": "deploy-" + secrets.token_hex(3)})
    assert r.status_code == 201, r.text
    room = r.json()["room"]["id"]
    ctx = ssl.create_default_context(cafile=CA)
    url = BASE.replace("https://", "wss://") + "/chat/ws"

    async def go():
        head = {"Authorization": "Bearer " + token}
        # Several listeners: nginx spreads them over both instances.
        listeners = [await websockets.connect(url, ssl=ctx,
                                              extra_headers=head)
                     for _ in range(4)]
        for ws in listeners:
            await ws.send(json.dumps({"type": "subscribe", "room": room}))
            while json.loads(await ws.recv())["type"] != "subscribed":
                pass
        sender = await websockets.connect(url, ssl=ctx, extra_headers=head)
        await sender.send(json.dumps({"type": "send", "room": room,
                                      "body": "hello over wss"}))
        for ws in listeners:
            while True:
                f = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if f["type"] == "message":
                    assert f["message"]["body"] == "hello over wss"
                    break
        for ws in listeners + [sender]:
            await ws.close()
    asyncio.run(asyncio.wait_for(go(), 60))


def test_both_instances_served_and_metrics_stay_private():
    assert session().get(BASE + "/metrics").status_code == 404
    # The production configuration has no development pages.
    r = session().get(BASE + "/admin/mail", allow_redirects=False)
    assert r.status_code == 404
    for port in (18890, 18891):
        log = os.path.join(DIR, "access-%s.log" % port)
        wait_for(lambda: os.path.exists(log) and os.path.getsize(log) > 0,
                 timeout=10, what="requests on instance %s" % port)


def test_a_worker_killed_mid_job_loses_nothing(user):
    """Photos keep being processed when one of the two workers is killed
    (SIGKILL, no goodbye) while they are being worked on: its claimed
    jobs come back after the visibility timeout and the other worker
    does them."""
    owner = api(token_for(*user))
    ids = []
    for i in range(6):
        img = Image.new("RGB", (1600, 1200), (i * 40, 90, 160))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=95)
        r = owner.post(BASE + "/api/v1/photos", files={
            "file": ("k%d.jpg" % i, buf.getvalue(), "image/jpeg")})
        assert r.status_code == 201, r.text
        ids.append(r.json()["photo"]["id"])
    with open(os.path.join(DIR, "worker-1.pid")) as f:
        pid = int(f.read())
    subprocess.run(["pkill", "-KILL", "-P", str(pid)])
    subprocess.run(["kill", "-KILL", str(pid)])

    def all_done():
        states = [owner.get(BASE + "/api/v1/photos/%s" % p).json()
                  ["photo"]["status"] for p in ids]
        return all(s == "ready" for s in states)
    wait_for(all_done, timeout=60, what="every photo after the kill")


def test_one_instance_down_the_site_answers_and_chat_resumes(user):
    """Stop one Kore instance: pages keep coming through the other, and
    chat clients that lose their connection reconnect and resume from
    their last version with nothing missing and nothing twice."""
    token = token_for(*user)
    writer = api(token)
    r = writer.post(BASE + "/api/v1/chat/rooms",
                    json={"name": "failover-" + secrets.token_hex(3)})
    room = r.json()["room"]["id"]
    ctx = ssl.create_default_context(cafile=CA)
    url = BASE.replace("https://", "wss://") + "/chat/ws"
    head = {"Authorization": "Bearer " + token}

    async def subscribe(since=None):
        ws = await websockets.connect(url, ssl=ctx, extra_headers=head)
        frame = {"type": "subscribe", "room": room}
        if since is not None:
            frame["since"] = since
        await ws.send(json.dumps(frame))
        return ws

    async def drain(ws, seen, timeout=1.0):
        try:
            while True:
                f = json.loads(await asyncio.wait_for(ws.recv(), timeout))
                if f["type"] == "message":
                    m = f["message"]
                    seen.append((m["id"], m["version"]))
        except (asyncio.TimeoutError, websockets.ConnectionClosed):
            pass

    def send(i):
        r = writer.post(BASE + "/api/v1/chat/rooms/%s/messages" % room,
                        json={"body": "m%d" % i})
        assert r.status_code == 201, r.text
        return r.json()["message"]["id"]

    async def go():
        # With least_conn the two clients land on different instances.
        clients = [await subscribe(), await subscribe()]
        seen = [[], []]
        sent = [send(i) for i in range(3)]
        for c, s in zip(clients, seen):
            await drain(c, s)
        with open(os.path.join(DIR, "web-18890.pid")) as f:
            subprocess.run(["kill", "-TERM", f.read().strip()])
        # The site keeps answering through the other instance.
        for _ in range(10):
            assert session().get(BASE + "/blog").status_code == 200
        sent += [send(i) for i in range(3, 6)]
        for i, c in enumerate(clients):
            await drain(c, seen[i])
            if c.closed or len([x for x in seen[i] if x[0] in sent]) < 6:
                last = max((v for _, v in seen[i]), default=0)
                await c.close()
                clients[i] = await subscribe(since=last)
                await drain(clients[i], seen[i], timeout=2.0)
        for s in seen:
            got = [mid for mid, _ in s]
            assert sorted(got) == sorted(sent), (got, sent)
            assert len(got) == len(set(got))
        for c in clients:
            await c.close()
    asyncio.run(asyncio.wait_for(go(), 90))
