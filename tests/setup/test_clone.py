"""Set-up from wherever a new user clones: under a 0700 directory (root's
home, mktemp -d), in a path with a space, as root (PostgreSQL then runs as
the postgres user) and as a user of its own.

Black-box: a copy of this clone's scripts/ in such a place, its
`scripts/services.sh start test`, then a query over its PostgreSQL socket
and a PING over its Redis socket. No permission of the directories the
clone lives in may change. The servers are separate from the test stack
(unix sockets only) and are stopped and removed afterwards.
"""
import os
import pwd
import shutil
import stat
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
AS_ROOT = os.geteuid() == 0
# Variables the test stack exported: a clone must find its own.
STACK_VARS = ("PGHOST", "PGDATABASE", "PGUSER", "AGORA_ROOT", "AGORA_VAR",
              "AGORA_PGDATA", "AGORA_REDIS_SOCK", "AGORA_CONFIG",
              "AGORA_MEDIA_DIR", "AGORA_MAIL_DIR", "AGORA_ENV_NAME")


def clean_env():
    env = dict(os.environ)
    for k in STACK_VARS:
        env.pop(k, None)
    return env


def as_user(user, argv):
    """argv as `user` (None: as this process), from /."""
    if user is None:
        return argv
    return ["runuser", "-u", user, "--"] + argv


def run(user, argv, cwd, check=True):
    p = subprocess.run(as_user(user, argv), cwd=cwd, env=clean_env(),
                       capture_output=True, text=True, timeout=120)
    if check:
        assert p.returncode == 0, (argv, p.stdout, p.stderr)
    return p


def make_clone(parent, user=None):
    """A copy of scripts/ at PARENT/"a b"/agora: what the set-up reads."""
    clone = os.path.join(parent, "a b", "agora")
    shutil.copytree(os.path.join(ROOT, "scripts"),
                    os.path.join(clone, "scripts"), symlinks=True)
    if user is not None:
        u = pwd.getpwnam(user)
        for d, dirs, files in os.walk(parent):
            for n in [d] + [os.path.join(d, f) for f in dirs + files]:
                os.lchown(n, u.pw_uid, u.pw_gid)
    return clone


def paths(user, clone):
    out = run(user, ["bash", "-c", '. scripts/env.sh test && '
                     'printf "%s\\n" "$PGHOST" "$AGORA_PGDATA" '
                     '"$AGORA_REDIS_SOCK"'], clone).stdout.split("\n")
    return {"host": out[0], "data": out[1], "redis": out[2]}


def modes(*dirs):
    return {d: stat.S_IMODE(os.stat(d).st_mode) for d in dirs}


def check_services(user, clone):
    p = paths(user, clone)
    q = run(user, ["psql", "-X", "-At", "-h", p["host"], "-U", "agora",
                   "-d", "agora_test", "-c", "SELECT 40 + 2"], clone)
    assert q.stdout.strip() == "42"
    r = run(user, ["redis-cli", "-s", p["redis"], "ping"], clone)
    assert r.stdout.strip() == "PONG"
    return p


def stop(user, clone, p):
    run(user, ["scripts/services.sh", "stop", "test"], clone, check=False)
    # As root the cluster is in a directory of postgres' own.
    if p and AS_ROOT and not p["data"].startswith(clone + "/"):
        shutil.rmtree(os.path.dirname(p["data"]), ignore_errors=True)
    if p and p["host"].startswith("/tmp/agora-"):
        shutil.rmtree(p["host"], ignore_errors=True)


def test_clone_under_0700_dir_with_space_starts_its_services():
    parent = tempfile.mkdtemp(prefix="agora-clone.")
    clone = make_clone(parent)
    os.chmod(parent, 0o700)
    before = modes(parent, os.path.dirname(clone), clone)
    p = None
    try:
        if AS_ROOT:
            # The case under test: postgres cannot enter the clone.
            assert run("postgres", ["test", "-x", clone], "/",
                       check=False).returncode != 0
        run(None, ["scripts/services.sh", "start", "test"], clone)
        p = check_services(None, clone)
        assert modes(parent, os.path.dirname(clone), clone) == before
        # The socket directory is the server's alone.
        st = os.stat(p["host"])
        assert stat.S_IMODE(st.st_mode) == 0o700
        assert pwd.getpwuid(st.st_uid).pw_name == \
            ("postgres" if AS_ROOT else pwd.getpwuid(os.geteuid()).pw_name)
        if AS_ROOT:
            # Found from the clone: var/test/pg leads to the cluster.
            assert os.path.realpath(os.path.join(clone, "var/test/pg")) == \
                p["data"]
        # Idempotent: a second start starts nothing and still works.
        again = run(None, ["scripts/services.sh", "start", "test"], clone)
        assert again.stdout.strip() == "started:"
        check_services(None, clone)
    finally:
        stop(None, clone, p)
        shutil.rmtree(parent, ignore_errors=True)


needs_root = pytest.mark.skipif(not AS_ROOT, reason="needs root to be "
                                "another user")


@needs_root
def test_clone_of_another_user_with_space_starts_its_services():
    # A user's own clone in its own 0700 directory: PostgreSQL runs as
    # that user; the sockets, for the space, in a directory of its own.
    user = "nobody"
    parent = tempfile.mkdtemp(prefix="agora-clone.")
    clone = make_clone(parent, user)
    os.chmod(parent, 0o700)
    before = modes(parent, os.path.dirname(clone), clone)
    p = None
    try:
        run(user, ["scripts/services.sh", "start", "test"], clone)
        p = check_services(user, clone)
        assert p["data"] == os.path.join(clone, "var/test/pg")
        st = os.stat(p["host"])
        assert stat.S_IMODE(st.st_mode) == 0o700
        assert st.st_uid == pwd.getpwnam(user).pw_uid
        assert modes(parent, os.path.dirname(clone), clone) == before
    finally:
        stop(user, clone, p)
        shutil.rmtree(parent, ignore_errors=True)


@needs_root
def test_socket_dir_taken_by_someone_else_is_refused():
    # The socket directory's name in /tmp can be guessed: one made first
    # by another user must not be used.
    user = "nobody"
    parent = tempfile.mkdtemp(prefix="agora-clone.")
    clone = make_clone(parent, user)
    p = paths(user, clone)
    assert p["host"].startswith("/tmp/agora-")
    os.mkdir(p["host"], 0o777)
    os.chmod(p["host"], 0o777)
    try:
        r = run(user, ["scripts/services.sh", "start", "test"], clone,
                check=False)
        assert r.returncode != 0
        assert "must be a directory of nobody's" in r.stderr
        assert not os.path.exists(os.path.join(p["host"], ".s.PGSQL.5432"))
    finally:
        stop(user, clone, None)
        os.rmdir(p["host"])
        shutil.rmtree(parent, ignore_errors=True)


def test_settings_follow_the_sockets_when_the_clone_moves():
    # A clone moved (or run by someone else) has its sockets elsewhere:
    # the generated settings file must name the new ones, secret kept.
    parent = tempfile.mkdtemp(prefix="agora-clone.")
    clone = make_clone(parent)
    try:
        run(None, ["scripts/config.sh", "dev"], clone)
        env = os.path.join(clone, "var/dev/agora.env")
        with open(env) as f:
            first = f.read()
        stale = "\n".join(
            "AGORA_DATABASE_URL=host='/old/place' dbname=agora user=agora"
            if line.startswith("AGORA_DATABASE_URL=") else
            "AGORA_REDIS=unix:/old/place/redis.sock"
            if line.startswith("AGORA_REDIS=") else line
            for line in first.split("\n"))
        assert stale != first
        with open(env, "w") as f:
            f.write(stale)
        run(None, ["scripts/config.sh", "dev"], clone)
        with open(env) as f:
            now = f.read()
        assert now == first
        assert stat.S_IMODE(os.stat(env).st_mode) == 0o600
    finally:
        shutil.rmtree(parent, ignore_errors=True)
