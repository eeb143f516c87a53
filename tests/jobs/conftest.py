"""Fixtures for the job worker suite: the real Redis, PostgreSQL, mail
sink and worker processes of the test stack (scripts/test.sh)."""

import json
import os
import re
import signal
import subprocess
import time

import functools

import pytest
import requests

from agora_kit import web
from agora_kit.site import Mailbox

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORKER = os.path.join(ROOT, "build", "agora-worker")
BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")


def redis(*args):
    out = subprocess.run(["redis-cli", "-s", os.environ["AGORA_REDIS_SOCK"],
                          "--no-raw", *args], capture_output=True, text=True,
                         check=True).stdout.strip()
    return out


def redis_raw(*args):
    return subprocess.run(["redis-cli", "-s", os.environ["AGORA_REDIS_SOCK"],
                           "--raw", *args], capture_output=True, text=True,
                          check=True).stdout.rstrip("\n")


def job_meta(jid):
    """A job's claim record (lib/queue_lua.h, agora:meta): attempts, its
    place in its queue, the process holding it, when it was taken."""
    m = redis_raw("HGET", "agora:meta", jid)
    if not m:
        return None
    attempts, place, worker, started = m.split(" ")
    return {"attempts": int(attempts), "place": int(place),
            "worker": None if worker == "-" else worker,
            "started_at": int(started)}


def _lua_macros():
    """The macros of lib/queue_lua.h, string literals joined."""
    with open(os.path.join(ROOT, "lib", "queue_lua.h")) as f:
        text = f.read().replace("\\\n", " ")
    macros = {}
    for m in re.finditer(r"^#define (QUEUE_\w+)[ \t]+(.*)$", text, re.M):
        macros[m.group(1)] = m.group(2)
    return macros


def lua(name, _cache={}):
    """The text of script `name` (e.g. "QUEUE_LUA_FETCH") as the C
    compiler sees it, to run it as the site and the worker do."""
    if not _cache:
        _cache.update(_lua_macros())

    def expand(body):
        out = []
        for lit, ident in re.findall(r'"((?:[^"\\]|\\.)*)"|(\w+)', body):
            if ident:
                out.append(expand(_cache[ident]))
            else:
                out.append(lit.encode().decode("unicode_escape"))
        return "".join(out)
    return expand(_cache[name])


def enqueue_many(jobs, now_ms=None):
    """The bulk enqueue script on [(id, type, queue, args)]: how many
    were new."""
    prio = {"critical": 0, "default": 1, "bulk": 2}
    now = now_ms or int(time.time() * 1000)
    argv = [str(now)]
    for jid, type_, queue, args in jobs:
        argv += [jid, json.dumps({"id": jid, "type": type_, "queue": queue,
                                  "args": args, "run_at": now,
                                  "enqueued_at": now},
                                 separators=(",", ":")),
                 str(prio[queue]), str(now)]
    return int(redis_raw("EVAL", lua("QUEUE_LUA_ENQUEUE_MANY"), "0", *argv))


def job_known(jid):
    """Whether Redis still owes the job (its payload is kept)."""
    return redis_raw("HEXISTS", "agora:jobs", jid) == "1"


def psql(sql, *params):
    """Run one statement with psql variables :'p1', :'p2'... -> rows."""
    cmd = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-F", "|"]
    for i, p in enumerate(params, 1):
        cmd += ["-v", f"p{i}={p}"]
    out = subprocess.run(cmd, input=sql, capture_output=True, text=True,
                         check=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def enqueue(type_, queue, args, delay_ms=None):
    cmd = [WORKER, "enqueue", type_, queue, json.dumps(args)]
    if delay_ms is not None:
        cmd.append(str(delay_ms))
    return subprocess.run(cmd, capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout.strip()


# Jobs take their time on a loaded machine: a longer default wait.
wait_for = functools.partial(web.wait_for, timeout=30.0, step=0.05)


def record(name):
    return redis_raw("LRANGE", f"agora:noop:{name}", "0", "-1").split("\n") \
        if redis_raw("LLEN", f"agora:noop:{name}") != "0" else []


def unique(prefix="t"):
    return web.unique_name(prefix + "_")


class Workers:
    """Start and stop our own worker processes; the harness's worker is
    stopped for the duration and started again afterwards."""

    def __init__(self, tmp_path):
        self.procs = []
        self.tmp = tmp_path

    def start(self, n=1, env=None):
        log = open(self.tmp / f"worker-{len(self.procs)}.log", "w")
        p = subprocess.Popen([WORKER, "-c", str(n)], cwd=ROOT, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True,
                             env=None if env is None else {**os.environ,
                                                           **env})
        p.logfile = log.name
        self.procs.append(p)
        wait_for(lambda: self.children(p), what="worker processes")
        return p

    @staticmethod
    def children(p):
        out = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True,
                             text=True).stdout.split()
        return [int(x) for x in out]

    @staticmethod
    def log_lines(p):
        with open(p.logfile) as f:
            return [json.loads(line) for line in f if line.startswith("{")]

    def stop(self, p, sig=signal.SIGTERM, timeout=15):
        if p.poll() is None:
            p.send_signal(sig)
        return p.wait(timeout=timeout)

    def stop_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()


def _harness_pid():
    path = os.environ.get("AGORA_WORKER_PIDFILE")
    if not path or not os.path.exists(path):
        return None, path
    with open(path) as f:
        return int(f.read().strip() or 0) or None, path


@pytest.fixture
def workers(tmp_path):
    """Exclusive control of the queue: the harness worker is paused."""
    pid, path = _harness_pid()
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
            wait_for(lambda: not _alive(pid), timeout=20,
                     what="the harness worker to stop")
        except ProcessLookupError:
            pass
    w = Workers(tmp_path)
    try:
        yield w
    finally:
        w.stop_all()
        if path:
            log = os.environ.get("AGORA_WORKER_LOG", os.devnull)
            with open(log, "a") as out:
                p = subprocess.Popen([WORKER], cwd=ROOT, stdout=out,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
            with open(path, "w") as f:
                f.write(str(p.pid))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of the harness shell counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(scope="session")
def admin_token():
    r = requests.post(BASE + "/api/v1/auth/login",
                      json={"username": "admin",
                            "password": web.admin_password()})
    assert r.status_code == 200, r.text
    return r.json()["token"]


@pytest.fixture
def user_token():
    name = unique("j")
    r = requests.post(BASE + "/api/v1/auth/register", json={
        "username": name, "email": f"{name}@example.org",
        "password": "correct horse battery"})
    assert r.status_code == 201, r.text
    r = requests.post(BASE + "/api/v1/auth/login", json={
        "username": name, "password": "correct horse battery"})
    return r.json()["token"]


def mails_to(address):
    """Parsed messages in the sink addressed to `address`."""
    return Mailbox(os.environ["AGORA_MAIL_DIR"]).messages(address)


def site_url():
    with open(os.environ["AGORA_CONFIG"]) as f:
        for line in f:
            if line.startswith("AGORA_SITE_URL="):
                return line.split("=", 1)[1].strip()
    return BASE
