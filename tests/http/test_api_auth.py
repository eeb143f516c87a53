"""JSON API: registration, login, /me, logout and request-body handling."""

import json
import secrets

import pytest

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
USER_KEYS = {"id", "username", "email", "role", "created_at"}


def creds(helpers, **over):
    name = helpers.unique_name()
    body = {"username": name, "email": name + "@example.org",
            "password": "pw-" + secrets.token_hex(8)}
    body.update(over)
    return body


def assert_user(helpers, user, username, email):
    assert isinstance(user, dict)
    assert USER_KEYS <= set(user), user
    helpers.assert_id(user["id"])
    assert user["username"] == username
    assert user["email"].lower() == email.lower()
    assert user["role"] == "user"
    assert isinstance(user["created_at"], str) and user["created_at"]
    for secret_key in ("password", "password_hash"):
        assert secret_key not in user


# Registration

def test_register_returns_201_with_user_and_location(api, helpers):
    body = creds(helpers)
    r = api.post(REGISTER, json=body)
    assert r.status_code == 201, helpers.describe(r)
    assert helpers.media_type(r) == "application/json"
    assert r.headers.get("Location"), "201 without a Location header"
    data = r.json()
    assert_user(helpers, data["user"], body["username"], body["email"])
    assert body["password"] not in r.text


def test_register_lowercases_the_username(api, helpers):
    body = creds(helpers)
    typed = body["username"].upper()
    r = api.post(REGISTER, json=dict(body, username=typed))
    assert r.status_code == 201, helpers.describe(r)
    assert r.json()["user"]["username"] == body["username"]
    # The account answers to any case of its name.
    r = api.login(typed, body["password"])
    assert r.status_code == 200, helpers.describe(r)
    r = api.login(body["username"], body["password"])
    assert r.status_code == 200, helpers.describe(r)


def test_register_accepts_username_length_edges(api, helpers):
    long_name = helpers.unique_name("u_") + "_" * 22
    assert len(long_name) == 32
    r = api.post(REGISTER, json=creds(helpers, username=long_name,
                                      email=long_name + "@example.org"))
    assert r.status_code == 201, helpers.describe(r)

    # Three characters: only 37**3 names exist, retry on a taken one.
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_"
    for _ in range(20):
        short = "".join(secrets.choice(alphabet) for _ in range(3))
        r = api.post(REGISTER, json=creds(
            helpers, username=short,
            email="s3_%s@example.org" % secrets.token_hex(6)))
        if r.status_code != 409:
            break
    assert r.status_code == 201, helpers.describe(r)
    assert r.json()["user"]["username"] == short


def test_register_duplicate_username_409(api, new_user, helpers):
    user = new_user(login=False)
    r = api.post(REGISTER, json=creds(helpers, username=user.username))
    helpers.assert_problem(r, 409, fields=["username"])


def test_register_duplicate_username_other_case_409(api, new_user, helpers):
    user = new_user(login=False)
    r = api.post(REGISTER, json=creds(helpers, username=user.username.upper()))
    helpers.assert_problem(r, 409, fields=["username"])


def test_register_duplicate_email_409(api, new_user, helpers):
    user = new_user(login=False)
    r = api.post(REGISTER, json=creds(helpers, email=user.email))
    helpers.assert_problem(r, 409, fields=["email"])


def test_register_duplicate_email_other_case_409(api, new_user, helpers):
    user = new_user(login=False)
    r = api.post(REGISTER, json=creds(helpers, email=user.email.upper()))
    helpers.assert_problem(r, 409, fields=["email"])


INVALID = [
    ("username-too-short", {"username": "ab"}, "username"),
    ("username-space-bang", {"username": "bad name!"}, "username"),
    ("username-33-chars", {"username": "u" * 33}, "username"),
    ("username-dash", {"username": "bad-name"}, "username"),
    ("username-non-ascii", {"username": "\u00e5lice_x"}, "username"),
    ("username-empty", {"username": ""}, "username"),
    ("email-no-at", {"email": "nope"}, "email"),
    ("email-empty", {"email": ""}, "email"),
    ("password-7-chars", {"password": "1234567"}, "password"),
    ("password-129-chars", {"password": "p" * 129}, "password"),
    ("password-empty", {"password": ""}, "password"),
]


@pytest.mark.parametrize("override,field",
                         [pytest.param(o, f, id=i) for i, o, f in INVALID])
def test_register_invalid_field_422(api, helpers, override, field):
    body = creds(helpers, **override)
    r = api.post(REGISTER, json=body)
    helpers.assert_problem(r, 422, fields=[field])


@pytest.mark.parametrize("missing", ["username", "email", "password"])
def test_register_missing_field_422(api, helpers, missing):
    body = creds(helpers)
    del body[missing]
    r = api.post(REGISTER, json=body)
    helpers.assert_problem(r, 422, fields=[missing])


def test_register_empty_object_reports_every_field(api, helpers):
    r = api.post(REGISTER, json={})
    helpers.assert_problem(r, 422, fields=["username", "email", "password"])


def test_register_invalid_user_is_not_created(api, helpers):
    body = creds(helpers, password="short")
    helpers.assert_problem(api.post(REGISTER, json=body), 422, ["password"])
    body["password"] = "long-enough-" + secrets.token_hex(4)
    r = api.post(REGISTER, json=body)
    assert r.status_code == 201, helpers.describe(r)


# Password lengths are counted in characters (code points), not bytes.

@pytest.mark.parametrize("password", [
    pytest.param("p" * 8, id="8-ascii"),
    pytest.param("p" * 128, id="128-ascii"),
    pytest.param("p\u00e4ssw\u00f6rd\u20ac", id="unicode"),
    pytest.param("\u20ac" * 8, id="8-three-byte-chars"),
    pytest.param("\u20ac" * 128, id="128-three-byte-chars"),
    pytest.param("\U0001f511" * 128, id="128-four-byte-chars"),
    pytest.param("with spaces  and\ttab", id="spaces"),
])
def test_password_accepted_and_usable(api, helpers, password):
    body = creds(helpers, password=password)
    # Raw UTF-8 on the wire, not \u escapes.
    r = api.post(REGISTER, data=helpers.json_bytes(body),
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 201, helpers.describe(r)
    r = api.login(body["username"], password)
    assert r.status_code == 200, helpers.describe(r)
    r = api.login(body["username"], password[:-1] + "x")
    helpers.assert_problem(r, 401)


@pytest.mark.parametrize("password", [
    pytest.param("p" * 7, id="7-ascii"),
    pytest.param("p" * 129, id="129-ascii"),
    pytest.param("\u00e9" * 7, id="7-two-byte-chars"),
    pytest.param("\u20ac" * 7, id="7-three-byte-chars"),
    pytest.param("\u00e9" * 129, id="129-two-byte-chars"),
])
def test_password_length_refused(api, helpers, password):
    r = api.post(REGISTER, data=helpers.json_bytes(creds(helpers, password=password)),
                 headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 422, fields=["password"])


# Login, /me and logout

def test_login_returns_token_and_user(api, new_user, helpers):
    user = new_user(login=False)
    r = api.login(user.username, user.password)
    assert r.status_code == 200, helpers.describe(r)
    data = r.json()
    assert helpers.HEX64.match(data["token"]), data
    assert_user(helpers, data["user"], user.username, user.email)
    assert helpers.same_id(data["user"]["id"], user.id)


def test_each_login_gets_its_own_token(api, new_user):
    user = new_user()
    again = api.login_token(user.username, user.password)
    assert again != user.token
    assert api.me(user.token).status_code == 200
    assert api.me(again).status_code == 200


def test_login_wrong_password_401(api, new_user, helpers):
    user = new_user(login=False)
    r = api.login(user.username, user.password + "x")
    body = helpers.assert_problem(r, 401)
    assert "token" not in body


def test_login_unknown_user_401_same_as_wrong_password(api, new_user, helpers):
    user = new_user(login=False)
    wrong = helpers.assert_problem(api.login(user.username, "not-" + user.password), 401)
    unknown = helpers.assert_problem(api.login(helpers.unique_name(), user.password), 401)
    assert wrong["title"] == unknown["title"]
    assert wrong["detail"] == unknown["detail"]


def test_me_with_token(api, new_user, helpers):
    user = new_user()
    r = api.me(user.token)
    assert r.status_code == 200, helpers.describe(r)
    assert_user(helpers, r.json()["user"], user.username, user.email)


def test_me_without_credentials_401(api, helpers):
    helpers.assert_problem(api.me(), 401)


@pytest.mark.parametrize("authorization", [
    pytest.param("Bearer garbage", id="garbage"),
    pytest.param("Bearer " + "0" * 64, id="zeros"),
    pytest.param("Bearer " + secrets.token_hex(32), id="unknown-hex"),
    pytest.param("Bearer " + secrets.token_hex(32).upper() + "zz", id="too-long"),
    pytest.param("Bearer " + secrets.token_hex(31), id="too-short"),
    pytest.param("Bearer ", id="empty"),
    pytest.param("Basic dXNlcjpwYXNz", id="basic"),
    pytest.param(secrets.token_hex(32), id="no-scheme"),
])
def test_me_with_bad_authorization_401(api, helpers, authorization):
    r = api.me(headers={"Authorization": authorization})
    helpers.assert_problem(r, 401)


def test_logout_revokes_the_token(api, new_user, helpers):
    user = new_user()
    other = api.login_token(user.username, user.password)
    r = api.post("/api/v1/auth/logout", token=user.token, json={})
    assert r.status_code == 204, helpers.describe(r)
    helpers.assert_problem(api.me(user.token), 401)
    # Only that token: another login of the same user still works.
    assert api.me(other).status_code == 200


def test_logout_without_token_401(api, helpers):
    r = api.post("/api/v1/auth/logout", json={})
    helpers.assert_problem(r, 401)


# Request bodies

@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "application/jsonx",
])
def test_register_wrong_content_type_415(api, helpers, content_type):
    body = json.dumps(creds(helpers)).encode()
    headers = {} if content_type is None else {"Content-Type": content_type}
    r = api.post(REGISTER, data=body, headers=headers)
    helpers.assert_problem(r, 415)


def test_login_wrong_content_type_415(api, new_user, helpers):
    user = new_user(login=False)
    r = api.post(LOGIN, data={"username": user.username,
                              "password": user.password})
    helpers.assert_problem(r, 415)


def test_json_with_charset_parameter_accepted(api, helpers):
    body = creds(helpers)
    r = api.post(REGISTER, data=json.dumps(body).encode(),
                 headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 201, helpers.describe(r)


@pytest.mark.parametrize("raw", [
    pytest.param(b'{"username": "abc", ', id="truncated"),
    pytest.param(b"{username: 'abc'}", id="not-json"),
    pytest.param(b"", id="empty"),
    pytest.param(b'{"username": "\xff\xfe", "email": "a@b.cd", "password": "12345678"}',
                 id="invalid-utf8"),
])
def test_malformed_json_400(api, helpers, raw):
    r = api.post(REGISTER, data=raw, headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 400)


@pytest.mark.parametrize("raw", [
    pytest.param(b"[]", id="array"),
    pytest.param(b'[{"username": "abc"}]', id="array-of-object"),
    pytest.param(b'"text"', id="string"),
    pytest.param(b"42", id="number"),
    pytest.param(b"null", id="null"),
    pytest.param(b"true", id="true"),
])
def test_non_object_json_400(api, helpers, raw):
    r = api.post(REGISTER, data=raw, headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 400)


def test_login_malformed_json_400(api, helpers):
    r = api.post(LOGIN, data=b"[1, 2", headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 400)


def padded_body(helpers, size):
    """A valid registration object of exactly `size` bytes."""
    body = creds(helpers)
    body["padding"] = ""
    base = len(json.dumps(body).encode())
    body["padding"] = "x" * (size - base)
    raw = json.dumps(body).encode()
    assert len(raw) == size
    return body, raw


def test_body_just_under_64k_is_not_413(api, helpers):
    body, raw = padded_body(helpers, 60 * 1024)
    r = api.post(REGISTER, data=raw, headers={"Content-Type": "application/json"})
    assert r.status_code != 413, helpers.describe(r)
    assert r.status_code < 500, helpers.describe(r)


def test_body_over_64k_413(api, helpers):
    _, raw = padded_body(helpers, 64 * 1024 + 1)
    res = api.raw("POST", REGISTER,
                  headers=[("Content-Type", "application/json")], body=raw)
    assert res is not None, "connection closed without a response"
    assert res.status == 413, (res.status, res.headers, res.body[:300])
    api.assert_healthy()


def test_one_megabyte_body_413_and_server_keeps_serving(api, helpers):
    raw = b'{"username": "' + b"a" * (1024 * 1024) + b'"}'
    res = api.raw("POST", REGISTER,
                  headers=[("Content-Type", "application/json")], body=raw)
    assert res is not None, "connection closed without a response"
    assert res.status == 413, (res.status, res.headers, res.body[:300])
    if res.headers.get("content-type", "").startswith("application/problem+json"):
        assert json.loads(res.body)["status"] == 413

    # The same worker pool still serves ordinary requests.
    body = creds(helpers)
    r = api.post(REGISTER, json=body)
    assert r.status_code == 201, helpers.describe(r)
    assert api.login(body["username"], body["password"]).status_code == 200
