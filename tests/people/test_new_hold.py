"""What a new account posts waits for a moderator (sql/033): its photos
and comments, as its posts already did, until its owner is a member; the
admin setting hold_new_accounts (on by default, off for the other suites
by scripts/test.sh); and a new account's lower comment and room limits."""

import secrets

import pytest

from conftest import jpeg, verify_token, wait_for

from agora_kit.web import assert_retry_after


@pytest.fixture
def hold(admin):
    """The hold on, as a site has it unless its admins turn it off; off
    again after."""
    def put(on):
        r = admin.patch("/api/v1/admin/settings",
                        json={"hold_new_accounts": on})
        assert r.status_code == 200, r.text
        assert r.json()["settings"]["hold_new_accounts"] is on
    put(True)
    yield put
    put(False)


def upload(actor, caption):
    r = actor.post("/api/v1/photos", files={
        "file": ("p.jpg", jpeg(), "image/jpeg"), "caption": (None, caption)})
    assert r.status_code == 201, r.text
    return r.json()["photo"]["id"]


def ids(rows):
    return [str(x["id"]) for x in rows]


def test_new_accounts_comment_waits_until_approved(hold, new_user, blog,
                                                   admin):
    u = new_user("nh_")
    reader = new_user("rd_")
    post = blog.published(admin)
    c = blog.comment(u, post["id"])
    assert str(c["id"]) not in ids(blog.comments(reader, post["id"]))
    assert str(c["id"]) in ids(blog.comments(u, post["id"]))
    item = blog.queue_item("comment", c["id"])
    assert item is not None and "New accounts" in item["reason"]
    # Nor on the page, for somebody else.
    assert c["body"] not in reader.html.get(post["url"]).text

    blog.approve("comment", c["id"])
    assert str(c["id"]) in ids(blog.comments(reader, post["id"]))
    # The settings page says what waits.
    page = u.html.get("/settings").text
    assert "Your posts, photos and comments wait for a moderator" in page


def test_new_accounts_photo_and_photo_comment_wait(hold, new_user, admin,
                                                   blog, member, photo):
    u = new_user("nh_")
    reader = member(new_user("rd_"))
    pid = upload(u, "A first photo %s" % secrets.token_hex(3))
    assert reader.get("/api/v1/photos/%s" % pid).status_code == 404
    r = u.get("/api/v1/photos/%s" % pid)
    assert r.status_code == 200 and r.json()["photo"]["status"] == "hidden"
    assert "New accounts" in blog.queue_item("photo", pid)["reason"]
    # Its owner is told it waits, not that a moderator hid it.
    wait_for(lambda: "Waiting for a moderator" in
             u.html.get("/photos/%s" % pid).text,
             what="the photo page to say it waits")
    page = u.html.get("/photos/%s" % pid).text
    assert "Hidden by a moderator" not in page
    assert "New accounts" in page

    # A member's photo appears at once; a new account's comment on it
    # waits.
    theirs = photo(reader, "A member's photo")
    r = u.post("/api/v1/photos/%s/comments" % theirs,
               json={"body": "Nice %s" % secrets.token_hex(3)})
    assert r.status_code == 201, r.text
    cid = r.json()["comment"]["id"]
    seen = reader.get("/api/v1/photos/%s/comments" % theirs).json()
    assert str(cid) not in ids(seen["comments"])
    assert blog.queue_item("photo_comment", cid) is not None

    blog.approve("photo", pid)
    blog.approve("photo_comment", cid)
    wait_for(lambda: reader.get("/api/v1/photos/%s" % pid).status_code
             == 200, what="the approved photo to be shown")
    seen = reader.get("/api/v1/photos/%s/comments" % theirs).json()
    assert str(cid) in ids(seen["comments"])
    admin.delete("/api/v1/photos/%s" % pid)


def test_members_and_admins_are_not_held(hold, new_user, member, blog,
                                         admin):
    m = member(new_user("mb_"))
    reader = new_user("rd_")
    post = blog.published(admin)
    c = blog.comment(m, post["id"])
    assert str(c["id"]) in ids(blog.comments(reader, post["id"]))
    assert blog.queue_item("comment", c["id"]) is None
    a = blog.comment(admin, post["id"])
    assert str(a["id"]) in ids(blog.comments(reader, post["id"]))


def test_verifying_keeps_a_new_accounts_items_waiting(hold, new_user,
                                                      mailbox, blog, admin):
    u = new_user("nh_", verified=False)
    token = verify_token(mailbox.wait(u.email, "Welcome"))
    reader = new_user("rd_")
    post = blog.published(admin)
    c = blog.comment(u, post["id"])
    assert "not verified their email" in blog.queue_item(
        "comment", c["id"])["reason"]
    assert u.post("/api/v1/me/email/verify",
                  json={"token": token}).status_code == 200
    # Verified, but still new: it waits for a moderator now.
    item = blog.queue_item("comment", c["id"])
    assert item is not None and "New accounts" in item["reason"]
    assert str(c["id"]) not in ids(blog.comments(reader, post["id"]))


def test_the_hold_off_lets_them_appear(hold, new_user, blog, admin):
    hold(False)
    u = new_user("nh_")
    reader = new_user("rd_")
    post = blog.published(admin)
    c = blog.comment(u, post["id"])
    assert str(c["id"]) in ids(blog.comments(reader, post["id"]))
    assert blog.queue_item("comment", c["id"]) is None
    # Its posts still wait for review, as every new account's do.
    assert blog.create(u)["status"] == "pending"
    assert "Your posts wait for an admin" in u.html.get("/settings").text


def test_the_admin_form_and_api(hold, admin, new_user):
    page = admin.html.get("/admin").text
    assert 'action="/admin/settings/holds"' in page
    assert 'name="hold_new_accounts" value="1" role="switch" checked' in page
    r = admin.form("/admin/settings/holds", {}, page="/admin")
    assert r.status_code == 303
    got = admin.get("/api/v1/admin/settings").json()["settings"]
    assert got["hold_new_accounts"] is False
    # The other settings are kept.
    assert got["require_verified_email"] is True
    r = admin.form("/admin/settings/holds", {"hold_new_accounts": "1"},
                   page="/admin")
    assert r.status_code == 303
    assert admin.get("/api/v1/admin/settings").json()[
        "settings"]["hold_new_accounts"] is True
    r = admin.patch("/api/v1/admin/settings",
                    json={"hold_new_accounts": "no"})
    assert r.status_code == 422
    assert r.json()["errors"]["hold_new_accounts"]
    # Admins only, and the change is in the audit log.
    u = new_user("nh_")
    assert u.patch("/api/v1/admin/settings",
                   json={"hold_new_accounts": False}).status_code == 403
    r = u.form("/admin/settings/holds", {}, page="/")
    assert r.status_code == 403
    log = admin.get("/api/v1/admin/audit",
                    params={"limit": 50}).json()["entries"]
    assert any(e["action"] == "settings" and
               e["detail"].get("hold_new_accounts") is True for e in log)


# ------------------------------------------------- a new account's limits

NEW_COMMENTS = 10		# a third of 30 in ten minutes
NEW_ROOMS = 3			# a third of 10 an hour


def test_a_new_account_writes_fewer_comments(new_user, member, blog,
                                             admin, helpers):
    u = new_user("nl_")
    post = blog.published(admin)
    url = "/api/v1/blog/posts/%s/comments" % post["id"]
    for i in range(NEW_COMMENTS):
        helpers.assert_json(u.post(url, json={"body": "c %d" % i}), 201)
    r = u.post(url, json={"body": "one too many"})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, 600)
    # As a member, the member's limit: more of them.
    member(u)
    helpers.assert_json(u.post(url, json={"body": "as a member"}), 201)


def test_a_new_account_makes_fewer_rooms(new_user, member, helpers):
    u = new_user("nl_")
    for i in range(NEW_ROOMS):
        r = u.post("/api/v1/chat/rooms",
                   json={"name": "nl-%s-%d" % (secrets.token_hex(3), i)})
        helpers.assert_json(r, 201)
    r = u.post("/api/v1/chat/rooms",
               json={"name": "nl-%s" % secrets.token_hex(3)})
    helpers.assert_problem(r, 429)
    member(u)
    r = u.post("/api/v1/chat/rooms",
               json={"name": "nl-%s" % secrets.token_hex(3)})
    helpers.assert_json(r, 201)
