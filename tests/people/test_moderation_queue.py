"""The moderation queue as an admin reads it: each item named in words,
why it is there (the rule that flagged it, who reported it and how
often), its author's standing, a photo's thumbnail; filters by app and
by why; bulk reject with one reason beside bulk approve."""

import re


def page(admin, helpers, **params):
    r = admin.html.get("/admin/moderation", params=params)
    helpers.assert_html(r, 200)
    return r.text


def item_html(text, kind, item_id):
    m = re.search(r'<article class="mod-item" id="q(\d+)" data-kind="%s" '
                  r'data-item="%s"[^>]*>(.*?)</article>' % (kind, item_id),
                  text, re.DOTALL)
    return (int(m.group(1)), m.group(2)) if m else (None, None)


def test_items_are_named_in_words_with_the_authors_standing(
        author, other, admin, blog, helpers):
    post = blog.published(author, title=blog.new_title("Sunrise"))
    c = blog.comment(other, post["id"], "Free money for all, viagra too.")
    helpers.wait_for(lambda: blog.queue_item("comment", c["id"]),
                     what="the comment to be flagged")
    qid, html = item_html(page(admin, helpers), "comment", c["id"])
    assert html, "the comment is not on the page"
    assert "<strong>Comment by %s on “%s”</strong>" % (
        other.username, post["title"]) in html
    assert "comment</strong> #" not in html
    assert "flagged by the automatic check" in html
    assert '%s is <strong class="trust">new</strong>' % other.username \
        in html
    api = blog.queue_item("comment", c["id"])
    assert api["label"] == "Comment by %s on “%s”" % (other.username,
                                                     post["title"])
    assert api["app"] == "blog"
    assert api["author_standing"]["trust"] == "new"


def test_a_reported_photo_says_who_reported_it_and_how_often(
        new_user, admin, photo, helpers):
    owner, a, b = new_user("po_"), new_user("ra_"), new_user("rb_")
    pid = photo(owner, "Sunrise on the north ridge")
    for who in (a, b):
        r = who.post("/api/v1/photos/%s/report" % pid,
                     json={"reason": "not theirs"})
        assert r.status_code == 202, helpers.describe(r)
    text = page(admin, helpers, app="photos", why="report")
    qid, html = item_html(text, "photo", pid)
    assert html, "the reported photo is not in the filtered list"
    assert "Photo by %s: “Sunrise on the north ridge”" % owner.username \
        in html
    assert "Reported 2 times by" in html
    assert a.username in html and b.username in html
    assert re.search(r'<img class="mod-thumb" src="/media/thumb/'
                     r'[0-9a-f]{64}\.jpg"', html)
    items = helpers.assert_json(admin.get(
        "/api/v1/admin/moderation", params={"app": "photos",
                                            "why": "report"}), 200)["items"]
    it = next(i for i in items if i["kind"] == "photo" and
              i["item_id"] == pid)
    assert it["reports"] == 2 and it["thumbnail"].startswith("/media/thumb/")
    admin.post("/api/v1/admin/moderation/photo/%s/approve" % pid, json={})


def test_filters_by_app_and_why(author, admin, blog, helpers):
    post = blog.create(author)
    blog_page = page(admin, helpers, app="blog")
    assert item_html(blog_page, "post", post["id"])[1]
    assert all(k in ("post", "comment") for k in
               re.findall(r'data-kind="([a-z_]+)"', blog_page))
    chat_page = page(admin, helpers, app="chat")
    assert not item_html(chat_page, "post", post["id"])[1]
    assert item_html(page(admin, helpers, why="review"), "post",
                     post["id"])[1]
    assert item_html(page(admin, helpers, why="new"), "post", post["id"])[1]
    assert not item_html(page(admin, helpers, why="report"), "post",
                         post["id"])[1]
    r = admin.get("/api/v1/admin/moderation", params={"app": "blog",
                                                      "why": "review"})
    items = helpers.assert_json(r, 200)["items"]
    assert any(i["item_id"] == post["id"] for i in items)
    assert all(i["app"] == "blog" and i["source"] == "review"
               for i in items)
    for bad in ({"app": "mail"}, {"why": "because"}):
        helpers.assert_problem(admin.get("/api/v1/admin/moderation",
                                         params=bad), 400)
        r = admin.html.get("/admin/moderation", params=bad)
        assert r.status_code == 400, helpers.describe(r)
    text = page(admin, helpers, app="blog", why="review")
    assert '<option value="blog" selected>' in text
    assert '<option value="review" selected>' in text


def test_bulk_reject_with_one_reason(new_user, admin, blog, mailbox,
                                     helpers):
    writers = [new_user("br_") for _ in range(2)]
    posts = [blog.create(w) for w in writers]
    text = page(admin, helpers)
    qids = [item_html(text, "post", p["id"])[0] for p in posts]
    assert all(qids)
    fields = [("id", str(q)) for q in qids]

    # No reason: refused, nothing decided.
    r = admin.form("/admin/moderation/bulk",
                   fields + [("decision", "reject"), ("reason", " ")],
                   page="/admin/moderation")
    assert r.status_code == 422, helpers.describe(r)
    for p in posts:
        assert blog.get(admin, p["id"])["status"] == "pending"

    r = admin.form("/admin/moderation/bulk",
                   fields + [("decision", "reject"),
                             ("reason", "Adverts are not posts.")],
                   page="/admin/moderation")
    assert r.status_code == 303, helpers.describe(r)
    for p, w in zip(posts, writers):
        got = blog.get(w, p["id"])
        assert got["status"] == "rejected"
        assert got["reject_reason"] == "Adverts are not posts."
        assert blog.queue_item("post", p["id"]) is None


def test_the_bulk_form_offers_both_decisions(author, admin, blog, helpers):
    blog.create(author)
    text = page(admin, helpers)
    m = re.search(r'<form method="post" action="/admin/moderation/bulk" '
                  r'id="bulk">(.*?)</form>', text, re.DOTALL)
    assert m
    assert 'name="decision" value="approve"' in m.group(1)
    assert 'name="decision" value="reject"' in m.group(1)
    assert 'name="reason"' in m.group(1)


def test_a_post_is_previewed_as_readers_will_see_it(author, admin, blog,
                                                    helpers):
    post = blog.create(author, body="Some **bold** words and a "
                       "[link](https://example.org/x).\n\n<b>raw</b>")
    qid, html = item_html(page(admin, helpers), "post", post["id"])
    assert html
    m = re.search(r'<div class="preview-html">(.*?)</div>', html, re.DOTALL)
    assert m, "no rendered preview"
    assert "<strong>bold</strong>" in m.group(1)
    assert 'href="https://example.org/x"' in m.group(1)
    assert "<b>raw</b>" not in html, "raw HTML stays text"
    # The source is there too, escaped.
    assert "Some **bold** words" in html
