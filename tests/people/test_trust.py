"""Trust levels: computed from what a user has done (approved items and
the account's age, by the thresholds of the admin settings), shown to
admins and to the user, overridden by an admin; a member's posts publish
at once and are moderated after the fact when the moderate job flags
them."""

import pytest

SETTINGS = "/api/v1/admin/settings"
DEFAULTS = {"member_items": 3, "member_days": 2, "trusted_items": 20,
            "trusted_days": 30}


@pytest.fixture
def thresholds(admin, helpers):
    """thresholds(**values): set the trust thresholds for this test; the
    defaults come back afterwards."""
    def go(**values):
        r = admin.patch(SETTINGS, json=values)
        got = helpers.assert_json(r, 200)["settings"]
        for k, v in values.items():
            assert got[k] == v, got
    yield go
    admin.patch(SETTINGS, json=DEFAULTS)


def standing(admin, user, helpers):
    r = admin.get("/api/v1/admin/users/%s" % user.id)
    return helpers.assert_json(r, 200)["user"]


def set_trust(admin, user, level, helpers, reason="testing"):
    r = admin.post("/api/v1/admin/users/%s/trust" % user.id,
                   json={"level": level, "reason": reason})
    return helpers.assert_json(r, 200)["user"]


def test_settings_hold_the_thresholds_and_refuse_bad_ones(admin, helpers,
                                                          thresholds):
    got = helpers.assert_json(admin.get(SETTINGS), 200)["settings"]
    for k in DEFAULTS:
        assert isinstance(got[k], int), got
    thresholds(member_items=5, member_days=1)
    for bad in ({"member_items": -1}, {"member_days": "2"},
                {"trusted_items": 10001}, {"trusted_days": 3651}):
        helpers.assert_problem(admin.patch(SETTINGS, json=bad), 422)
    got = helpers.assert_json(admin.get(SETTINGS), 200)["settings"]
    assert got["member_items"] == 5 and got["member_days"] == 1


def test_a_new_account_is_new(new_user, admin, helpers):
    u = new_user("t_")
    assert standing(admin, u, helpers)["trust"] == "new"
    assert helpers.assert_json(u.get("/api/v1/me"), 200)["user"][
        "trust"] == "new"
    page = u.html.get("/settings")
    helpers.assert_html(page, 200)
    assert '<strong class="trust">new</strong>' in page.text


def test_promotion_after_the_configured_items_and_days(
        new_user, admin, blog, helpers, thresholds, psql):
    thresholds(member_items=2, member_days=0, trusted_items=3,
               trusted_days=5)
    u = new_user("t_")
    first = blog.create(u)
    assert first["status"] == "pending"
    blog.approve("post", first["id"])
    assert standing(admin, u, helpers)["trust"] == "new"
    assert standing(admin, u, helpers)["items"] == 1

    second = blog.create(u)
    assert second["status"] == "pending", "still new when it was sent"
    blog.approve("post", second["id"])
    s = standing(admin, u, helpers)
    assert s["trust"] == "member" and s["items"] == 2
    assert s["trust_override"] is False

    # The days count too: a day required and the account is from today.
    thresholds(member_days=1)
    assert standing(admin, u, helpers)["trust"] == "new"
    psql("UPDATE users SET created_at = now() - interval '2 days'"
         " WHERE id = :'p1'", str(u.id))
    assert standing(admin, u, helpers)["trust"] == "member"

    # Trusted needs more items and more days.
    third = blog.create(u)
    assert third["status"] == "approved", "a member publishes at once"
    assert standing(admin, u, helpers)["trust"] == "member"
    psql("UPDATE users SET created_at = now() - interval '6 days'"
         " WHERE id = :'p1'", str(u.id))
    assert standing(admin, u, helpers)["trust"] == "trusted"

    # The user sees it (the session's view is at most seconds old).
    helpers.wait_for(lambda: u.get("/api/v1/me").json()["user"]["trust"]
                     == "trusted", what="the user to see their level")
    page = u.html.get("/settings").text
    assert '<strong class="trust">trusted</strong>' in page


def test_member_posts_publish_at_once(new_user, anon, admin, blog, helpers):
    u = new_user("t_")
    set_trust(admin, u, "member", helpers)
    post = blog.create(u)
    assert post["status"] == "approved"
    assert blog.status_code(anon, post["id"]) == 200
    assert blog.queue_item("post", post["id"]) is None


def test_member_post_flagged_afterwards_goes_back_to_review(
        new_user, anon, admin, blog, helpers):
    u = new_user("t_")
    set_trust(admin, u, "member", helpers)
    post = blog.create(u, body="Cheap viagra, ask me how.")
    # Published at once (the moderate job may already have sent it back
    # by the time the answer was read).
    assert post["published_at"], post

    def flagged():
        q = blog.queue_item("post", post["id"])
        return q if q and q["source"] == "auto" else None
    q = helpers.wait_for(flagged, what="the moderate job to flag the post")
    assert "viagra" in q["reason"].lower()
    assert "awaiting approval" not in q["reason"], "never sent for review"
    helpers.wait_for(lambda: blog.status_code(anon, post["id"]) == 404,
                     what="the flagged post to leave readers' sight")
    assert blog.get(u, post["id"])["status"] == "pending"

    blog.approve("post", post["id"])
    assert blog.get(anon, post["id"])["status"] == "approved"


def test_a_member_post_found_fine_stays_up(new_user, anon, admin, blog,
                                           helpers):
    u = new_user("t_")
    set_trust(admin, u, "member", helpers)
    fine = blog.create(u, body="Nothing to see here.")
    bad = blog.create(u, body="A casino bonus for you.")
    helpers.wait_for(lambda: blog.queue_item("post", bad["id"]),
                     what="the moderate job to get to both posts")
    assert blog.status_code(anon, fine["id"]) == 200
    assert blog.queue_item("post", fine["id"]) is None


def test_new_users_posts_still_wait(new_user, anon, blog, helpers):
    u = new_user("t_")
    post = blog.create(u)
    assert post["status"] == "pending"
    assert blog.status_code(anon, post["id"]) == 404
    assert blog.queue_item("post", post["id"]) is not None


def test_admin_override_and_back_to_the_record(new_user, admin, blog,
                                               helpers):
    u = new_user("t_")
    got = set_trust(admin, u, "trusted", helpers, reason="known author")
    assert got["trust"] == "trusted" and got["trust_override"] is True
    helpers.wait_for(lambda: u.get("/api/v1/me").json()["user"]["trust"]
                     == "trusted", what="the user to see the override")
    assert blog.create(u)["status"] == "approved"

    got = set_trust(admin, u, "new", helpers)
    assert got["trust"] == "new" and got["trust_override"] is True

    got = set_trust(admin, u, "auto", helpers)
    assert got["trust_override"] is False
    assert got["trust"] == "new", "one item is short of the defaults"

    # The page's form does the same, and the list shows the level.
    r = admin.form("/admin/users/%s/trust" % u.id,
                   {"level": "member", "reason": "", "back": "user"},
                   page="/admin/users/%s" % u.id)
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/admin/users/%s" % u.id
    assert standing(admin, u, helpers)["trust"] == "member"
    page = admin.html.get("/admin/users", params={"q": u.username}).text
    assert "member (set)" in page


def test_override_refuses_bad_input_and_non_admins(new_user, admin, helpers):
    u, other = new_user("t_"), new_user("t_")
    for body in ({}, {"level": "admin"}, {"level": "new", "reason": "x" *
                                          501}):
        r = admin.post("/api/v1/admin/users/%s/trust" % u.id, json=body)
        helpers.assert_problem(r, 422)
    assert standing(admin, u, helpers)["trust_override"] is False
    r = other.post("/api/v1/admin/users/%s/trust" % u.id,
                   json={"level": "trusted"})
    helpers.assert_problem(r, 403)
    assert standing(admin, u, helpers)["trust_override"] is False


def test_admin_users_page_shows_standing_and_finds_by_email(
        new_user, admin, helpers):
    u = new_user("t_")
    r = admin.html.get("/admin/users", params={"q": u.email.upper()})
    helpers.assert_html(r, 200)
    assert u.username in r.text
    for head in ("Trust", "Items", "Reported", "Rejected", "Last seen"):
        assert "<th>%s</th>" % head in r.text
    api = helpers.assert_json(admin.get("/api/v1/admin/users",
                                        params={"q": u.username}), 200)
    assert [x["username"] for x in api["users"]] == [u.username]
    one = api["users"][0]
    for key in ("trust", "trust_override", "suspended", "last_seen_at",
                "items", "reported", "rejected"):
        assert key in one, one


def test_a_new_user_may_include_two_links_a_member_more(
        new_user, author, admin, blog, helpers):
    three = "See https://a.example, http://b.example and HTTPS://c.example."
    two = "See https://a.example and http://b.example."
    u = new_user("t_")
    r = u.post("/api/v1/blog/posts", json={"title": "Links", "body": three})
    helpers.assert_problem(r, 422, ["body"])
    assert blog.create(u, body=two)["status"] == "pending"

    post = blog.published(author)
    r = u.post("/api/v1/blog/posts/%s/comments" % post["id"],
               json={"body": three})
    helpers.assert_problem(r, 422, ["body"])
    r = u.form("/blog/%s/comments" % post["id"], {"body": three},
               page=post["url"])
    helpers.assert_html(r, 422)
    assert "at most 2 links" in r.text
    assert three not in [c["body"] for c in blog.comments(u, post["id"])]

    set_trust(admin, u, "member", helpers)
    helpers.wait_for(lambda: u.get("/api/v1/me").json()["user"]["trust"]
                     == "member", what="the user to be a member")
    blog.comment(u, post["id"], three)
    assert blog.create(u, body=three)["status"] == "approved"


def test_a_members_edit_publishes_at_once(new_user, anon, admin, blog,
                                          helpers):
    u = new_user("t_")
    set_trust(admin, u, "member", helpers)
    post = blog.create(u, title=blog.new_title("Edit"))
    r = u.patch("/api/v1/blog/posts/%s" % post["id"],
                json={"body": "A member's edit is up."})
    helpers.assert_json(r, 200)
    assert blog.get(anon, post["id"])["body"] == "A member's edit is up."
    assert blog.queue_item("post", post["id"]) is None

    set_trust(admin, u, "trusted", helpers)
    helpers.wait_for(lambda: u.get("/api/v1/me").json()["user"]["trust"]
                     == "trusted", what="the user to be trusted")
    r = u.patch("/api/v1/blog/posts/%s" % post["id"],
                json={"body": "A trusted edit is up."})
    helpers.assert_json(r, 200)
    assert blog.get(anon, post["id"])["body"] == "A trusted edit is up."

    # A new account's edit of its published post still waits.
    n = new_user("t_")
    mine = blog.published(n)
    r = n.patch("/api/v1/blog/posts/%s" % mine["id"],
                json={"body": "A new account's edit waits."})
    helpers.assert_json(r, 200)
    assert blog.get(anon, mine["id"])["body"] != "A new account's edit waits."


@pytest.mark.parametrize("level", ["member", "trusted"])
def test_an_edit_published_at_once_is_still_read_by_the_moderate_job(
        level, new_user, anon, admin, blog, helpers):
    u = new_user("t_")
    set_trust(admin, u, level, helpers)
    post = blog.create(u, body="Nothing to see here.")
    assert post["status"] == "approved"
    r = u.patch("/api/v1/blog/posts/%s" % post["id"],
                json={"body": "Cheap viagra, ask me how."})
    helpers.assert_json(r, 200)

    def flagged():
        q = blog.queue_item("post", post["id"])
        return q if q and q["source"] == "auto" else None
    q = helpers.wait_for(flagged, what="the moderate job to flag the edit")
    assert "viagra" in q["reason"].lower()
    helpers.wait_for(lambda: blog.status_code(anon, post["id"]) == 404,
                     what="the flagged post to leave readers' sight")
    blog.approve("post", post["id"])
    assert blog.get(anon, post["id"])["body"] == "Cheap viagra, ask me how."


def test_a_rejected_post_goes_back_to_review_whoever_edits_it(
        new_user, anon, admin, blog, helpers):
    u = new_user("t_")
    post = blog.create(u, title=blog.new_title("Rejected"))
    blog.reject("post", post["id"], "Not for this site.")
    set_trust(admin, u, "trusted", helpers)
    helpers.wait_for(lambda: u.get("/api/v1/me").json()["user"]["trust"]
                     == "trusted", what="the user to be trusted")
    r = u.patch("/api/v1/blog/posts/%s" % post["id"],
                json={"body": "Better now?", "status": "pending"})
    got = helpers.assert_json(r, 200)["post"]
    assert got["status"] == "pending", got
    assert blog.status_code(anon, post["id"]) == 404
    assert blog.queue_item("post", post["id"]) is not None
