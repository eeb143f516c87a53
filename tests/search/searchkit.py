"""What the search suite's tests share: a Search helper for
/api/v1/search and /search, and rooms, messages and photos made through
the same API the other suites use."""

import io
import random
import string

from PIL import Image

from agora_kit.site import describe, wait_for

SEARCH = "/api/v1/search"
ROOMS = "/api/v1/chat/rooms"
PHOTOS = "/api/v1/photos"


def word(prefix="zq"):
    """A word no other test wrote and no stemmer changes: letters only."""
    return prefix + "".join(random.choice(string.ascii_lowercase)
                            for _ in range(10))


class Search:
    """The search as one actor or another."""

    def get(self, actor, q, status=200, **params):
        params["q"] = q
        r = actor.get(SEARCH, params=params)
        assert r.status_code == status, describe(r)
        return r.json()

    def results(self, actor, q, **params):
        return self.get(actor, q, **params)["results"]

    def found(self, actor, q, **params):
        """{(kind, id)} of every result, following the cursors."""
        out, cursor = set(), None
        for _ in range(20):
            if cursor:
                params["cursor"] = cursor
            body = self.get(actor, q, **params)
            out |= {(x["kind"], int(x["id"])) for x in body["results"]}
            cursor = body["next_cursor"]
            if not cursor:
                return out
        raise AssertionError("more than 20 pages for %r" % q)

    def page(self, actor, q, status=200, **params):
        params["q"] = q
        r = actor.html.get("/search", params=params)
        assert r.status_code == status, describe(r)
        assert r.headers["Content-Type"].startswith("text/html")
        return r.text


class Chat:
    def room(self, actor, name=None):
        r = actor.post(ROOMS, json={"name": name or "room-" + word("")})
        assert r.status_code == 201, describe(r)
        return r.json()["room"]

    def dm(self, actor, other):
        r = actor.post("/api/v1/chat/dm/%s" % other.username)
        assert r.status_code in (200, 201), describe(r)
        return r.json()["room"]

    def send(self, actor, room_id, body):
        r = actor.post("%s/%s/messages" % (ROOMS, room_id),
                       json={"body": body})
        assert r.status_code == 201, describe(r)
        return r.json()["message"]

    def message_ids(self, actor, room_id):
        """Ids the chat shows `actor` in the room, or None (no access)."""
        r = actor.get("%s/%s/messages" % (ROOMS, room_id),
                      params={"limit": 100})
        if r.status_code in (401, 403, 404):
            return None
        assert r.status_code == 200, describe(r)
        return {int(m["id"]) for m in r.json()["messages"]}


def image_bytes(size=(320, 240)):
    """A real JPEG with random blocks (so every upload is new)."""
    img = Image.new("RGB", size, (random.randrange(256),) * 3)
    px = img.load()
    for _ in range(30):
        x, y = random.randrange(size[0]), random.randrange(size[1])
        colour = tuple(random.randrange(256) for _ in range(3))
        for dx in range(min(16, size[0] - x)):
            for dy in range(min(16, size[1] - y)):
                px[x + dx, y + dy] = colour
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


class Photos:
    def __init__(self, admin):
        self.admin = admin
        self.made = []

    def published(self, actor, caption):
        r = actor.post(PHOTOS, files={
            "file": ("p.jpg", image_bytes(), "image/jpeg"),
            "caption": (None, caption)})
        assert r.status_code == 201, describe(r)
        pid = r.json()["photo"]["id"]
        self.made.append(pid)

        def ready():
            r = actor.get("%s/%s" % (PHOTOS, pid))
            assert r.status_code == 200, describe(r)
            p = r.json()["photo"]
            return p if p["status"] != "processing" else None
        p = wait_for(ready, what="photo %s to be processed" % pid)
        assert p["status"] == "ready", p
        return p

    def cleanup(self):
        for pid in self.made:
            self.admin.delete("%s/%s" % (PHOTOS, pid))
