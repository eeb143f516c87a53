"""What the post API and the editor accept: field errors as 422
problem+json (or a re-rendered form), 415 for bodies that are not JSON,
400 for broken JSON, 413 for oversized requests; and the limits counted
in characters, not bytes."""

import json

import pytest

POSTS = "/api/v1/blog/posts"


@pytest.mark.parametrize("data,fields", [
    ({"body": "x"}, ["title"]),
    ({"title": "", "body": "x"}, ["title"]),
    ({"title": "   ", "body": "x"}, ["title"]),
    ({"title": "\t\n", "body": "x"}, ["title"]),
    ({"title": "a" * 201, "body": "x"}, ["title"]),
    ({"title": "\u00e9" * 201, "body": "x"}, ["title"]),
    ({"title": "two\nlines", "body": "x"}, ["title"]),
    ({"title": "two\rlines", "body": "x"}, ["title"]),
    ({"title": "ok"}, ["body"]),
    ({"title": "ok", "body": "x" * 100001}, ["body"]),
    ({"title": "ok", "body": "x", "status": "approved"}, ["status"]),
    ({"title": "ok", "body": "x", "status": "rejected"}, ["status"]),
    ({"title": "ok", "body": "x", "status": "published"}, ["status"]),
    ({"title": "ok", "body": "x", "status": ""}, ["status"]),
    ({"title": "ok", "body": "x", "status": "PENDING"}, ["status"]),
    ({"title": 5, "body": "x"}, ["title"]),
    ({"title": True, "body": "x"}, ["title"]),
    ({"title": ["a"], "body": "x"}, ["title"]),
    ({"title": {"a": 1}, "body": "x"}, ["title"]),
    ({"title": "ok", "body": 5}, ["body"]),
    ({"title": "ok", "body": "x", "status": 1}, ["status"]),
    ({}, ["title", "body"]),
    ({"title": "", "body": "x" * 100001, "status": "x"},
     ["title", "body", "status"]),
])
def test_create_field_errors(data, fields, author, helpers):
    r = author.post(POSTS, json=data)
    body = helpers.assert_problem(r, 422, fields)
    assert set(body["errors"]) == set(fields), body
    assert "Location" not in r.headers
    own = author.html.get("/blog/u/%s" % author.username).text
    assert helpers.post_ids_in_list(own) == [], "a post was made anyway"


@pytest.mark.parametrize("data,fields", [
    ({"title": ""}, ["title"]),
    ({"title": "a" * 201}, ["title"]),
    ({"title": "a\nb"}, ["title"]),
    ({"body": "x" * 100001}, ["body"]),
    ({"status": "approved"}, ["status"]),
    ({"title": 1}, ["title"]),
    ({"body": False}, ["body"]),
])
def test_patch_field_errors_change_nothing(data, fields, author, blog,
                                           helpers):
    post = blog.create(author)
    r = author.patch("%s/%s" % (POSTS, post["id"]), json=data)
    helpers.assert_problem(r, 422, fields)
    now = blog.get(author, post["id"])
    assert (now["title"], now["body"], now["status"]) == \
        (post["title"], post["body"], post["status"])


@pytest.mark.parametrize("title", ["a" * 200, "\u00e9" * 200,
                                   "\U0001F600" * 200, "x",
                                   "tab\tinside", "  padded  "])
def test_title_limits_count_characters(title, author, blog):
    post = blog.create(author, title=title)
    assert post["title"] == title


@pytest.mark.parametrize("body", ["", "x" * 100000, "\u00e9" * 100000,
                                  "\u4e2d" * 100000])
def test_body_limits_count_characters(body, author, blog):
    post = blog.create(author, body=body)
    assert post["body"] == body
    assert blog.get(author, post["id"])["body"] == body


def test_longest_body_fits_whatever_the_json_escaping(author, blog, helpers):
    """100,000 characters of 4 UTF-8 bytes each is a valid post, and
    escaping them as JSON \\u surrogate pairs (what many encoders do) must
    not make it too large."""
    body = "\U0001F600" * 100000
    for ascii_only in (False, True):
        data = json.dumps({"title": blog.new_title("Emoji"), "body": body},
                          ensure_ascii=ascii_only).encode("utf-8")
        r = author.post(POSTS, data=data,
                        headers={"Content-Type": "application/json"})
        got = helpers.assert_json(r, 201)["post"]
        blog.track(got["id"])
        assert got["body"] == body, "ensure_ascii=%s" % ascii_only


def test_omitted_status_is_pending_and_null_is_omitted(author, blog):
    assert blog.create(author)["status"] == "pending"
    r = author.post(POSTS, json={"title": blog.new_title(), "body": "x",
                                 "status": None})
    assert r.status_code == 201
    blog.track(r.json()["post"]["id"])
    assert r.json()["post"]["status"] == "pending"
    assert blog.create(author, status="draft")["status"] == "draft"


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("ctype,data", [
    (None, b'{"title": "t", "body": "b"}'),
    ("text/plain", b'{"title": "t", "body": "b"}'),
    ("application/x-www-form-urlencoded", b"title=t&body=b"),
    ("multipart/form-data; boundary=x", b"--x--\r\n"),
    ("application/jsonx", b'{"title": "t", "body": "b"}'),
])
def test_body_must_be_json(method, ctype, data, author, blog, helpers):
    path = POSTS
    if method == "PATCH":
        path = "%s/%s" % (POSTS, blog.create(author)["id"])
    headers = {"Content-Type": ctype} if ctype else {}
    r = author.request(method, path, data=data, headers=headers)
    helpers.assert_problem(r, 415)


@pytest.mark.parametrize("ctype", ["application/json",
                                   "application/json; charset=utf-8",
                                   "Application/JSON"])
def test_json_content_types_are_accepted(ctype, author, blog, helpers):
    r = author.post(POSTS, headers={"Content-Type": ctype}, data=json.dumps(
        {"title": blog.new_title(), "body": "x"}).encode())
    blog.track(helpers.assert_json(r, 201)["post"]["id"])


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b'"text"', b"42",
                                  b"null", b'{"title": "t", "body": "b"',
                                  b'{"title": "\\ud800", "body": "b"}',
                                  b'{"title": "t\\u0000", "body": "b"}',
                                  b'\xff\xfe{"title": "t", "body": "b"}'])
def test_broken_json_is_400(data, author, helpers):
    r = author.post(POSTS, data=data,
                    headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 400)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_body_over_the_limit_is_413(method, author, blog, helpers):
    """Over what the longest post needs, escaped (about 1.2 MB)."""
    path = POSTS
    if method == "PATCH":
        post = blog.create(author)
        path = "%s/%s" % (POSTS, post["id"])
    data = b'{"title": "t", "body": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    r = author.request(method, path, data=data,
                       headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 413)
    if method == "PATCH":
        assert blog.get(author, post["id"])["body"] == post["body"]


def test_html_new_post_errors_rerender_the_form(author, helpers):
    body = "Kept text with <b>markup</b> & more"
    r = author.form("/blog/new", {"title": "", "body": body,
                                  "status": "pending"}, page="/blog/new")
    helpers.assert_html(r, 422)
    assert 'action="/blog/new"' in r.text
    assert 'aria-invalid="true"' in r.text
    assert 'class="field-error"' in r.text
    assert "Kept text with &lt;b&gt;markup&lt;/b&gt; &amp; more" in r.text
    assert helpers.find_csrf(r.text)

    r = author.form("/blog/new", {"title": "a" * 201, "body": "x"},
                    page="/blog/new")
    helpers.assert_html(r, 422)
    assert helpers.input_values(r.text, "title") == ["a" * 201]

    r = author.form("/blog/new", {"title": "t", "body": "x" * 100001},
                    page="/blog/new")
    helpers.assert_html(r, 422)

    r = author.form("/blog/new", {"title": "t", "body": "x",
                                  "status": "approved"}, page="/blog/new")
    helpers.assert_html(r, 422)
    page = author.html.get("/blog/u/%s" % author.username).text
    assert helpers.post_ids_in_list(page) == []


def test_html_new_post_keeps_newlines_and_drafts(author, blog, helpers):
    title = blog.new_title("Draft")
    body = "Line one\r\nline two\n\nPara *two*."
    r = author.form("/blog/new", {"title": title, "body": body,
                                  "status": "draft"}, page="/blog/new")
    assert r.status_code == 303, helpers.describe(r)
    pid = helpers.location(r).split("/")[2].split("-")[0]
    blog.track(pid)
    post = blog.get(author, pid)
    assert post["status"] == "draft"
    assert post["body"].replace("\r\n", "\n") == body.replace("\r\n", "\n")
    assert "<em>two</em>" in post["html"]
    assert blog.queue_item("post", pid) is None


def test_html_edit_errors_change_nothing(author, blog, helpers):
    post = blog.create(author)
    path = "/blog/%s/edit" % post["id"]
    r = author.form(path, {"title": " ", "body": "changed"}, page=path)
    helpers.assert_html(r, 422)
    assert 'action="%s"' % path in r.text
    now = blog.get(author, post["id"])
    assert (now["title"], now["body"]) == (post["title"], post["body"])
