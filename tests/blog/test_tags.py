"""Tags: up to five per post, set in the editor and the API; tag pages,
per-tag and per-author Atom and JSON feeds, the API's ?tag= and
?author=, the sitemap, and the post page's canonical link and
Open Graph / Twitter card meta.  Only posts the reader may see lend
their tags to any of these."""

import html
import json
import secrets
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def new_tag(prefix="t"):
    return "%s-%s" % (prefix, secrets.token_hex(4))


def create(actor, blog, tags, status=None, title=None, body="Tagged text."):
    data = {"title": title or blog.new_title("Tagged"), "body": body,
            "tags": tags}
    if status is not None:
        data["status"] = status
    r = actor.post("/api/v1/blog/posts", json=data)
    assert r.status_code == 201, r.text
    post = r.json()["post"]
    blog.track(post["id"])
    return post


def published(actor, blog, tags, **kw):
    post = create(actor, blog, tags, **kw)
    if post["status"] != "approved":
        blog.approve("post", post["id"])
    return blog.get(blog.admin, post["id"])


class Head(HTMLParser):
    """The <meta> and <link> of a page's <head>, attribute values
    unescaped as a browser reads them."""

    def __init__(self, page):
        super().__init__()
        self.meta, self.links, self.in_head = {}, {}, False
        self.scripts_in_head = 0
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif self.in_head and tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta.setdefault(key, []).append(a.get("content"))
        elif self.in_head and tag == "link":
            self.links[a.get("rel")] = a.get("href")
        elif self.in_head and tag == "script" and "src" not in a:
            self.scripts_in_head += 1


# ---------------------------------------------------------------- writing

def test_tags_through_the_api_are_lowered_and_kept(author, blog):
    t1, t2 = new_tag(), new_tag()
    post = create(author, blog, [t1.upper(), "#" + t2, t1])
    assert post["tags"] == [t1, t2]
    got = blog.get(author, post["id"])
    assert got["tags"] == [t1, t2]

    # PATCH without tags keeps them; with [] clears them.
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"body": "Changed text."})
    assert r.status_code == 200, r.text
    assert r.json()["post"]["tags"] == [t1, t2]
    r = author.patch("/api/v1/blog/posts/%s" % post["id"], json={"tags": []})
    assert r.status_code == 200, r.text
    assert r.json()["post"]["tags"] == []


@pytest.mark.parametrize("tags", [
    ["a", "b", "c", "d", "e", "f"],
    ["<script>"],
    ["two words"],
    ["x" * 31],
    ["a--b"],
    ["caf\u00e9"],
    [""],
    [1],
    "travel",
    {"a": 1},
])
def test_bad_tags_are_refused_and_change_nothing(author, blog, helpers,
                                                 tags):
    title = blog.new_title("Bad tags")
    r = author.post("/api/v1/blog/posts",
                    json={"title": title, "body": "x", "tags": tags})
    helpers.assert_problem(r, 422, fields=["tags"])
    own = author.html.get("/blog/u/%s" % author.username).text
    assert html.escape(title) not in own

    post = create(author, blog, ["kept"])
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"tags": tags, "title": "Changed"})
    helpers.assert_problem(r, 422, fields=["tags"])
    got = blog.get(author, post["id"])
    assert got["tags"] == ["kept"] and got["title"] == post["title"]


def test_tags_through_the_editor(author, blog, helpers):
    t1, t2 = new_tag(), new_tag()
    title = blog.new_title("Form tags")
    r = author.form("/blog/new", {"title": title, "body": "From the form.",
                                  "tags": "%s, %s" % (t1.upper(), t2),
                                  "status": "draft"}, page="/blog/new")
    assert r.status_code == 303, helpers.describe(r)
    post_id = r.headers["location"].split("/")[2].split("-")[0]
    blog.track(post_id)
    assert blog.get(author, post_id)["tags"] == [t1, t2]

    page = author.html.get("/blog/%s/edit" % post_id).text
    assert helpers.input_values(page, "tags") == ["%s %s" % (t1, t2)]

    r = author.form("/blog/%s/edit" % post_id,
                    {"title": title, "body": "x", "tags": "a b c d e f",
                     "status": "draft"}, page="/blog/%s/edit" % post_id)
    assert r.status_code == 422
    assert "at most 5 tags" in r.text
    assert 'value="a b c d e f"' in r.text
    assert blog.get(author, post_id)["tags"] == [t1, t2]


def test_a_users_tag_edit_waits_for_review(author, blog):
    t1, t2 = new_tag(), new_tag()
    post = published(author, blog, [t1])
    r = author.patch("/api/v1/blog/posts/%s" % post["id"], json={"tags": [t2]})
    assert r.status_code == 200, r.text
    got = r.json()["post"]
    assert got["tags"] == [t1]
    assert got["edit"]["tags"] == [t2]
    anon_tags = author.get("/api/v1/blog/posts", params={"tag": t2}).json()
    assert anon_tags["posts"] == []

    blog.approve("post", post["id"])
    assert blog.get(author, post["id"])["tags"] == [t2]
    listed = author.get("/api/v1/blog/posts", params={"tag": t2}).json()
    assert [p["id"] for p in listed["posts"]] == [post["id"]]


# ---------------------------------------------------------------- reading

def test_tag_page_lists_public_posts_only(anon, author, other, admin, blog,
                                          helpers):
    tag = new_tag()
    shown = published(author, blog, [tag])
    draft = create(author, blog, [tag], status="draft")
    pending = create(other, blog, [tag])
    assert pending["status"] == "pending"

    for reader in (anon, other, admin):
        r = reader.html.get("/blog/tag/%s" % tag)
        helpers.assert_html(r, 200)
        ids = helpers.post_ids_in_list(r.text)
        assert shown["id"] in ids
        assert draft["id"] not in ids, reader
        assert pending["id"] not in ids, reader

    post_page = anon.html.get(shown["url"]).text
    assert 'href="/blog/tag/%s"' % tag in post_page
    index = anon.html.get("/blog").text
    assert 'href="/blog/tag/%s"' % tag in index


def test_hidden_posts_tags_do_not_leak(anon, author, other, blog, helpers):
    secret, nothing = new_tag("secret"), new_tag("none")
    draft = create(author, blog, [secret], status="draft",
                   title="Secret plans " + secrets.token_hex(3))
    create(other, blog, [secret])                       # pending

    def page(tag):
        r = anon.html.get("/blog/tag/%s" % tag)
        return r.status_code, r.text.replace(tag, "TAG")

    assert page(secret) == page(nothing)
    for fmt in ("atom", "json"):
        a = anon.html.get("/blog/tag/%s/feed.%s" % (secret, fmt))
        b = anon.html.get("/blog/tag/%s/feed.%s" % (nothing, fmt))
        assert a.status_code == b.status_code == 200
        assert a.text.replace(secret, "TAG") == b.text.replace(nothing, "TAG")
        assert draft["title"] not in a.text
    r = anon.get("/api/v1/blog/posts", params={"tag": secret})
    assert r.status_code == 200 and r.json()["posts"] == []
    # Even its author's feed and list stay public-only.
    r = author.get("/api/v1/blog/posts", params={"tag": secret})
    assert r.json()["posts"] == []
    feed = author.html.get("/blog/u/%s/feed.json" % author.username).json()
    assert draft["title"] not in [i["title"] for i in feed["items"]]
    assert secret not in author.html.get("/sitemap.xml").text


def test_api_filters_by_tag_and_author(anon, author, other, blog, helpers):
    tag = new_tag()
    mine = published(author, blog, [tag])
    theirs = published(other, blog, [tag])
    untagged = published(author, blog, [])

    def ids(**params):
        r = anon.get("/api/v1/blog/posts", params=params)
        assert r.status_code == 200, helpers.describe(r)
        return [p["id"] for p in r.json()["posts"]]

    assert ids(tag=tag) == [theirs["id"], mine["id"]]
    assert ids(tag=tag, author=author.username) == [mine["id"]]
    assert ids(tag=tag, page=1) == [theirs["id"], mine["id"]]
    by_author = ids(author=author.username)
    assert mine["id"] in by_author and untagged["id"] in by_author
    assert theirs["id"] not in by_author
    assert ids(author="nobody_" + secrets.token_hex(3)) == []

    # The cursor pages through a filtered list too.
    r = anon.get("/api/v1/blog/posts", params={"tag": tag, "limit": 1})
    first = r.json()
    assert [p["id"] for p in first["posts"]] == [theirs["id"]]
    r = anon.get("/api/v1/blog/posts", params={
        "tag": tag, "limit": 1, "cursor": first["next_cursor"]})
    assert [p["id"] for p in r.json()["posts"]] == [mine["id"]]

    for bad in ({"tag": "<b>"}, {"tag": "a--b"}, {"tag": "A"},
                {"author": "x y"}, {"author": "a" * 33}):
        r = anon.get("/api/v1/blog/posts", params=bad)
        helpers.assert_problem(r, 400, fields=list(bad))


def test_tag_and_author_feeds(anon, author, other, blog, site_url, helpers):
    tag = new_tag()
    mine = published(author, blog, [tag, "feeds"], body="Hello *feeds*.")
    theirs = published(other, blog, [tag])

    r = anon.html.get("/blog/tag/%s/feed.atom" % tag)
    assert r.status_code == 200
    assert helpers.media_type(r) == "application/atom+xml"
    root = ET.fromstring(r.content)
    links = {l.get("rel"): l.get("href") for l in root.findall(ATOM + "link")}
    assert links["self"] == "%s/blog/tag/%s/feed.atom" % (site_url, tag)
    assert links["alternate"] == "%s/blog/tag/%s" % (site_url, tag)
    entries = root.findall(ATOM + "entry")
    assert [e.findtext(ATOM + "title") for e in entries] == \
        [theirs["title"], mine["title"]]
    cats = [c.get("term") for c in entries[1].findall(ATOM + "category")]
    assert cats == [tag, "feeds"]

    r = anon.html.get("/blog/u/%s/feed.atom" % author.username)
    root = ET.fromstring(r.content)
    titles = [e.findtext(ATOM + "title") for e in root.findall(ATOM + "entry")]
    assert mine["title"] in titles and theirs["title"] not in titles

    r = anon.html.get("/blog/u/nobody_%s/feed.atom" % secrets.token_hex(3))
    assert r.status_code == 404
    assert anon.html.get("/blog/tag/a--b").status_code == 404
    assert anon.html.get("/blog/tag/a--b/feed.json").status_code == 404


def test_json_feed(anon, author, blog, site_url, helpers):
    tag = new_tag()
    post = published(author, blog, [tag], body="Some **bold** <b>x</b>.")
    for path in ("/blog/feed.json", "/blog/tag/%s/feed.json" % tag,
                 "/blog/u/%s/feed.json" % author.username):
        r = anon.html.get(path)
        assert r.status_code == 200, helpers.describe(r)
        assert helpers.media_type(r) == "application/feed+json"
        feed = r.json()
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["feed_url"] == site_url + path
        assert feed["home_page_url"] == site_url + path[:-len("/feed.json")]
        assert feed["title"]
        item = [i for i in feed["items"] if i["title"] == post["title"]][0]
        assert item["url"] == site_url + post["url"]
        assert item["id"] == item["url"]
        assert "<strong>bold</strong>" in item["content_html"]
        assert "<b>" not in item["content_html"]
        assert item["summary"] == "Some bold <b>x</b>."
        assert item["date_published"] == post["published_at"]
        assert item["tags"] == [tag]
        assert item["authors"] == [{
            "name": author.username,
            "url": "%s/blog/u/%s" % (site_url, author.username)}]
    index = anon.html.get("/blog").text
    assert 'href="/blog/feed.json"' in index


def test_sitemap(anon, author, blog, site_url):
    shown = published(author, blog, [])
    draft = create(author, blog, [], status="draft")
    r = anon.html.get("/sitemap.xml")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(r.content)
    locs = [u.findtext(SITEMAP + "loc") for u in root.findall(SITEMAP + "url")]
    assert site_url + "/blog" in locs
    assert site_url + shown["url"] in locs
    assert not [l for l in locs if "/blog/%s-" % draft["id"] in l]


# ---------------------------------------------------------------- meta

def test_post_page_meta_and_canonical(anon, author, blog, site_url):
    tag = new_tag()
    post = published(author, blog, [tag], body="First *line* here.\n\n"
                     "Second paragraph.")
    page = anon.html.get(post["url"]).text
    head = Head(page)
    assert head.links["canonical"] == site_url + post["url"]
    assert head.meta["og:title"] == [post["title"]]
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:url"] == [site_url + post["url"]]
    assert head.meta["og:description"][0].startswith("First line here.")
    assert head.meta["twitter:card"] == ["summary"]
    assert head.meta["twitter:title"] == [post["title"]]
    assert head.meta["article:tag"] == [tag]
    assert head.meta["article:published_time"] == [post["published_at"]]


def test_meta_is_escaped_for_attributes(anon, author, blog):
    evil = '"><script>alert(1)</script><meta x=\'y'
    post = published(author, blog, [], title="T " + evil,
                     body='A "quoted" <img src=x onerror=alert(1)> & \'it\'')
    page = anon.html.get(post["url"]).text
    head_src = page.split("</head>")[0]
    assert "<script>alert" not in head_src
    assert "onerror=alert(1)>" not in head_src
    head = Head(page)
    assert head.scripts_in_head == 0
    assert head.meta["og:title"] == ["T " + evil]
    assert head.meta["twitter:title"] == ["T " + evil]
    assert head.meta["og:description"][0].startswith('A "quoted" <img')
    assert "x" not in head.meta         # no attribute broke out


def test_tags_in_html_are_escaped_and_never_raw(anon, author, blog, helpers):
    r = author.form("/blog/new", {"title": blog.new_title("XSS tags"),
                                  "body": "x",
                                  "tags": '"><script>alert(1)</script>',
                                  "status": "draft"}, page="/blog/new")
    assert r.status_code == 422
    assert "<script>alert(1)</script>" not in r.text
    assert "&quot;&gt;&lt;script&gt;" in r.text
