"""Notifications suite: the blog suite's clients, actors and fixtures
(agora_kit.site), with helpers for the inbox, photos and chat."""

import io
import random
import secrets

import pytest
from PIL import Image

from agora_kit.site import *  # noqa: F401,F403 (the shared fixtures)
from agora_kit.site import describe, wait_for

NOTIFY = "/api/v1/notifications"
ROOMS = "/api/v1/chat/rooms"
FLAGGED = "Get cheap VIAGRA here, best prices."


class Inbox:
    """What a user's inbox holds, through the API."""

    def list(self, actor, **params):
        r = actor.get(NOTIFY, params=params)
        assert r.status_code == 200, describe(r)
        return r.json()

    def items(self, actor, **params):
        return self.list(actor, limit=100, **params)["notifications"]

    def unread(self, actor):
        return self.list(actor, limit=1)["unread"]

    def of_kind(self, actor, kind):
        return [n for n in self.items(actor) if n["kind"] == kind]

    def wait_kind(self, actor, kind, count=1):
        return wait_for(lambda: (lambda got: got if len(got) == count
                                 else None)(self.of_kind(actor, kind)),
                        what="%d %s notification(s) for %s" %
                        (count, kind, actor.username))

    def read(self, actor, nid=None):
        path = NOTIFY + ("/%s/read" % nid if nid else "/read")
        return actor.post(path, json={})


def image_bytes(size=(320, 240)):
    """A real JPEG with random blocks (so every upload is new)."""
    img = Image.new("RGB", size, (random.randrange(256),) * 3)
    px = img.load()
    for _ in range(30):
        x, y = random.randrange(size[0] - 8), random.randrange(size[1] - 8)
        colour = tuple(random.randrange(256) for _ in range(3))
        for dx in range(8):
            for dy in range(8):
                px[x + dx, y + dy] = colour
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


class Social:
    """Photos and chat, as the tests need them."""

    def __init__(self, admin):
        self.admin = admin
        self.photos = []

    def photo(self, actor, caption=""):
        r = actor.post("/api/v1/photos", files={
            "file": ("p.jpg", image_bytes(), "image/jpeg"),
            "caption": (None, caption)})
        assert r.status_code == 201, describe(r)
        pid = r.json()["photo"]["id"]
        self.photos.append(pid)

        def ready():
            p = actor.get("/api/v1/photos/%s" % pid).json()["photo"]
            return p if p["status"] != "processing" else None
        assert wait_for(ready, what="photo %s" % pid)["status"] == "ready"
        return pid

    def like(self, actor, pid):
        r = actor.post("/api/v1/photos/%s/like" % pid, json={})
        assert r.status_code == 200, describe(r)

    def unlike(self, actor, pid):
        r = actor.delete("/api/v1/photos/%s/like" % pid)
        assert r.status_code == 200, describe(r)

    def photo_comment(self, actor, pid, body=None):
        body = body or "Nice one, %s." % secrets.token_hex(3)
        r = actor.post("/api/v1/photos/%s/comments" % pid,
                       json={"body": body})
        assert r.status_code == 201, describe(r)
        return r.json()["comment"]

    def room(self, actor):
        r = actor.post(ROOMS, json={"name": "room-%s" % secrets.token_hex(4)})
        assert r.status_code == 201, describe(r)
        return r.json()["room"]

    def dm(self, actor, other):
        r = actor.post("/api/v1/chat/dm/%s" % other.username)
        assert r.status_code in (200, 201), describe(r)
        return r.json()["room"]

    def send(self, actor, room_id, body=None):
        body = body or "hello %s" % secrets.token_hex(3)
        r = actor.post("%s/%s/messages" % (ROOMS, room_id),
                       json={"body": body})
        assert r.status_code == 201, describe(r)
        return r.json()["message"]

    def cleanup(self):
        for pid in self.photos:
            self.admin.delete("/api/v1/photos/%s" % pid)


@pytest.fixture
def inbox():
    return Inbox()


@pytest.fixture
def social(admin):
    s = Social(admin)
    yield s
    s.cleanup()
