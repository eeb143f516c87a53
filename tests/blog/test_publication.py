"""When a post counts as published: lists and feeds order by the first
approval, edits that change nothing change nothing, and the moderation
queue pages through any number of items."""

import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def first_ids(actor, n=5):
    r = actor.get("/api/v1/blog/posts", params={"limit": n})
    assert r.status_code == 200
    return [p["id"] for p in r.json()["posts"]]


def test_a_post_is_listed_by_when_it_was_published(author, admin, anon, blog,
                                                   helpers):
    waiting = blog.create(author)               # written first ...
    later = blog.create(admin)                  # ... published first
    assert later["status"] == "approved"
    blog.approve("post", waiting["id"])         # ... published last
    assert first_ids(anon, 2) == [waiting["id"], later["id"]]

    got = blog.get(anon, waiting["id"])
    assert got["published_at"] >= got["created_at"]
    assert got["published_at"] >= blog.get(anon, later["id"])["published_at"]

    page = helpers.assert_html(anon.html.get("/blog"), 200)
    ids = helpers.post_ids_in_list(page)
    assert ids.index(waiting["id"]) < ids.index(later["id"])

    root = ET.fromstring(anon.html.get("/blog/feed.atom").content)
    entry = next(e for e in root.findall(ATOM + "entry")
                 if e.findtext(ATOM + "id").endswith("/blog/%s" %
                                                     waiting["id"]))
    assert entry.findtext(ATOM + "published") == got["published_at"]


def test_unpublished_posts_have_no_publication_time(author, blog):
    assert blog.create(author)["published_at"] is None
    assert blog.create(author, status="draft")["published_at"] is None


def test_republishing_keeps_the_first_publication_time(author, blog, helpers):
    post = blog.published(author)
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"body": "A real change."})
    assert helpers.assert_json(r, 200)["post"]["edit"]["status"] == "pending"
    blog.approve("post", post["id"])
    again = blog.get(author, post["id"])
    assert again["status"] == "approved"
    assert again["published_at"] == post["published_at"]


def test_an_edit_that_changes_nothing_keeps_the_post_published(
        author, anon, blog, helpers):
    post = blog.published(author)
    url = "/api/v1/blog/posts/%s" % post["id"]
    for change in ({}, {"title": post["title"]}, {"body": post["body"]}):
        got = helpers.assert_json(author.patch(url, json=change), 200)["post"]
        assert got["status"] == "approved", change
        assert got["updated_at"] == post["updated_at"], change
    assert blog.queue_item("post", post["id"]) is None
    assert blog.status_code(anon, post["id"]) == 200


def test_unknown_author_page_is_404(anon, author, helpers):
    assert anon.html.get("/blog/u/nobody_here_at_all").status_code == 404
    assert anon.html.get("/blog/u/%s" % author.username).status_code == 200


def test_moderation_queue_pages(new_user, admin, blog, helpers):
    writer = new_user("q_")
    made = [blog.create(writer)["id"] for _ in range(3)]
    everything = [i for i in blog.queue()
                  if i["kind"] == "post" and i["item_id"] in made]
    assert [i["item_id"] for i in everything] == made

    seen, after, pages = [], 0, 0
    while True:
        body = helpers.assert_json(admin.get(
            "/api/v1/admin/moderation",
            params={"after": after, "limit": 2}), 200)
        assert len(body["items"]) <= 2
        assert body["total"] >= len(made)
        seen += [i["id"] for i in body["items"]]
        pages += 1
        if body["next_after"] is None:
            break
        after = body["next_after"]
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert {i["id"] for i in everything} <= set(seen)
    assert pages >= 2


def test_moderation_queue_refuses_bad_paging(admin, helpers):
    for params in ({"after": "x"}, {"after": "-1"}, {"limit": "0"},
                   {"limit": "201"}, {"limit": "1e3"}):
        r = admin.get("/api/v1/admin/moderation", params=params)
        helpers.assert_problem(r, 400)


def test_moderation_page_links_to_later_items(new_user, admin, blog,
                                              helpers):
    """The page shows 50 items and links to the next 50."""
    writer = new_user("q_")
    total = helpers.assert_json(admin.get("/api/v1/admin/moderation"),
                                200)["total"]
    made = [blog.create(writer)["id"] for _ in range(max(1, 51 - total))]
    total = helpers.assert_json(admin.get("/api/v1/admin/moderation"),
                                200)["total"]
    page = helpers.assert_html(admin.html.get("/admin/moderation"), 200)
    assert "%d items waiting" % total in page
    assert page.count('class="mod-item"') == 50
    nxt = [a["href"] for t, a in helpers.Tags(page).tags
           if t == "a" and a.get("href", "").startswith(
               "/admin/moderation?after=")]
    assert len(nxt) == 1, nxt
    rest = helpers.assert_html(admin.html.get(nxt[0]), 200)
    assert rest.count('class="mod-item"') == min(50, total - 50)
    if total <= 100:
        assert 'data-kind="post" data-item="%d"' % made[-1] in rest
