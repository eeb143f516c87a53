"""The review of posts end to end: a user's post waits in the admin
moderation queue, an admin approves or rejects it (API and pages, one by
one or in bulk), and the author is told by email."""

import re

import pytest


def on_index(actor, post_id, helpers):
    r = actor.html.get("/blog")
    helpers.assert_html(r, 200)
    return post_id in helpers.post_ids_in_list(r.text)


def in_api_list(actor, post_id, helpers):
    r = actor.get("/api/v1/blog/posts?limit=100")
    body = helpers.assert_json(r, 200)
    return post_id in [p["id"] for p in body["posts"]]


def on_user_page(actor, username, post_id, helpers):
    r = actor.html.get("/blog/u/%s" % username)
    helpers.assert_html(r, 200)
    return post_id in helpers.post_ids_in_list(r.text)


def queue_ids(page):
    """{(kind, item id): queue id} of the moderation page's items."""
    out = {}
    for m in re.finditer(
            r'<article class="mod-item" id="q([0-9]+)" '
            r'data-kind="([a-z_]+)" data-item="([0-9]+)" data-app="[a-z]+">'
            r'\s*<header><label><input type="checkbox" name="id" '
            r'value="([0-9]+)" form="bulk">', page):
        assert m.group(1) == m.group(4), m.group(0)
        out[(m.group(2), int(m.group(3)))] = int(m.group(1))
    return out


def test_post_is_reviewed_published_and_the_author_told(
        author, other, anon, admin, blog, mailbox, site_url, helpers):
    title = blog.new_title("Reviewed")
    body = "A post that waits for review.\n\nSecond paragraph."
    post = blog.create(author, title=title, body=body)
    pid = post["id"]
    assert post["status"] == "pending"

    # Pending: only the author and admins see it; no list shows it.
    for reader in (anon, other):
        helpers.assert_problem(reader.get("/api/v1/blog/posts/%s" % pid), 404)
        helpers.assert_html(reader.html.get(post["url"]), 404)
        assert not on_user_page(reader, author.username, pid, helpers)
    assert blog.get(author, pid)["status"] == "pending"
    assert not on_index(anon, pid, helpers)
    assert not in_api_list(anon, pid, helpers)
    assert title not in anon.html.get("/blog/feed.atom").text
    own = author.html.get("/blog/u/%s" % author.username).text
    item = helpers.list_item(own, pid)
    assert item and "status-pending" in item, own[:2000]

    # In the queue, with a preview.
    q = blog.queue_item("post", pid)
    assert q is not None, "post %s not in the moderation queue" % pid
    assert q["author"] == author.username
    assert q["preview_title"] == title
    assert q["preview_body"] == body
    assert q["source"] == "review" and q["reason"]
    assert q["link"].startswith("/blog/%s" % pid)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z",
                        q["created_at"]), q

    # Approved by an admin through the API.
    r = admin.post("/api/v1/admin/moderation/post/%s/approve" % pid, json={})
    decided = helpers.assert_json(r, 200)
    assert decided["decision"] == "approved"
    assert str(decided["item_id"]) == str(pid) and decided["kind"] == "post"
    assert blog.queue_item("post", pid) is None
    helpers.assert_problem(
        admin.post("/api/v1/admin/moderation/post/%s/approve" % pid,
                   json={}), 404)

    # Public everywhere.
    for reader in (anon, other, author):
        assert blog.get(reader, pid)["status"] == "approved"
        helpers.assert_html(reader.html.get(post["url"]), 200)
    helpers.wait_for(lambda: on_index(anon, pid, helpers),
                     what="the post on /blog")
    assert in_api_list(anon, pid, helpers)
    assert on_user_page(anon, author.username, pid, helpers)
    assert title in anon.html.get("/blog/feed.atom").text

    # The author's email.
    msg = mailbox.wait(author.email, 'Your post "%s" is published' % title)
    assert str(msg["Subject"]) == 'Your post "%s" is published' % title
    text = helpers.mail_text(msg)
    assert title in text
    assert site_url + post["url"] in text


def test_rejection_needs_a_reason_and_tells_the_author(
        author, other, anon, admin, blog, mailbox, site_url, helpers):
    title = blog.new_title("Rejected")
    post = blog.create(author, title=title)
    pid = post["id"]
    url = "/api/v1/admin/moderation/post/%s/reject" % pid
    for bad in ({}, {"reason": ""}, {"reason": "  \n\t"},
                {"reason": "x" * 501}):
        helpers.assert_problem(admin.post(url, json=bad), 422, ["reason"])
    r = admin.post(url)                     # no body at all
    helpers.assert_problem(r, 422, ["reason"])
    assert blog.get(admin, pid)["status"] == "pending"
    assert blog.queue_item("post", pid) is not None

    reason = "Off topic for this blog, sorry."
    r = admin.post(url, json={"reason": reason})
    assert helpers.assert_json(r, 200)["decision"] == "rejected"
    got = blog.get(author, pid)
    assert got["status"] == "rejected" and got["reject_reason"] == reason
    assert blog.queue_item("post", pid) is None
    for reader in (anon, other):
        helpers.assert_problem(reader.get("/api/v1/blog/posts/%s" % pid), 404)
    page = author.html.get(post["url"])
    helpers.assert_html(page, 200)
    assert reason in page.text and "status-rejected" in page.text

    msg = mailbox.wait(author.email,
                       'Your post "%s" was not published' % title)
    text = helpers.mail_text(msg)
    assert reason in text
    assert site_url + "/blog/%s/edit" % pid in text
    assert reason in helpers.mail_html(msg)


def test_resubmitted_rejected_post_goes_back_to_the_queue(
        author, admin, blog, helpers):
    post = blog.create(author)
    blog.reject("post", post["id"], "Needs a better title.")
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"title": blog.new_title("Better")})
    got = helpers.assert_json(r, 200)["post"]
    assert got["status"] == "pending"
    assert "reject_reason" not in got
    assert blog.queue_item("post", post["id"]) is not None
    blog.approve("post", post["id"])
    assert blog.get(admin, post["id"])["status"] == "approved"


def test_bulk_approve_through_the_page(new_user, anon, admin, blog, mailbox,
                                       helpers):
    writers = [new_user("w_") for _ in range(3)]
    posts = [blog.create(w, title=blog.new_title("Bulk")) for w in writers]

    page = admin.html.get("/admin/moderation")
    helpers.assert_html(page, 200)
    ids = queue_ids(page.text)
    for p in posts:
        assert ("post", p["id"]) in ids, "post %s not on the page" % p["id"]
    m = re.search(r'<form method="post" action="/admin/moderation/bulk" '
                  r'id="bulk">(.*?)</form>', page.text, re.DOTALL)
    assert m, "no bulk form"
    csrf = helpers.find_csrf(m.group(1))

    chosen, left = posts[:2], posts[2]
    fields = [("id", str(ids[("post", p["id"])])) for p in chosen]
    r = admin.html.post("/admin/moderation/bulk",
                        data=fields + [("_csrf", csrf)])
    assert r.status_code == 303, helpers.describe(r)
    assert helpers.location(r) == "/admin/moderation"

    for p, w in zip(chosen, writers):
        assert blog.get(anon, p["id"])["status"] == "approved"
        assert blog.queue_item("post", p["id"]) is None
        mailbox.wait(w.email, 'Your post "%s" is published' % p["title"])
    assert blog.get(admin, left["id"])["status"] == "pending"
    after = queue_ids(admin.html.get("/admin/moderation").text)
    assert ("post", left["id"]) in after
    assert all(("post", p["id"]) not in after for p in chosen)


def test_bulk_form_without_ids_or_with_junk_changes_nothing(
        author, admin, blog, helpers):
    post = blog.create(author)
    for fields in ([], [("id", "")], [("id", "abc")], [("id", "-1")]):
        r = admin.form("/admin/moderation/bulk", fields,
                       page="/admin/moderation")
        assert r.status_code == 303, helpers.describe(r)
        assert helpers.location(r) == "/admin/moderation"
    assert blog.get(admin, post["id"])["status"] == "pending"


def test_single_decisions_through_the_page(author, admin, blog, mailbox,
                                           helpers):
    yes = blog.create(author, title=blog.new_title("PageYes"))
    no = blog.create(author, title=blog.new_title("PageNo"))
    page = admin.html.get("/admin/moderation").text
    ids = queue_ids(page)
    qyes, qno = ids[("post", yes["id"])], ids[("post", no["id"])]
    assert 'action="/admin/moderation/%d/approve"' % qyes in page
    assert 'action="/admin/moderation/%d/reject"' % qno in page

    r = admin.form("/admin/moderation/%d/approve" % qyes, {},
                   page="/admin/moderation")
    assert r.status_code == 303 and \
        helpers.location(r) == "/admin/moderation", helpers.describe(r)
    assert blog.get(admin, yes["id"])["status"] == "approved"

    # A rejection without a reason is refused and changes nothing.
    r = admin.form("/admin/moderation/%d/reject" % qno, {"reason": " "},
                   page="/admin/moderation")
    helpers.assert_html(r, 422)
    assert blog.get(admin, no["id"])["status"] == "pending"
    r = admin.form("/admin/moderation/%d/reject" % qno,
                   {"reason": "Too short."}, page="/admin/moderation")
    assert r.status_code == 303, helpers.describe(r)
    got = blog.get(admin, no["id"])
    assert got["status"] == "rejected" and got["reject_reason"] == "Too short."
    mailbox.wait(author.email,
                 'Your post "%s" was not published' % no["title"])

    # Decided items are gone: deciding again is a 404.
    r = admin.form("/admin/moderation/%d/approve" % qyes, {},
                   page="/admin/moderation")
    helpers.assert_html(r, 404)


def test_author_edit_of_published_post_waits_with_the_post_up(
        author, anon, admin, blog, helpers):
    post = blog.published(author)
    pid = post["id"]
    helpers.wait_for(lambda: on_index(anon, pid, helpers),
                     what="the post on /blog")
    title = blog.new_title("Changed")
    r = author.patch("/api/v1/blog/posts/%s" % pid,
                     json={"title": title, "body": "Changed text."})
    got = helpers.assert_json(r, 200)["post"]
    assert got["status"] == "approved" and got["title"] == post["title"]
    assert got["edit"]["status"] == "pending"

    q = blog.queue_item("post", pid)
    assert q is not None
    assert q["preview_title"] == title and q["preview_body"] == "Changed text."
    assert blog.get(anon, pid)["title"] == post["title"]
    helpers.assert_html(anon.html.get(got["url"]), 200)
    assert on_index(anon, pid, helpers)
    assert in_api_list(anon, pid, helpers)

    blog.approve("post", pid)
    assert blog.get(anon, pid)["title"] == title


def test_author_edit_through_the_form_waits_with_the_post_up(
        author, anon, blog, helpers):
    post = blog.published(author)
    path = "/blog/%s/edit" % post["id"]
    r = author.form(path, {"title": post["title"], "body": "Form edit.",
                           "status": "pending"}, page=path)
    assert r.status_code == 303, helpers.describe(r)
    assert blog.get(author, post["id"])["edit"]["status"] == "pending"
    assert blog.queue_item("post", post["id"]) is not None
    helpers.assert_json(anon.get("/api/v1/blog/posts/%s" % post["id"]), 200)


@pytest.mark.parametrize("how", ("api", "form"))
def test_admin_edit_keeps_the_post_published(how, author, anon, admin, blog,
                                             helpers):
    post = blog.published(author)
    title = blog.new_title("AdminEdit")
    if how == "api":
        r = admin.patch("/api/v1/blog/posts/%s" % post["id"],
                        json={"title": title})
        assert helpers.assert_json(r, 200)["post"]["status"] == "approved"
    else:
        path = "/blog/%s/edit" % post["id"]
        r = admin.form(path, {"title": title, "body": post["body"],
                              "status": "pending"}, page=path)
        assert r.status_code == 303, helpers.describe(r)
    got = blog.get(anon, post["id"])
    assert got["status"] == "approved" and got["title"] == title
    assert blog.queue_item("post", post["id"]) is None


def test_pending_post_edited_again_has_one_queue_item(author, blog, helpers):
    post = blog.create(author)
    for i in range(3):
        r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                         json={"body": "Version %d" % i})
        assert r.status_code == 200, helpers.describe(r)
    items = [q for q in blog.queue()
             if q["kind"] == "post" and q["item_id"] == post["id"]]
    assert len(items) == 1, items
    assert items[0]["preview_body"] == "Version 2"


def test_drafts_skip_the_queue_until_submitted(author, other, blog, helpers):
    post = blog.create(author, status="draft")
    assert post["status"] == "draft"
    assert blog.queue_item("post", post["id"]) is None
    helpers.assert_problem(other.get("/api/v1/blog/posts/%s" % post["id"]),
                           404)
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"status": "pending"})
    assert helpers.assert_json(r, 200)["post"]["status"] == "pending"
    assert blog.queue_item("post", post["id"]) is not None
    # Back to draft: out of the queue again.
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"status": "draft"})
    assert helpers.assert_json(r, 200)["post"]["status"] == "draft"
    assert blog.queue_item("post", post["id"]) is None


def test_users_cannot_publish_their_own_posts(author, anon, blog, helpers):
    post = blog.create(author)
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"status": "approved"})
    helpers.assert_problem(r, 422, ["status"])
    r = author.form("/blog/%s/edit" % post["id"],
                    {"title": post["title"], "body": "x",
                     "status": "approved"}, page="/blog/new")
    helpers.assert_html(r, 422)
    helpers.assert_problem(anon.get("/api/v1/blog/posts/%s" % post["id"]), 404)


def test_deleted_pending_post_leaves_the_queue(author, blog, helpers):
    post = blog.create(author)
    assert blog.queue_item("post", post["id"]) is not None
    r = author.delete("/api/v1/blog/posts/%s" % post["id"])
    assert r.status_code == 204, helpers.describe(r)
    assert blog.queue_item("post", post["id"]) is None


@pytest.mark.parametrize("path", [
    "/api/v1/admin/moderation/post/%d/approve",
    "/api/v1/admin/moderation/comment/%d/approve",
    "/api/v1/admin/moderation/nosuchkind/%d/approve",
])
def test_decisions_on_nothing_open_are_404(path, admin, helpers):
    r = admin.post(path % 900000000000000000, json={})
    helpers.assert_problem(r, 404)


def test_decision_on_a_draft_or_published_post_is_404(author, admin, blog,
                                                      helpers):
    draft = blog.create(author, status="draft")
    live = blog.published(author)
    for post in (draft, live):
        for d in ("approve", "reject"):
            r = admin.post("/api/v1/admin/moderation/post/%s/%s" %
                           (post["id"], d), json={"reason": "r"})
            helpers.assert_problem(r, 404)
    assert blog.get(admin, draft["id"])["status"] == "draft"


def test_queue_is_oldest_first(new_user, blog, helpers):
    first = blog.create(new_user("q_"))
    second = blog.create(new_user("q_"))
    items = blog.queue()
    order = [(q["kind"], q["item_id"]) for q in items]
    assert order.index(("post", first["id"])) < \
        order.index(("post", second["id"]))
    stamps = [q["created_at"] for q in items]
    assert stamps == sorted(stamps)
    for q in items:
        for key in ("id", "kind", "item_id", "reason", "source", "author",
                    "preview_title", "preview_body", "link", "created_at"):
            assert key in q, (key, q)


def test_automated_check_annotates_the_review_item(author, blog, helpers):
    post = blog.create(author, body="Cheap VIAGRA for everyone.")

    def flagged():
        q = blog.queue_item("post", post["id"])
        return q if q and "viagra" in q["reason"].lower() else None
    q = helpers.wait_for(flagged, what="the moderate job's reason")
    assert q["preview_body"] == "Cheap VIAGRA for everyone."
    assert len([i for i in blog.queue() if i["kind"] == "post" and
                i["item_id"] == post["id"]]) == 1
    assert blog.get(author, post["id"])["status"] == "pending"
