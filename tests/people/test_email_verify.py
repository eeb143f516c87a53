"""Verified email addresses and changing one's address: the welcome
mail's link, /verify (GET shows, POST does), the API, what an unverified
account's photos and comments do, the resend limit, and a change of
address through both mailboxes."""

import secrets

import pytest

from conftest import jpeg, unique_name, verify_token, wait_for


def fresh(new_user, mailbox):
    """An unverified user and the token of their welcome mail."""
    u = new_user("ev_", verified=False)
    return u, verify_token(mailbox.wait(u.email, "Welcome"))


def email_state(actor):
    r = actor.get("/api/v1/me/email")
    assert r.status_code == 200, r.text
    return r.json()


def tokens_in(mailbox, to, subject):
    return [verify_token(m) for m in mailbox.messages(to)
            if subject in str(m.get("Subject", ""))]


@pytest.fixture
def setting(admin):
    """setting(on): the require_verified_email setting; on again after."""
    def put(on):
        r = admin.patch("/api/v1/admin/settings",
                        json={"require_verified_email": on})
        assert r.status_code == 200, r.text
        assert r.json()["settings"]["require_verified_email"] is on
    yield put
    put(True)


# ------------------------------------------------------------ verifying

def test_signup_link_verifies_once(new_user, mailbox, helpers):
    u, token = fresh(new_user, mailbox)
    welcome = mailbox.wait(u.email, "Welcome")
    assert welcome["List-Unsubscribe"] is None
    assert "/verify?token=" + token in helpers.mail_html(welcome)
    assert email_state(u) == {"email": u.email, "verified": False,
                              "pending_email": None, "posts_held": True}

    r = u.post("/api/v1/me/email/verify", json={"token": token})
    assert r.status_code == 200, r.text
    assert r.json() == {"email": u.email, "verified": True}
    assert email_state(u)["verified"] is True
    assert email_state(u)["posts_held"] is False

    r = u.post("/api/v1/me/email/verify", json={"token": token})
    assert r.status_code == 410, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_verify_page_get_changes_nothing(new_user, mailbox, html_client):
    u, token = fresh(new_user, mailbox)
    browser = html_client()             # the link opened anywhere
    page = "/verify?token=" + token
    for _ in range(2):                  # a link scanner, then the person
        r = browser.get(page)
        assert r.status_code == 200, r.text
        assert u.email in r.text
        assert 'action="/verify"' in r.text
        assert "no-store" in r.headers["cache-control"]
    assert email_state(u)["verified"] is False

    r = browser.submit(page, "/verify", {"token": token})
    assert r.status_code == 200, r.text
    assert "is verified" in r.text
    assert email_state(u)["verified"] is True

    assert browser.get(page).status_code == 410
    r = browser.submit("/login", "/verify", {"token": token})
    assert r.status_code == 410


def test_verify_needs_csrf(new_user, mailbox, html_client):
    u, token = fresh(new_user, mailbox)
    r = html_client().submit("/", "/verify", {"token": token}, csrf=None)
    assert r.status_code == 403
    assert email_state(u)["verified"] is False


def test_forged_and_malformed_tokens_refused(new_user, mailbox,
                                             html_client):
    u, token = fresh(new_user, mailbox)
    forged = secrets.token_hex(32)
    assert u.post("/api/v1/me/email/verify",
                  json={"token": forged}).status_code == 410
    for bad in ("", "xyz", token[:-1], token + "0", None):
        r = u.post("/api/v1/me/email/verify", json={"token": bad})
        assert r.status_code == 400, (bad, r.text)
    assert html_client().get("/verify?token=" + forged).status_code == 410
    assert html_client().get("/verify?token=nothex").status_code == 400
    assert email_state(u)["verified"] is False
    # The real one still works.
    assert u.post("/api/v1/me/email/verify",
                  json={"token": token}).status_code == 200


def test_expired_link_refused(new_user, mailbox, psql, html_client):
    u, token = fresh(new_user, mailbox)
    psql("UPDATE email_tokens SET expires_at = now() - interval '1 second'"
         " WHERE user_id = :'p1'", str(u.id))
    assert html_client().get("/verify?token=" + token).status_code == 410
    r = u.post("/api/v1/me/email/verify", json={"token": token})
    assert r.status_code == 410
    assert email_state(u)["verified"] is False


def test_link_stored_only_hashed(new_user, mailbox, psql):
    u, token = fresh(new_user, mailbox)
    rows = psql("SELECT encode(token_hash, 'hex') FROM email_tokens"
                " WHERE user_id = :'p1'", str(u.id))
    assert len(rows) == 1 and len(rows[0]) == 64 and rows[0] != token
    assert not psql("SELECT 1 FROM job_outbox WHERE args::text LIKE"
                    " '%' || :'p1' || '%'", token)


def test_api_link_of_another_user_refused(new_user, mailbox):
    a, _ = fresh(new_user, mailbox)
    b, token_b = fresh(new_user, mailbox)
    r = a.post("/api/v1/me/email/verify", json={"token": token_b})
    assert r.status_code == 410
    assert email_state(b)["verified"] is False
    assert b.post("/api/v1/me/email/verify",
                  json={"token": token_b}).status_code == 200


def test_verify_api_needs_a_user(anon):
    r = anon.post("/api/v1/me/email/verify",
                  json={"token": secrets.token_hex(32)})
    assert r.status_code == 401


# ------------------------------------------------ what unverified post

def test_unverified_comment_held_until_verified(new_user, mailbox, blog,
                                                admin):
    u, token = fresh(new_user, mailbox)
    reader = new_user("rd_")
    post = blog.published(admin)

    held = blog.comment(u, post["id"])
    assert str(held["id"]) not in [str(c["id"]) for c in
                                   blog.comments(reader, post["id"])]
    assert str(held["id"]) in [str(c["id"]) for c in
                               blog.comments(u, post["id"])]
    item = blog.queue_item("comment", held["id"])
    assert item is not None and "not verified their email" in item["reason"]

    # A new post of theirs waits for review, as every user's does.
    mine = blog.create(u)
    assert mine["status"] == "pending"

    assert u.post("/api/v1/me/email/verify",
                  json={"token": token}).status_code == 200
    # Verified: what waited only for that is out, and new ones are not
    # held.
    assert str(held["id"]) in [str(c["id"]) for c in
                               blog.comments(reader, post["id"])]
    assert blog.queue_item("comment", held["id"]) is None
    later = blog.comment(u, post["id"])
    ids = [str(c["id"]) for c in blog.comments(reader, post["id"])]
    assert str(later["id"]) in ids
    assert blog.queue_item("comment", later["id"]) is None
    assert blog.queue_item("post", mine["id"]) is not None


def upload(actor, caption):
    r = actor.post("/api/v1/photos", files={
        "file": ("p.jpg", jpeg(), "image/jpeg"), "caption": (None, caption)})
    assert r.status_code == 201, r.text
    return r.json()["photo"]["id"]


def test_unverified_photo_and_photo_comment_held(new_user, mailbox, photo,
                                                 admin, blog):
    u, token = fresh(new_user, mailbox)
    reader = new_user("rd_")
    pid = upload(u, "An unverified photo")
    assert reader.get("/api/v1/photos/%s" % pid).status_code == 404
    r = u.get("/api/v1/photos/%s" % pid)
    assert r.status_code == 200 and r.json()["photo"]["status"] == "hidden"
    assert "not verified their email" in blog.queue_item("photo",
                                                         pid)["reason"]

    # A comment on someone else's photo.
    theirs = photo(reader, "A verified photo")
    r = u.post("/api/v1/photos/%s/comments" % theirs,
               json={"body": "Nice one %s" % secrets.token_hex(3)})
    assert r.status_code == 201, r.text
    cid = r.json()["comment"]["id"]
    seen = reader.get("/api/v1/photos/%s/comments" % theirs).json()
    assert str(cid) not in [str(c["id"]) for c in seen["comments"]]

    assert u.post("/api/v1/me/email/verify",
                  json={"token": token}).status_code == 200
    wait_for(lambda: reader.get("/api/v1/photos/%s" % pid).status_code
             == 200, what="the photo to be shown")
    admin.delete("/api/v1/photos/%s" % pid)
    seen = reader.get("/api/v1/photos/%s/comments" % theirs).json()
    assert str(cid) in [str(c["id"]) for c in seen["comments"]]
    assert blog.queue_item("photo", pid) is None

    later = photo(u, "A verified photo of theirs")
    assert reader.get("/api/v1/photos/%s" % later).status_code == 200
    assert blog.queue_item("photo", later) is None


def test_rejected_while_unverified_stays_hidden(new_user, mailbox, blog,
                                                admin):
    u, token = fresh(new_user, mailbox)
    reader = new_user("rd_")
    post = blog.published(admin)
    c = blog.comment(u, post["id"])
    blog.reject("comment", c["id"], "Not here.")
    assert u.post("/api/v1/me/email/verify",
                  json={"token": token}).status_code == 200
    assert str(c["id"]) not in [str(x["id"]) for x in
                                blog.comments(reader, post["id"])]


def test_setting_off_nothing_held(new_user, mailbox, blog, admin, setting):
    setting(False)
    u, _ = fresh(new_user, mailbox)
    reader = new_user("rd_")
    assert email_state(u)["posts_held"] is False
    post = blog.published(admin)
    c = blog.comment(u, post["id"])
    assert str(c["id"]) in [str(x["id"]) for x in
                            blog.comments(reader, post["id"])]
    assert blog.queue_item("comment", c["id"]) is None

    r = admin.get("/api/v1/admin/settings")
    assert r.json()["settings"]["require_verified_email"] is False


def test_admin_setting_form(admin, setting):
    r = admin.html.get("/admin")
    assert 'name="require_verified_email"' in r.text
    assert r.text.count('action="/admin/settings/email"') == 1
    r = admin.form("/admin/settings/email", {}, page="/admin")
    assert r.status_code == 303
    assert admin.get("/api/v1/admin/settings").json()[
        "settings"]["require_verified_email"] is False
    r = admin.form("/admin/settings/email", {"require_verified_email": "1"},
                   page="/admin")
    assert r.status_code == 303
    assert admin.get("/api/v1/admin/settings").json()[
        "settings"]["require_verified_email"] is True
    r = admin.patch("/api/v1/admin/settings",
                    json={"require_verified_email": "yes"})
    assert r.status_code == 422


def test_setting_is_admins_only(new_user):
    u = new_user()
    r = u.patch("/api/v1/admin/settings",
                json={"require_verified_email": False})
    assert r.status_code == 403


# ------------------------------------------------------------- resend

def test_resend_limit_and_newer_link(new_user, mailbox):
    u, first = fresh(new_user, mailbox)
    for i in range(3):
        r = u.post("/api/v1/me/email/resend", json={})
        assert r.status_code == 202, r.text
        assert r.json() == {"sent": True}
    r = u.post("/api/v1/me/email/resend", json={})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert r.headers["content-type"].startswith("application/problem+json")

    # Each new link ends the older ones, the welcome mail's too (a mail
    # not sent before its link ended is not sent at all): one works.
    tried, worked = set(), []

    def newest():
        for t in tokens_in(mailbox, u.email, "Confirm your email"):
            if t in tried:
                continue
            tried.add(t)
            r = u.post("/api/v1/me/email/verify", json={"token": t})
            if r.status_code == 200:
                worked.append(t)
            else:
                assert r.status_code == 410, r.text
        return worked
    wait_for(newest, what="the newest link")
    assert len(worked) == 1
    assert u.post("/api/v1/me/email/verify",
                  json={"token": first}).status_code == 410


def test_resend_when_verified(new_user):
    u = new_user()
    r = u.post("/api/v1/me/email/resend", json={})
    assert r.status_code == 409


def test_settings_notice_and_resend_button(new_user, mailbox):
    u, token = fresh(new_user, mailbox)
    page = u.html.get("/settings").text
    assert "is not verified yet" in page
    assert 'action="/settings/email/resend"' in page
    r = u.form("/settings/email/resend", {}, page="/settings")
    assert r.status_code == 303
    assert "saved=verify-sent" in r.headers["location"]
    mailbox.wait(u.email, "Confirm your email address")

    r = u.form("/settings/email/resend", {}, page="/settings", csrf=None)
    assert r.status_code == 403

    link = tokens_in(mailbox, u.email, "Confirm your email")[-1]
    assert u.post("/api/v1/me/email/verify",
                  json={"token": link}).status_code == 200
    page = u.html.get("/settings").text
    assert "is not verified yet" not in page
    assert "(verified)" in page


# ------------------------------------------------------ change address

def new_address():
    return unique_name("new_") + "@example.org"


def test_change_full_flow(new_user, mailbox, helpers, api):
    u = new_user("ch_")
    old = u.email
    target = new_address()
    r = u.post("/api/v1/me/email", json={"email": target,
                                         "password": u.password})
    assert r.status_code == 202, r.text
    assert r.json() == {"pending_email": target}

    notice = mailbox.wait(old, "being changed")
    assert target in helpers.mail_text(notice)
    assert "change your password" in helpers.mail_text(notice)
    assert notice["List-Unsubscribe"] is None
    assert "/verify?token=" not in helpers.mail_text(notice)
    confirm = mailbox.wait(target, "Confirm your new email")
    assert confirm["List-Unsubscribe"] is None
    link = verify_token(confirm)

    state = email_state(u)
    assert state["email"] == old and state["pending_email"] == target

    r = u.post("/api/v1/me/email/verify", json={"token": link})
    assert r.status_code == 200, r.text
    assert r.json() == {"email": target, "verified": True}
    assert email_state(u) == {"email": target, "verified": True,
                              "pending_email": None, "posts_held": False}
    assert api.me(token=u.token).json()["user"]["email"] == target
    assert u.post("/api/v1/me/email/verify",
                  json={"token": link}).status_code == 410

    # Two changes in a row: only the second's link works.
    first, second = new_address(), new_address()
    assert u.post("/api/v1/me/email", json={
        "email": first, "password": u.password}).status_code == 202
    l1 = verify_token(mailbox.wait(first, "Confirm your new email"))
    assert u.post("/api/v1/me/email", json={
        "email": second, "password": u.password}).status_code == 202
    l2 = verify_token(mailbox.wait(second, "Confirm your new email"))
    assert u.post("/api/v1/me/email/verify",
                  json={"token": l1}).status_code == 410
    assert email_state(u)["pending_email"] == second
    assert u.post("/api/v1/me/email/verify",
                  json={"token": l2}).status_code == 200
    assert email_state(u)["email"] == second


def test_change_makes_unverified_account_verified(new_user, mailbox):
    u, welcome = fresh(new_user, mailbox)
    target = new_address()
    assert u.post("/api/v1/me/email", json={
        "email": target, "password": u.password}).status_code == 202
    link = verify_token(mailbox.wait(target, "Confirm your new email"))
    assert u.post("/api/v1/me/email/verify",
                  json={"token": link}).status_code == 200
    assert email_state(u)["verified"] is True
    # The welcome link was for the old address.
    assert u.post("/api/v1/me/email/verify",
                  json={"token": welcome}).status_code == 410


def test_change_refused(new_user, mailbox):
    u, o = new_user("ch_"), new_user("ot_")
    r = u.post("/api/v1/me/email", json={"email": o.email.upper(),
                                         "password": u.password})
    assert r.status_code == 409, r.text
    assert "email" in r.json()["errors"]
    r = u.post("/api/v1/me/email", json={"email": new_address(),
                                         "password": "wrong-" + u.password})
    assert r.status_code == 403
    assert "password" in r.json()["errors"]
    for body, field in (({"email": "not-an-address",
                          "password": u.password}, "email"),
                        ({"email": u.email, "password": u.password},
                         "email"),
                        ({"email": new_address()}, "password")):
        r = u.post("/api/v1/me/email", json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in r.json()["errors"]
    assert email_state(u)["pending_email"] is None
    assert not any("being changed" in s for s in mailbox.subjects(u.email))


def test_change_taken_at_confirm_time(new_user, mailbox, api):
    u = new_user("ch_")
    target = new_address()
    assert u.post("/api/v1/me/email", json={
        "email": target, "password": u.password}).status_code == 202
    link = verify_token(mailbox.wait(target, "Confirm your new email"))
    # Someone signs up with the address first.
    r = api.post("/api/v1/auth/register", json={
        "username": unique_name("tk_"), "email": target,
        "password": "pw-" + secrets.token_hex(8)})
    assert r.status_code == 201, r.text
    r = u.post("/api/v1/me/email/verify", json={"token": link})
    assert r.status_code == 409, r.text
    assert email_state(u)["email"] == u.email


def test_change_wrong_password_throttled(new_user):
    u = new_user("ch_")
    codes = [u.post("/api/v1/me/email", json={
        "email": new_address(), "password": "wrong-%d" % i}).status_code
        for i in range(6)]
    assert codes[:5] == [403] * 5 and codes[5] == 429
    r = u.post("/api/v1/me/email", json={"email": new_address(),
                                         "password": u.password})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0


def test_change_requests_limited(new_user):
    u = new_user("ch_")
    codes = [u.post("/api/v1/me/email", json={
        "email": new_address(), "password": u.password}).status_code
        for _ in range(6)]
    assert codes == [202] * 5 + [429]


def test_change_on_the_settings_page(new_user, mailbox):
    u = new_user("ch_")
    page = u.html.get("/settings").text
    assert 'action="/settings/email"' in page
    target = new_address()

    r = u.form("/settings/email", {"email": target,
                                   "password": "wrong-pass"},
               page="/settings")
    assert r.status_code == 403
    assert "That is not your current password." in r.text
    assert 'value="%s"' % target in r.text

    r = u.form("/settings/email", {"email": target, "password": u.password},
               page="/settings", csrf=None)
    assert r.status_code == 403
    assert email_state(u)["pending_email"] is None

    r = u.form("/settings/email", {"email": target, "password": u.password},
               page="/settings")
    assert r.status_code == 303, r.text
    assert "saved=email-sent" in r.headers["location"]
    page = u.html.get("/settings").text
    assert "We sent a link to <strong>%s</strong>" % target in page

    link = verify_token(mailbox.wait(target, "Confirm your new email"))
    browser = u.html
    r = browser.get("/verify?token=" + link)
    assert r.status_code == 200
    assert "Use this address" in r.text
    r = browser.submit("/verify?token=" + link, "/verify", {"token": link})
    assert r.status_code == 200
    assert "Your email address is now" in r.text
    assert target in browser.get("/settings").text

    r = u.form("/settings/email", {"email": target, "password": u.password},
               page="/settings")
    assert r.status_code == 422
    assert "That is already your address." in r.text


def test_change_to_taken_address_page(new_user):
    u, o = new_user("ch_"), new_user("ot_")
    r = u.form("/settings/email", {"email": o.email, "password": u.password},
               page="/settings")
    assert r.status_code == 409
    assert "That email address is in use." in r.text


def test_email_api_needs_a_user(anon):
    assert anon.get("/api/v1/me/email").status_code == 401
    assert anon.post("/api/v1/me/email", json={}).status_code == 401
    assert anon.post("/api/v1/me/email/resend", json={}).status_code == 401


# --------------------------------------------------------------- admin

def test_admin_users_show_verified(new_user, mailbox, admin):
    u, _ = fresh(new_user, mailbox)
    v = new_user("vv_")
    # The API lists the first 200 accounts: the admin is one.
    users = {x["username"]: x for x in
             admin.get("/api/v1/admin/users").json()["users"]}
    assert users["admin"]["email_verified"] is True
    assert all(isinstance(x["email_verified"], bool)
               for x in users.values())

    page = admin.html.get("/admin/users", params={"q": u.username}).text
    assert "not verified" in page
    page = admin.html.get("/admin/users", params={"q": v.username}).text
    assert 'class="email-verified"' in page
