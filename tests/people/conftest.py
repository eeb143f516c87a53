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
