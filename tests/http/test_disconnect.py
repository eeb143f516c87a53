"""Clients that go away: a storm of requests that wait (Argon2id in a
task, PostgreSQL, Redis, an upload) closed or half-closed at every
moment, mid-header and mid-body.  No Kore worker may die, a WebSocket
opened before the storm stays connected and keeps receiving, and the
site answers afterwards.

Also: whatever a route answers before reading a body, the next request
on that keep-alive connection is parsed from its first byte."""

import asyncio
import io
import json
import os
import re
import secrets
import socket
import threading
import time
import urllib.parse

import pytest
import websockets

BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")
BASE2 = os.environ.get("AGORA_TEST_URL2")
LOGS = [p for p in (os.environ.get("AGORA_KORE_LOG"),
                    os.environ.get("AGORA_KORE_LOG2")) if p]
DEATH = re.compile(r"exited with status [1-9]|\) gone|"
                   r"AddressSanitizer|runtime error:")
DELAYS = (0, 0.001, 0.005, 0.02, 0.1)


def _addr(base):
    u = urllib.parse.urlsplit(base)
    return u.hostname, u.port or 80


def _log_sizes():
    return {p: os.path.getsize(p) for p in LOGS if os.path.exists(p)}


def _deaths_since(sizes):
    bad = []
    for p, off in sizes.items():
        with open(p, "rb") as f:
            f.seek(off)
            for line in f.read().decode("utf-8", "replace").splitlines():
                if DEATH.search(line):
                    bad.append(line)
    return bad


def _request(method, path, headers=(), body=b"", base=BASE):
    host, port = _addr(base)
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s:%d" % (host, port)]
    lines += ["%s: %s" % kv for kv in headers]
    if body:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _json_req(path, obj, headers=()):
    body = json.dumps(obj).encode()
    return _request("POST", path, [("Content-Type", "application/json")] +
                    list(headers), body)


def _multipart(token):
    # A small real JPEG is not needed: the upload is cut off or refused
    # by content; what matters is the server's path through the body.
    b = "----agora" + secrets.token_hex(8)
    jpeg = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01"
            b"\x00\x00" + os.urandom(60000) + b"\xff\xd9")
    body = (("--%s\r\nContent-Disposition: form-data; name=\"caption\""
             "\r\n\r\nstorm\r\n--%s\r\nContent-Disposition: form-data; "
             "name=\"file\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg"
             "\r\n\r\n" % (b, b)).encode() + jpeg +
            ("\r\n--%s--\r\n" % b).encode())
    return _request("POST", "/api/v1/photos", [
        ("Authorization", "Bearer " + token),
        ("Content-Type", "multipart/form-data; boundary=" + b)], body)


def _fire(data, delay, mode, base=BASE):
    """Send `data` and go away after `delay` seconds: close, half-close
    (shut the write side, then close), or stop in the middle of the
    header or of the body."""
    try:
        s = socket.create_connection(_addr(base), timeout=5)
    except OSError:
        return
    try:
        if mode == "mid-header":
            s.sendall(data[:max(1, data.index(b"\r\n\r\n") // 2)])
        elif mode == "mid-body":
            head = data.index(b"\r\n\r\n") + 4
            s.sendall(data[:head + max(1, (len(data) - head) // 2)])
        else:
            s.sendall(data)
        if mode == "half-close":
            s.shutdown(socket.SHUT_WR)
        if delay:
            time.sleep(delay)
    except OSError:
        pass
    finally:
        # RST rather than FIN for a close: the harshest way to leave.
        if mode == "reset":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()


def _storm(requests_, base=BASE, workers=16):
    jobs = [(r, d, m) for r in requests_ for d in DELAYS
            for m in ("close", "half-close", "reset", "mid-header",
                      "mid-body")]
    lock = threading.Lock()

    def run():
        while True:
            with lock:
                if not jobs:
                    return
                r, d, m = jobs.pop()
            _fire(r, d, m, base)

    ts = [threading.Thread(target=run) for _ in range(workers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)


def _ws_url(base):
    return base.replace("http://", "ws://", 1) + "/chat/ws"


async def _expect(ws, type_, timeout=10, **match):
    while True:
        f = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if f.get("type") == type_ and all(f.get(k) == v
                                          for k, v in match.items()):
            return f


def test_clients_that_go_away_never_kill_a_worker(api, new_user, helpers):
    user = new_user()
    known = new_user()
    r = api.post("/api/v1/chat/rooms", token=user.token,
                 json={"name": "storm-" + secrets.token_hex(3)})
    assert r.status_code == 201, helpers.describe(r)
    room = r.json()["room"]["id"]

    # The CSRF pair /forgot needs, taken once like a browser would.
    page = api.get("/forgot")
    csrf = page.cookies.get("agora_csrf") or ""
    token_in_page = helpers.find_csrf(page.text)
    forgot = urllib.parse.urlencode({
        "_csrf": token_in_page, "email": known.username + "@example.test"})

    reqs = [
        _json_req("/api/v1/auth/register", {
            "username": "st_" + secrets.token_hex(4),
            "email": secrets.token_hex(4) + "@example.test",
            "password": secrets.token_hex(8)}),
        _json_req("/api/v1/auth/login", {
            "username": known.username, "password": "wrong-" +
            secrets.token_hex(4)}),
        _json_req("/api/v1/auth/login", {
            "username": known.username, "password": known.password}),
        _request("POST", "/forgot", [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", "agora_csrf=" + csrf)], forgot.encode()),
        _request("GET", "/readyz"),
        _request("GET", "/blog?page=2"),
        _request("GET", "/api/v1/me", [("Authorization",
                                        "Bearer " + user.token)]),
        _request("GET", "/api/v1/chat/rooms/%s/messages" % room,
                 [("Authorization", "Bearer " + user.token)]),
        _multipart(user.token),
    ]

    async def go():
        ws = await websockets.connect(
            _ws_url(BASE), extra_headers={
                "Authorization": "Bearer " + user.token})
        await ws.send(json.dumps({"type": "subscribe", "room": room}))
        await _expect(ws, "subscribed", room_id=room)

        sizes = _log_sizes()
        await asyncio.get_running_loop().run_in_executor(
            None, _storm, reqs)
        if BASE2:
            await asyncio.get_running_loop().run_in_executor(
                None, _storm, reqs[4:6], BASE2, 8)
        # Let freeing finish (a task still hashing when its client left).
        await asyncio.sleep(1.0)
        assert _deaths_since(sizes) == []

        body = "after the storm " + secrets.token_hex(4)
        r = api.post("/api/v1/chat/rooms/%s/messages" % room,
                     token=user.token, json={"body": body})
        assert r.status_code == 201, helpers.describe(r)
        f = await _expect(ws, "message", timeout=10)
        assert f["message"]["body"] == body
        await ws.close()

    asyncio.run(asyncio.wait_for(go(), 300))
    api.assert_healthy()
    assert api.me(token=user.token).status_code == 200


def _read_response(s, buf, deadline):
    """One response off the socket: (status or None, rest of buffer)."""
    while time.time() < deadline:
        m = re.match(rb"HTTP/1\.1 (\d{3})[^\r]*\r\n(.*?)\r\n\r\n", buf,
                     re.S)
        if m is not None:
            cl = re.search(rb"(?im)^content-length:\s*(\d+)", m.group(2))
            n = m.end() + (int(cl.group(1)) if cl else 0)
            if len(buf) >= n:
                _read_response.close = re.search(
                    rb"(?im)^connection:\s*close", m.group(2)) is not None
                return int(m.group(1)), buf[n:]
        try:
            chunk = s.recv(65536)
        except OSError:
            return None, buf
        if not chunk:
            return None, buf
        buf += chunk
    return None, buf


def _keepalive_pair(first, second=b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                    b"\r\n"):
    """Send a request and read its answer, then a second request on the
    same connection (as a browser or a proxy's keep-alive pool would);
    the status codes that came back.

    For a method Kore reads no body for, the header goes first and the
    body only after the answer, together with the second request: that
    body reaches Kore after it parsed the header, never in the buffer it
    took for it, which is how a proxy's separate writes arrive."""
    s = socket.create_connection(_addr(BASE), timeout=10)
    try:
        deadline = time.time() + 10
        head = first.index(b"\r\n\r\n") + 4
        if first.split(b" ", 1)[0] in (b"POST", b"PUT", b"PATCH"):
            s.sendall(first)
            rest = b""
        else:
            s.sendall(first[:head])
            rest = first[head:]
        code, buf = _read_response(s, b"", deadline)
        if code is None:
            return []
        if _read_response.close:
            # Announced: a client sends nothing more on it, and the
            # server must really close it.
            s.settimeout(5)
            try:
                while s.recv(65536):
                    pass
            except socket.timeout:
                raise AssertionError("said close, kept the connection")
            except OSError:
                pass
            return [code]
        try:
            s.sendall(rest + second)
        except OSError:
            return [code]
        code2, _ = _read_response(s, buf, deadline)
        return [code] if code2 is None else [code, code2]
    finally:
        s.close()


def _early(method, path, headers, body=b'{"a": "' + b"x" * 3000 + b'"}'):
    return _request(method, path, [("Content-Type", "application/json")] +
                    list(headers), body)


# Each answered before the request's body is read or looked at: a body
# on a method Kore reads none for (GET, DELETE) stays in the stream
# unless the connection is closed; POST bodies are read whole first.
EARLY = ["404-api", "404-page", "405", "400", "401", "403", "413-kore",
         "413", "415", "422"]


@pytest.mark.parametrize("what", EARLY)
def test_an_early_answer_never_garbles_the_next_request(what, new_user):
    user = new_user()
    bearer = [("Authorization", "Bearer " + user.token)]
    # A body that is itself a request: were it parsed as the next one,
    # the second answer would be its 404 rather than /healthz's 200.
    smuggled = (b"GET /smuggled-" + secrets.token_hex(4).encode() +
                b" HTTP/1.1\r\nHost: x\r\n\r\n")
    first = {
        "404-api": _early("DELETE", "/api/v1/nowhere", (), smuggled),
        "404-page": _early("GET", "/nowhere", (), smuggled),
        "405": _early("DELETE", "/api/v1/auth/register", (), smuggled),
        "400": _early("GET", "/api/v1/blog/posts?limit=abc", (), smuggled),
        "401": _early("GET", "/api/v1/me", (), smuggled),
        "403": _early("DELETE", "/api/v1/admin/jobs/o1", bearer, smuggled),
        "413-kore": _request("POST", "/api/v1/photos", bearer + [
            ("Content-Type", "application/json"),
            ("Content-Length", "999999999")]) + b"{",
        "413": _early("POST", "/api/v1/blog/posts", bearer,
                      b'{"title": "' + b"x" * (70 * 1024) + b'"}'),
        "415": _request("POST", "/api/v1/blog/posts", [
            ("Content-Type", "text/plain")] + bearer, b"z" * 3000),
        "422": _early("POST", "/api/v1/blog/posts", bearer,
                      b'{"title": 5, "pad": "' + b"x" * 3000 + b'"}'),
    }[what]
    codes = _keepalive_pair(first)
    # The first answer is a client error; the second request on the same
    # connection is either answered properly or the connection was closed
    # after the first: never an answer parsed out of the old body.
    assert codes, "no answer at all"
    assert 400 <= codes[0] < 500, codes
    assert codes[1:] in ([], [200]), codes


def test_a_body_on_a_get_closes_the_connection_after_the_answer():
    """Also on routes that answer at once (health, assets, media)."""
    for path in ("/healthz", "/static/agora.css", "/media/thumb/" +
                 "0" * 64 + ".jpg", "/api/v1/openapi.json"):
        smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
        codes = _keepalive_pair(_early("GET", path, (), smuggled))
        assert codes and codes[0] in (200, 404), (path, codes)
        assert codes[1:] in ([], [200]), (path, codes)


def test_every_response_says_nosniff(api, new_user):
    user = new_user()
    for method, path, token in (
            ("GET", "/", None), ("GET", "/nowhere", None),
            ("GET", "/api/v1/me", None), ("GET", "/api/v1/me", user.token),
            ("GET", "/api/v1/nowhere", None), ("GET", "/healthz", None),
            ("GET", "/static/agora.css", None),
            ("GET", "/api/v1/openapi.json", None),
            ("GET", "/blog", None), ("GET", "/api/v1/blog/posts", None),
            ("POST", "/api/v1/auth/login", None),
            ("GET", "/chat", None)):
        r = api.request(method, path, token=token)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", \
            (method, path, r.status_code, dict(r.headers))
        if path.startswith("/api/v1/") and path != "/api/v1/openapi.json":
            assert "no-store" in r.headers.get("Cache-Control", ""), \
                (method, path, dict(r.headers))
