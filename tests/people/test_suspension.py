"""Timed suspensions: an admin suspends a user for a while with a
reason; their sessions end at once, they cannot sign in (the page and
the API say why and until when) or use their tokens, and the suspension
ends by itself."""

import re
import time

USERS = "/api/v1/admin/users"


def suspend(admin, user, seconds, reason, helpers):
    r = admin.post("%s/%s/suspend" % (USERS, user.id),
                   json={"seconds": seconds, "reason": reason})
    return helpers.assert_json(r, 200)["user"]


def test_suspension_refuses_sign_in_with_why_and_until_then_ends(
        new_user, api, html_client, admin, helpers):
    u = new_user("s_")
    browser = u.html
    assert browser.get("/settings").status_code == 200

    got = suspend(admin, u, 3, "Cooling off after a heated thread.",
                  helpers)
    assert got["suspended"] is True
    assert got["suspend_reason"] == "Cooling off after a heated thread."
    until = got["suspended_until"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", until), until

    # Signed out at once: the browser's session and the token are refused.
    r = browser.get("/settings")
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r).startswith("/login")
    helpers.assert_problem(u.get("/api/v1/me"), 401)
    r = u.post("/api/v1/blog/posts", json={"title": "t", "body": "b"})
    helpers.assert_problem(r, 401)

    # The API says why and until when.
    body = helpers.assert_problem(api.login(u.username, u.password), 403)
    assert body["until"] == until
    assert body["reason"] == "Cooling off after a heated thread."

    # So does the login page.
    r = html_client().login(u.username, u.password)
    helpers.assert_html(r, 403)
    assert "suspended until" in r.text
    assert "Cooling off after a heated thread." in r.text
    assert 'datetime="%s"' % until in r.text

    # It ends by itself.
    helpers.wait_for(lambda: api.login(u.username, u.password)
                     .status_code == 200, timeout=15,
                     what="the suspension to end")
    c = html_client()
    assert c.login(u.username, u.password).status_code == 303
    assert c.get("/settings").status_code == 200
    helpers.wait_for(lambda: helpers.assert_json(
        admin.get("%s/%s" % (USERS, u.id)), 200)["user"]["suspended"]
        is False, what="the admin view to show it ended")


def test_token_refused_while_suspended_works_after(new_user, admin,
                                                   helpers):
    u = new_user("s_")
    r = u.post("/api/v1/tokens", json={"name": "script"})
    assert r.status_code in (200, 201), helpers.describe(r)
    tok = r.json()["token"]
    suspend(admin, u, 2, "A short break.", helpers)
    helpers.assert_problem(u._api.get("/api/v1/me", token=tok), 401)
    time.sleep(2.5)
    helpers.wait_for(lambda: u._api.get("/api/v1/me", token=tok)
                     .status_code == 200, what="the token to work again")


def test_unsuspend_ends_it_now(new_user, api, admin, helpers):
    u = new_user("s_")
    suspend(admin, u, 3600, "Spam.", helpers)
    helpers.assert_problem(api.login(u.username, u.password), 403)
    r = admin.post("%s/%s/unsuspend" % (USERS, u.id), json={})
    assert helpers.assert_json(r, 200)["user"]["suspended"] is False
    assert api.login(u.username, u.password).status_code == 200


def test_suspension_needs_a_reason_and_a_sane_length(new_user, api, admin,
                                                     helpers):
    u = new_user("s_")
    for body in ({"seconds": 60}, {"seconds": 60, "reason": "  "},
                 {"seconds": 0, "reason": "x"},
                 {"seconds": 366 * 86400 + 1, "reason": "x"},
                 {"seconds": "60", "reason": "x"},
                 {"seconds": 60, "reason": "x" * 501}):
        r = admin.post("%s/%s/suspend" % (USERS, u.id), json=body)
        helpers.assert_problem(r, 422)
    assert api.login(u.username, u.password).status_code == 200
    r = admin.post("%s/%s/suspend" % (USERS, admin.id),
                   json={"seconds": 60, "reason": "me"})
    helpers.assert_problem(r, 409)
    r = u.post("%s/%s/suspend" % (USERS, u.id),
               json={"seconds": 60, "reason": "me"})
    helpers.assert_problem(r, 403)


def test_suspend_from_the_user_page(new_user, api, admin, helpers):
    u = new_user("s_")
    page = admin.html.get("/admin/users/%s" % u.id)
    helpers.assert_html(page, 200)
    assert 'action="/admin/users/%s/suspend"' % u.id in page.text
    assert "<details" in page.text, "the suspension asks first"
    r = admin.form("/admin/users/%s/suspend" % u.id,
                   {"seconds": "3600", "reason": "Off-topic ads.",
                    "back": "user"}, page="/admin/users/%s" % u.id)
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/admin/users/%s" % u.id
    page = admin.html.get("/admin/users/%s" % u.id).text
    assert "suspended until" in page and "Off-topic ads." in page
    helpers.assert_problem(api.login(u.username, u.password), 403)
    admin.post("%s/%s/unsuspend" % (USERS, u.id), json={})
