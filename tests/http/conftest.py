"""Fixtures for the black-box HTTP tests of Agora.

The tests talk to a running server (AGORA_TEST_URL) and never mock
anything.  Every test creates its own users with random names, so the
suite can run in any order and again and again against the same database.

Fixtures:
  base_url      the server's base URL, without a trailing slash
  api           Api: JSON/bearer client, problem+json checks, raw sockets
  new_user      factory: new_user() -> User (iterates as username,
                password, token); new_user(login=False) skips the login
  admin_token   bearer token of the user `admin` (session-wide)
  html_client   factory: html_client() -> HtmlClient, a browser-like client
                (manual cookie handling, forms with _csrf, no redirects)
  admin_html    HtmlClient logged in as `admin` through the login form
  psql          psql(sql) -> list of output lines (read-only checks)
  helpers       namespace of the helpers of agora_kit.web (test modules use
                this rather than importing conftest)
"""

import secrets
import shutil
import subprocess
import types

import pytest

from agora_kit.web import (BASE_URL, html_clients, CSRF_COOKIE, HEX64, SESSION_COOKIE,
                           TIMEOUT, Api, HtmlClient, User, assert_html,
                           assert_id, assert_problem, describe, find_csrf,
                           input_values, json_bytes, location, media_type,
                           same_id, set_cookies, unique_name)
from agora_kit.web import admin_password as read_admin_password


@pytest.fixture(scope="session")
def base_url():
    return BASE_URL


@pytest.fixture
def api(base_url):
    client = Api(base_url)
    yield client
    client.close()


@pytest.fixture
def new_user(api):
    """Factory: new_user(login=True, password=None, prefix="u_") -> User."""

    def make(login=True, password=None, prefix="u_"):
        username = unique_name(prefix)
        email = username + "@example.org"
        if password is None:
            password = "pw-" + secrets.token_hex(8)
        r = api.register(username, email, password)
        assert r.status_code == 201, describe(r)
        user = r.json()["user"]
        assert user["username"] == username, describe(r)
        token = api.login_token(username, password) if login else None
        return User(username, password, token, user["id"], email)

    return make


@pytest.fixture(scope="session")
def admin_password():
    return read_admin_password()


@pytest.fixture(scope="session")
def admin_token(base_url, admin_password):
    client = Api(base_url)
    token = client.login_token("admin", admin_password)
    yield token
    client.post("/api/v1/auth/logout", token=token, json={})
    client.close()


@pytest.fixture
def html_client(base_url):
    """Factory: html_client() -> a fresh anonymous HtmlClient."""
    with html_clients(base_url) as make:
        yield make


@pytest.fixture
def admin_html(html_client, admin_password):
    c = html_client()
    r = c.login("admin", admin_password)
    assert r.status_code == 303, describe(r)
    assert c.session, "no session cookie after the admin login"
    return c


@pytest.fixture(scope="session")
def psql():
    """psql(sql) -> output lines; read checks against the server's database."""
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")

    def run(sql):
        p = subprocess.run(
            ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=TIMEOUT)
        assert p.returncode == 0, "psql failed: %s" % p.stderr
        return [line for line in p.stdout.splitlines() if line != ""]

    return run


@pytest.fixture(scope="session")
def helpers():
    return types.SimpleNamespace(
        HEX64=HEX64,
        SESSION_COOKIE=SESSION_COOKIE,
        CSRF_COOKIE=CSRF_COOKIE,
        unique_name=unique_name,
        describe=describe,
        media_type=media_type,
        assert_html=assert_html,
        assert_problem=assert_problem,
        assert_id=assert_id,
        same_id=same_id,
        location=location,
        set_cookies=set_cookies,
        input_values=input_values,
        find_csrf=find_csrf,
        json_bytes=json_bytes,
    )
