"""The password-reset link is a secret: only its hash is stored, and the
link itself exists in the mail alone.  After a /forgot, no row of any
table, no Redis key or value, no admin view of the jobs and no log line
holds the token; the link in the mail works once."""

import hashlib
import os
import re
import subprocess

import requests

from conftest import (BASE, enqueue, mails_to, psql, redis_raw, site_url,
                      unique, wait_for)
from test_password_reset import CSRF, ask_reset, login, register


def redis_everything():
    """Every key of the test Redis with its value, as text."""
    out = []
    keys = redis_raw("--scan").split("\n")
    for k in filter(None, keys):
        t = redis_raw("TYPE", k)
        cmd = {"string": ["GET", k], "hash": ["HGETALL", k],
               "list": ["LRANGE", k, "0", "-1"],
               "set": ["SMEMBERS", k],
               "zset": ["ZRANGE", k, "0", "-1", "WITHSCORES"]}.get(t)
        out.append(k)
        if cmd:
            out.append(redis_raw(*cmd))
    return "\n".join(out)


def database_everything():
    return subprocess.run(["pg_dump", "--data-only", "--no-owner"],
                          capture_output=True, text=True, check=True).stdout


def admin_views(admin_token):
    """The jobs as admins see them, in the API and on the page (a Kore
    worker whose Redis connection broke in an earlier test answers 503
    once while it reconnects)."""
    with open(os.environ["AGORA_ADMIN_PASSWORD_FILE"]) as f:
        password = f.read().strip()
    s = requests.Session()
    csrf = CSRF.search(s.get(BASE + "/login").text).group(1)
    s.post(BASE + "/login", data={"_csrf": csrf, "username": "admin",
                                  "password": password})

    def get(path, **kw):
        r = s.get(BASE + path, **kw)
        return r if r.status_code == 200 else None
    api = wait_for(lambda: get("/api/v1/admin/jobs", headers={
        "Authorization": f"Bearer {admin_token}"}), timeout=10,
        what="the jobs API")
    page = wait_for(lambda: get("/admin/jobs"), timeout=10,
                    what="the jobs page")
    return [api.text, page.text]


def logs(*extra):
    out = []
    for path in (os.environ.get("AGORA_KORE_LOG"),
                 os.environ.get("AGORA_WORKER_LOG"), *extra):
        if path and os.path.exists(path):
            with open(path, errors="replace") as f:
                out.append(f.read())
    return "\n".join(out)


def test_the_reset_token_is_only_in_the_mail(workers, admin_token):
    name = unique("z")
    address = f"{name}@example.org"
    register(name, "the old password")

    # No worker runs: the job waits in the outbox and in Redis.
    s = requests.Session()
    assert ask_reset(s, address).status_code == 200
    wait_for(lambda: psql("SELECT count(*) FROM job_outbox WHERE "
                          "args->>'to' = :'p1' AND "
                          "args->>'template' = 'password_reset'",
                          address) == [["1"]],
             what="the reset job in the outbox")
    seen = [database_everything(), redis_everything(),
            *admin_views(admin_token)]

    p = workers.start(1)
    msg = wait_for(lambda: [m for m in mails_to(address)
                            if "Reset" in m["Subject"]], timeout=20,
                   what="the reset email")[0]
    text = msg.get_body(("plain",)).get_content()
    link = re.search(re.escape(site_url()) +
                     r"(/reset\?token=([0-9a-f]{64}))", text)
    path, token = link.group(1), link.group(2)

    # The stored hash is the token's.
    digest = hashlib.blake2b(bytes.fromhex(token), digest_size=32).hexdigest()
    assert psql("SELECT count(*) FROM password_resets WHERE "
                "encode(token_hash, 'hex') = :'p1'", digest) == [["1"]]

    page = s.get(BASE + path)
    assert page.status_code == 200
    csrf = CSRF.search(page.text).group(1)
    r = s.post(BASE + "/reset", data={"_csrf": csrf, "token": token,
                                      "password": "a brand new password"},
               allow_redirects=False)
    assert r.status_code == 303
    assert login(name, "a brand new password") == 200
    assert s.get(BASE + path).status_code == 410

    workers.stop(p)
    seen += [database_everything(), redis_everything(),
             *admin_views(admin_token), logs(p.logfile)]
    for i, where in enumerate(seen):
        assert token not in where, f"the token leaked into view {i}"


def test_a_reset_mailed_again_leaves_one_valid_link(workers):
    """A job delivered again after its mail went out (the process died
    before recording it) mails a second link: only the newest works, so
    one request never has two valid links."""
    name = unique("y")
    address = f"{name}@example.org"
    register(name, "the old password")
    s = requests.Session()
    assert ask_reset(s, address).status_code == 200
    reset_id = wait_for(lambda: psql(
        "SELECT args->>'reset_id' FROM job_outbox WHERE args->>'to' = :'p1'"
        " AND args->>'template' = 'password_reset'", address),
        what="the reset job")[0][0]
    # The same request mailed twice, as two deliveries would.
    enqueue("email", "critical", {"template": "password_reset",
                                  "to": address, "username": name,
                                  "reset_id": int(reset_id)})
    workers.start(1)

    def links():
        out = []
        for m in mails_to(address):
            if "Reset" in m["Subject"]:
                text = m.get_body(("plain",)).get_content()
                out.append(re.search(r"/reset\?token=[0-9a-f]{64}",
                                     text).group(0))
        return out if len(out) == 2 else None
    first, second = wait_for(links, timeout=20, what="two reset emails")
    assert first != second
    codes = sorted([s.get(BASE + first).status_code,
                    s.get(BASE + second).status_code])
    assert codes == [200, 410], codes
