"""Per-user limits on what a user creates in the blog: comments (30 in
ten minutes for a member, blog and photos together; a third of that for
a new account, tests/people/test_new_hold.py; apps/core/limits.h)."""

from agora_kit.web import assert_retry_after


COMMENTS_ALLOWED = 30
COMMENTS_WINDOW = 600


def test_comments_are_limited_per_user(author, other, new_user, blog,
                                       helpers, member):
    member(other)
    post = blog.published(author)
    url = "/api/v1/blog/posts/%s/comments" % post["id"]
    for i in range(COMMENTS_ALLOWED):
        r = other.post(url, json={"body": "comment %d" % i})
        helpers.assert_json(r, 201)
    r = other.post(url, json={"body": "one too many"})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, COMMENTS_WINDOW)
    assert "one too many" not in [c["body"] for c in
                                  blog.comments(other, post["id"])]

    # The form says so on a page of its own.
    r = other.form("/blog/%s/comments" % post["id"], {"body": "by form"},
                   page=post["url"])
    helpers.assert_html(r, 429)
    assert_retry_after(r, COMMENTS_WINDOW)
    assert "many comments" in r.text
    assert len(blog.comments(other, post["id"])) == COMMENTS_ALLOWED

    # Somebody else still comments.
    third = new_user("th_")
    helpers.assert_json(third.post(url, json={"body": "hello"}), 201)
