"""Photos suite: the clients, actors and fixtures the blog suite uses
(agora_kit.site), plus images made with Pillow and a Photos helper."""

import io
import os
import random

import pytest
from PIL import Image

from agora_kit.site import *  # noqa: F401,F403 (the blog suite's fixtures)
from agora_kit.site import describe, wait_for

PHOTOS = "/api/v1/photos"


def image_bytes(fmt="JPEG", size=(640, 480), exif=None):
    """A real image with random blocks (so every upload is new)."""
    img = Image.new("RGB", size, (random.randrange(256),) * 3)
    px = img.load()
    for _ in range(40):
        x, y = random.randrange(size[0]), random.randrange(size[1])
        colour = tuple(random.randrange(256) for _ in range(3))
        for dx in range(min(16, size[0] - x)):
            for dy in range(min(16, size[1] - y)):
                px[x + dx, y + dy] = colour
    out = io.BytesIO()
    kw = {"exif": exif} if exif is not None else {}
    img.save(out, fmt, **kw)
    return out.getvalue()


class Photos:
    def __init__(self, admin):
        self.admin = admin
        self.made = []

    def upload(self, actor, data=None, caption=None, name="p.jpg",
               ctype="image/jpeg", status=201):
        data = data if data is not None else image_bytes()
        fields = {"file": (name, data, ctype)}
        if caption is not None:
            fields["caption"] = (None, caption)
        r = actor.post(PHOTOS, files=fields)
        assert r.status_code == status, describe(r)
        if status == 201:
            photo = r.json()["photo"]
            self.made.append(photo["id"])
            return photo
        return r

    def get(self, actor, pid, status=200):
        r = actor.get("%s/%s" % (PHOTOS, pid))
        assert r.status_code == status, describe(r)
        return r.json().get("photo") if status == 200 else r

    def ready(self, actor, pid):
        def done():
            p = self.get(actor, pid)
            return p if p["status"] != "processing" else None
        p = wait_for(done, what="photo %s to be processed" % pid)
        assert p["status"] == "ready", p
        return p

    def published(self, actor, **kw):
        return self.ready(actor, self.upload(actor, **kw)["id"])

    def cleanup(self):
        for pid in self.made:
            self.admin.delete("%s/%s" % (PHOTOS, pid))


@pytest.fixture
def photos(admin):
    p = Photos(admin)
    yield p
    p.cleanup()


@pytest.fixture
def owner(new_user):
    return new_user("ph_")


@pytest.fixture
def other(new_user):
    return new_user("ot_")


@pytest.fixture
def media_dir():
    return os.environ.get("AGORA_MEDIA_DIR", "var/test/media")
