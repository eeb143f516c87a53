"""Two-factor sign-in with TOTP (RFC 6238: HMAC-SHA1, 30-second steps,
6 digits), codes computed here with hmac: set-up on /settings (a QR code
drawn as SVG and the key as text), enabling only with a valid code, ten
recovery codes shown once and each good once, the second step on the
page and in the API (a "second factor needed" problem with a challenge
a second call completes), ±1 step accepted and no more, a replayed code
refused, attempts throttled like passwords, turning it off with the
password and a code, and the setting that requires it of admins."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest

from agora_kit.web import assert_problem, describe, find_csrf, location

LOGIN = "/api/v1/auth/login"


def code_at(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    n = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 10 ** 6
    return "%06d" % n


def step_now():
    """The current step, never within 3 s of its end (no race with the
    server's clock: both run on this machine)."""
    while time.time() % 30 > 27:
        time.sleep(0.5)
    return int(time.time() // 30)


def setup_page(actor):
    """Start the set-up from /settings; the page and its key."""
    r = actor.form("/settings/2fa/setup", {}, page="/settings")
    assert r.status_code == 303, describe(r)
    assert location(r) == "/settings/2fa"
    page = actor.html.get("/settings/2fa")
    assert page.status_code == 200, describe(page)
    assert page.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code class="totp-secret" id="totp-secret">'
                       r'([A-Z2-7]{32})</code>', page.text).group(1)
    return page.text, secret


def enable(actor, offset=0):
    """Two-factor sign-in on for `actor`: (key, recovery codes)."""
    _, secret = setup_page(actor)
    r = actor.form("/settings/2fa/enable",
                   {"code": code_at(secret, step_now() + offset)},
                   page="/settings/2fa")
    assert r.status_code == 200, describe(r)
    assert r.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>",
                       r.text)
    assert len(codes) == 10 and len(set(codes)) == 10, r.text
    return secret, codes


def api_challenge(actor):
    r = actor._api.request("POST", LOGIN, json={
        "username": actor.username, "password": actor.password})
    body = assert_problem(r, 401)
    assert body["type"] == "/problems/second-factor-needed"
    assert body["title"] == "Second factor needed"
    assert body["factors"] == ["totp", "recovery_code"]
    assert 0 < body["expires_in"] <= 300
    assert re.fullmatch(r"[0-9a-f]{64}", body["challenge"])
    assert "token" not in body
    return body["challenge"]


def api_second(actor, challenge, code):
    return actor._api.request("POST", LOGIN, json={
        "challenge": challenge, "code": code})


def page_login(html_client, actor):
    """The password step on the page: the second step's page."""
    c = html_client()
    r = c.submit("/login", "/login", {"username": actor.username,
                                      "password": actor.password})
    assert r.status_code == 200, describe(r)
    assert "<h1>Two-factor sign-in</h1>" in r.text
    assert r.headers["Cache-Control"] == "no-store"
    assert not c.session
    challenge = re.search(r'name="challenge" value="([0-9a-f]{64})"',
                          r.text).group(1)
    return c, r.text, challenge


def page_second(c, page, challenge, code, next_=None):
    fields = {"_csrf": find_csrf(page), "challenge": challenge, "code": code}
    if next_:
        fields["next"] = next_
    return c.post("/login/2fa", data=fields)


def test_setup_shows_a_qr_code_and_the_key(new_user):
    user = new_user("tf_")
    page = user.html.get("/settings").text
    assert 'id="two-factor"' in page
    assert 'action="/settings/2fa/setup"' in page
    text, secret = setup_page(user)
    svg = re.search(r'<figure class="qr-box"[^>]*>(<svg .*?</svg>)</figure>',
                    text, re.S)
    assert svg, text
    assert svg.group(1).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert re.search(r'<path fill="#000" d="(M\d+ \d+h1v1h-1z)+"/>',
                     svg.group(1))
    assert 'action="/settings/2fa/enable"' in text
    assert 'autocomplete="one-time-code"' in text
    # A new set-up is a new key; nothing is on until a code is given.
    _, again = setup_page(user)
    assert again != secret
    r = user._api.request("POST", LOGIN, json={
        "username": user.username, "password": user.password})
    assert r.status_code == 200, describe(r)


def test_enabling_needs_a_valid_code(new_user):
    user = new_user("tf_")
    _, secret = setup_page(user)
    step = step_now()
    for wrong in ("000000" if code_at(secret, step) != "000000" else "111111",
                  code_at(secret, step + 2), code_at(secret, step - 2),
                  "12345", "abcdef", ""):
        r = user.form("/settings/2fa/enable", {"code": wrong},
                      page="/settings/2fa")
        assert r.status_code == 422, (wrong, describe(r))
        assert "That code is not right" in r.text
    r = user._api.request("POST", LOGIN, json={
        "username": user.username, "password": user.password})
    assert r.status_code == 200, "a refused code turned it on"
    # CSRF.
    r = user.html.post("/settings/2fa/enable",
                       data={"code": code_at(secret, step)})
    assert r.status_code == 403
    r = user.html.post("/settings/2fa/setup", data={})
    assert r.status_code == 403
    # Then a valid one.
    enable(user)
    page = user.html.get("/settings").text
    assert re.search(r"On since <time[^>]*>.*?</time>\. 10 recovery codes "
                     r"left\.", page)


def test_api_login_steps_window_and_replay(new_user, psql):
    user = new_user("tf_")
    secret, _ = enable(user, offset=-1)

    step = step_now()
    challenge = api_challenge(user)
    r = api_second(user, challenge, code_at(secret, step))
    assert r.status_code == 200, describe(r)
    token = r.json()["token"]
    me = user._api.request("GET", "/api/v1/me", token=token)
    assert me.status_code == 200 and me.json()["user"]["username"] == \
        user.username
    # The challenge is used up.
    assert_problem(api_second(user, challenge, code_at(secret, step + 1)),
                   401)

    # The same code again: refused, however fresh the challenge.
    challenge = api_challenge(user)
    body = assert_problem(api_second(user, challenge, code_at(secret, step)),
                          401, ["code"])
    assert body["title"] == "Wrong code"
    # Two steps either side: refused; one step ahead: accepted.
    assert_problem(api_second(user, challenge, code_at(secret, step + 2)),
                   401, ["code"])
    assert_problem(api_second(user, challenge, code_at(secret, step - 2)),
                   401, ["code"])
    r = api_second(user, challenge, code_at(secret, step + 1))
    assert r.status_code == 200, describe(r)
    # An older step after a newer one: refused (a code works once).
    challenge = api_challenge(user)
    assert_problem(api_second(user, challenge, code_at(secret, step)), 401)
    assert int(psql("SELECT last_step FROM user_totp t JOIN users u ON"
                    " u.id = t.user_id WHERE u.username = :'p1'",
                    user.username)[0]) == step + 1



def tokens(psql, actor):
    return int(psql("SELECT count(*) FROM api_tokens t JOIN users u ON"
                    " u.id = t.user_id WHERE u.username = :'p1'",
                    actor.username)[0])


def test_api_refusals(new_user, psql):
    user = new_user("tf_")
    secret, _ = enable(user)
    before = tokens(psql, user)
    # A wrong password never reaches the second step.
    r = user._api.request("POST", LOGIN, json={
        "username": user.username, "password": "wrong password!"})
    body = assert_problem(r, 401)
    assert "challenge" not in body
    # Unknown, malformed and expired challenges.
    assert_problem(api_second(user, "00" * 32, "123456"), 401)
    assert_problem(api_second(user, "nope", "123456"), 401)
    assert_problem(user._api.request("POST", LOGIN, json={
        "challenge": 5, "code": "1"}), 422)
    challenge = api_challenge(user)
    psql("UPDATE login_challenges SET expires_at = now() - interval '1 s'"
         " WHERE user_id = (SELECT id FROM users WHERE username = :'p1')",
         user.username)
    body = assert_problem(api_second(user, challenge,
                                     code_at(secret, step_now() + 1)), 401)
    assert body["title"] == "Challenge expired"
    # No token was made by any of it.
    assert tokens(psql, user) == before


def test_page_login_second_step(new_user, html_client):
    user = new_user("tf_")
    secret, _ = enable(user, offset=-1)
    c, page, challenge = page_login(html_client, user)
    assert 'autocomplete="one-time-code"' in page
    r = page_second(c, page, challenge, "000000" if code_at(
        secret, step_now()) != "000000" else "111111")
    assert r.status_code == 401, describe(r)
    assert "That code is not right" in r.text
    assert not c.session
    # Without its CSRF field: refused.
    r = c.post("/login/2fa", data={"challenge": challenge,
                                   "code": code_at(secret, step_now())})
    assert r.status_code == 403
    r = page_second(c, page, challenge, code_at(secret, step_now()),
                    next_="/settings")
    assert r.status_code == 303, describe(r)
    assert location(r) == "/settings"
    assert c.session
    assert 'data-user="%s"' % user.username in c.get("/settings").text


def test_recovery_codes_work_once(new_user, html_client):
    user = new_user("tf_")
    _, codes = enable(user)
    challenge = api_challenge(user)
    r = api_second(user, challenge, codes[0].upper().replace("-", " "))
    assert r.status_code == 200, describe(r)
    challenge = api_challenge(user)
    assert_problem(api_second(user, challenge, codes[0]), 401)
    c, page, challenge = page_login(html_client, user)
    r = page_second(c, page, challenge, codes[1])
    assert r.status_code == 303, describe(r)
    page = user.html.get("/settings").text
    assert "8 recovery codes left." in page
    # Shown once: nowhere on the pages afterwards.
    for path in ("/settings", "/settings/2fa"):
        text = user.html.get(path).text
        assert codes[2] not in text and codes[3] not in text


def test_second_step_is_throttled_like_passwords(new_user, html_client):
    user = new_user("tf_")
    secret, _ = enable(user)
    challenge = api_challenge(user)
    wrong = "000000" if code_at(secret, step_now()) != "000000" else "111111"
    for _ in range(5):
        assert_problem(api_second(user, challenge, wrong), 401)
    # The challenge took its five wrong codes.
    body = assert_problem(api_second(user, challenge,
                                     code_at(secret, step_now() + 1)), 401)
    assert body["title"] == "Challenge expired"
    # And the account's login limit counted them, as wrong passwords.
    r = user._api.request("POST", LOGIN, json={
        "username": user.username, "password": user.password})
    assert_problem(r, 429)
    assert int(r.headers["Retry-After"]) > 0


def test_turning_it_off_needs_password_and_code(new_user):
    user = new_user("tf_")
    secret, codes = enable(user)
    r = user.form("/settings/2fa/disable", {"password": "not it at all",
                                            "code": codes[0]},
                  page="/settings")
    assert r.status_code == 403, describe(r)
    assert "That is not your password." in r.text
    r = user.form("/settings/2fa/disable", {"password": user.password,
                                            "code": "12345"},
                  page="/settings")
    assert r.status_code == 403, describe(r)
    r = user.form("/settings/2fa/disable", {"password": user.password},
                  page="/settings")
    assert r.status_code == 422, describe(r)
    r = user.html.post("/settings/2fa/disable", data={
        "password": user.password, "code": codes[0]})
    assert r.status_code == 403      # no CSRF field
    api_challenge(user)              # still on

    r = user.form("/settings/2fa/disable", {
        "password": user.password,
        "code": code_at(secret, step_now() + 1)}, page="/settings")
    assert r.status_code == 303, describe(r)
    assert location(r) == "/settings?saved=2fa-off"
    r = user._api.request("POST", LOGIN, json={
        "username": user.username, "password": user.password})
    assert r.status_code == 200, describe(r)
    # The old recovery codes are gone with it.
    page = user.html.get("/settings").text
    assert 'action="/settings/2fa/setup"' in page


@pytest.fixture
def require_reset(psql):
    yield
    psql("DELETE FROM site_settings WHERE name = 'require_2fa_admins'")


def promote(psql, actor):
    psql("UPDATE users SET role = 'admin' WHERE username = :'p1'",
         actor.username)


def test_admins_can_be_required_to_use_it(new_user, psql, require_reset,
                                          helpers):
    boss = new_user("tf_")
    plain = new_user("tf_")
    promote(psql, boss)
    promote(psql, plain)
    settings = "/api/v1/admin/settings"
    r = boss.get(settings)
    assert r.status_code == 200, describe(r)
    got = r.json()["settings"]
    assert {k: got[k] for k in ("require_2fa_admins", "forced")} == \
        {"require_2fa_admins": False, "forced": False}
    # Not before one has it oneself.
    assert_problem(boss.patch(settings, json={"require_2fa_admins": True}),
                   409)
    assert_problem(boss.patch(settings, json={"require_2fa_admins": "yes"}),
                   422, ["require_2fa_admins"])
    assert_problem(new_user("tf_").patch(
        settings, json={"require_2fa_admins": True}), 403)
    enable(boss)
    r = boss.patch(settings, json={"require_2fa_admins": True})
    assert r.status_code == 200, describe(r)
    assert r.json()["settings"]["require_2fa_admins"] is True

    # An admin without it: sent to set it up, the admin API refused.
    helpers.wait_for(lambda: plain.get("/api/v1/admin/users")
                     .status_code == 403, what="the requirement to apply")
    body = assert_problem(plain.get("/api/v1/admin/users"), 403)
    assert body["title"] == "Two-factor sign-in required"
    r = plain.html.get("/admin")
    assert r.status_code == 303, describe(r)
    assert location(r, fragment=True) == \
        "/settings?saved=2fa-required#two-factor"
    assert "Admins need two-factor sign-in" in \
        plain.html.get(location(r)).text
    # The one with it goes on; so does everyone once it is set up.
    assert boss.get("/api/v1/admin/users").status_code == 200
    assert boss.html.get("/admin").status_code == 200
    enable(plain)
    helpers.wait_for(lambda: plain.get("/api/v1/admin/users")
                     .status_code == 200, what="the admin area again")

    # Off again from the page's form.
    r = boss.form("/admin/settings", {}, page="/admin")
    assert r.status_code == 303, describe(r)
    assert boss.get(settings).json()["settings"]["require_2fa_admins"] \
        is False
