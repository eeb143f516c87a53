"""The credential cache: each Kore worker remembers for a few seconds
who a session or token belongs to, and every revocation (token revoke,
logout, ban, a role change) still takes effect on the very next request
on every worker of both instances.

Worker coverage is proven, not assumed: each pooled connection's first
answer carries a request id, and the site's access log says which worker
answered it."""

import http.client
import json
import os
import time
import urllib.parse

import pytest

from agora_kit.web import SESSION_COOKIE, describe, wait_for

INSTANCES = [u for u in (os.environ.get("AGORA_TEST_URL"),
                         os.environ.get("AGORA_TEST_URL2")) if u]
LOGS = {os.environ.get("AGORA_TEST_URL"): os.environ.get("AGORA_KORE_LOG"),
        os.environ.get("AGORA_TEST_URL2"): os.environ.get("AGORA_KORE_LOG2")}
# The test stack's setting (kore.conf: workers 2; cache age 3000 ms).
WORKERS = 2
CACHE_AGE = 3.0
POOL = 24


class Conn:
    """One kept-alive connection; Kore keeps it on one worker."""

    def __init__(self, base, headers):
        u = urllib.parse.urlsplit(base)
        self.base = base
        self.c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        self.headers = headers
        self.worker = None

    def get(self, path):
        self.c.request("GET", path, headers=self.headers)
        r = self.c.getresponse()
        body = r.read()
        return r.status, r.getheader("x-request-id"), body

    def close(self):
        self.c.close()


def worker_of(base, rid):
    """The worker id the access log gives for request `rid`."""
    found = []

    def look():
        with open(LOGS[base], encoding="utf-8", errors="replace") as f:
            for line in f:
                if rid not in line:
                    continue
                try:
                    o = json.loads(line)
                except ValueError:
                    continue
                if o.get("rid") == rid and "worker" in o:
                    found.append(o["worker"])
                    return True
        return False

    wait_for(look, timeout=5, what="request %s in the log" % rid)
    return found[0]


def pool(headers, path="/api/v1/me"):
    """Connections on every instance, each answered once (so the
    credential is cached on its worker), covering every worker."""
    conns = []
    for base in INSTANCES:
        seen = set()
        for _ in range(POOL):
            c = Conn(base, headers)
            status, rid, body = c.get(path)
            assert status == 200, body
            c.worker = worker_of(base, rid)
            seen.add(c.worker)
            conns.append(c)
        assert len(seen) == WORKERS, (
            "%d connections to %s reached workers %s only" % (
                POOL, base, sorted(seen)))
    return conns


def all_refused(conns, path="/api/v1/me", expect=401):
    bad = []
    for c in conns:
        status, _, body = c.get(path)
        if status != expect:
            bad.append((c.base, c.worker, status, body[:120]))
    return bad


def close_all(conns):
    for c in conns:
        c.close()


def test_cache_is_used_and_bounded_by_its_age(api, new_user, psql):
    """A token deleted behind the site's back (no revocation event)
    still answers on a connection whose worker resolved it a moment ago,
    and stops within the cache's age: the cache is really used, and it
    is never trusted longer than its setting."""
    user = new_user()
    c = Conn(INSTANCES[0], {"Authorization": "Bearer " + user.token})
    try:
        status, _, body = c.get("/api/v1/me")
        assert status == 200, body
        psql("DELETE FROM api_tokens WHERE user_id = %d" % user.id)
        status, _, body = c.get("/api/v1/me")
        assert status == 200, "the cache was not used: %r" % body
        assert json.loads(body)["user"]["username"] == user.username
        time.sleep(CACHE_AGE + 0.5)
        status, _, body = c.get("/api/v1/me")
        assert status == 401, body
    finally:
        c.close()


def test_me_answers_from_the_credential(api, new_user):
    """/api/v1/me says who the token belongs to, whole."""
    user = new_user()
    r = api.me(token=user.token)
    assert r.status_code == 200, describe(r)
    u = r.json()["user"]
    assert (u["id"], u["username"], u["email"], u["role"],
            u["banned"]) == (user.id, user.username, user.email, "user",
                             False), u
    assert u["created_at"].endswith("Z"), u


def test_token_revoke_reaches_every_worker(api, new_user):
    user = new_user()
    conns = pool({"Authorization": "Bearer " + user.token})
    try:
        r = api.post("/api/v1/auth/logout", token=user.token, json={})
        assert r.status_code in (200, 204), describe(r)
        assert all_refused(conns) == []
    finally:
        close_all(conns)


def test_logout_reaches_every_worker(html_client, new_user):
    user = new_user(login=False)
    c = html_client()
    r = c.login(user.username, user.password)
    assert r.status_code == 303, describe(r)
    cookie = "%s=%s" % (SESSION_COOKIE, c.session)
    conns = pool({"Cookie": cookie})
    try:
        r = c.logout()
        assert r.status_code in (200, 303), describe(r)
        assert all_refused(conns) == []
    finally:
        close_all(conns)


def test_ban_reaches_every_worker(api, new_user, admin_token):
    user = new_user()
    conns = pool({"Authorization": "Bearer " + user.token})
    try:
        r = api.post("/api/v1/admin/users/%d/ban" % user.id,
                     token=admin_token, json={})
        assert r.status_code == 200, describe(r)
        assert all_refused(conns) == []
    finally:
        close_all(conns)


@pytest.mark.parametrize("action,role", [("promote", "admin"),
                                         ("demote", "user")])
def test_role_change_reaches_every_worker(api, new_user, admin_token,
                                          action, role):
    """Promotion and demotion are seen on the next request everywhere:
    the admin area opens (or closes) at once, as /api/v1/me says."""
    user = new_user()
    if action == "demote":
        r = api.post("/api/v1/admin/users/%d/promote" % user.id,
                     token=admin_token, json={})
        assert r.status_code == 200, describe(r)
    conns = pool({"Authorization": "Bearer " + user.token})
    try:
        r = api.post("/api/v1/admin/users/%d/%s" % (user.id, action),
                     token=admin_token, json={})
        assert r.status_code == 200, describe(r)
        wrong = []
        for c in conns:
            status, _, body = c.get("/api/v1/me")
            got = json.loads(body)["user"]["role"] if status == 200 else status
            if got != role:
                wrong.append((c.base, c.worker, got))
        assert wrong == []
    finally:
        close_all(conns)
