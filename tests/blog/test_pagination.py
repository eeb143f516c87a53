"""Paging through published posts: the API's keyset cursor and ?page=N,
and the numbered pages of /blog and /blog/u/{username}."""

import re

import pytest


def walk(anon, helpers, limit, stop=None, max_pages=5000):
    """Every page of the API list from the start, following next_cursor.

    Returns the list of pages (each a list of posts); stops early once
    stop(posts so far) is true.
    """
    pages, cursor, seen = [], None, []
    for _ in range(max_pages):
        params = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        r = anon.get("/api/v1/blog/posts", params=params)
        body = helpers.assert_json(r, 200)
        assert set(body) == {"posts", "next_cursor"}, body.keys()
        posts = body["posts"]
        assert len(posts) <= limit
        pages.append(posts)
        seen += posts
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str) and cursor, body
        assert len(posts) == limit, "a short page with a next_cursor"
        if stop is not None and stop(seen):
            break
    else:
        pytest.fail("the cursor never ended")
    return pages


def order_key(p):
    return (p["created_at"], p["id"])


@pytest.fixture
def twenty_five(admin, blog):
    """25 published posts (an admin's are published at once), oldest
    first, all titled with one random prefix."""
    prefix = blog.new_title("Walk")
    return prefix, [blog.create(admin, title="%s %02d" % (prefix, i))
                    for i in range(25)]


def test_cursor_walk_returns_each_post_once_in_order(twenty_five, anon,
                                                     helpers):
    prefix, made = twenty_five
    want = [p["id"] for p in reversed(made)]          # newest first
    pages = walk(anon, helpers, 10,
                 stop=lambda seen: set(want) <= {p["id"] for p in seen})
    seen = [p for page in pages for p in page]
    ids = [p["id"] for p in seen]
    assert len(ids) == len(set(ids)), "a post came twice"
    # The whole walk is newest first, (created_at, id) descending.
    keys = [order_key(p) for p in seen]
    assert keys == sorted(keys, reverse=True)
    mine = [p["id"] for p in seen if p["title"].startswith(prefix + " ")]
    assert mine == want
    for p in seen:
        assert p["status"] == "approved"
        assert "body" not in p and "html" not in p
        for key in ("id", "title", "slug", "author", "url", "created_at",
                    "reading_minutes", "comment_count", "excerpt"):
            assert key in p, key


def test_cursor_pages_do_not_overlap_at_every_size(twenty_five, anon,
                                                   helpers):
    prefix, made = twenty_five
    want = [p["id"] for p in reversed(made)]
    for limit in (1, 3, 7, 25, 100):
        pages = walk(anon, helpers, limit,
                     stop=lambda seen: set(want) <= {p["id"] for p in seen})
        ids = [p["id"] for page in pages for p in page]
        assert len(ids) == len(set(ids)), limit
        assert [i for i in ids if i in set(want)] == want, limit


def test_deleted_post_does_not_break_a_cursor(twenty_five, anon, admin,
                                              helpers):
    prefix, made = twenty_five
    r = anon.get("/api/v1/blog/posts", params={"limit": 5})
    body = helpers.assert_json(r, 200)
    last = body["posts"][-1]
    assert admin.delete("/api/v1/blog/posts/%s" % last["id"]).status_code \
        == 204
    r = anon.get("/api/v1/blog/posts",
                 params={"limit": 5, "cursor": body["next_cursor"]})
    nxt = helpers.assert_json(r, 200)["posts"]
    assert nxt and all(order_key(p) < order_key(last) for p in nxt)


def test_default_and_maximum_limit(anon, helpers):
    body = helpers.assert_json(anon.get("/api/v1/blog/posts"), 200)
    assert len(body["posts"]) <= 20
    body = helpers.assert_json(
        anon.get("/api/v1/blog/posts", params={"limit": 100}), 200)
    assert len(body["posts"]) <= 100
    body = helpers.assert_json(
        anon.get("/api/v1/blog/posts", params={"limit": 1}), 200)
    assert len(body["posts"]) <= 1


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1e2", "10.5",
                                   "99999999999999999999", "0x10"])
def test_bad_limit_is_400(limit, anon, helpers):
    r = anon.get("/api/v1/blog/posts", params={"limit": limit})
    helpers.assert_problem(r, 400, ["limit"])


@pytest.mark.parametrize("cursor", [
    "garbage", "1.", ".1", ".", "1.2.3", "x.y", "-1.5", "1.-5", "1,5",
    "1.5 ", "0x1.1", "\u0661.\u0661", "1" * 40 + ".1", "1." + "9" * 40,
])
def test_malformed_cursor_is_400(cursor, anon, helpers):
    r = anon.get("/api/v1/blog/posts", params={"cursor": cursor})
    helpers.assert_problem(r, 400, ["cursor"])


@pytest.mark.parametrize("cursor", [
    "99999999999999999999999.1",        # over bigint
    "1.99999999999999999999999",        # id over bigint
    "9223372036854775807.1",            # a time no interval can reach
])
def test_out_of_range_cursor_is_400(cursor, anon, helpers):
    r = anon.get("/api/v1/blog/posts", params={"cursor": cursor})
    helpers.assert_problem(r, 400, ["cursor"])


def test_cursor_at_the_start_of_time_is_an_empty_last_page(anon, helpers):
    body = helpers.assert_json(
        anon.get("/api/v1/blog/posts", params={"cursor": "0.0"}), 200)
    assert body == {"posts": [], "next_cursor": None}


def test_page_parameter(twenty_five, anon, helpers):
    prefix, made = twenty_five
    want = [p["id"] for p in reversed(made)]

    def pages_agree():
        p1 = anon.get("/api/v1/blog/posts", params={"page": 1, "limit": 10})
        p2 = anon.get("/api/v1/blog/posts", params={"page": 2, "limit": 10})
        b1, b2 = helpers.assert_json(p1, 200), helpers.assert_json(p2, 200)
        ids = [p["id"] for p in b1["posts"] + b2["posts"]]
        return (b1, b2, ids) if ids[:20] == want[:20] else None
    b1, b2, ids = helpers.wait_for(pages_agree, what="the new posts on "
                                   "pages 1 and 2 of the API")
    assert b1["page"] == 1 and b2["page"] == 2
    assert len(ids) == len(set(ids))

    body = helpers.assert_json(
        anon.get("/api/v1/blog/posts", params={"page": 1}), 200)
    assert set(body) == {"posts", "page"} and len(body["posts"]) <= 20


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1000", "",
                                  "1e3", "99999999999999999999", "%00"])
def test_odd_api_pages_do_not_fail(page, anon, helpers):
    r = anon.get("/api/v1/blog/posts?page=" + page)
    assert r.status_code in (200, 400), helpers.describe(r)
    if r.status_code == 200:
        assert isinstance(r.json()["posts"], list)


@pytest.mark.parametrize("path", ["/blog", "/blog/u/admin"])
@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1000", "",
                                  "1e3", "99999999999999999999", "%00",
                                  "2%20", "%2B2"])
def test_odd_html_pages_do_not_fail(path, page, anon, helpers):
    r = anon.html.get(path + "?page=" + page)
    assert r.status_code in (200, 400), helpers.describe(r)
    if r.status_code == 200:
        helpers.assert_html(r, 200)


def pager_links(page):
    nav = re.search(r'<nav class="pager">(.*?)</nav>', page, re.DOTALL)
    if nav is None:
        return {}
    out = {}
    for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>',
                                  nav.group(1)):
        out["older" if "Older" in label else "newer"] = href.replace(
            "&amp;", "&")
    return out


def test_blog_pager_links_walk_the_list(twenty_five, anon, helpers):
    prefix, made = twenty_five
    want = [p["id"] for p in reversed(made)]

    def first_page():
        r = anon.html.get("/blog")
        ids = helpers.post_ids_in_list(r.text)
        return r.text if ids[:20] == want[:20] else None
    page1 = helpers.wait_for(first_page, what="the new posts on /blog")
    assert len(helpers.post_ids_in_list(page1)) == 20
    links = pager_links(page1)
    assert "newer" not in links
    assert links["older"] == "/blog?page=2"

    def second_page():
        r = anon.html.get(links["older"])
        helpers.assert_html(r, 200)
        ids = helpers.post_ids_in_list(r.text)
        return r.text if ids[:5] == want[20:] else None
    page2 = helpers.wait_for(second_page, what="page 2 of /blog")
    ids2 = helpers.post_ids_in_list(page2)
    assert not set(ids2) & set(helpers.post_ids_in_list(page1))
    assert 1 <= len(ids2) <= 20
    back = pager_links(page2)
    assert back["newer"] == "/blog?page=1"
    if len(ids2) == 20:
        assert back["older"] == "/blog?page=3"
    assert anon.html.get(back["newer"]).status_code == 200


def test_blog_list_entry_has_everything(admin, anon, blog, helpers):
    words = " ".join(["word"] * 450)                  # 3 minutes
    post = blog.create(admin, title=blog.new_title("Entry"),
                       body=words + "\n\n" + "tail " * 40)
    blog.comment(admin, post["id"])

    def entry():
        return helpers.list_item(anon.html.get("/blog").text, post["id"])
    item = helpers.wait_for(entry, what="the post on /blog")
    assert '<a href="%s">%s</a>' % (post["url"], post["title"]) in item
    assert '<a href="/u/admin">admin</a>' in item
    m = re.search(r'<time datetime="([^"]+)">', item)
    assert m and m.group(1) == post["created_at"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", m.group(1))
    assert "3 min read" in item
    assert "1 comment<" in item or "1 comment " in item
    # The start of the text, plain, cut at a word, with "…" when it goes on.
    excerpt = re.search(r'<p class="excerpt">([^<]*)</p>', item).group(1)
    assert excerpt == " ".join(["word"] * 48) + "…"


def test_user_page_lists_all_states_only_for_the_author(new_user, anon, admin,
                                                       other, blog, helpers):
    writer = new_user("w_")
    live = blog.published(writer, title=blog.new_title("Mine"))
    pending = blog.create(writer, title=blog.new_title("Mine"))
    draft = blog.create(writer, title=blog.new_title("Mine"), status="draft")
    rejected = blog.create(writer, title=blog.new_title("Mine"))
    blog.reject("post", rejected["id"], "No.")
    path = "/blog/u/%s" % writer.username
    for reader in (anon, other):
        page = reader.html.get(path)
        helpers.assert_html(page, 200)
        assert helpers.post_ids_in_list(page.text) == [live["id"]]
        assert "status-" not in page.text
    for reader in (writer, admin):
        page = reader.html.get(path).text
        assert helpers.post_ids_in_list(page) == [
            rejected["id"], draft["id"], pending["id"], live["id"]]
        for p, badge in ((pending, "pending"), (draft, "draft"),
                         (rejected, "rejected")):
            assert "status-%s" % badge in helpers.list_item(page, p["id"])
        assert "status-" not in helpers.list_item(page, live["id"])


def test_user_page_pager(new_user, blog, helpers):
    writer = new_user("w_")
    made = [blog.create(writer, status="draft") for _ in range(21)]
    path = "/blog/u/%s" % writer.username
    page1 = writer.html.get(path).text
    assert len(helpers.post_ids_in_list(page1)) == 20
    links = pager_links(page1)
    assert links == {"older": path + "?page=2"}
    page2 = writer.html.get(links["older"]).text
    assert helpers.post_ids_in_list(page2) == [made[0]["id"]]
    assert pager_links(page2) == {"newer": path + "?page=1"}


def test_unknown_user_page(anon, helpers):
    r = anon.html.get("/blog/u/%s" % helpers.unique_name("nobody_"))
    assert r.status_code in (200, 404), helpers.describe(r)
    assert helpers.post_ids_in_list(r.text) == []
