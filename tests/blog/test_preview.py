"""POST /api/v1/blog/preview: the editor's live preview, rendered by the
server's own Markdown renderer, for signed-in writers only."""

import pytest

PREVIEW = "/api/v1/blog/preview"


def test_preview_is_the_post_pages_html(author, blog, helpers):
    md = "## Why\n\n**north ridge** [x](javascript:alert(1)) <b>raw</b>"
    r = author.post(PREVIEW, json={"body": md})
    helpers.assert_json(r, 200)
    html = r.json()["html"]
    assert "<h2>Why</h2>" in html
    assert "<strong>north ridge</strong>" in html
    assert "javascript:" not in html
    assert "<b>" not in html and "&lt;b&gt;raw&lt;/b&gt;" in html
    post = blog.create(author, body=md)
    assert blog.get(author, post["id"])["html"] == html


def test_preview_with_the_session_needs_csrf(author, helpers):
    c = author.html
    r = c.api("POST", PREVIEW, json={"body": "*hi*"})
    assert r.status_code == 403, helpers.describe(r)
    csrf = c.csrf("/blog/new")
    r = c.api("POST", PREVIEW, json={"body": "*hi*"}, csrf=csrf)
    helpers.assert_json(r, 200)
    assert r.json()["html"] == "<p><em>hi</em></p>\n"


def test_preview_needs_a_user(anon, helpers):
    r = anon.post(PREVIEW, json={"body": "hi"})
    helpers.assert_problem(r, 401)


@pytest.mark.parametrize("body", [
    {"body": "x" * 100001},
    {"body": "bell \x07"},
    {"body": 5},
    {},
])
def test_bad_preview_is_refused(author, helpers, body):
    r = author.post(PREVIEW, json=body)
    helpers.assert_problem(r, 422, fields=["body"])


def test_oversized_preview_body_is_413(author, helpers):
    r = author.post(PREVIEW, data=b'{"body": "' + b"a" * 1300000 + b'"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413, helpers.describe(r)


def test_editor_page_loads_the_editor(author):
    page = author.html.get("/blog/new").text
    assert 'data-preview="/api/v1/blog/preview"' in page
    assert "/static/blog-editor" in page
    assert 'name="tags"' in page
