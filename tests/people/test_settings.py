"""/settings and its API (GET/PATCH /api/v1/me/profile, POST
/api/v1/me/password): limits with clear 422s, CSRF on every form, each
user changing only their own account; a password change needs the
current password and ends every other session, and every API token
unless the user keeps them, closing their open sockets too."""

import asyncio
import re

import pytest
import websockets

from agora_kit.web import assert_problem, find_csrf, location

PASSWORD = "a new long passphrase"


def settings_form(actor, action, fields, csrf=True):
    return actor.form(action, fields, page="/settings",
                      csrf=True if csrf else None)


def profile_fields(**kw):
    out = {"display_name": "", "bio": "", "website": ""}
    out.update(kw)
    return out


def test_settings_need_an_account(anon):
    r = anon.html.get("/settings")
    assert r.status_code == 303
    assert location(r) == "/login?next=%2Fsettings"
    assert_problem(anon.get("/api/v1/me/profile"), 401)
    assert_problem(anon.patch("/api/v1/me/profile", json={"bio": "x"}), 401)
    assert_problem(anon.post("/api/v1/me/password", json={}), 401)


def test_the_page_has_each_form_with_its_csrf_field(new_user):
    user = new_user("st_")
    page = user.html.get("/settings").text
    for action in ("/settings/profile", "/settings/password"):
        form = re.search(r'<form method="post" action="%s".*?</form>'
                         % action, page, re.S).group(0)
        assert find_csrf(form)
    assert '<label>Display name' in page and '<label>Bio' in page
    assert 'name="keep_tokens"' in page
    assert 'href="/u/%s"' % user.username in page


def test_saving_the_profile_from_the_page(new_user, anon):
    user = new_user("st_")
    r = settings_form(user, "/settings/profile", profile_fields(
        display_name="Ada L.", bio="Hello.\nI like https://example.org.",
        website="https://ada.example/"))
    assert r.status_code == 303, r.text
    assert location(r) == "/settings?saved=profile"
    assert "Your profile was saved." in user.html.get(location(r)).text
    page = anon.html.get("/u/%s" % user.username).text
    assert "<h1>Ada L.</h1>" in page
    assert ('<a href="https://ada.example/" rel="nofollow ugc noopener" '
            'class="website">') in page
    assert '<a href="https://example.org" rel="nofollow ugc noopener">' \
        in page
    me = user.get("/api/v1/me/profile").json()["user"]
    assert me["display_name"] == "Ada L." and me["email"] == user.email


def test_the_forms_refuse_a_missing_csrf_field(new_user):
    user = new_user("st_")
    r = settings_form(user, "/settings/profile",
                      profile_fields(bio="no csrf"), csrf=False)
    assert r.status_code == 403
    r = settings_form(user, "/settings/password", {
        "current_password": user.password, "new_password": PASSWORD},
        csrf=False)
    assert r.status_code == 403
    assert user.get("/api/v1/me/profile").json()["user"]["bio"] == ""
    # The cookie-authenticated API call needs the header as well.
    r = user.html.api("PATCH", "/api/v1/me/profile",
                      json={"bio": "no header"})
    assert r.status_code == 403
    assert user.get("/api/v1/me/profile").json()["user"]["bio"] == ""


def test_nobody_can_change_someone_elses_settings(new_user):
    user = new_user("st_")
    other = new_user("so_")
    # Another user's CSRF token does not go with my session.
    token = other.csrf("/settings")
    r = user.html.post("/settings/profile", {
        "_csrf": token, **profile_fields(bio="forged")})
    assert r.status_code == 403
    # Whoever asks changes only their own profile.
    r = other.patch("/api/v1/me/profile", json={"bio": "mine"})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["username"] == other.username
    assert user.get("/api/v1/me/profile").json()["user"]["bio"] == ""
    # There is no route that names another user's settings.
    assert other.patch("/api/v1/users/%s" % user.username,
                       json={"bio": "x"}).status_code in (404, 405)


@pytest.mark.parametrize("field,value,why", [
    ("display_name", "x" * 51, "At most 50 characters."),
    ("bio", "x" * 501, "At most 500 characters."),
    ("website", "javascript:alert(1)", "must start with https://"),
    ("website", "JAVASCRIPT://%0aalert(1)", "must start with https://"),
    ("website", "data:text/html,<script>alert(1)</script>",
     "must start with https://"),
    ("website", "https://", "needs a host name"),
    ("website", "https://ex ample.org", "spaces"),
    ("website", "https://" + "a" * 200 + ".org", "At most 200 characters."),
    ("display_name", "a\x1bb", "control characters"),
])
def test_limits_are_clear_422s(new_user, field, value, why):
    user = new_user("sl_")
    r = user.patch("/api/v1/me/profile", json={field: value})
    body = assert_problem(r, 422)
    assert why in body["errors"][field], body
    page = settings_form(user, "/settings/profile",
                         profile_fields(**{field: value}))
    if "\x1b" in value:
        # The form parser itself refuses fields with control characters.
        assert page.status_code == 400
    else:
        assert page.status_code == 422
        assert why in page.text
        assert 'aria-invalid="true"' in page.text
        assert "Please correct the marked fields." in page.text
    assert user.get("/api/v1/me/profile").json()["user"][field] == ""


def test_limits_hold_at_the_boundary(new_user):
    user = new_user("sl_")
    r = user.patch("/api/v1/me/profile", json={
        "display_name": "é" * 50, "bio": "ü" * 500,
        "website": "http://example.org/" + "a" * 181})
    assert r.status_code == 200, r.text
    assert r.json()["user"]["bio"] == "ü" * 500


def test_patch_sets_only_what_it_is_given(new_user):
    user = new_user("sp_")
    user.patch("/api/v1/me/profile", json={"bio": "one", "website":
                                           "https://one.example"})
    r = user.patch("/api/v1/me/profile", json={"display_name": "Two"})
    assert r.json()["user"] == {
        "username": user.username, "email": user.email,
        "display_name": "Two", "bio": "one",
        "website": "https://one.example", "avatar": None,
        "avatar_processing": False}
    body = assert_problem(user.patch("/api/v1/me/profile",
                                     json={"bio": 5}), 422)
    assert "bio" in body["errors"]
    assert_problem(user.patch("/api/v1/me/profile", data="bio=x",
                              headers={"content-type": "text/plain"}), 415)


def test_what_the_settings_save_is_escaped_everywhere(new_user, anon):
    user = new_user("sx_")
    r = user.patch("/api/v1/me/profile", json={
        "display_name": '"><script>alert(1)</script>',
        "bio": "<b onmouseover=alert(1)>hi</b> https://e.example/<x>",
        "website": "https://e.example/?q=\"'"})
    assert r.status_code == 422     # quotes are refused in a website
    r = user.patch("/api/v1/me/profile", json={
        "display_name": '"><script>alert(1)</script>',
        "bio": "<b onmouseover=alert(1)>hi</b> https://e.example/<x>"})
    assert r.status_code == 200, r.text
    for page in (anon.html.get("/u/%s" % user.username).text,
                 user.html.get("/settings").text):
        assert "<script>alert(1)" not in page
        assert "<b onmouseover" not in page
        assert "&lt;b onmouseover=alert(1)&gt;" in page


# ---------------------------------------------------------------- password

def ws_url(actor):
    return actor.html.base_url.replace("http", "ws", 1) + "/chat/ws"


async def socket_with_token(url, token):
    return await websockets.connect(url, extra_headers={
        "Authorization": "Bearer " + token})


async def socket_with_cookie(url, browser):
    cookie = "; ".join("%s=%s" % kv for kv in browser.cookies.items())
    return await websockets.connect(url, extra_headers={
        "Cookie": cookie, "Origin": browser.base_url})


async def closed(ws, seconds=2.0):
    try:
        await asyncio.wait_for(ws.wait_closed(), seconds)
        return True
    except asyncio.TimeoutError:
        return False


def second_browser(user, html_client):
    c = html_client()
    r = c.login(user.username, user.password)
    assert r.status_code == 303
    return c


def test_a_wrong_or_missing_current_password_changes_nothing(new_user, api):
    user = new_user("pw_")
    body = assert_problem(user.post("/api/v1/me/password", json={
        "current_password": "not it at all", "new_password": PASSWORD}),
        403)
    assert "current_password" in body["errors"]
    body = assert_problem(user.post("/api/v1/me/password", json={
        "new_password": PASSWORD}), 422)
    assert "current_password" in body["errors"]
    body = assert_problem(user.post("/api/v1/me/password", json={
        "current_password": user.password, "new_password": "short"}), 422)
    assert "at least 8" in body["errors"]["new_password"]
    assert_problem(user.post("/api/v1/me/password", json={
        "current_password": user.password, "new_password": PASSWORD,
        "keep_tokens": "yes"}), 422)
    page = settings_form(user, "/settings/password", {
        "current_password": "not it at all", "new_password": PASSWORD})
    assert page.status_code == 403
    assert "That is not your current password." in page.text
    assert api.login_token(user.username, user.password)


def test_changing_the_password_ends_every_other_session_and_token(
        new_user, html_client, api):
    user = new_user("pw_")
    elsewhere = second_browser(user, html_client)
    spare = api.login_token(user.username, user.password)
    assert api.get("/api/v1/me", token=spare).status_code == 200

    async def go():
        url = ws_url(user)
        by_token = await socket_with_token(url, spare)
        by_cookie = await socket_with_cookie(url, elsewhere)
        r = settings_form(user, "/settings/password", {
            "current_password": user.password, "new_password": PASSWORD})
        assert r.status_code == 303, r.text
        assert location(r) == "/settings?saved=password-tokens"
        return await closed(by_token), await closed(by_cookie)

    token_closed, cookie_closed = asyncio.run(go())
    assert token_closed, "the revoked token's socket stayed open"
    assert cookie_closed, "the ended session's socket stayed open"
    # This browser goes on; the other one and every token are out.
    assert "user-menu" in user.html.get("/settings").text
    assert "user-menu" not in elsewhere.get("/").text
    assert api.get("/api/v1/me", token=spare).status_code == 401
    assert api.get("/api/v1/me", token=user.token).status_code == 401
    # The new password is the one that works.
    assert api.post("/api/v1/auth/login", json={
        "username": user.username, "password": user.password}
    ).status_code == 401
    assert api.login_token(user.username, PASSWORD)


def test_keep_my_tokens_keeps_them_but_not_the_sessions(new_user,
                                                         html_client, api):
    user = new_user("pw_")
    elsewhere = second_browser(user, html_client)
    spare = api.login_token(user.username, user.password)

    async def go():
        ws = await socket_with_token(ws_url(user), spare)
        r = user.post("/api/v1/me/password", json={
            "current_password": user.password, "new_password": PASSWORD,
            "keep_tokens": True})
        assert r.status_code == 200, r.text
        still = not await closed(ws, 1.0)
        await ws.close()
        return r.json(), still

    body, still_open = asyncio.run(go())
    assert body["revoked"] >= 2     # the two browser sessions
    assert still_open, "a kept token's socket was closed"
    assert api.get("/api/v1/me", token=spare).status_code == 200
    assert api.get("/api/v1/me", token=user.token).status_code == 200
    assert "user-menu" not in elsewhere.get("/").text
    assert "user-menu" not in user.html.get("/").text


def test_the_api_keeps_the_token_that_made_the_change(new_user, api):
    user = new_user("pw_")
    spare = api.login_token(user.username, user.password)
    r = user.post("/api/v1/me/password", json={
        "current_password": user.password, "new_password": PASSWORD})
    assert r.status_code == 200, r.text
    assert api.get("/api/v1/me", token=user.token).status_code == 200
    assert api.get("/api/v1/me", token=spare).status_code == 401
