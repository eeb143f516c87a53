"""Login throttling: 5 failures per (username, IP) in 15 minutes."""

import os
import shutil
import subprocess
import warnings

import pytest

FAILURES_ALLOWED = 5
WINDOW_SECONDS = 15 * 60


def _redis(*args):
    sock = os.environ.get("AGORA_REDIS_SOCK")
    if not sock or shutil.which("redis-cli") is None:
        return None
    p = subprocess.run(["redis-cli", "-s", sock] + list(args),
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        warnings.warn("redis-cli failed: %s" % p.stderr.strip())
        return None
    return p.stdout


def _throttle_keys():
    out = _redis("--scan", "--pattern", "throttle:*")
    if out is None:
        return None
    return {line for line in out.splitlines() if line}


@pytest.fixture
def throttled():
    """List to append the usernames a test throttles.

    Afterwards their throttle keys are deleted: the keys naming one of the
    usernames, or (when keys do not carry the name in clear) the keys that
    appeared during the test.  Keys that existed before are left alone, so
    other tests' state is not touched.
    """
    names = []
    before = _throttle_keys()
    yield names
    after = _throttle_keys()
    if before is None or after is None:
        warnings.warn("throttle keys not cleaned up: AGORA_REDIS_SOCK or "
                      "redis-cli unavailable")
        return
    ours = {k for k in after if any(n.lower() in k.lower() for n in names)}
    if not ours:
        ours = after - before
    if ours:
        _redis("DEL", *sorted(ours))


def assert_retry_after(r, helpers):
    value = r.headers.get("Retry-After")
    assert value is not None, "429 without Retry-After: " + helpers.describe(r)
    assert value.strip().isdigit(), "Retry-After not an integer: %r" % value
    assert 1 <= int(value) <= WINDOW_SECONDS, value


def fail_api_logins(api, helpers, username, n=FAILURES_ALLOWED):
    for i in range(n):
        r = api.login(username, "wrong-password-%d" % i)
        helpers.assert_problem(r, 401)


def test_api_login_throttled_after_five_failures(api, new_user, helpers, throttled):
    user = new_user(login=False)
    throttled.append(user.username)
    fail_api_logins(api, helpers, user.username)

    # Even the right password is refused now.
    r = api.login(user.username, user.password)
    helpers.assert_problem(r, 429)
    assert_retry_after(r, helpers)
    assert "token" not in r.json()

    # Further attempts stay throttled, whatever the case of the name.
    r = api.login(user.username, "wrong-again")
    helpers.assert_problem(r, 429)
    assert_retry_after(r, helpers)
    r = api.login(user.username.upper(), user.password)
    helpers.assert_problem(r, 429)


def test_four_failures_do_not_throttle(api, new_user, helpers, throttled):
    user = new_user(login=False)
    throttled.append(user.username)
    fail_api_logins(api, helpers, user.username, FAILURES_ALLOWED - 1)
    r = api.login(user.username, user.password)
    assert r.status_code == 200, helpers.describe(r)


def test_throttle_is_per_username(api, new_user, helpers, throttled):
    victim, other = new_user(login=False), new_user(login=False)
    throttled.append(victim.username)
    throttled.append(other.username)
    fail_api_logins(api, helpers, victim.username)
    helpers.assert_problem(api.login(victim.username, victim.password), 429)

    # The same client can still log in as somebody else ...
    r = api.login(other.username, other.password)
    assert r.status_code == 200, helpers.describe(r)
    # ... and a single failure for that name is an ordinary 401.
    helpers.assert_problem(api.login(other.username, "not-it"), 401)


def test_unknown_username_is_throttled_the_same(api, helpers, throttled):
    name = helpers.unique_name()
    throttled.append(name)
    fail_api_logins(api, helpers, name)
    r = api.login(name, "anything-at-all")
    helpers.assert_problem(r, 429)
    assert_retry_after(r, helpers)


def test_html_login_throttled(html_client, new_user, helpers, throttled):
    user = new_user(login=False)
    throttled.append(user.username)
    c = html_client()
    for i in range(FAILURES_ALLOWED):
        r = c.login(user.username, "wrong-password-%d" % i)
        helpers.assert_html(r, 401)

    r = c.login(user.username, user.password)
    helpers.assert_html(r, 429)
    assert_retry_after(r, helpers)
    assert c.session is None


# ---- concurrency, addresses that rotate, and the per-account limit
#
# The limits (apps/core/limits.h): 5 attempts per (account, address) and
# 20 per account from all addresses in 15 minutes; an address that logged
# in to the account before is exempt from the per-account limit.  Every
# address in 127.0.0.0/8 is this machine, so a client can come from many
# addresses without any proxy header.

import concurrent.futures
import re
import secrets

import requests
from requests.adapters import HTTPAdapter

ACCOUNT_FAILURES_ALLOWED = 20
FORGOT_PAIR_ALLOWED = 3
FORGOT_ADDRESS_ALLOWED = 5


class _SourceAdapter(HTTPAdapter):
    def __init__(self, source, **kw):
        self._source = source
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self._source, 0)
        super().init_poolmanager(*args, **kw)


def _addresses(n):
    """n distinct loopback addresses other than 127.0.0.1, fresh per call."""
    base = secrets.randbelow(200) + 20
    return ["127.%d.%d.%d" % (base, i // 250, i % 250 + 2) for i in range(n)]


def _session_from(address):
    s = requests.Session()
    s.mount("http://", _SourceAdapter(address))
    return s


def api_login_from(base_url, address, username, password):
    with _session_from(address) as s:
        return s.post(base_url + "/api/v1/auth/login", timeout=60,
                      json={"username": username, "password": password})


def _parallel(fn, args, workers=32):
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda a: fn(*a), args))


def _statuses(responses):
    out = {}
    for r in responses:
        out[r.status_code] = out.get(r.status_code, 0) + 1
    return out


def test_parallel_wrong_passwords_get_at_most_the_limit(
        base_url, new_user, helpers, throttled):
    """200 wrong passwords at once for one account from one address: at
    most 5 reach the password check (401), every other one is 429."""
    user = new_user(login=False)
    throttled.append(user.username)
    rs = _parallel(api_login_from, [
        (base_url, "127.0.0.1", user.username, "wrong-%d" % i)
        for i in range(200)])
    got = _statuses(rs)
    assert set(got) <= {401, 429}, got
    assert got.get(401, 0) <= FAILURES_ALLOWED, got
    assert got.get(429, 0) >= 200 - FAILURES_ALLOWED, got
    for r in rs:
        if r.status_code == 429:
            assert_retry_after(r, helpers)
    # And the right password is refused too, until the window ends.
    r = api_login_from(base_url, "127.0.0.1", user.username, user.password)
    helpers.assert_problem(r, 429)


def test_per_account_limit_holds_across_addresses(
        base_url, new_user, helpers, throttled):
    """An attacker who changes address for every guess still gets at most
    20 guesses per account; the next address is refused at once."""
    user = new_user(login=False)
    throttled.append(user.username)
    addrs = _addresses(30)
    seen = []
    for a in addrs[:ACCOUNT_FAILURES_ALLOWED + 5]:
        seen.append(api_login_from(base_url, a, user.username, "nope-" + a))
    got = _statuses(seen)
    assert got.get(401, 0) == ACCOUNT_FAILURES_ALLOWED, got
    assert got.get(429, 0) == 5, got
    r = api_login_from(base_url, addrs[-1], user.username, user.password)
    helpers.assert_problem(r, 429)
    assert_retry_after(r, helpers)
    assert "token" not in r.json()


def test_per_account_limit_holds_in_parallel(
        base_url, new_user, helpers, throttled):
    """40 addresses, 5 wrong passwords each, all at once: at most 20
    password checks for the account."""
    user = new_user(login=False)
    throttled.append(user.username)
    args = [(base_url, a, user.username, "bad-%d" % i)
            for a in _addresses(40) for i in range(5)]
    got = _statuses(_parallel(api_login_from, args))
    assert set(got) <= {401, 429}, got
    assert got.get(401, 0) <= ACCOUNT_FAILURES_ALLOWED, got


def test_owner_keeps_logging_in_from_a_known_address(
        base_url, new_user, helpers, throttled):
    """While the account is under attack from everywhere, its owner still
    logs in from the address they used before; a new address cannot."""
    user = new_user(login=False)
    throttled.append(user.username)
    home = _addresses(1)[0]
    r = api_login_from(base_url, home, user.username, user.password)
    assert r.status_code == 200, helpers.describe(r)

    for a in _addresses(ACCOUNT_FAILURES_ALLOWED + 2):
        api_login_from(base_url, a, user.username, "guess-" + a)
    stranger = _addresses(1)[0]
    helpers.assert_problem(
        api_login_from(base_url, stranger, user.username, user.password), 429)

    r = api_login_from(base_url, home, user.username, user.password)
    assert r.status_code == 200, helpers.describe(r)
    # The owner's own typos still count against their own address only.
    for i in range(FAILURES_ALLOWED):
        helpers.assert_problem(
            api_login_from(base_url, home, user.username, "typo-%d" % i), 401)
    helpers.assert_problem(
        api_login_from(base_url, home, user.username, user.password), 429)


# ---- /forgot: keyed by the lower-cased address, capped per address

def _forgot_from(base_url, address, email):
    c = HtmlFrom(base_url, address)
    try:
        r = c.get("/forgot")
        assert r.status_code == 200, r.text[:300]
        csrf = _find_csrf(r.text)
        return c.post("/forgot", data={"email": email, "_csrf": csrf})
    finally:
        c.close()


def _find_csrf(page):
    m = re.search(r'name="_csrf"\s+value="([^"]*)"', page)
    assert m is not None, page[:300]
    return m.group(1)


class HtmlFrom:
    """A cookie-keeping client from one source address."""

    def __init__(self, base_url, address):
        self.base_url = base_url
        self.http = _session_from(address)

    def get(self, path):
        return self.http.get(self.base_url + path, timeout=60,
                             allow_redirects=False)

    def post(self, path, data):
        return self.http.post(self.base_url + path, data=data, timeout=60,
                              allow_redirects=False)

    def close(self):
        self.http.close()


def _case_variants(email, n):
    """n spellings of `email` that differ only in the case of letters."""
    letters = [k for k, ch in enumerate(email) if ch.isalpha()]
    assert len(letters) >= 8 and n <= 256
    out = []
    for i in range(n):
        chars = list(email.lower())
        for j, k in enumerate(letters):
            if (i >> (j % 8)) & 1:
                chars[k] = chars[k].upper()
        out.append("".join(chars))
    return out


@pytest.fixture
def forgot_keys():
    """Deletes the /forgot counters a test made."""
    before = _redis("--scan", "--pattern", "throttle:forgot*")
    yield
    after = _redis("--scan", "--pattern", "throttle:forgot*")
    if before is None or after is None:
        return
    new = set(after.split()) - set(before.split())
    if new:
        _redis("DEL", *sorted(new))


def test_forgot_case_variants_share_one_limit(base_url, new_user, helpers,
                                              forgot_keys):
    user = new_user(login=False)
    variants = _case_variants(user.email, FORGOT_PAIR_ALLOWED + 2)
    assert len(set(variants)) == len(variants)
    got = [_forgot_from(base_url, "127.0.0.1", v) for v in variants]
    for r in got[:FORGOT_PAIR_ALLOWED]:
        helpers.assert_html(r, 200)
    for r in got[FORGOT_PAIR_ALLOWED:]:
        helpers.assert_html(r, 429)
        assert_retry_after(r, helpers)


def test_forgot_is_capped_per_address_across_clients(base_url, new_user,
                                                      helpers, forgot_keys):
    """Asking from a new address each time does not send more mails."""
    user = new_user(login=False)
    addrs = _addresses(FORGOT_ADDRESS_ALLOWED + 3)
    got = [_forgot_from(base_url, a, v) for a, v in zip(
        addrs, _case_variants(user.email, len(addrs)))]
    assert [r.status_code for r in got] == \
        [200] * FORGOT_ADDRESS_ALLOWED + [429] * 3, \
        [helpers.describe(r) for r in got]
    # Another address is still served.
    other = new_user(login=False)
    helpers.assert_html(_forgot_from(base_url, addrs[0], other.email), 200)


def test_forgot_in_parallel_sends_at_most_the_limit(base_url, new_user,
                                                     helpers, forgot_keys):
    user = new_user(login=False)
    rs = _parallel(_forgot_from, [(base_url, "127.0.0.1", v) for v in
                                  _case_variants(user.email, 30)], 16)
    got = _statuses(rs)
    assert set(got) <= {200, 429}, got
    assert got.get(200, 0) <= FORGOT_PAIR_ALLOWED, got


# ---- API tokens: a cap on how many one user holds at once

TOKENS_ALIVE = 50


def test_api_tokens_are_capped_per_user(api, new_user, helpers):
    user = new_user()                       # holds its login token
    made = []
    for i in range(TOKENS_ALIVE - 1):
        r = api.post("/api/v1/tokens", token=user.token,
                     json={"name": "t%d" % i})
        assert r.status_code == 201, helpers.describe(r)
        made.append(r.json()["id"])
    r = api.post("/api/v1/tokens", token=user.token, json={"name": "more"})
    body = helpers.assert_problem(r, 429)
    assert "revoke" in body["detail"].lower(), body
    value = r.headers.get("Retry-After", "")
    assert value.isdigit() and int(value) >= 1, helpers.describe(r)
    # None was made; revoking one makes room for one.
    r = api.get("/api/v1/tokens", token=user.token)
    assert len(r.json()["tokens"]) == TOKENS_ALIVE, helpers.describe(r)
    r = api.delete("/api/v1/tokens/%s" % made[0], token=user.token)
    assert r.status_code == 204, helpers.describe(r)
    r = api.post("/api/v1/tokens", token=user.token, json={"name": "again"})
    assert r.status_code == 201, helpers.describe(r)
    # Another user is not affected.
    other = new_user()
    r = api.post("/api/v1/tokens", token=other.token, json={"name": "x"})
    assert r.status_code == 201, helpers.describe(r)
