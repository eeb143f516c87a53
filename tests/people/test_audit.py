"""The audit log: each admin action (ban, unban, promote, demote,
suspend, unsuspend, trust, moderation decisions, settings) is recorded
with who, when, what and why, shown on /admin/audit and by the API a
page at a time, and nothing can delete or change a record."""

import re

import pytest

AUDIT = "/api/v1/admin/audit"
USERS = "/api/v1/admin/users"


def entries(admin, helpers, **params):
    return helpers.assert_json(admin.get(AUDIT, params=params), 200)


def newest(admin, helpers, n=20):
    return entries(admin, helpers, limit=n)["entries"]


def find(admin, helpers, action, target=None, subject=None):
    for e in newest(admin, helpers, 50):
        if e["action"] == action and (target is None or
                                      e["target"] == target) and \
                (subject is None or e["subject"] == subject):
            return e
    return None


@pytest.mark.parametrize("verb, body, action", [
    ("ban", {"reason": "spam links"}, "ban"),
    ("unban", {}, "unban"),
    ("promote", {}, "promote"),
    ("demote", {}, "demote"),
    ("suspend", {"seconds": 60, "reason": "cool off"}, "suspend"),
    ("unsuspend", {}, "unsuspend"),
    ("trust", {"level": "trusted", "reason": "known"}, "trust"),
])
def test_each_user_action_is_recorded(verb, body, action, new_user, admin,
                                      helpers):
    u = new_user("au_")
    r = admin.post("%s/%s/%s" % (USERS, u.id, verb), json=body)
    helpers.assert_json(r, 200)
    e = find(admin, helpers, action, target=u.username)
    assert e is not None, "no %s record" % action
    assert e["admin"] == "admin"
    assert e["reason"] == body.get("reason", "")
    assert e["created_at"].endswith("Z")
    if verb == "suspend":
        assert e["detail"]["seconds"] == 60 and e["detail"]["until"]
    if verb == "trust":
        assert e["detail"]["level"] == "trusted"

    # And it is in the user's history.
    h = helpers.assert_json(admin.get("%s/%s" % (USERS, u.id)), 200)
    assert [x["action"] for x in h["history"]][0] == action
    if verb == "promote":
        admin.post("%s/%s/demote" % (USERS, u.id), json={})


def test_a_refused_action_leaves_no_record(new_user, admin, helpers):
    u = new_user("au_")
    r = admin.post("%s/%s/suspend" % (USERS, u.id), json={"seconds": 0,
                                                           "reason": "x"})
    helpers.assert_problem(r, 422)
    assert find(admin, helpers, "suspend", target=u.username) is None
    r = admin.post("%s/999999999/ban" % USERS, json={})
    assert r.status_code == 404


def test_moderation_decisions_are_recorded(new_user, admin, blog, helpers):
    u = new_user("au_")
    yes, no = blog.create(u), blog.create(u)
    blog.approve("post", yes["id"])
    blog.reject("post", no["id"], "Off topic here.")
    a = find(admin, helpers, "approve", subject="post %s" % yes["id"])
    r = find(admin, helpers, "reject", subject="post %s" % no["id"])
    assert a and a["target"] == u.username and a["detail"]["kind"] == "post"
    assert r and r["reason"] == "Off topic here."
    page = admin.html.get("/admin/users/%s" % u.id).text
    assert "Off topic here." in page


def test_setting_changes_are_recorded(admin, helpers):
    r = admin.patch("/api/v1/admin/settings", json={"member_items": 4})
    helpers.assert_json(r, 200)
    e = find(admin, helpers, "settings")
    assert e and e["detail"].get("member_items") == 4
    admin.patch("/api/v1/admin/settings", json={"member_items": 3})


def test_page_and_cursor(new_user, admin, helpers):
    u = new_user("au_")
    for verb in ("promote", "demote", "promote", "demote"):
        admin.post("%s/%s/%s" % (USERS, u.id, verb), json={})
    first = entries(admin, helpers, limit=2)
    assert len(first["entries"]) == 2 and first["next_before"]
    second = entries(admin, helpers, limit=2, before=first["next_before"])
    ids = [e["id"] for e in first["entries"] + second["entries"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4
    for bad in ({"before": "x"}, {"limit": "0"}, {"limit": "201"}):
        helpers.assert_problem(admin.get(AUDIT, params=bad), 400)

    page = admin.html.get("/admin/audit")
    helpers.assert_html(page, 200)
    assert u.username in page.text and "demote" in page.text


def test_the_page_links_to_older_records(admin, helpers, psql):
    # Records straight into the log (inserting is all it allows).
    psql("SELECT audit_log(NULL, 'settings', NULL, 'filler', '', '{}',"
         " NULL) FROM generate_series(1, 55)")
    page = admin.html.get("/admin/audit").text
    assert page.count("<tr id=\"a") == 50
    m = re.search(r'href="/admin/audit\?before=(\d+)"', page)
    assert m, "no link to older records"
    older = admin.html.get("/admin/audit?before=%s" % m.group(1)).text
    ids = [int(x) for x in re.findall(r'<tr id="a(\d+)"', older)]
    assert ids and max(ids) < int(m.group(1))


def test_the_log_is_for_admins(new_user, anon, helpers):
    u = new_user("au_")
    helpers.assert_problem(u.get(AUDIT), 403)
    helpers.assert_problem(anon.get(AUDIT), 401)
    helpers.assert_html(u.html.get("/admin/audit"), 403)


@pytest.mark.parametrize("sql", [
    "DELETE FROM admin_audit",
    "UPDATE admin_audit SET reason = 'nothing happened'",
    "TRUNCATE admin_audit",
])
def test_nothing_deletes_or_changes_a_record(sql, new_user, admin, helpers,
                                             psql):
    u = new_user("au_")
    admin.post("%s/%s/promote" % (USERS, u.id), json={})
    admin.post("%s/%s/demote" % (USERS, u.id), json={})
    before = psql("SELECT count(*), max(id) FROM admin_audit")
    with pytest.raises(AssertionError) as e:
        psql(sql)
    assert "append-only" in str(e.value)
    assert psql("SELECT count(*), max(id) FROM admin_audit") == before
    assert find(admin, helpers, "promote", target=u.username)["reason"] == ""


def test_deleting_others_comments_and_messages_is_recorded(
        new_user, admin, blog, photo, helpers):
    """An admin deleting someone else's blog comment, photo comment or
    chat message leaves a record; an author deleting their own does
    not."""
    u, w = new_user("dc_"), new_user("dw_")
    post = blog.published(u)
    c = blog.comment(w, post["id"])
    r = admin.delete("/api/v1/blog/comments/%s" % c["id"])
    assert r.status_code in (200, 204), helpers.describe(r)
    e = find(admin, helpers, "delete", subject="comment %s" % c["id"])
    assert e and e["target"] == w.username
    assert e["detail"]["post"] == post["id"]

    pid = photo(u)
    r = w.post("/api/v1/photos/%s/comments" % pid, json={"body": "Nice."})
    pc = helpers.assert_json(r, 201)["comment"]
    r = admin.delete("/api/v1/photos/comments/%s" % pc["id"])
    assert r.status_code in (200, 204), helpers.describe(r)
    assert find(admin, helpers, "delete",
                subject="photo comment %s" % pc["id"])

    room = helpers.assert_json(w.post("/api/v1/chat/rooms", json={
        "name": "aud-%s" % w.username[-6:]}), 201)["room"]
    m = helpers.assert_json(w.post("/api/v1/chat/rooms/%s/messages" %
                                   room["id"], json={"body": "hi"}),
                            201)["message"]
    r = admin.delete("/api/v1/chat/messages/%s" % m["id"])
    assert r.status_code == 204, helpers.describe(r)
    e = find(admin, helpers, "delete", subject="chat message %s" % m["id"])
    assert e and e["target"] == w.username and \
        e["detail"]["room"] == room["id"]

    # Their own: no record.
    own = helpers.assert_json(w.post("/api/v1/chat/rooms/%s/messages" %
                                     room["id"], json={"body": "bye"}),
                              201)["message"]
    assert w.delete("/api/v1/chat/messages/%s" % own["id"]).status_code \
        == 204
    assert find(admin, helpers, "delete",
                subject="chat message %s" % own["id"]) is None
