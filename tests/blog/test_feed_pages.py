"""The Atom feed, cursor and page pagination, validation."""

import xml.etree.ElementTree as ET

import pytest
import requests

from conftest import BASE, new_post, unique, wait_for

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_is_valid_and_absolute(admin, author):
    title = unique("Feed")
    new_post(admin, title=title)
    hidden = unique("Hidden")
    new_post(author, title=hidden)                 # pending: not in the feed
    r = requests.get(BASE + "/blog/feed.atom")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == ATOM + "feed"
    for tag in ("title", "id", "updated"):
        assert root.find(ATOM + tag) is not None
    rels = {l.get("rel"): l.get("href") for l in root.findall(ATOM + "link")}
    assert rels["self"].startswith("http") and rels["self"].endswith(
        "/blog/feed.atom")
    titles = [e.find(ATOM + "title").text
              for e in root.findall(ATOM + "entry")]
    assert title in titles and hidden not in titles
    for e in root.findall(ATOM + "entry"):
        assert e.find(ATOM + "link").get("href").startswith("http")
        assert e.find(ATOM + "content").get("type") == "html"


def test_cursor_walk_returns_each_post_once_in_order(admin):
    prefix = unique("Walk")
    ids = [new_post(admin, title=f"{prefix} {i}")["id"] for i in range(25)]
    seen, cursor = [], None
    for _ in range(100):
        q = {"limit": 10}
        if cursor:
            q["cursor"] = cursor
        r = requests.get(BASE + "/api/v1/blog/posts", params=q)
        assert r.status_code == 200
        body = r.json()
        assert len(body["posts"]) <= 10
        seen += [p["id"] for p in body["posts"]
                 if p["title"].startswith(prefix)]
        cursor = body["next_cursor"]
        if cursor is None or len(seen) == 25:
            break
    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))
    assert seen == sorted(seen, reverse=True)     # newest first


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1"])
def test_bad_limit_is_400(limit):
    r = requests.get(BASE + "/api/v1/blog/posts", params={"limit": limit})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("cursor", ["garbage", "1.", ".1", "1.2.3", "x.y"])
def test_bad_cursor_is_400(cursor):
    r = requests.get(BASE + "/api/v1/blog/posts", params={"cursor": cursor})
    assert r.status_code == 400


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e3", ""])
def test_odd_pages_do_not_fail(page):
    assert requests.get(BASE + "/blog", params={"page": page}).status_code \
        == 200
    r = requests.get(BASE + "/api/v1/blog/posts", params={"page": page})
    assert r.status_code == 200


def test_html_pager_links(admin):
    for i in range(21):
        new_post(admin, title=unique("Pager"))
    html = wait_for(lambda: (lambda t: "Older" in t and t)(
        requests.get(BASE + "/blog").text), what="a second page")
    assert 'href="/blog?page=2"' in html
    page2 = requests.get(BASE + "/blog?page=2").text
    assert 'href="/blog?page=1"' in page2
    assert page2.count('<li class="post">') <= 20


@pytest.mark.parametrize("body,field", [
    ({"body": "x"}, "title"),
    ({"title": "", "body": "x"}, "title"),
    ({"title": "a" * 201, "body": "x"}, "title"),
    ({"title": "two\nlines", "body": "x"}, "title"),
    ({"title": "ok"}, "body"),
    ({"title": "ok", "body": "x" * 100001}, "body"),
    ({"title": "ok", "body": "x", "status": "approved"}, "status"),
    ({"title": 5, "body": "x"}, "title"),
])
def test_validation(author, body, field):
    r = author.post("/api/v1/blog/posts", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in r.json()["errors"]


def test_not_json_and_too_large(author):
    r = requests.post(BASE + "/api/v1/blog/posts", headers=author.h,
                      data="title=x")
    assert r.status_code == 415
    r = requests.post(BASE + "/api/v1/blog/posts",
                      headers={**author.h, "content-type": "application/json"},
                      data=b'{"title": "' + b"a" * 2000000 + b'"}')
    assert r.status_code == 413


def test_slug_redirects_to_canonical(admin):
    post = new_post(admin, title="Hello, World & Friends")
    r = requests.get(BASE + f"/blog/{post['id']}", allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == f"/blog/{post['id']}-hello-world-friends"
    r = requests.get(BASE + f"/blog/{post['id']}-wrong", allow_redirects=False)
    assert r.status_code == 301
