"""Per-user limits on photo comments (30 in ten minutes, with the blog's)
and reports (30 an hour, with the chat's); apps/core/limits.h."""

PHOTOS = "/api/v1/photos"
ALLOWED = 30


def assert_retry_after(r, helpers, most):
    value = r.headers.get("Retry-After", "")
    assert value.isdigit(), helpers.describe(r)
    assert 1 <= int(value) <= most, helpers.describe(r)


def test_photo_comments_are_limited_per_user(owner, other, new_user, photos,
                                             helpers):
    p = photos.published(owner)
    url = "%s/%s/comments" % (PHOTOS, p["id"])
    for i in range(ALLOWED):
        helpers.assert_json(other.post(url, json={"body": "nice %d" % i}),
                            201)
    r = other.post(url, json={"body": "too many"})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, helpers, 600)
    # The page's form answers with a page.
    r = other.form("/photos/%s/comments" % p["id"], {"body": "by form"},
                   page="/photos/%s" % p["id"])
    helpers.assert_html(r, 429)
    assert_retry_after(r, helpers, 600)
    assert "many comments" in r.text
    helpers.assert_json(new_user("nc_").post(url, json={"body": "hi"}), 201)


def test_photo_reports_are_limited_per_user(owner, other, photos, helpers):
    p = photos.published(owner)
    url = "%s/%s/report" % (PHOTOS, p["id"])
    # Report the same photo until the limit; it stays visible to the
    # reporter until an admin decides, so each report is accepted.
    for i in range(ALLOWED):
        r = other.post(url, json={"reason": "r%d" % i})
        assert r.status_code == 202, helpers.describe(r)
    r = other.post(url, json={"reason": "once more"})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, helpers, 3600)

