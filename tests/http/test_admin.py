"""Administration: access control, banning, promotion."""

import re
import urllib.parse

import pytest

ADMIN_USERS = "/api/v1/admin/users"
ACTIONS = ["ban", "unban", "promote", "demote"]
LIST_KEYS = {"id", "username", "email", "role", "banned", "created_at"}


def action(api, token, user_id, verb):
    return api.post("%s/%s/%s" % (ADMIN_USERS, user_id, verb), token=token,
                    json={})


def do_action(api, helpers, token, user_id, verb):
    r = action(api, token, user_id, verb)
    assert r.status_code == 200, helpers.describe(r)
    user = r.json()["user"]
    assert helpers.same_id(user["id"], user_id)
    return user


def browser_login(html_client, helpers, user):
    c = html_client()
    r = c.login(user.username, user.password)
    assert r.status_code == 303, helpers.describe(r)
    assert c.session
    return c


def me_with_cookie(api, cookie):
    return api.me(headers={"Cookie": "agora_session=" + cookie})


# Access to the pages

@pytest.mark.parametrize("path", ["/admin", "/admin/users"])
def test_admin_page_anonymous_redirects_to_login(html_client, helpers, path):
    r = html_client().get(path)
    assert r.status_code == 303, helpers.describe(r)
    target = urllib.parse.urlsplit(helpers.location(r))
    assert target.path == "/login", r.headers["Location"]
    assert urllib.parse.parse_qs(target.query).get("next") == [path], \
        r.headers["Location"]


@pytest.mark.parametrize("path", ["/admin", "/admin/users"])
def test_admin_page_forbidden_for_user(html_client, new_user, helpers, path):
    c = browser_login(html_client, helpers, new_user(login=False))
    helpers.assert_html(c.get(path), 403)


@pytest.mark.parametrize("path", ["/admin", "/admin/users"])
def test_admin_page_for_admin(admin_html, helpers, path):
    helpers.assert_html(admin_html.get(path), 200)


def test_admin_users_page_has_action_forms(admin_html, helpers):
    r = admin_html.get("/admin/users")
    helpers.assert_html(r, 200)
    assert helpers.find_csrf(r.text)
    assert re.search(r'action="/admin/users/\d+/(ban|unban|promote|demote)"',
                     r.text), "no admin action form"


def test_admin_link_only_for_admins(admin_html, html_client, new_user, helpers):
    r = admin_html.get("/")
    assert re.search(r'href="/admin[/"]', r.text), "no Admin link for admin"
    assert "Admin" in r.text
    c = browser_login(html_client, helpers, new_user(login=False))
    assert not re.search(r'href="/admin[/"]', c.get("/").text)


# Access to the API

def test_admin_api_anonymous_401(api, new_user, helpers):
    user = new_user(login=False)
    helpers.assert_problem(api.get(ADMIN_USERS), 401)
    for verb in ACTIONS:
        r = api.post("%s/%s/%s" % (ADMIN_USERS, user.id, verb), json={})
        helpers.assert_problem(r, 401)


def test_admin_api_forbidden_for_user(api, new_user, helpers):
    user, target = new_user(), new_user()
    helpers.assert_problem(api.get(ADMIN_USERS, token=user.token), 403)
    for verb in ACTIONS:
        helpers.assert_problem(action(api, user.token, target.id, verb), 403)
    # Nothing happened to the target: still a working, plain account.
    assert api.me(target.token).status_code == 200
    helpers.assert_problem(api.get(ADMIN_USERS, token=target.token), 403)
    # Not even on oneself.
    helpers.assert_problem(action(api, user.token, user.id, "promote"), 403)
    helpers.assert_problem(api.get(ADMIN_USERS, token=user.token), 403)


def test_admin_api_lists_users(api, admin_token, new_user, helpers):
    user = new_user(login=False)
    r = api.get(ADMIN_USERS, token=admin_token)
    assert r.status_code == 200, helpers.describe(r)
    users = r.json()["users"]
    assert isinstance(users, list) and users
    for u in users:
        assert LIST_KEYS <= set(u), u
        assert isinstance(u["banned"], bool)
        assert u["role"] in ("user", "admin")
        assert "password_hash" not in u and "password" not in u
    assert [u for u in users if u["username"] == "admin"
            and u["role"] == "admin"]
    mine = [u for u in users if helpers.same_id(u["id"], user.id)]
    assert len(mine) == 1, "new user not listed"
    assert mine[0]["username"] == user.username
    assert mine[0]["banned"] is False and mine[0]["role"] == "user"
    assert "$argon2" not in r.text


@pytest.mark.parametrize("verb", ACTIONS)
@pytest.mark.parametrize("user_id", ["999999999999", "0", "abc"])
def test_admin_api_unknown_user_404(api, admin_token, helpers, verb, user_id):
    helpers.assert_problem(action(api, admin_token, user_id, verb), 404)


# Banning

def test_ban_ends_sessions_and_tokens_at_once(api, admin_token, html_client,
                                              new_user, helpers):
    user = new_user()
    second = api.login_token(user.username, user.password)
    browser = browser_login(html_client, helpers, user)
    cookie = browser.session
    assert api.me(user.token).status_code == 200
    assert me_with_cookie(api, cookie).status_code == 200

    banned = do_action(api, helpers, admin_token, user.id, "ban")
    assert banned["banned"] is True

    helpers.assert_problem(api.me(user.token), 401)
    helpers.assert_problem(api.me(second), 401)
    helpers.assert_problem(me_with_cookie(api, cookie), 401)
    assert 'action="/logout"' not in browser.get("/").text

    # Cannot log in while banned, through either door.
    helpers.assert_problem(api.login(user.username, user.password), 403)
    other_browser = html_client()
    r = other_browser.login(user.username, user.password)
    assert r.status_code == 403, helpers.describe(r)
    assert other_browser.session is None

    listed = [u for u in api.get(ADMIN_USERS, token=admin_token).json()["users"]
              if helpers.same_id(u["id"], user.id)]
    assert listed and listed[0]["banned"] is True


def test_unban_allows_login_again(api, admin_token, html_client, new_user, helpers):
    user = new_user()
    do_action(api, helpers, admin_token, user.id, "ban")
    helpers.assert_problem(api.login(user.username, user.password), 403)

    unbanned = do_action(api, helpers, admin_token, user.id, "unban")
    assert unbanned["banned"] is False
    token = api.login_token(user.username, user.password)
    assert api.me(token).status_code == 200
    browser_login(html_client, helpers, user)
    # Credentials ended by the ban stay ended.
    helpers.assert_problem(api.me(user.token), 401)


def test_ban_is_idempotent(api, admin_token, new_user, helpers):
    user = new_user()
    assert do_action(api, helpers, admin_token, user.id, "ban")["banned"] is True
    assert do_action(api, helpers, admin_token, user.id, "ban")["banned"] is True
    assert do_action(api, helpers, admin_token, user.id, "unban")["banned"] is False
    assert do_action(api, helpers, admin_token, user.id, "unban")["banned"] is False


def test_ban_leaves_other_users_alone(api, admin_token, new_user, helpers):
    victim, bystander = new_user(), new_user()
    do_action(api, helpers, admin_token, victim.id, "ban")
    assert api.me(bystander.token).status_code == 200
    assert api.me(admin_token).status_code == 200


def test_ban_and_unban_via_admin_form(api, admin_html, new_user, helpers):
    user = new_user()
    csrf = admin_html.csrf("/admin/users")
    r = admin_html.post("/admin/users/%s/ban" % user.id, data={"_csrf": csrf})
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/admin/users"
    helpers.assert_problem(api.me(user.token), 401)
    helpers.assert_problem(api.login(user.username, user.password), 403)

    csrf = admin_html.csrf("/admin/users")
    r = admin_html.post("/admin/users/%s/unban" % user.id, data={"_csrf": csrf})
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/admin/users"
    assert api.login(user.username, user.password).status_code == 200


def test_admin_form_without_csrf_403(api, admin_html, new_user, helpers):
    user = new_user()
    admin_html.get("/admin/users")
    r = admin_html.post("/admin/users/%s/ban" % user.id, data={})
    assert r.status_code == 403, helpers.describe(r)
    r = admin_html.post("/admin/users/%s/ban" % user.id,
                        data={"_csrf": "0" * 64})
    assert r.status_code == 403, helpers.describe(r)
    assert api.me(user.token).status_code == 200


def test_user_cannot_post_admin_forms(api, html_client, new_user, helpers):
    attacker, target = new_user(login=False), new_user()
    c = browser_login(html_client, helpers, attacker)
    csrf = c.csrf("/")
    for verb in ACTIONS:
        r = c.post("/admin/users/%s/%s" % (target.id, verb), data={"_csrf": csrf})
        assert r.status_code == 403, helpers.describe(r)
    assert api.me(target.token).status_code == 200
    helpers.assert_problem(api.get(ADMIN_USERS, token=target.token), 403)


# Roles

def test_promote_and_demote_via_api(api, admin_token, html_client, new_user, helpers):
    user = new_user()
    helpers.assert_problem(api.get(ADMIN_USERS, token=user.token), 403)

    promoted = do_action(api, helpers, admin_token, user.id, "promote")
    assert promoted["role"] == "admin"
    r = api.get(ADMIN_USERS, token=user.token)
    assert r.status_code == 200, helpers.describe(r)
    assert api.me(user.token).json()["user"]["role"] == "admin"
    c = browser_login(html_client, helpers, user)
    helpers.assert_html(c.get("/admin/users"), 200)

    demoted = do_action(api, helpers, admin_token, user.id, "demote")
    assert demoted["role"] == "user"
    helpers.assert_problem(api.get(ADMIN_USERS, token=user.token), 403)
    assert api.me(user.token).json()["user"]["role"] == "user"
    helpers.assert_html(c.get("/admin/users"), 403)


def test_promote_and_demote_via_admin_form(api, admin_html, new_user, helpers):
    user = new_user()
    csrf = admin_html.csrf("/admin/users")
    r = admin_html.post("/admin/users/%s/promote" % user.id, data={"_csrf": csrf})
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/admin/users"
    assert api.get(ADMIN_USERS, token=user.token).status_code == 200

    csrf = admin_html.csrf("/admin/users")
    r = admin_html.post("/admin/users/%s/demote" % user.id, data={"_csrf": csrf})
    assert r.status_code == 303, helpers.describe(r)
    helpers.assert_problem(api.get(ADMIN_USERS, token=user.token), 403)


def test_promoted_user_can_ban(api, admin_token, new_user, helpers):
    moderator, target = new_user(), new_user()
    do_action(api, helpers, admin_token, moderator.id, "promote")
    assert do_action(api, helpers, moderator.token, target.id, "ban")["banned"] is True
    helpers.assert_problem(api.me(target.token), 401)
    do_action(api, helpers, admin_token, moderator.id, "demote")
    helpers.assert_problem(action(api, moderator.token, target.id, "unban"), 403)
