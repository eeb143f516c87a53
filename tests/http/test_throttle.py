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
