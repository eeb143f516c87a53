"""A post's address, page and JSON form: canonical /blog/{id}-{slug}
URLs, rendered Markdown, reading time, and what each reader is offered."""

import re

import pytest


def test_post_json_shape(author, blog, helpers):
    body = "word " * 450 + "\n\n" + "End."
    post = blog.create(author, title=blog.new_title("Shape"), body=body)
    assert isinstance(post["id"], int) and post["id"] > 0
    assert post["url"] == "/blog/%d-%s" % (post["id"], post["slug"])
    assert re.fullmatch(r"[a-z0-9-]+", post["slug"])
    assert post["author"] == author.username
    assert str(post["author_id"]) == str(author.id)
    assert post["reading_minutes"] == 3
    assert post["comment_count"] == 0
    # Plain text, cut at a word.
    assert post["excerpt"] == " ".join(["word"] * 48)
    assert post["body"] == body
    assert post["html"].startswith("<p>word word")
    for key in ("created_at", "updated_at"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z",
                            post[key]), (key, post[key])
    assert "reject_reason" not in post


@pytest.mark.parametrize("words,minutes", [(1, 1), (200, 1), (201, 2),
                                           (400, 2), (401, 3)])
def test_reading_minutes(words, minutes, author, blog):
    post = blog.create(author, body=" ".join(["w"] * words))
    assert post["reading_minutes"] == minutes


@pytest.mark.parametrize("title,slug", [
    ("Hello, World & Friends", "hello-world-friends"),
    ("  Leading and trailing  ", "leading-and-trailing"),
    ("!!!", "post"),
    ("\u00dcber caf\u00e9", "ber-caf"),
    ("\u65e5\u672c\u8a9e", "post"),
    ("A" * 200, "a" * 80),
    ("MiXeD 123 --- Case", "mixed-123-case"),
])
def test_slugs(title, slug, admin, anon, blog, helpers):
    post = blog.create(admin, title=title)
    assert post["slug"] == slug
    assert post["url"] == "/blog/%d-%s" % (post["id"], slug)
    helpers.assert_html(anon.html.get(post["url"]), 200)


@pytest.mark.parametrize("suffix", ["", "-", "-wrong", "-hello-world",
                                    "-hello-world-friends-x"])
def test_wrong_or_missing_slug_redirects_to_the_canonical_url(
        suffix, admin, anon, blog, helpers):
    post = blog.create(admin, title="Hello, World & Friends")
    r = anon.html.get("/blog/%d%s" % (post["id"], suffix))
    assert r.status_code == 301, helpers.describe(r)
    assert helpers.location(r) == post["url"]
    assert anon.html.get(helpers.location(r)).status_code == 200


def test_old_slug_redirects_after_a_title_change(admin, anon, blog, helpers):
    post = blog.create(admin, title="First title")
    r = admin.patch("/api/v1/blog/posts/%s" % post["id"],
                    json={"title": "Second title"})
    new = helpers.assert_json(r, 200)["post"]
    assert new["url"] == "/blog/%d-second-title" % post["id"]
    r = anon.html.get(post["url"])
    assert r.status_code == 301 and helpers.location(r) == new["url"]


@pytest.mark.parametrize("state", ["pending", "draft"])
def test_unpublished_post_is_404_not_a_redirect(state, author, anon, other,
                                                blog, helpers):
    """A redirect would tell strangers the slug (the title)."""
    post = blog.create(author, status=None if state == "pending" else state)
    for reader in (anon, other):
        for path in ("/blog/%d" % post["id"], "/blog/%d-x" % post["id"],
                     post["url"]):
            r = reader.html.get(path)
            helpers.assert_html(r, 404)
            assert post["slug"] not in r.headers.get("Location", "")
    r = author.html.get("/blog/%d" % post["id"])
    assert r.status_code == 301 and helpers.location(r) == post["url"]


def test_post_page_renders_markdown(author, anon, blog, helpers):
    body = ("# Heading\n\nSome *emphasis*, **strong** and `code`.\n\n"
            "- one\n- two\n\n```\nblock <code>\n```\n\n"
            "[a link](https://example.org/x) and ![img](/static/x.png)\n")
    post = blog.published(author, body=body)
    page = anon.html.get(post["url"])
    helpers.assert_html(page, 200)
    m = re.search(r'<div class="post-body">(.*?)</div>', page.text, re.DOTALL)
    assert m, page.text[:2000]
    html = m.group(1)
    assert html == post["html"]
    for frag in ("<h1>Heading</h1>", "<em>emphasis</em>",
                 "<strong>strong</strong>", "<code>code</code>",
                 "<li>one</li>", "block &lt;code&gt;",
                 '<a href="https://example.org/x">a link</a>',
                 'src="/static/x.png"'):
        assert frag in html, frag
    assert '<a href="/u/%s">%s</a>' % (author.username, author.username) \
        in page.text
    # The time a reader sees is the publication's (a second after the
    # creation's when the approval falls in the next second).
    assert '<time datetime="%s">' % post["published_at"] in page.text
    assert "1 min read" in page.text


def test_post_page_offers_what_each_reader_may_do(author, anon, other, blog,
                                                  helpers):
    post = blog.published(author)
    page = anon.html.get(post["url"]).text
    assert 'href="/login?next=/blog/%d"' % post["id"] in page
    assert 'action="/blog/%d/comments"' % post["id"] not in page
    page = other.html.get(post["url"]).text
    assert 'action="/blog/%d/comments"' % post["id"] in page
    assert 'textarea name="body"' in page

    pending = blog.create(author)
    page = author.html.get(pending["url"]).text
    assert "status-pending" in page
    assert 'action="/blog/%d/comments"' % pending["id"] not in page
    assert 'href="/blog/%d/edit"' % pending["id"] in page


def test_new_post_link_only_for_signed_in_users(author, anon, helpers):
    assert 'href="/blog/new"' not in anon.html.get("/blog").text
    assert 'href="/blog/new"' in author.html.get("/blog").text


def test_edit_form_is_prefilled(author, blog, helpers):
    body = "Line one\n\nLine & <two>"
    post = blog.create(author, title="Title \"quoted\" & <b>", body=body)
    page = author.html.get("/blog/%d/edit" % post["id"])
    helpers.assert_html(page, 200)
    assert helpers.input_values(page.text, "title") == [post["title"]]
    m = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', page.text,
                  re.DOTALL)
    assert m and m.group(1) == "Line one\n\nLine &amp; &lt;two&gt;"


def test_post_api_sends_no_reject_reason_unless_rejected(author, blog):
    post = blog.create(author)
    blog.reject("post", post["id"], "Why not.")
    assert blog.get(author, post["id"])["reject_reason"] == "Why not."
    # An edit sends it back for review and drops the old reason.
    author.patch("/api/v1/blog/posts/%s" % post["id"], json={"body": "2"})
    assert "reject_reason" not in blog.get(author, post["id"])


def test_excerpts_are_plain_text(author, anon, admin, blog, helpers):
    body = ("## Why we walk\n\nUp the **north ridge** with "
            "[a map](https://example.org/map) & <b>care</b>.\n\n"
            "- water\n- bread\n")
    post = blog.create(admin, title=blog.new_title("Plain"), body=body)
    text = "Why we walk Up the north ridge with a map & <b>care</b>. " \
        "water bread"
    r = anon.get("/api/v1/blog/posts?limit=100")
    listed = [p for p in r.json()["posts"] if p["id"] == post["id"]]
    assert listed and listed[0]["excerpt"] == text

    def entry():
        return helpers.list_item(anon.html.get("/blog").text, post["id"])
    item = helpers.wait_for(entry, what="the post on /blog")
    assert '<p class="excerpt">Why we walk Up the north ridge with a map ' \
        '&amp; &lt;b&gt;care&lt;/b&gt;. water bread</p>' in item
    for mark in ("##", "**", "](", "- water"):
        assert mark not in item, mark
