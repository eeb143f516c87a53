"""API tokens: listing, creation, revocation, ownership and storage."""

import re

TOKENS = "/api/v1/tokens"
ENTRY_KEYS = {"id", "name", "created_at", "last_used_at"}


def list_tokens(api, helpers, token):
    r = api.get(TOKENS, token=token)
    assert r.status_code == 200, helpers.describe(r)
    data = r.json()
    assert isinstance(data.get("tokens"), list), data
    return r, data["tokens"]


def create_token(api, helpers, token, name):
    r = api.post(TOKENS, token=token, json={"name": name})
    assert r.status_code == 201, helpers.describe(r)
    data = r.json()
    assert helpers.HEX64.match(data["token"]), data
    helpers.assert_id(data["id"])
    assert data["name"] == name
    return data


def test_list_shows_own_tokens_without_secrets(api, new_user, helpers):
    user = new_user()
    made = create_token(api, helpers, user.token, "laptop")
    r, tokens = list_tokens(api, helpers, user.token)
    assert tokens, tokens
    for t in tokens:
        assert ENTRY_KEYS <= set(t), t
        helpers.assert_id(t["id"])
        assert isinstance(t["name"], str)
        assert isinstance(t["created_at"], str) and t["created_at"]
        assert t["last_used_at"] is None or isinstance(t["last_used_at"], str)
        for secret_key in ("token", "token_hash", "hash", "secret"):
            assert secret_key not in t, t
    assert [t for t in tokens if helpers.same_id(t["id"], made["id"])
            and t["name"] == "laptop"], tokens
    # Neither secret appears anywhere in the listing.
    assert user.token not in r.text
    assert made["token"] not in r.text


def test_list_requires_authentication(api, helpers):
    helpers.assert_problem(api.get(TOKENS), 401)


def test_list_is_only_the_callers(api, new_user, helpers):
    alice, bob = new_user(), new_user()
    bobs = create_token(api, helpers, bob.token, "bob-ci")
    _, tokens = list_tokens(api, helpers, alice.token)
    assert not [t for t in tokens if helpers.same_id(t["id"], bobs["id"])]
    assert not [t for t in tokens if t["name"] == "bob-ci"]


def test_created_token_authenticates(api, new_user, helpers):
    user = new_user()
    made = create_token(api, helpers, user.token, "ci")
    assert made["token"] != user.token
    r = api.me(made["token"])
    assert r.status_code == 200, helpers.describe(r)
    assert r.json()["user"]["username"] == user.username


def test_create_requires_authentication(api, helpers):
    helpers.assert_problem(api.post(TOKENS, json={"name": "x"}), 401)


def test_create_with_overlong_name_does_not_fail_the_server(api, new_user, helpers):
    user = new_user()
    r = api.post(TOKENS, token=user.token, json={"name": "n" * 101})
    assert r.status_code < 500, helpers.describe(r)
    if r.status_code >= 400:
        helpers.assert_problem(r, r.status_code)


def test_revoke_token(api, new_user, helpers):
    user = new_user()
    made = create_token(api, helpers, user.token, "to-revoke")
    assert api.me(made["token"]).status_code == 200

    r = api.delete("%s/%s" % (TOKENS, made["id"]), token=user.token)
    assert r.status_code == 204, helpers.describe(r)
    helpers.assert_problem(api.me(made["token"]), 401)
    # The token used for the call is unaffected.
    assert api.me(user.token).status_code == 200
    _, tokens = list_tokens(api, helpers, user.token)
    assert not [t for t in tokens if helpers.same_id(t["id"], made["id"])]
    # Already gone.
    r = api.delete("%s/%s" % (TOKENS, made["id"]), token=user.token)
    helpers.assert_problem(r, 404)


def test_token_can_revoke_itself(api, new_user, helpers):
    user = new_user()
    made = create_token(api, helpers, user.token, "self")
    r = api.delete("%s/%s" % (TOKENS, made["id"]), token=made["token"])
    assert r.status_code == 204, helpers.describe(r)
    helpers.assert_problem(api.me(made["token"]), 401)


def test_cannot_delete_another_users_token(api, new_user, helpers):
    alice, bob = new_user(), new_user()
    bobs = create_token(api, helpers, bob.token, "bob-phone")
    r = api.delete("%s/%s" % (TOKENS, bobs["id"]), token=alice.token)
    helpers.assert_problem(r, 404)
    # Bob's token survives.
    assert api.me(bobs["token"]).status_code == 200
    _, tokens = list_tokens(api, helpers, bob.token)
    assert [t for t in tokens if helpers.same_id(t["id"], bobs["id"])]


def test_delete_unknown_token_404(api, new_user, helpers):
    user = new_user()
    r = api.delete(TOKENS + "/999999999999", token=user.token)
    helpers.assert_problem(r, 404)


def test_delete_requires_authentication(api, new_user, helpers):
    user = new_user()
    made = create_token(api, helpers, user.token, "anon-delete")
    helpers.assert_problem(api.delete("%s/%s" % (TOKENS, made["id"])), 401)
    assert api.me(made["token"]).status_code == 200


def test_tokens_and_sessions_are_stored_hashed(api, new_user, html_client,
                                               helpers, psql):
    user = new_user()
    made = create_token(api, helpers, user.token, "hashed")
    browser = html_client()
    r = browser.login(user.username, user.password)
    assert r.status_code == 303, helpers.describe(r)
    cookie = browser.session
    assert cookie and helpers.HEX64.match(cookie)

    secrets_in_use = [user.token, made["token"], cookie]
    for s in secrets_in_use:
        assert re.fullmatch(r"[0-9a-f]{64}", s)  # safe to put in SQL
    uid = int(str(user.id))

    # The rows exist (this is the server's database) ...
    hashes = psql("select encode(token_hash, 'hex') from api_tokens "
                  "where user_id = %d" % uid)
    assert len(hashes) >= 1, hashes
    session_hashes = psql("select encode(token_hash, 'hex') from sessions "
                          "where user_id = %d" % uid)
    assert len(session_hashes) >= 1, session_hashes
    # Login token, created token and browser session: three credentials.
    assert len(hashes) + len(session_hashes) >= 3, (hashes, session_hashes)

    # ... but hold no secret, neither as the hash column nor anywhere in
    # the row's text.
    for s in secrets_in_use:
        assert s not in hashes
        assert s not in session_hashes
    rows = psql("select t::text from api_tokens t where user_id = %d" % uid)
    rows += psql("select s::text from sessions s where user_id = %d" % uid)
    for row in rows:
        for s in secrets_in_use:
            assert s not in row.lower(), row
    for table in ("api_tokens", "sessions"):
        for s in secrets_in_use:
            n = psql("select count(*) from %s t where "
                     "position('%s' in lower(t::text)) > 0" % (table, s))
            assert n == ["0"], (table, n)
