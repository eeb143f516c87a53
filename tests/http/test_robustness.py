"""Odd, hostile and concurrent requests never make the server fail."""

import secrets
import statistics
import threading
import time

import pytest
import requests

LEAKS = (b"root:x:0:", b"AGORA_SECRET_KEY", b"[boot]", b"PRIVATE KEY")


def assert_not_5xx(res, what):
    """A raw response is fine if it is below 500 or the server hung up."""
    if res is not None:
        assert res.status < 500, (what, res.status, res.body[:300])
        for leak in LEAKS:
            assert leak not in res.body, (what, leak)


# Unknown paths

@pytest.mark.parametrize("path", ["/no-such-page-%s", "/no-such-%s/deeper/still"])
def test_unknown_path_is_an_html_404(api, helpers, path):
    r = api.get(path % secrets.token_hex(4))
    helpers.assert_html(r, 404)


@pytest.mark.parametrize("path", [
    "/api/v1/no-such-%s", "/api/v1/auth/no-such-%s", "/api/v1/me/%s",
    "/api/v2/%s"])
def test_unknown_api_path_is_a_problem_404(api, helpers, path):
    r = api.get(path % secrets.token_hex(4))
    helpers.assert_problem(r, 404)


def test_unknown_api_path_with_post_is_a_problem_404(api, helpers):
    r = api.post("/api/v1/no-such-%s" % secrets.token_hex(4), json={})
    helpers.assert_problem(r, 404)


def test_healthz(api):
    api.assert_healthy()


# Methods

HEAD_PATHS = ["/", "/login", "/register", "/healthz", "/api/v1/me",
              "/no-such-page", "/api/v1/no-such"]


@pytest.mark.parametrize("path", HEAD_PATHS)
def test_head_does_not_fail(api, helpers, path):
    r = api.request("HEAD", path)
    assert r.status_code < 500, helpers.describe(r)
    assert r.content == b""
    api.assert_healthy()


ODD_PATHS = ["/", "/login", "/logout", "/healthz", "/api/v1/me",
             "/api/v1/auth/login", "/api/v1/tokens", "/api/v1/tokens/1",
             "/api/v1/admin/users", "/admin/users/1/ban"]


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "PATCH", "DELETE",
                                    "TRACE", "PROPFIND", "FOO", "get"])
def test_odd_methods_do_not_fail(api, new_user, helpers, method):
    user = new_user()
    for path in ODD_PATHS:
        for token in (None, user.token):
            r = api.request(method, path, token=token)
            assert r.status_code < 500, helpers.describe(r)
    api.assert_healthy()


def test_odd_methods_with_json_bodies_do_not_fail(api, new_user, helpers):
    user = new_user()
    for method in ("PUT", "PATCH", "DELETE"):
        for path in ("/api/v1/me", "/api/v1/tokens", "/api/v1/auth/login"):
            r = api.request(method, path, token=user.token, json={"name": "x"})
            assert r.status_code < 500, helpers.describe(r)
    api.assert_healthy()


# Headers

@pytest.mark.parametrize("size", [8 * 1024, 64 * 1024])
def test_huge_header_value_does_not_fail(api, size):
    res = api.raw("GET", "/healthz", headers=[("X-Filler", "a" * size)])
    assert_not_5xx(res, "header of %d bytes" % size)
    api.assert_healthy()


def test_many_headers_do_not_fail(api):
    headers = [("X-Filler-%d" % i, "v") for i in range(60)]
    assert_not_5xx(api.raw("GET", "/", headers=headers), "60 headers")
    api.assert_healthy()


@pytest.mark.parametrize("header,value", [
    pytest.param("Authorization", "Bearer " + "a" * 3000, id="long-bearer"),
    pytest.param("Authorization", "Bearer " + secrets.token_hex(32) * 40,
                 id="long-hex-bearer"),
    pytest.param("Authorization", "Bearer\t" + secrets.token_hex(32),
                 id="tab-bearer"),
    pytest.param("Authorization", "bearer " + "\u00e9" * 10, id="utf8-bearer"),
    pytest.param("Cookie", "agora_session=" + "a" * 3000, id="long-cookie"),
    pytest.param("Cookie", "agora_session=" + secrets.token_hex(32) +
                 "; agora_session=x", id="two-cookies"),
    pytest.param("Cookie", "agora_session=\"" + secrets.token_hex(32) + "\"",
                 id="quoted-cookie"),
    pytest.param("Cookie", ";;;=;agora_session", id="junk-cookie"),
])
def test_odd_credentials_are_401(api, helpers, header, value):
    res = api.raw("GET", "/api/v1/me",
                  headers=[(header, value.encode("utf-8"))])
    assert res is not None, "connection closed without a response"
    assert res.status in (400, 401), (res.status, res.body[:300])
    api.assert_healthy()


def test_long_cookie_on_form_post_does_not_fail(html_client, helpers):
    c = html_client()
    csrf = c.csrf("/register")
    c.cookies["agora_csrf"] = "b" * 2000
    r = c.post("/register", data={"username": helpers.unique_name(),
                                  "email": "x@example.org",
                                  "password": "long-enough", "_csrf": csrf})
    assert r.status_code == 403, helpers.describe(r)


# Paths

TRAVERSAL = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/assets/../../../../etc/passwd",
    "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/assets/%2e%2e/%2e%2e/conf/build.conf",
    "/static/../../var/dev/agora.env",
    "/media/..%2f..%2fvar%2fdev%2fagora.env",
    "/photos/../../../etc/passwd",
    "/api/v1/../../../etc/passwd",
    "/api/v1/%2e%2e/%2e%2e/etc/passwd",
    "/api/v1/tokens/..%2f..%2f",
    "/api/v1/me%00",
    "/%00",
    "/%ff%fe%fd",
    "/blog/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "//etc/passwd",
    "/login?next=%0d%0aSet-Cookie:%20x=y",
    "/login?next=" + "%2F" * 1000,
    "/?" + "&".join("a%d=b" % i for i in range(100)),
    "/" + "a" * 10000,
    "/api/v1/" + "x/" * 3000,
]


@pytest.mark.parametrize("path", TRAVERSAL, ids=lambda p: p[:40])
def test_traversal_and_odd_paths_do_not_fail(api, path):
    res = api.raw("GET", path)
    assert_not_5xx(res, path)
    api.assert_healthy()


@pytest.mark.parametrize("target", [
    "/blog\r\nSet-Cookie: injected=1", "/blog\nLocation: //evil.example",
    "/blog%0d%0aSet-Cookie:%20injected=1"])
def test_next_cannot_inject_headers(html_client, new_user, helpers, target):
    user = new_user(login=False)
    c = html_client()
    r = c.login(user.username, user.password, next=target)
    assert r.status_code == 303, helpers.describe(r)
    assert not helpers.set_cookies(r, "injected")
    assert len(r.raw.headers.getlist("Location")) == 1
    loc = r.headers["Location"]
    assert "\r" not in loc and "\n" not in loc, repr(loc)
    assert helpers.location(r).startswith("/"), loc


@pytest.mark.parametrize("ident", [
    "abc", "-1", "0", "1.5", "1e3", "0x10", "99999999999999999999999999",
    "%00", "1%20", "%2F1", " 1", "1;drop"])
def test_odd_ids_are_client_errors(api, new_user, admin_token, ident):
    # Only harmless admin actions: were an id like " 1" or "1.5" read as 1,
    # a ban could hit the admin account and every later test with it.
    user = new_user()
    for method, path, token in [
            ("DELETE", "/api/v1/tokens/%s", user.token),
            ("GET", "/api/v1/tokens/%s", user.token),
            ("POST", "/api/v1/admin/users/%s/unban", admin_token),
            ("POST", "/api/v1/admin/users/%s/promote", admin_token)]:
        headers = [("Authorization", "Bearer " + token)]
        body = None
        if method == "POST":
            headers.append(("Content-Type", "application/json"))
            body = b"{}"
        res = api.raw(method, path % ident.replace(" ", "%20"),
                      headers=headers, body=body)
        assert res is not None, (method, path, ident)
        assert 400 <= res.status < 500, (method, path, ident, res.status)
    # The user's own token is untouched by all this.
    assert api.me(user.token).status_code == 200


# Bodies

@pytest.mark.parametrize("field,value", [
    ("username", 12345), ("username", ["abc"]), ("username", {"a": 1}),
    ("username", None), ("username", True), ("email", 1.5),
    ("password", 12345678), ("password", ["12345678"]), ("password", None),
    ("username", "abc\u0000def"), ("password", "pass\u0000word"),
])
def test_json_type_confusion_is_a_client_error(api, helpers, field, value):
    name = helpers.unique_name()
    body = {"username": name, "email": name + "@example.org",
            "password": "pw-" + secrets.token_hex(8)}
    body[field] = value
    for path in ("/api/v1/auth/register", "/api/v1/auth/login"):
        r = api.post(path, json=body)
        assert r.status_code in (400, 401, 422), helpers.describe(r)
        helpers.assert_problem(r, r.status_code)


@pytest.mark.parametrize("raw", [
    pytest.param(b"[" * 60000, id="deep-arrays"),
    pytest.param(b'{"a":' * 9000 + b"1" + b"}" * 9000, id="deep-objects"),
    pytest.param(b'{"username": "' + b"\\ud800" + b'"}', id="lone-surrogate"),
    pytest.param(b'{"username": 1e999999}', id="huge-number"),
    pytest.param(b'\xef\xbb\xbf{"username": "abc"}', id="bom"),
])
def test_hostile_json_is_a_client_error(api, helpers, raw):
    r = api.post("/api/v1/auth/register", data=raw,
                 headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, helpers.describe(r)
    api.assert_healthy()


@pytest.mark.parametrize("fields", [
    pytest.param({"username": "u" * 50000}, id="huge-username"),
    pytest.param({"password": "p" * 50000}, id="huge-password"),
    pytest.param({"email": "e" * 50000 + "@example.org"}, id="huge-email"),
    pytest.param({"username": b"\xff\xfe"}, id="invalid-utf8-username"),
    pytest.param({"password": b"pass\x00word-long"}, id="nul-password"),
])
def test_hostile_register_form_fields(html_client, helpers, fields):
    c = html_client()
    name = helpers.unique_name()
    data = {"username": name, "email": name + "@example.org",
            "password": "pw-" + secrets.token_hex(8),
            "_csrf": c.csrf("/register")}
    data.update(fields)
    r = c.post("/register", data=data)
    assert 400 <= r.status_code < 500, helpers.describe(r)
    assert c.session is None


def test_repeated_form_fields_do_not_fail(html_client, helpers):
    c = html_client()
    csrf = c.csrf("/login")
    r = c.post("/login", data=[("username", "a"), ("username", "b"),
                               ("password", "x" * 8), ("password", "y" * 8),
                               ("_csrf", csrf), ("_csrf", "z")])
    assert r.status_code < 500, helpers.describe(r)


# A password hash in progress does not block the server

CONCURRENT_LOGINS = 4
MAX_ROUNDS = 3
MIN_PROBES = 5


def test_password_hashing_does_not_block_other_requests(
        base_url, new_user, record_property):
    user = new_user(login=False)
    url_login = base_url + "/api/v1/auth/login"
    url_health = base_url + "/healthz"
    body = {"username": user.username, "password": user.password}

    lock = threading.Lock()
    in_flight = [0]
    login_times, statuses, errors = [], [], []
    probes = []

    def login(barrier):
        try:
            with requests.Session() as s:
                barrier.wait()
                with lock:
                    in_flight[0] += 1
                t0 = time.perf_counter()
                try:
                    r = s.post(url_login, json=body, timeout=60)
                finally:
                    dt = time.perf_counter() - t0
                    with lock:
                        in_flight[0] -= 1
                login_times.append(dt)
                statuses.append(r.status_code)
        except Exception as e:  # reported below, in the test's thread
            errors.append(repr(e))

    def busy():
        with lock:
            return in_flight[0] > 0

    with requests.Session() as probe:
        assert probe.get(url_health, timeout=30).status_code == 200  # warm
        for _ in range(MAX_ROUNDS):
            barrier = threading.Barrier(CONCURRENT_LOGINS + 1)
            threads = [threading.Thread(target=login, args=(barrier,))
                       for _ in range(CONCURRENT_LOGINS)]
            for t in threads:
                t.start()
            barrier.wait()
            # Probe continuously; keep the probes sent while at least one
            # login was being processed (were healthz blocked by the
            # hashing, those would last as long as the logins).
            while any(t.is_alive() for t in threads):
                was_busy = busy()
                t0 = time.perf_counter()
                r = probe.get(url_health, timeout=30)
                dt = time.perf_counter() - t0
                assert r.status_code == 200
                if was_busy:
                    probes.append(dt)
            for t in threads:
                t.join()
            if len(probes) >= MIN_PROBES:
                break

    assert not errors, errors
    assert statuses and all(s == 200 for s in statuses), statuses

    healthz_median = statistics.median(probes) if probes else float("nan")
    record_property("login_seconds", ["%.4f" % t for t in login_times])
    record_property("healthz_probes", len(probes))
    record_property("healthz_median_seconds", "%.4f" % healthz_median)
    print("logins (s): %s; healthz probes: %d, median %.4f s" % (
        ", ".join("%.4f" % t for t in sorted(login_times)), len(probes),
        healthz_median))

    assert min(login_times) > 0.050, \
        "logins too fast to show anything: %r" % login_times
    assert probes, "no healthz probe was sent while logins were in flight"
    assert healthz_median < 0.100, \
        "healthz median %.3f s (%r) while logins took %r" % (
            healthz_median, probes, login_times)
    assert len(probes) >= MIN_PROBES, \
        "only %d healthz probes answered while logins were in flight: %r" % (
            len(probes), probes)
