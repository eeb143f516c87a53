"""People: the greeting, profiles, the nav menu, settings, sessions and
tokens.  The clients, actors and fixtures of agora_kit.site."""

import shutil
import subprocess

import pytest

from agora_kit.site import *  # noqa: F401,F403


@pytest.fixture(scope="session")
def psql():
    """psql(sql, *params) -> output lines, against the server's database
    (PGHOST and PGDATABASE from scripts/env.sh); params bind as :'p1'."""
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")

    def run(sql, *params):
        args = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1"]
        for i, p in enumerate(params, 1):
            args += ["-v", "p%d=%s" % (i, p)]
        p = subprocess.run(args, input=sql, capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0, "psql failed: %s" % p.stderr
        return [line for line in p.stdout.splitlines() if line != ""]

    return run


@pytest.fixture
def away(psql):
    """away(actor): as if the actor's last home view was an hour ago."""
    def go(actor):
        psql("UPDATE users SET home_seen_at = home_seen_at - "
             "interval '1 hour' WHERE username = :'p1'", actor.username)
    return go


def jpeg():
    """A small JPEG of a random colour (each upload a new file)."""
    import io
    import os
    from PIL import Image
    img = Image.new("RGB", (64, 48), tuple(os.urandom(3)))
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def photo(admin, helpers):
    """photo(actor, caption) -> the id of a processed photo of actor's."""
    made = []

    def upload(actor, caption="A photo"):
        r = actor.post("/api/v1/photos", files={
            "file": ("p.jpg", jpeg(), "image/jpeg"),
            "caption": (None, caption)})
        assert r.status_code == 201, r.text
        pid = r.json()["photo"]["id"]
        made.append(pid)
        helpers.wait_for(lambda: actor.get("/api/v1/photos/%s" % pid)
                         .json()["photo"]["status"] == "ready",
                         what="the photo to be processed")
        return pid
    yield upload
    for pid in made:
        admin.delete("/api/v1/photos/%s" % pid)


@pytest.fixture
def set_profile(psql):
    """set_profile(actor, display_name=, bio=, website=): straight into the
    database, for what the settings would refuse."""
    def go(actor, display_name="", bio="", website=""):
        psql("UPDATE users SET display_name = :'p2', bio = :'p3',"
             " website = :'p4' WHERE username = :'p1'",
             actor.username, display_name, bio, website)
    return go


@pytest.fixture
def ban(admin):
    def go(actor, undo=False):
        r = admin.post("/api/v1/admin/users/%s/%s" %
                       (actor.id, "unban" if undo else "ban"), json={})
        assert r.status_code == 200, r.text
    return go
