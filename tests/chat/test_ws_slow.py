"""A client that stops reading cannot hold the others up or make the
server hold its backlog: once its unsent frames pass the limit it is
disconnected, and everyone else keeps receiving."""

import asyncio
import base64
import json
import os
import socket
import struct
import time
import urllib.parse

from test_ws import Client, run

BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")


def stalled_socket(token, room):
    """A WebSocket with a tiny receive buffer that subscribes and then
    never reads again."""
    u = urllib.parse.urlparse(BASE)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.connect((u.hostname, u.port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /chat/ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n"
               "\r\n" % (u.netloc, key, token)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    payload = json.dumps({"type": "subscribe", "room": room}).encode()
    mask = os.urandom(4)
    s.sendall(bytes([0x81, 0x80 | len(payload)]) + mask +
              bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    return s


def closed_by_server(s, timeout=20):
    """Drain what is buffered; True once the server has closed."""
    s.settimeout(1.0)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if s.recv(65536) == b"":
                return True
        except socket.timeout:
            continue
        except ConnectionError:
            return True
    return False


def test_a_stalled_client_is_cut_off_and_others_keep_up(new_user, alice,
                                                       chat):
    room = chat.room(alice)
    stalled = stalled_socket(alice.token, room["id"])
    writers = [new_user("sl_") for _ in range(40)]
    body = "\u20ac" * 4000          # 12 KB a frame

    async def go():
        b = await Client.open(alice)
        await b.subscribe(room["id"])
        loop = asyncio.get_running_loop()
        sent = []

        def write():
            for w in writers:
                for _ in range(10):
                    sent.append(chat.send(w, room["id"], body)["id"])
        job = loop.run_in_executor(None, write)
        got = []
        while len(got) < 400:
            f = await b.recv(timeout=30)
            if f["type"] == "message":
                got.append(f["message"]["id"])
        await job
        assert sorted(got) == sorted(sent)
        await b.close()
    run(go())

    assert closed_by_server(stalled), "the stalled client was kept"
    log = open(os.environ["AGORA_KORE_LOG"], encoding="utf-8",
               errors="replace").read()
    log2 = os.environ["AGORA_KORE_LOG"].replace("kore.log", "kore2.log")
    if os.path.exists(log2):
        log += open(log2, encoding="utf-8", errors="replace").read()
    assert "is not reading, disconnected" in log
