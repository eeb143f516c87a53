"""/blog/feed.atom: a well-formed Atom 1.0 feed of the newest published
posts, with absolute links from AGORA_SITE_URL."""

import re
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"
                     r"(Z|[+-]\d\d:\d\d)$")


def fetch(anon, helpers):
    r = anon.html.get("/blog/feed.atom")
    assert r.status_code == 200, helpers.describe(r)
    assert helpers.media_type(r) == "application/atom+xml", helpers.describe(r)
    try:
        return r, ET.fromstring(r.content)
    except ET.ParseError as e:
        line = r.content.split(b"\n")[e.position[0] - 1]
        pytest.fail("the feed is not well-formed XML (%s): %r" % (e, line))


def entries(root):
    return root.findall(ATOM + "entry")


def entry_titles(root):
    return [e.findtext(ATOM + "title") for e in entries(root)]


def links(elem):
    return {l.get("rel", "alternate"): l for l in elem.findall(ATOM + "link")}


def test_feed_is_atom_with_absolute_links(anon, admin, blog, site_url,
                                          helpers):
    blog.published(admin, title=blog.new_title("Feed"))
    r, root = fetch(anon, helpers)
    assert r.content.startswith(b"<?xml")
    assert root.tag == ATOM + "feed"
    assert (root.findtext(ATOM + "title") or "").strip()
    assert (root.findtext(ATOM + "id") or "").startswith(site_url)
    assert RFC3339.match(root.findtext(ATOM + "updated") or ""), \
        root.findtext(ATOM + "updated")
    rels = links(root)
    assert rels["self"].get("href") == site_url + "/blog/feed.atom"
    assert rels["alternate"].get("href") == site_url + "/blog"

    got = entries(root)
    assert 1 <= len(got) <= 20
    seen = set()
    published = []
    for e in got:
        eid = e.findtext(ATOM + "id")
        assert eid and eid not in seen, eid
        seen.add(eid)
        assert (e.findtext(ATOM + "title") or "").strip()
        href = links(e)["alternate"].get("href")
        assert re.match(r"https?://", href) and href.startswith(site_url), \
            href
        assert re.fullmatch(re.escape(site_url) + r"/blog/[0-9]+-[a-z0-9-]+",
                            href), href
        for tag in ("published", "updated"):
            assert RFC3339.match(e.findtext(ATOM + tag) or ""), (tag, eid)
        published.append(e.findtext(ATOM + "published"))
        author = e.find(ATOM + "author")
        assert author is not None and author.findtext(ATOM + "name")
        uri = author.findtext(ATOM + "uri")
        assert uri is None or uri.startswith(site_url)
        content = e.find(ATOM + "content")
        assert content is not None and content.get("type") == "html"
    assert published == sorted(published, reverse=True), "not newest first"


def test_feed_has_only_published_posts(author, anon, admin, blog, helpers):
    live = blog.published(author, title=blog.new_title("FeedLive"))
    pending = blog.create(author, title=blog.new_title("FeedPending"))
    draft = blog.create(author, title=blog.new_title("FeedDraft"),
                        status="draft")
    rejected = blog.create(author, title=blog.new_title("FeedRejected"))
    blog.reject("post", rejected["id"], "No.")
    _, root = fetch(anon, helpers)
    titles = entry_titles(root)
    assert live["title"] in titles
    for p in (pending, draft, rejected):
        assert p["title"] not in titles, p["status"]

    # Every entry is a page anyone can read.
    for e in entries(root):
        href = links(e)["alternate"].get("href")
        path = urllib.parse.urlsplit(href).path
        page = anon.html.get(path)
        assert page.status_code == 200, (href, page.status_code)

    # An edit waiting for review: the published version stays in the feed.
    author.patch("/api/v1/blog/posts/%s" % live["id"],
                 json={"title": blog.new_title("FeedEdit"), "body": "new"})
    _, root = fetch(anon, helpers)
    assert live["title"] in entry_titles(root)


def test_feed_entry_matches_the_post(author, anon, blog, site_url, helpers):
    title = blog.new_title("Exact <&> \"quotes\" 'single' é ü 😀")
    body = "# Heading\n\nSome *emphasis* & a [link](https://example.org).\n"
    post = blog.published(author, title=title, body=body)
    _, root = fetch(anon, helpers)
    (entry,) = [e for e in entries(root)
                if e.findtext(ATOM + "title") == title]
    assert links(entry)["alternate"].get("href") == site_url + post["url"]
    assert entry.findtext(ATOM + "content") == post["html"]
    assert entry.find(ATOM + "author").findtext(ATOM + "name") == \
        author.username
    # Published when approved, which may be a second after it was written.
    assert entry.findtext(ATOM + "published") == \
        (post.get("published_at") or post["created_at"])


def test_feed_updated_is_its_latest_change(admin, anon, blog, helpers):
    """The feed's <updated> is no older than any of its entries'."""
    older = blog.create(admin, title=blog.new_title("FeedOld"))
    newer = blog.create(admin, title=blog.new_title("FeedNew"))

    def edited_later():
        r = admin.patch("/api/v1/blog/posts/%s" % older["id"],
                        json={"body": "Edited at %f." % time.time()})
        got = helpers.assert_json(r, 200)["post"]
        return got if got["updated_at"] > newer["updated_at"] else None
    edited = helpers.wait_for(edited_later, step=0.25,
                              what="an edit in a later second")
    _, root = fetch(anon, helpers)
    stamps = [e.findtext(ATOM + "updated") for e in entries(root)]
    assert edited["updated_at"] in stamps
    assert root.findtext(ATOM + "updated") >= max(stamps), \
        (root.findtext(ATOM + "updated"), max(stamps))


@pytest.mark.parametrize("field", ["title", "body"])
def test_control_characters_do_not_break_the_feed(field, admin, anon, blog,
                                                  helpers):
    """A post either refuses control characters (which XML 1.0 cannot
    carry) or the feed stays well-formed."""
    data = {"title": blog.new_title("Ctl"), "body": "Plain body."}
    data[field] += " \x01 \x0b \x1b[31m"
    r = admin.post("/api/v1/blog/posts", json=data)
    if r.status_code == 422:
        return
    assert r.status_code == 201, helpers.describe(r)
    blog.track(r.json()["post"]["id"])
    fetch(anon, helpers)

