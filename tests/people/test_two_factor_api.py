"""Two-factor sign-in set up and turned off through the API
(/api/v1/me/2fa...), the same steps as the settings page: a new key as
base32, its otpauth:// address and a QR code, on only with a right code,
the recovery codes once, off with the password and a code."""

import base64
import re

from agora_kit.web import assert_problem, describe
from test_two_factor import api_challenge, api_second, code_at, step_now

ME = "/api/v1/me/2fa"


def test_set_up_and_turn_off_through_the_api(new_user, anon):
    user = new_user("ta_")
    r = user.get(ME)
    assert r.status_code == 200, describe(r)
    assert r.json() == {"enabled": False, "setting_up": False,
                        "since": None, "recovery_codes_left": None}
    assert_problem(anon.get(ME), 401)
    assert_problem(anon.post(ME + "/setup", json={}), 401)

    # Nothing to turn on before a set-up.
    assert_problem(user.post(ME + "/enable", json={"code": "123456"}), 409)

    r = user.post(ME + "/setup", json={})
    assert r.status_code == 200, describe(r)
    assert r.headers["Cache-Control"] == "no-store"
    got = r.json()
    secret = got["secret"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert got["otpauth_uri"] == (
        "otpauth://totp/Agora:%s?secret=%s&issuer=Agora&algorithm=SHA1"
        "&digits=6&period=30" % (user.username, secret))
    assert got["qr_svg"].startswith("<svg") and "<script" not in got["qr_svg"]
    assert user.get(ME).json()["setting_up"] is True

    # A wrong code, a missing one, a code of a new set-up's old key.
    step = step_now()
    wrong = "%06d" % ((int(code_at(secret, step)) + 1) % 10 ** 6)
    assert_problem(user.post(ME + "/enable", json={"code": wrong}), 422,
                   ["code"])
    assert_problem(user.post(ME + "/enable", json={}), 422, ["code"])
    again = user.post(ME + "/setup", json={}).json()["secret"]
    assert again != secret
    assert_problem(user.post(ME + "/enable",
                             json={"code": code_at(secret, step)}), 422)
    secret = again

    r = user.post(ME + "/enable", json={"code": code_at(secret, step)})
    assert r.status_code == 200, describe(r)
    assert r.headers["Cache-Control"] == "no-store"
    codes = r.json()["recovery_codes"]
    assert r.json()["enabled"] is True
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c) for c in codes)
    state = user.get(ME).json()
    assert state["enabled"] is True and state["recovery_codes_left"] == 10
    assert re.match(r"\d{4}-\d\d-\d\dT", state["since"])

    # On: a new set-up is refused, and signing in needs a code.
    assert_problem(user.post(ME + "/setup", json={}), 409)
    assert_problem(user.post(ME + "/enable",
                             json={"code": code_at(secret, step)}), 409)
    challenge = api_challenge(user)
    r = api_second(user, challenge, codes[0])
    assert r.status_code == 200, describe(r)

    # Off: the password and a code, each checked.
    assert_problem(user.post(ME + "/disable", json={"code": codes[1]}), 422,
                   ["password", "code"])
    assert_problem(user.post(ME + "/disable", json={
        "password": "not-" + user.password, "code": codes[1]}), 403)
    assert_problem(user.post(ME + "/disable", json={
        "password": user.password, "code": "000000"}), 403)
    r = user.post(ME + "/disable", json={"password": user.password,
                                         "code": codes[1]})
    assert r.status_code == 200, describe(r)
    assert r.json() == {"enabled": False}
    assert user.get(ME).json()["enabled"] is False
    assert_problem(user.post(ME + "/disable", json={
        "password": user.password, "code": codes[2]}), 409)


def test_a_cookie_call_needs_the_csrf_token(new_user):
    user = new_user("tc_")
    r = user.html.request("POST", ME + "/setup", json={})
    assert r.status_code == 403, describe(r)
    assert user.get(ME).json()["setting_up"] is False


def test_the_key_is_stored_sealed(new_user, psql):
    """The database holds the key sealed (nonce, MAC, key: 60 bytes), not
    the key itself; a key stored before sealing (20 bytes) still works."""
    user = new_user("ts_")
    secret = user.post(ME + "/setup", json={}).json()["secret"]
    key = base64.b32decode(secret).hex()
    stored = psql("SELECT encode(t.secret, 'hex') FROM user_totp t "
                  "JOIN users u ON u.id = t.user_id "
                  "WHERE u.username = :'p1'", user.username)[0]
    assert len(stored) == 120 and key not in stored

    # As it was stored before: the plain key.
    psql("UPDATE user_totp SET secret = decode(:'p2', 'hex') "
         "WHERE user_id = (SELECT id FROM users WHERE username = :'p1')",
         user.username, key)
    r = user.post(ME + "/enable", json={"code": code_at(secret, step_now())})
    assert r.status_code == 200, describe(r)
