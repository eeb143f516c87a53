"""HTML pages: home, registration, login, logout, CSRF and redirects."""

import re
import secrets

import pytest

MESSAGE = "Invalid username or password."


def link_to(page, path):
    return re.search(r'href="%s(?:[/?#][^"]*)?"' % re.escape(path), page)


def fresh_credentials(helpers):
    name = helpers.unique_name()
    return name, name + "@example.org", "pw-" + secrets.token_hex(8)


def assert_session_cookie(helpers, r):
    """The response sets a proper agora_session cookie; returns its value."""
    cookies = helpers.set_cookies(r, helpers.SESSION_COOKIE)
    assert len(cookies) == 1, r.raw.headers.getlist("Set-Cookie")
    c = cookies[0]
    assert helpers.HEX64.match(c["value"]), c["raw"]
    attrs = c["attrs"]
    assert attrs.get("path") == "/", c["raw"]
    assert attrs.get("httponly") is True, c["raw"]
    assert str(attrs.get("samesite", "")).lower() == "lax", c["raw"]
    assert "secure" not in attrs, c["raw"]
    max_age = attrs.get("max-age")
    assert isinstance(max_age, str) and max_age.isdigit() and int(max_age) > 0, \
        c["raw"]
    return c["value"]


def me_with_cookie(api, cookie):
    return api.me(headers={"Cookie": "agora_session=" + cookie})


# Home page

def test_home_anonymous(html_client, helpers):
    c = html_client()
    r = c.get("/")
    helpers.assert_html(r, 200)
    for path in ("/blog", "/chat", "/photos"):
        assert link_to(r.text, path), "no link to " + path
    assert "Log in" in r.text
    assert "Register" in r.text
    assert 'action="/logout"' not in r.text
    assert not link_to(r.text, "/admin")


def test_home_logged_in(html_client, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    assert c.login(user.username, user.password).status_code == 303
    r = c.get("/")
    helpers.assert_html(r, 200)
    assert user.username in r.text
    assert 'action="/logout"' in r.text
    assert helpers.find_csrf(r.text)
    assert not link_to(r.text, "/admin"), "Admin link shown to a plain user"


# Registration

def test_register_form_page_sets_csrf_cookie(html_client, helpers):
    c = html_client()
    r = c.get("/register")
    helpers.assert_html(r, 200)
    for field in ("username", "email", "password"):
        assert helpers.input_values(r.text, field), "no input " + field
    assert helpers.find_csrf(r.text)
    cookies = helpers.set_cookies(r, helpers.CSRF_COOKIE)
    assert len(cookies) == 1, r.raw.headers.getlist("Set-Cookie")
    attrs = cookies[0]["attrs"]
    assert attrs.get("httponly") is True, cookies[0]["raw"]
    assert str(attrs.get("samesite", "")).lower() == "lax", cookies[0]["raw"]
    assert cookies[0]["value"]


def test_register_via_form(html_client, api, helpers):
    name, email, password = fresh_credentials(helpers)
    c = html_client()
    r = c.register(name, email, password)
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/"
    cookie = assert_session_cookie(helpers, r)

    # The session cookie authenticates the API ...
    r = me_with_cookie(api, cookie)
    assert r.status_code == 200, helpers.describe(r)
    assert r.json()["user"]["username"] == name
    # ... and the pages.
    r = c.get("/")
    assert name in r.text
    # The account exists with that password.
    assert api.login(name, password).status_code == 200


def test_register_form_lowercases_username(html_client, api, helpers):
    name, email, password = fresh_credentials(helpers)
    c = html_client()
    r = c.register(name.upper(), email, password)
    assert r.status_code == 303, helpers.describe(r)
    r = me_with_cookie(api, c.session)
    assert r.json()["user"]["username"] == name


@pytest.mark.parametrize("case", ["password", "username", "email"])
def test_register_form_errors_422_keep_input_but_not_password(
        html_client, api, helpers, case):
    name, email, password = fresh_credentials(helpers)
    if case == "password":
        password = "sh" + secrets.token_hex(2)  # 6 characters
    elif case == "username":
        name = "Bad Name%s!" % secrets.token_hex(2)
    else:
        email = "nope" + secrets.token_hex(3)
    c = html_client()
    r = c.register(name, email, password)
    helpers.assert_html(r, 422)
    assert helpers.input_values(r.text, "username")[0].lower() == name.lower()
    assert helpers.input_values(r.text, "email") == [email]
    assert password not in r.text, "the password was echoed back"
    assert all(not v for v in helpers.input_values(r.text, "password"))
    assert c.session is None
    # The form can be submitted again.
    assert helpers.find_csrf(r.text)
    if case != "username":
        helpers.assert_problem(api.login(name, password), 401)


@pytest.mark.parametrize("case", ["username", "username-upper", "email"])
def test_register_form_duplicate_409(html_client, new_user, helpers, case):
    existing = new_user(login=False)
    name, email, password = fresh_credentials(helpers)
    if case == "username":
        name = existing.username
    elif case == "username-upper":
        name = existing.username.upper()
    else:
        email = existing.email.upper()
    c = html_client()
    r = c.register(name, email, password)
    helpers.assert_html(r, 409)
    assert helpers.input_values(r.text, "username")[0].lower() == name.lower()
    assert helpers.input_values(r.text, "email") == [email]
    assert password not in r.text
    assert c.session is None


def test_register_without_csrf_403_creates_nothing(html_client, api, helpers):
    name, email, password = fresh_credentials(helpers)
    c = html_client()
    c.get("/register")  # has the agora_csrf cookie, sends no _csrf
    r = c.register(name, email, password, csrf=None)
    assert r.status_code == 403, helpers.describe(r)
    assert c.session is None
    helpers.assert_problem(api.login(name, password), 401)
    r = api.register(name, email, password)
    assert r.status_code == 201, helpers.describe(r)


@pytest.mark.parametrize("case", [
    "garbage", "empty", "other-visitors-token", "token-without-cookie"])
def test_register_wrong_csrf_403(html_client, api, helpers, case):
    name, email, password = fresh_credentials(helpers)
    c = html_client()
    if case == "token-without-cookie":
        token = html_client().csrf("/register")
    else:
        own = c.csrf("/register")
        if case == "garbage":
            token = secrets.token_hex(32)
        elif case == "empty":
            token = ""
        else:
            token = html_client().csrf("/register")
            assert token != own
    r = c.register(name, email, password, csrf=token)
    assert r.status_code == 403, helpers.describe(r)
    assert c.session is None
    r = api.register(name, email, password)
    assert r.status_code == 201, helpers.describe(r)


# Login

def test_login_form_page(html_client, helpers):
    c = html_client()
    r = c.get("/login")
    helpers.assert_html(r, 200)
    for field in ("username", "password"):
        assert helpers.input_values(r.text, field), "no input " + field
    assert helpers.find_csrf(r.text)


def test_login_via_form(html_client, api, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    r = c.login(user.username, user.password)
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/"
    cookie = assert_session_cookie(helpers, r)
    r = me_with_cookie(api, cookie)
    assert r.status_code == 200, helpers.describe(r)
    assert r.json()["user"]["username"] == user.username


def test_login_replaces_a_planted_session_cookie(html_client, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    planted = secrets.token_hex(32)
    c.cookies[helpers.SESSION_COOKIE] = planted
    r = c.login(user.username, user.password)
    assert r.status_code == 303, helpers.describe(r)
    cookie = assert_session_cookie(helpers, r)
    assert cookie != planted


def test_login_again_gives_a_different_session(html_client, api, new_user, helpers):
    user = new_user(login=False)
    first = html_client()
    assert first.login(user.username, user.password).status_code == 303
    old = first.session
    # The same browser, still holding the old cookie, logs in again.
    second = html_client()
    second.cookies.update(first.cookies)
    r = second.post("/login", data={
        "username": user.username, "password": user.password,
        "_csrf": second.csrf("/")})
    if helpers.set_cookies(r, helpers.SESSION_COOKIE):
        assert r.status_code == 303, helpers.describe(r)
        new = assert_session_cookie(helpers, r)
        assert new != old
        assert me_with_cookie(api, new).status_code == 200
    else:
        # A logged-in visitor may be turned away from the login form
        # instead; then no login happened and the old session stays.
        assert r.status_code in (303, 403), helpers.describe(r)
    # A different user's login never reuses the old session either.
    other = new_user(login=False)
    third = html_client()
    r = third.login(other.username, other.password)
    assert r.status_code == 303, helpers.describe(r)
    assert third.session not in (None, old)


@pytest.mark.parametrize("case", ["wrong-password", "unknown-user"])
def test_login_failure_401_with_message(html_client, new_user, helpers, case):
    user = new_user(login=False)
    c = html_client()
    if case == "wrong-password":
        r = c.login(user.username, user.password + "x")
    else:
        r = c.login(helpers.unique_name(), user.password)
    helpers.assert_html(r, 401)
    assert MESSAGE in r.text
    assert user.password not in r.text
    assert helpers.find_csrf(r.text)
    assert c.session is None


def test_login_without_csrf_403(html_client, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    c.get("/login")
    r = c.login(user.username, user.password, csrf=None)
    assert r.status_code == 403, helpers.describe(r)
    assert c.session is None


@pytest.mark.parametrize("target", ["/blog", "/photos", "/chat?room=1", "/admin"])
def test_login_next_local_path_honoured(html_client, new_user, helpers, target):
    user = new_user(login=False)
    c = html_client()
    r = c.login(user.username, user.password, next=target)
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == target


@pytest.mark.parametrize("target", [
    "//evil.example", "//evil.example/x", "http://evil.example",
    "https://evil.example/", "evil.example", "javascript:alert(1)"])
def test_login_next_offsite_ignored(html_client, new_user, helpers, target):
    user = new_user(login=False)
    c = html_client()
    r = c.login(user.username, user.password, next=target)
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/", r.headers.get("Location")


@pytest.mark.parametrize("target", ["/\\evil.example", "/\t/evil.example"])
def test_login_next_never_leaves_the_site(html_client, new_user, helpers, target):
    user = new_user(login=False)
    c = html_client()
    r = c.login(user.username, user.password, next=target)
    assert r.status_code == 303, helpers.describe(r)
    loc = r.headers["Location"]
    assert helpers.location(r).startswith("/"), loc
    assert not re.match(r"^\s*/[\\/\t]", loc), loc


# Logout

def test_logout(html_client, api, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    assert c.login(user.username, user.password).status_code == 303
    old = c.session
    r = c.logout()
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/"
    cleared = helpers.set_cookies(r, helpers.SESSION_COOKIE)
    assert len(cleared) == 1, r.raw.headers.getlist("Set-Cookie")
    assert cleared[0]["value"] == ""
    assert cleared[0]["attrs"].get("max-age") == "0", cleared[0]["raw"]
    assert c.session is None
    helpers.assert_problem(me_with_cookie(api, old), 401)
    r = c.get("/")
    assert 'action="/logout"' not in r.text


def test_logout_without_csrf_403_keeps_session(html_client, api, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    assert c.login(user.username, user.password).status_code == 303
    r = c.logout(csrf=None)
    assert r.status_code == 403, helpers.describe(r)
    assert me_with_cookie(api, c.session).status_code == 200


def test_logout_with_another_sessions_csrf_403(html_client, api, new_user, helpers):
    alice, bob = new_user(login=False), new_user(login=False)
    a, b = html_client(), html_client()
    assert a.login(alice.username, alice.password).status_code == 303
    assert b.login(bob.username, bob.password).status_code == 303
    r = a.logout(csrf=b.csrf("/"))
    assert r.status_code == 403, helpers.describe(r)
    assert me_with_cookie(api, a.session).status_code == 200


# Cookie-authenticated API calls and CSRF

def test_cookie_api_get_needs_no_csrf_header(html_client, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    assert c.login(user.username, user.password).status_code == 303
    r = c.api("GET", "/api/v1/me")
    assert r.status_code == 200, helpers.describe(r)
    assert r.json()["user"]["username"] == user.username
    r = c.api("GET", "/api/v1/tokens")
    assert r.status_code == 200, helpers.describe(r)


def test_cookie_api_post_requires_csrf_header(html_client, api, new_user, helpers):
    user = new_user(login=False)
    c = html_client()
    anonymous_csrf = c.csrf("/login")
    assert c.login(user.username, user.password).status_code == 303
    body = {"name": "from-browser"}

    helpers.assert_problem(c.api("POST", "/api/v1/tokens", json=body), 403)
    helpers.assert_problem(
        c.api("POST", "/api/v1/tokens", json=body, csrf=secrets.token_hex(32)), 403)
    csrf = c.csrf("/")
    if anonymous_csrf != csrf:
        helpers.assert_problem(
            c.api("POST", "/api/v1/tokens", json=body, csrf=anonymous_csrf), 403)

    r = c.api("POST", "/api/v1/tokens", json=body, csrf=csrf)
    assert r.status_code == 201, helpers.describe(r)
    made = r.json()
    assert api.me(made["token"]).status_code == 200

    # Unsafe methods other than POST need it as well.
    path = "/api/v1/tokens/%s" % made["id"]
    helpers.assert_problem(c.api("DELETE", path), 403)
    assert api.me(made["token"]).status_code == 200
    r = c.api("DELETE", path, csrf=csrf)
    assert r.status_code == 204, helpers.describe(r)
    helpers.assert_problem(api.me(made["token"]), 401)


def test_cookie_api_csrf_of_another_user_403(html_client, new_user, helpers):
    alice, bob = new_user(login=False), new_user(login=False)
    a, b = html_client(), html_client()
    assert a.login(alice.username, alice.password).status_code == 303
    assert b.login(bob.username, bob.password).status_code == 303
    r = a.api("POST", "/api/v1/tokens", json={"name": "x"}, csrf=b.csrf("/"))
    helpers.assert_problem(r, 403)
