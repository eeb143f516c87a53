"""Who may do what on every blog route and method, in the API and in the
pages: the anonymous visitor, the post's author, another user and an
admin, against posts in every state.

Each case makes a fresh post in the state it needs; the two users are
shared by the module (they only read and write their own fresh posts).
"""

import re
import urllib.parse

import pytest

ACTORS = ("anon", "author", "other", "admin")
STATES = ("approved", "pending", "draft", "rejected")
UNPUBLISHED = ("pending", "draft", "rejected")

HUGE_ID = 9000000000000000000


def table(approved, unpublished):
    """{state: {actor: expected}} from the approved row and the others."""
    t = {"approved": dict(zip(ACTORS, approved))}
    for s in UNPUBLISHED:
        t[s] = dict(zip(ACTORS, unpublished))
    return t


#                      anon author other admin
READ = table((200, 200, 200, 200), (404, 200, 404, 200))
API_PATCH = table((401, 200, 403, 200), (401, 200, 404, 200))
API_DELETE = table((401, 204, 403, 204), (401, 204, 404, 204))
API_COMMENT = table((401, 201, 201, 201), (401, 404, 404, 404))
HTML_EDIT_GET = table((303, 200, 403, 200), (303, 200, 404, 200))
HTML_EDIT_POST = table((303, 303, 403, 303), (303, 303, 404, 303))
HTML_DELETE = table((303, 303, 403, 303), (303, 303, 404, 303))
HTML_COMMENT = table((303, 303, 303, 303), (303, 404, 404, 404))

# The status after a successful PATCH {title} (no status given): a user's
# edit of a rejected post goes back to review, of a published one waits
# for review as an edit while the post stays published; an admin's keeps
# the state.
PATCH_RESULT = {
    ("approved", "author"): "approved", ("approved", "admin"): "approved",
    ("pending", "author"): "pending", ("pending", "admin"): "pending",
    ("draft", "author"): "draft", ("draft", "admin"): "draft",
    ("rejected", "author"): "pending", ("rejected", "admin"): "rejected",
}


@pytest.fixture(scope="module")
def cast(make_user):
    return {"author": make_user("a_"), "other": make_user("o_")}


@pytest.fixture
def people(cast, anon, admin):
    return {"anon": anon, "author": cast["author"], "other": cast["other"],
            "admin": admin}


@pytest.fixture
def post_in(blog, cast):
    """post_in(state) -> a fresh post by the cast's author in `state`."""

    def make(state):
        author = cast["author"]
        if state == "approved":
            return blog.published(author)
        if state == "draft":
            post = blog.create(author, status="draft")
        else:
            post = blog.create(author)
        if state == "rejected":
            blog.reject("post", post["id"], "Not for this blog.")
            post = blog.get(author, post["id"])
        assert post["status"] == state, post
        return post

    return make


def csrf_page(actor):
    """A page with a form for this actor: the login form when anonymous."""
    return "/login" if actor.anonymous else "/blog/new"


def assert_login_redirect(r, h, path):
    assert r.status_code == 303, h.describe(r)
    loc = h.location(r)
    assert loc.startswith("/login?next="), h.describe(r)
    nxt = urllib.parse.unquote(loc[len("/login?next="):])
    assert nxt == path, h.describe(r)


def assert_status(r, h, expected):
    """An API answer: `expected`, as JSON or problem+json."""
    if expected >= 400:
        h.assert_problem(r, expected)
    elif expected == 204:
        assert r.status_code == 204, h.describe(r)
        assert r.content == b"", h.describe(r)
    else:
        h.assert_json(r, expected)


# ------------------------------------------------------------------ API

@pytest.mark.parametrize("who", ACTORS)
def test_api_create_post(who, people, blog, helpers):
    actor = people[who]
    title = blog.new_title("Create")
    r = actor.post("/api/v1/blog/posts", json={"title": title, "body": "x"})
    if who == "anon":
        helpers.assert_problem(r, 401)
        return
    body = helpers.assert_json(r, 201)
    post = body["post"]
    blog.track(post["id"])
    assert r.headers.get("Location") == "/api/v1/blog/posts/%s" % post["id"]
    assert post["title"] == title
    assert post["author"] == actor.username
    # A user's post waits for review; an admin's is published at once.
    assert post["status"] == ("approved" if who == "admin" else "pending")


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_api_get_post(state, who, people, post_in, helpers):
    post = post_in(state)
    r = people[who].get("/api/v1/blog/posts/%s" % post["id"])
    expected = READ[state][who]
    assert_status(r, helpers, expected)
    if expected == 200:
        got = r.json()["post"]
        assert got["id"] == post["id"] and got["status"] == state
        for key in ("title", "slug", "created_at", "updated_at", "author",
                    "author_id", "url", "reading_minutes", "comment_count",
                    "excerpt", "body", "html"):
            assert key in got, (key, got)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_api_patch_post(state, who, people, post_in, blog, admin, helpers):
    post = post_in(state)
    title = blog.new_title("Patched")
    r = people[who].patch("/api/v1/blog/posts/%s" % post["id"],
                          json={"title": title})
    expected = API_PATCH[state][who]
    assert_status(r, helpers, expected)
    now = blog.get(admin, post["id"])
    if expected == 200 and (state, who) == ("approved", "author"):
        assert r.json()["post"]["edit"]["title"] == title
        assert now["title"] == post["title"] and now["edit"]["title"] == title
        assert now["status"] == "approved", now
    elif expected == 200:
        assert r.json()["post"]["title"] == title
        assert now["title"] == title
        assert now["status"] == PATCH_RESULT[(state, who)], now
    else:
        assert now["title"] == post["title"] and now["status"] == state


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_api_delete_post(state, who, people, post_in, blog, admin, helpers):
    post = post_in(state)
    r = people[who].delete("/api/v1/blog/posts/%s" % post["id"])
    expected = API_DELETE[state][who]
    assert_status(r, helpers, expected)
    left = blog.status_code(admin, post["id"])
    assert left == (404 if expected == 204 else 200)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_api_list_comments(state, who, people, post_in, helpers):
    post = post_in(state)
    r = people[who].get("/api/v1/blog/posts/%s/comments" % post["id"])
    expected = READ[state][who]
    assert_status(r, helpers, expected)
    if expected == 200:
        assert r.json()["comments"] == []


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_api_add_comment(state, who, people, post_in, blog, admin, helpers):
    post = post_in(state)
    text = "Comment " + helpers.unique_name("")
    r = people[who].post("/api/v1/blog/posts/%s/comments" % post["id"],
                         json={"body": text})
    expected = API_COMMENT[state][who]
    assert_status(r, helpers, expected)
    bodies = [c["body"] for c in blog.comments(admin, post["id"])]
    if expected == 201:
        c = r.json()["comment"]
        assert c["body"] == text and c["author"] == people[who].username
        assert c["post_id"] == post["id"]
        assert r.headers.get("Location") == \
            "/api/v1/blog/posts/%s/comments" % post["id"]
        assert text in bodies
    else:
        assert text not in bodies


COMMENT_DELETERS = ("anon", "commenter", "post_author", "other", "admin")
API_COMMENT_DELETE = dict(zip(COMMENT_DELETERS, (401, 204, 204, 403, 204)))
HTML_COMMENT_DELETE = dict(zip(COMMENT_DELETERS, (303, 303, 303, 403, 303)))


@pytest.fixture
def commented(people, blog, new_user):
    """(post, comment id, {role: actor}) for the comment-deletion cases."""
    post = blog.published(people["author"])
    commenter = new_user("c_")
    comment = blog.comment(commenter, post["id"], "Worth deleting?")
    roles = {"anon": people["anon"], "commenter": commenter,
             "post_author": people["author"], "other": people["other"],
             "admin": people["admin"]}
    return post, comment["id"], roles


@pytest.mark.parametrize("who", COMMENT_DELETERS)
def test_api_delete_comment(who, commented, blog, admin, helpers):
    post, cid, roles = commented
    r = roles[who].delete("/api/v1/blog/comments/%s" % cid)
    expected = API_COMMENT_DELETE[who]
    assert_status(r, helpers, expected)
    ids = [c["id"] for c in blog.comments(admin, post["id"])]
    assert (cid in ids) == (expected != 204)


@pytest.mark.parametrize("who", ("commenter", "post_author", "other",
                                 "admin"))
def test_api_delete_unknown_comment_is_404(who, commented, helpers):
    _, _, roles = commented
    r = roles[who].delete("/api/v1/blog/comments/%d" % HUGE_ID)
    helpers.assert_problem(r, 404)


@pytest.mark.parametrize("path,methods", [
    ("/api/v1/blog/posts/%d", ("GET", "PATCH", "DELETE")),
    ("/api/v1/blog/posts/%d/comments", ("GET", "POST")),
])
def test_api_unknown_post_is_404(path, methods, people, helpers):
    for who in ("author", "admin"):
        for method in methods:
            kw = {"json": {"title": "x", "body": "y"}} \
                if method in ("PATCH", "POST") else {}
            r = people[who].request(method, path % HUGE_ID, **kw)
            helpers.assert_problem(r, 404)


@pytest.mark.parametrize("method,path", [
    ("PUT", "/api/v1/blog/posts"),
    ("DELETE", "/api/v1/blog/posts"),
    ("PUT", "/api/v1/blog/posts/1"),
    ("POST", "/api/v1/blog/posts/1"),
    ("PATCH", "/api/v1/blog/posts/1/comments"),
    ("GET", "/api/v1/blog/comments/1"),
    ("POST", "/blog"),
    ("POST", "/blog/feed.atom"),
    ("DELETE", "/blog/1-x"),
    ("GET", "/blog/1/delete"),
    ("GET", "/blog/1/comments"),
    ("GET", "/blog/comments/1/delete"),
    ("PUT", "/blog/new"),
    ("GET", "/admin/moderation/bulk"),
    ("GET", "/api/v1/admin/moderation/post/1/approve"),
])
def test_methods_outside_the_routes_are_405(method, path, admin, helpers):
    r = admin.request(method, path, data=b"")
    assert r.status_code == 405, helpers.describe(r)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("path", ["/blog", "/blog/feed.atom",
                                  "/api/v1/blog/posts", "/blog/u/{author}"])
def test_public_lists_are_open_to_everyone(path, who, people):
    path = path.format(author=people["author"].username)
    if path.startswith("/api/"):
        r = people[who].get(path)
    else:
        r = people[who].html.get(path)
    assert r.status_code == 200, r.text[:300]


# ------------------------------------------------------------------ HTML

@pytest.mark.parametrize("who", ACTORS)
def test_html_new_post_form(who, people, helpers):
    actor = people[who]
    r = actor.html.get("/blog/new")
    if who == "anon":
        assert_login_redirect(r, helpers, "/blog/new")
        return
    helpers.assert_html(r, 200)
    assert 'action="/blog/new"' in r.text
    assert helpers.find_csrf(r.text)


@pytest.mark.parametrize("who", ACTORS)
def test_html_create_post(who, people, blog, helpers):
    actor = people[who]
    title = blog.new_title("Form")
    r = actor.form("/blog/new", {"title": title, "body": "From the form.",
                                 "status": "pending"}, page=csrf_page(actor))
    if who == "anon":
        assert_login_redirect(r, helpers, "/blog/new")
        return
    assert r.status_code == 303, helpers.describe(r)
    loc = helpers.location(r)
    m = re.fullmatch(r"/blog/([0-9]+)-([a-z0-9-]+)", loc)
    assert m, helpers.describe(r)
    blog.track(m.group(1))
    post = blog.get(actor, m.group(1))
    assert post["title"] == title and post["url"] == loc
    assert post["status"] == ("approved" if who == "admin" else "pending")
    page = actor.html.get(loc)
    helpers.assert_html(page, 200)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_html_post_page(state, who, people, post_in, helpers):
    post = post_in(state)
    r = people[who].html.get(post["url"])
    expected = READ[state][who]
    helpers.assert_html(r, expected)
    if expected == 200:
        assert "<h1>%s" % post["title"] in r.text


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_html_edit_form(state, who, people, post_in, helpers):
    post = post_in(state)
    path = "/blog/%s/edit" % post["id"]
    r = people[who].html.get(path)
    expected = HTML_EDIT_GET[state][who]
    if who == "anon":
        assert_login_redirect(r, helpers, path)
        return
    helpers.assert_html(r, expected)
    if expected == 200:
        assert 'action="%s"' % path in r.text
        assert helpers.input_values(r.text, "title") == [post["title"]]


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_html_edit_submit(state, who, people, post_in, blog, admin, helpers):
    post = post_in(state)
    actor = people[who]
    path = "/blog/%s/edit" % post["id"]
    title = blog.new_title("Edited")
    r = actor.form(path, {"title": title, "body": "New text.",
                          "status": "pending"}, page=csrf_page(actor))
    expected = HTML_EDIT_POST[state][who]
    now = blog.get(admin, post["id"])
    if who == "anon":
        assert_login_redirect(r, helpers, path)
    elif expected == 303:
        assert r.status_code == 303, helpers.describe(r)
        assert helpers.location(r) == now["url"]
    else:
        helpers.assert_html(r, expected)
    if expected == 303 and (state, who) == ("approved", "author"):
        # The edit of a published post waits; the post stays up.
        assert now["title"] == post["title"] and now["status"] == "approved"
        assert now["edit"]["title"] == title
        assert now["edit"]["body"] == "New text."
    elif expected == 303 and who != "anon":
        assert now["title"] == title and now["body"] == "New text."
        # "Publish": a user's post goes to review, an admin's is published.
        assert now["status"] == ("approved" if who == "admin" else "pending")
    else:
        assert now["title"] == post["title"] and now["status"] == state


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_html_delete_post(state, who, people, post_in, blog, admin, helpers):
    post = post_in(state)
    actor = people[who]
    path = "/blog/%s/delete" % post["id"]
    r = actor.form(path, {}, page=csrf_page(actor))
    expected = HTML_DELETE[state][who]
    if who == "anon":
        assert_login_redirect(r, helpers, path)
    elif expected == 303:
        assert r.status_code == 303, helpers.describe(r)
        assert helpers.location(r) == "/blog"
    else:
        helpers.assert_html(r, expected)
    gone = expected == 303 and who != "anon"
    assert blog.status_code(admin, post["id"]) == (404 if gone else 200)


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_html_add_comment(state, who, people, post_in, blog, admin, helpers):
    post = post_in(state)
    actor = people[who]
    path = "/blog/%s/comments" % post["id"]
    text = "Form comment " + helpers.unique_name("")
    r = actor.form(path, {"body": text}, page=csrf_page(actor))
    expected = HTML_COMMENT[state][who]
    comments = blog.comments(admin, post["id"])
    if who == "anon":
        assert_login_redirect(r, helpers, path)
    elif expected == 303:
        assert r.status_code == 303, helpers.describe(r)
        mine = [c for c in comments if c["body"] == text]
        assert len(mine) == 1 and mine[0]["author"] == actor.username
        assert helpers.location(r) in (
            "/blog/%s#c%s" % (post["id"], mine[0]["id"]),
            "%s#c%s" % (post["url"], mine[0]["id"]))
        return
    else:
        helpers.assert_html(r, expected)
    assert text not in [c["body"] for c in comments]


@pytest.mark.parametrize("who", COMMENT_DELETERS)
def test_html_delete_comment(who, commented, blog, admin, helpers):
    post, cid, roles = commented
    actor = roles[who]
    path = "/blog/comments/%s/delete" % cid
    r = actor.form(path, {}, page=csrf_page(actor))
    expected = HTML_COMMENT_DELETE[who]
    if who == "anon":
        assert_login_redirect(r, helpers, path)
    elif expected == 303:
        assert r.status_code == 303, helpers.describe(r)
        assert helpers.location(r) == post["url"] + "#comments"
    else:
        helpers.assert_html(r, expected)
    ids = [c["id"] for c in blog.comments(admin, post["id"])]
    assert (cid in ids) == (expected != 303 or who == "anon")


@pytest.mark.parametrize("who", ("author", "admin"))
@pytest.mark.parametrize("path", ["/blog/%d-x", "/blog/%d/edit"])
def test_html_unknown_post_is_404(path, who, people, helpers):
    r = people[who].html.get(path % HUGE_ID)
    helpers.assert_html(r, 404)


@pytest.mark.parametrize("who", ("author", "admin"))
@pytest.mark.parametrize("path", ["/blog/%d/edit", "/blog/%d/delete",
                                  "/blog/%d/comments",
                                  "/blog/comments/%d/delete"])
def test_html_unknown_post_form_is_404(path, who, people, helpers):
    actor = people[who]
    r = actor.form(path % HUGE_ID, {"title": "t", "body": "b"},
                   page=csrf_page(actor))
    helpers.assert_html(r, 404)


def test_html_post_page_shows_actions_only_to_editors(people, blog, helpers):
    post = blog.published(people["author"])
    edit = 'href="/blog/%s/edit"' % post["id"]
    delete = 'action="/blog/%s/delete"' % post["id"]
    for who in ACTORS:
        page = people[who].html.get(post["url"]).text
        can = who in ("author", "admin")
        assert (edit in page) == can, who
        assert (delete in page) == can, who
        # The comment form is for signed-in readers of a published post.
        form = 'action="/blog/%s/comments"' % post["id"]
        assert (form in page) == (who != "anon"), who


def test_html_comment_delete_buttons_follow_the_rules(people, blog, new_user):
    post = blog.published(people["author"])
    commenter = new_user("c_")
    c = blog.comment(commenter, post["id"], "A comment to keep or drop.")
    button = 'action="/blog/comments/%s/delete"' % c["id"]
    roles = {"anon": False, "author": True, "other": False, "admin": True}
    for who, can in roles.items():
        assert (button in people[who].html.get(post["url"]).text) == can, who
    assert button in commenter.html.get(post["url"]).text


# -------------------------------------------------------- admin moderation

ADMIN_API = dict(zip(ACTORS, (401, 403, 403, 200)))


@pytest.mark.parametrize("who", ACTORS)
def test_moderation_api_queue_is_for_admins(who, people, helpers):
    r = people[who].get("/api/v1/admin/moderation")
    assert_status(r, helpers, ADMIN_API[who])
    if who == "admin":
        assert isinstance(r.json()["items"], list)


@pytest.mark.parametrize("decision", ("approve", "reject"))
@pytest.mark.parametrize("who", ACTORS)
def test_moderation_api_decisions_are_for_admins(decision, who, people,
                                                 post_in, blog, admin,
                                                 helpers):
    post = post_in("pending")
    r = people[who].post("/api/v1/admin/moderation/post/%s/%s" %
                         (post["id"], decision), json={"reason": "Because."})
    assert_status(r, helpers, ADMIN_API[who])
    status = blog.get(admin, post["id"])["status"]
    if who == "admin":
        assert r.json()["decision"] == (
            "approved" if decision == "approve" else "rejected")
        assert status == ("approved" if decision == "approve" else "rejected")
    else:
        assert status == "pending"
        assert blog.queue_item("post", post["id"]) is not None


@pytest.mark.parametrize("who", ACTORS)
def test_moderation_page_is_for_admins(who, people, helpers):
    r = people[who].html.get("/admin/moderation")
    if who == "anon":
        assert_login_redirect(r, helpers, "/admin/moderation")
    elif who == "admin":
        helpers.assert_html(r, 200)
        assert 'action="/admin/moderation/bulk"' in r.text or \
            "0 items waiting" in r.text
    else:
        helpers.assert_html(r, 403)


@pytest.mark.parametrize("action", ("approve", "reject", "bulk"))
@pytest.mark.parametrize("who", ACTORS)
def test_moderation_forms_are_for_admins(action, who, people, post_in, blog,
                                         admin, helpers):
    post = post_in("pending")
    qid = blog.queue_item("post", post["id"])["id"]
    actor = people[who]
    if action == "bulk":
        path, fields = "/admin/moderation/bulk", [("id", str(qid))]
    else:
        path, fields = "/admin/moderation/%s/%s" % (qid, action), \
            [("reason", "Not today.")]
    r = actor.form(path, fields, page=csrf_page(actor))
    status = blog.get(admin, post["id"])["status"]
    if who == "anon":
        assert_login_redirect(r, helpers, path)
    elif who == "admin":
        assert r.status_code == 303, helpers.describe(r)
        assert helpers.location(r) == "/admin/moderation"
        assert status == ("rejected" if action == "reject" else "approved")
        return
    else:
        helpers.assert_html(r, 403)
    assert status == "pending"


# ------------------------------------------------------------------ CSRF

def cookie_changes(post, comment_id):
    """Every state-changing call a cookie session can make on one post."""
    pid = post["id"]
    return [
        ("api", "POST", "/api/v1/blog/posts", {"title": "t", "body": "b"}),
        ("api", "PATCH", "/api/v1/blog/posts/%s" % pid, {"title": "t2"}),
        ("api", "POST", "/api/v1/blog/posts/%s/comments" % pid, {"body": "c"}),
        ("api", "DELETE", "/api/v1/blog/comments/%s" % comment_id, None),
        ("api", "DELETE", "/api/v1/blog/posts/%s" % pid, None),
        ("form", "POST", "/blog/new", {"title": "t", "body": "b"}),
        ("form", "POST", "/blog/%s/edit" % pid, {"title": "t", "body": "b"}),
        ("form", "POST", "/blog/%s/comments" % pid, {"body": "c"}),
        ("form", "POST", "/blog/comments/%s/delete" % comment_id, {}),
        ("form", "POST", "/blog/%s/delete" % pid, {}),
    ]


@pytest.mark.parametrize("token", ("none", "wrong", "someone_elses"))
def test_cookie_sessions_need_the_csrf_token(token, people, blog, admin,
                                             helpers, new_user):
    # An author of its own: the cast has written as many comments as a
    # new account may in ten minutes by now.
    author = new_user("a_")
    post = blog.published(author)
    comment = blog.comment(author, post["id"])
    sent = {"none": None, "wrong": "0" * 64,
            "someone_elses": people["other"].csrf("/blog/new")}[token]
    before = blog.get(admin, post["id"])
    for kind, method, path, data in cookie_changes(post, comment["id"]):
        if kind == "api":
            r = author.html.api(method, path, json=data, csrf=sent)
            helpers.assert_problem(r, 403)
        else:
            fields = dict(data)
            if sent is not None:
                fields["_csrf"] = sent
            r = author.html.post(path, data=fields)
            helpers.assert_html(r, 403)
    after = blog.get(admin, post["id"])
    assert (after["title"], after["body"], after["status"]) == \
        (before["title"], before["body"], before["status"])
    assert [c["id"] for c in blog.comments(admin, post["id"])] == \
        [comment["id"]]


def test_cookie_session_with_the_csrf_header_may_write(people, blog, admin,
                                                       helpers):
    author = people["author"]
    token = author.csrf("/blog/new")
    r = author.html.api("POST", "/api/v1/blog/posts", csrf=token,
                        json={"title": blog.new_title("Cookie"), "body": "b"})
    post = helpers.assert_json(r, 201)["post"]
    blog.track(post["id"])
    assert post["status"] == "pending"
    r = author.html.api("PATCH", "/api/v1/blog/posts/%s" % post["id"],
                        csrf=token, json={"body": "changed"})
    assert helpers.assert_json(r, 200)["post"]["body"] == "changed"
    r = author.html.api("DELETE", "/api/v1/blog/posts/%s" % post["id"],
                        csrf=token)
    assert r.status_code == 204, helpers.describe(r)
    assert blog.status_code(admin, post["id"]) == 404
