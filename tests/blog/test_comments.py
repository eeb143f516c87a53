"""Comments on published posts: adding and listing them, the automated
moderation that holds some back for review, the admin's decision,
deletion, and the email to the post's author."""

import re

import pytest

FLAGGED = "Get cheap VIAGRA here, best prices."


def ids(comments):
    return [c["id"] for c in comments]


def count_on_index(actor, post_id, helpers):
    """The "N comments" of the post's entry on /blog, or None."""
    item = helpers.list_item(actor.html.get("/blog").text, post_id)
    if item is None:
        return None
    m = re.search(r"· ([0-9]+) comments?</span>", item)
    return int(m.group(1)) if m else None


def test_comment_is_added_listed_and_counted(author, other, anon, blog,
                                             helpers):
    post = blog.published(author)
    pid = post["id"]
    text = "First!\nWith a second line & <b>markup</b>."
    r = other.post("/api/v1/blog/posts/%s/comments" % pid,
                   json={"body": text})
    c = helpers.assert_json(r, 201)["comment"]
    assert c["body"] == text and c["author"] == other.username
    assert c["post_id"] == pid and c["hidden"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z",
                        c["created_at"]), c

    listed = blog.comments(anon, pid)
    assert ids(listed) == [c["id"]]
    assert listed[0] == {k: c[k] for k in listed[0]}
    assert set(listed[0]) >= {"id", "post_id", "author", "body",
                              "created_at", "hidden"}

    second = blog.comment(author, pid, "Thanks.")
    assert ids(blog.comments(anon, pid)) == [c["id"], second["id"]]
    assert blog.get(anon, pid)["comment_count"] == 2
    helpers.wait_for(lambda: count_on_index(anon, pid, helpers) == 2,
                     what="the comment count on /blog")

    page = anon.html.get(post["url"])
    helpers.assert_html(page, 200)
    assert 'id="c%s"' % c["id"] in page.text
    assert "First!\nWith a second line &amp; &lt;b&gt;markup&lt;/b&gt;." \
        in page.text
    assert "2 comments" in page.text


def test_comment_through_the_form(author, other, blog, helpers):
    post = blog.published(author)
    r = other.form("/blog/%s/comments" % post["id"],
                   {"body": "Form comment\nline two"}, page=post["url"])
    assert r.status_code == 303, helpers.describe(r)
    (c,) = blog.comments(other, post["id"])
    assert c["body"] == "Form comment\nline two"
    assert helpers.location(r).endswith("#c%s" % c["id"])
    for bad in ("", "   \n ", "x" * 5001):
        r = other.form("/blog/%s/comments" % post["id"], {"body": bad},
                       page=post["url"])
        helpers.assert_html(r, 422)
    assert len(blog.comments(other, post["id"])) == 1


def test_post_author_is_emailed_about_comments(author, new_user, blog,
                                               mailbox, site_url, helpers):
    post = blog.published(author)
    commenter = new_user("c_")
    # The author's own comment sends nothing; the reader's does.
    blog.comment(author, post["id"], "My own remark.")
    blog.comment(commenter, post["id"], "A reader's remark, quite long.")
    subject = '%s commented on "%s"' % (commenter.username, post["title"])
    msg = mailbox.wait(author.email, subject)
    assert str(msg["Subject"]) == subject
    text = helpers.mail_text(msg)
    assert "A reader's remark, quite long." in text
    assert site_url + post["url"] in text
    mine = [s for s in mailbox.subjects(author.email) if "commented on" in s]
    assert mine == [subject], mine
    # Nobody else is told.
    assert not [s for s in mailbox.subjects(commenter.email)
                if "commented on" in s]


def test_flagged_comment_is_held_until_approved(author, other, anon, admin,
                                                new_user, blog, helpers):
    post = blog.published(author)
    pid = post["id"]
    fine = blog.comment(other, pid, "A perfectly fine comment.")
    c = blog.comment(other, pid, FLAGGED)
    blog.wait_hidden(anon, pid, c["id"])

    # Hidden from everyone but its author and the admins.
    bystander = new_user("b_")
    for reader in (anon, bystander, author):
        assert ids(blog.comments(reader, pid)) == [fine["id"]], reader
    for reader in (other, admin):
        listed = {x["id"]: x for x in blog.comments(reader, pid)}
        assert listed[c["id"]]["hidden"] is True
        assert listed[fine["id"]]["hidden"] is False
    assert blog.get(anon, pid)["comment_count"] == 1

    # Pages: the author of the comment sees it marked; others do not see it.
    for reader in (other, admin):
        page = reader.html.get(post["url"]).text
        m = re.search(r'<article class="comment[^"]*" id="c%s">.*?</article>'
                      % c["id"], page, re.DOTALL)
        assert m, "comment missing for %s" % reader
        assert "held for review" in m.group(0)
    for reader in (anon, author, bystander):
        page = reader.html.get(post["url"]).text
        assert 'id="c%s"' % c["id"] not in page
        assert "VIAGRA" not in page
        assert 'id="c%s"' % fine["id"] in page

    # In the queue as a comment with the reason.
    q = blog.queue_item("comment", c["id"])
    assert q is not None, "flagged comment not in the queue"
    assert "viagra" in q["reason"].lower()
    assert q["source"] == "auto"

    blog.approve("comment", c["id"])
    listed = {x["id"]: x for x in blog.comments(anon, pid)}
    assert c["id"] in listed and listed[c["id"]]["hidden"] is False
    assert blog.get(anon, pid)["comment_count"] == 2
    assert blog.queue_item("comment", c["id"]) is None
    assert "held for review" not in other.html.get(post["url"]).text


def test_flagged_comment_queue_item_shows_what_to_decide(author, other, anon,
                                                         blog):
    """The admin needs the comment, its author and where it is."""
    post = blog.published(author)
    c = blog.comment(other, post["id"], FLAGGED)
    blog.wait_hidden(anon, post["id"], c["id"])
    q = blog.queue_item("comment", c["id"])
    assert q is not None
    assert q["author"] == other.username, q
    assert "VIAGRA" in q["preview_body"], q
    assert q["link"].startswith("/blog/%s" % post["id"]), q


def test_rejected_comment_stays_hidden_and_its_author_is_told(
        author, other, anon, admin, blog, mailbox, helpers):
    post = blog.published(author)
    c = blog.comment(other, post["id"], FLAGGED)
    blog.wait_hidden(anon, post["id"], c["id"])
    url = "/api/v1/admin/moderation/comment/%s/reject" % c["id"]
    helpers.assert_problem(admin.post(url, json={}), 422, ["reason"])
    blog.reject("comment", c["id"], "Spam is not welcome.")
    assert c["id"] not in ids(blog.comments(anon, post["id"]))
    mine = {x["id"]: x for x in blog.comments(other, post["id"])}
    assert mine[c["id"]]["hidden"] is True
    assert blog.queue_item("comment", c["id"]) is None
    msg = mailbox.wait(other.email, "Your comment was removed")
    assert "Spam is not welcome." in helpers.mail_text(msg)


def test_link_spam_is_held_but_three_links_are_fine(author, other, anon,
                                                    blog, member):
    member(other)	# a new user's items hold at most 2 links
    post = blog.published(author)
    three = blog.comment(other, post["id"], " ".join(
        "https://example.org/%d" % i for i in range(3)))
    four = blog.comment(other, post["id"], " ".join(
        "http://example.org/%d" % i for i in range(4)))
    blog.wait_hidden(anon, post["id"], four["id"])
    q = blog.queue_item("comment", four["id"])
    assert q is not None and "link" in q["reason"].lower()
    # The jobs run in order: the earlier comment has been looked at.
    assert three["id"] in ids(blog.comments(anon, post["id"]))
    assert blog.queue_item("comment", three["id"]) is None


@pytest.mark.parametrize("body,field", [
    ({}, "body"),
    ({"body": ""}, "body"),
    ({"body": " \n\t "}, "body"),
    ({"body": "x" * 5001}, "body"),
    ({"body": "\u00e9" * 5001}, "body"),
    ({"body": 42}, "body"),
    ({"body": None}, "body"),
    ({"body": ["a"]}, "body"),
])
def test_comment_validation(body, field, author, other, blog, admin, helpers):
    post = blog.published(author)
    r = other.post("/api/v1/blog/posts/%s/comments" % post["id"], json=body)
    helpers.assert_problem(r, 422, [field])
    assert blog.comments(admin, post["id"]) == []


def test_comment_length_limits_count_characters(author, other, blog):
    post = blog.published(author)
    for text in ("x", "x" * 5000, "\u00e9" * 5000, "\U0001F600" * 5000):
        c = blog.comment(other, post["id"], text)
        assert c["body"] == text
    assert len(blog.comments(other, post["id"])) == 4


def test_comment_needs_json(author, other, blog, helpers):
    post = blog.published(author)
    path = "/api/v1/blog/posts/%s/comments" % post["id"]
    r = other.post(path, data="body=hello", headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    helpers.assert_problem(r, 415)
    r = other.post(path, data=b'{"body": "x"', headers={
        "Content-Type": "application/json"})
    helpers.assert_problem(r, 400)
    r = other.post(path, data=b'{"body": "' + b"x" * (70 * 1024) + b'"}',
                   headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 413)


def test_deleted_comment_leaves_lists_counts_and_queue(author, other, anon,
                                                       admin, blog, helpers):
    post = blog.published(author)
    keep = blog.comment(other, post["id"], "Keep me.")
    gone = blog.comment(other, post["id"], "Delete me.")
    flagged = blog.comment(other, post["id"], FLAGGED)
    blog.wait_hidden(anon, post["id"], flagged["id"])
    assert blog.queue_item("comment", flagged["id"]) is not None
    assert blog.get(anon, post["id"])["comment_count"] == 2

    assert other.delete("/api/v1/blog/comments/%s" % gone["id"]).status_code \
        == 204
    assert author.delete("/api/v1/blog/comments/%s" %
                         flagged["id"]).status_code == 204
    assert ids(blog.comments(admin, post["id"])) == [keep["id"]]
    assert blog.get(anon, post["id"])["comment_count"] == 1
    assert blog.queue_item("comment", flagged["id"]) is None
    r = other.delete("/api/v1/blog/comments/%s" % gone["id"])
    helpers.assert_problem(r, 404)


def test_deleting_a_post_takes_its_comments_out_of_the_queue(
        author, other, anon, blog, helpers):
    post = blog.published(author)
    c = blog.comment(other, post["id"], FLAGGED)
    blog.wait_hidden(anon, post["id"], c["id"])
    assert blog.queue_item("comment", c["id"]) is not None
    assert author.delete("/api/v1/blog/posts/%s" % post["id"]).status_code \
        == 204
    assert blog.queue_item("comment", c["id"]) is None
    helpers.assert_problem(other.delete("/api/v1/blog/comments/%s" % c["id"]),
                           404)


def test_comments_stay_open_while_an_edit_waits(author, other, anon, blog,
                                                helpers):
    post = blog.published(author)
    c = blog.comment(other, post["id"], "Nice.")
    author.patch("/api/v1/blog/posts/%s" % post["id"], json={"body": "new"})
    path = "/api/v1/blog/posts/%s/comments" % post["id"]
    assert ids(helpers.assert_json(anon.get(path), 200)["comments"]) == \
        [c["id"]]
    helpers.assert_json(other.post(path, json={"body": "more"}), 201)
    assert ids(blog.comments(author, post["id"]))[0] == c["id"]
