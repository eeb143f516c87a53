"""Scheduled publishing: a post never published may wait for a time; it
is 'scheduled' (its author and admins see it, nobody else) until a
delayed job publishes it, once."""

import datetime as dt
import secrets
import time

import pytest


def utc(seconds):
    t = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), t


def parse(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def create(actor, blog, publish_at, **kw):
    data = {"title": blog.new_title("Scheduled"), "body": "Later text.",
            "publish_at": publish_at}
    data.update(kw)
    r = actor.post("/api/v1/blog/posts", json=data)
    assert r.status_code == 201, r.text
    post = r.json()["post"]
    blog.track(post["id"])
    return post


def wait_published(blog, post_id, helpers, timeout=25):
    return helpers.wait_for(
        lambda: (lambda p: p if p["status"] == "approved" else None)(
            blog.get(blog.admin, post_id)),
        timeout=timeout, what="post %s to be published" % post_id)


def public_ids(anon):
    r = anon.get("/api/v1/blog/posts", params={"limit": 100})
    return [p["id"] for p in r.json()["posts"]]


def test_an_admins_post_waits_for_its_time(admin, anon, other, blog,
                                           helpers):
    at, when = utc(4)
    post = create(admin, blog, at)
    assert post["status"] == "scheduled"
    assert parse(post["publish_at"]) == when.replace(microsecond=0) or \
        abs(parse(post["publish_at"]) - when).total_seconds() < 1
    assert post["published_at"] is None

    for reader in (anon, other):
        assert blog.status_code(reader, post["id"]) == 404
    assert post["id"] not in public_ids(anon)
    page = admin.html.get(post["url"]).text
    assert "Scheduled: published" in page
    own = admin.html.get("/blog/u/admin").text
    assert "status-scheduled" in own

    done = wait_published(blog, post["id"], helpers)
    assert parse(done["published_at"]) >= when - dt.timedelta(seconds=1)
    assert blog.status_code(anon, post["id"]) == 200
    helpers.wait_for(lambda: post["id"] in public_ids(anon),
                     what="the post in the public list")
    # Once: its first publication stays its date.
    time.sleep(2)
    assert blog.get(admin, post["id"])["published_at"] == done["published_at"]


def test_a_users_post_is_reviewed_then_waits(author, other, anon, blog,
                                             helpers):
    at, when = utc(5)
    post = create(author, blog, at)
    assert post["status"] == "pending"
    blog.approve("post", post["id"])
    got = blog.get(author, post["id"])
    assert got["status"] == "scheduled"
    assert blog.status_code(other, post["id"]) == 404
    assert "Scheduled: published" in author.html.get(post["url"]).text
    done = wait_published(blog, post["id"], helpers)
    assert parse(done["published_at"]) >= when - dt.timedelta(seconds=1)
    assert blog.status_code(anon, post["id"]) == 200


def test_rescheduling_publishes_once_at_the_new_time(admin, anon, blog,
                                                     helpers):
    first, _ = utc(3)
    post = create(admin, blog, first)
    later, when = utc(9)
    r = admin.patch("/api/v1/blog/posts/%s" % post["id"],
                    json={"publish_at": later})
    assert r.status_code == 200, r.text
    assert r.json()["post"]["status"] == "scheduled"
    # The first job comes and goes without publishing.
    time.sleep(6)
    assert blog.get(admin, post["id"])["status"] == "scheduled"
    assert blog.status_code(anon, post["id"]) == 404
    done = wait_published(blog, post["id"], helpers)
    assert parse(done["published_at"]) >= when - dt.timedelta(seconds=1)


def test_removing_the_time_publishes_now(admin, anon, blog):
    at, _ = utc(3600)
    post = create(admin, blog, at)
    assert post["status"] == "scheduled"
    r = admin.patch("/api/v1/blog/posts/%s" % post["id"],
                    json={"publish_at": ""})
    assert r.status_code == 200, r.text
    assert r.json()["post"]["status"] == "approved"
    assert r.json()["post"]["publish_at"] is None
    assert blog.status_code(anon, post["id"]) == 200


def test_a_draft_with_a_time_stays_a_draft(admin, anon, blog):
    at, _ = utc(2)
    post = create(admin, blog, at, status="draft")
    assert post["status"] == "draft"
    time.sleep(4)
    assert blog.get(admin, post["id"])["status"] == "draft"
    assert blog.status_code(anon, post["id"]) == 404


@pytest.mark.parametrize("bad", [
    "tomorrow", "2027-02-31T10:00:00Z", "2027-01-01T10:00",
    "2027-01-01T25:00:00Z", "2099-01-01T10:00:00Z", "2027-01-01T10:00:00+5",
    5, ["2027-01-01T10:00:00Z"],
])
def test_bad_times_are_refused(admin, blog, helpers, bad):
    title = blog.new_title("Bad time")
    r = admin.post("/api/v1/blog/posts",
                   json={"title": title, "body": "x", "publish_at": bad})
    helpers.assert_problem(r, 422, fields=["publish_at"])
    assert title not in admin.html.get("/blog/u/admin").text


def test_the_editor_takes_the_writers_local_time(admin, blog, helpers):
    day = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).date()
    title = blog.new_title("Local time")
    r = admin.form("/blog/new", {
        "title": title, "body": "x", "status": "pending",
        "publish_at": "%sT10:30" % day.isoformat(),
        "tz_offset": "-120"}, page="/blog/new")
    assert r.status_code == 303, helpers.describe(r)
    post_id = r.headers["location"].split("/")[2].split("-")[0]
    blog.track(post_id)
    got = blog.get(admin, post_id)
    assert got["status"] == "scheduled"
    assert got["publish_at"].startswith("%sT08:30:00" % day.isoformat())
    page = admin.html.get("/blog/%s/edit" % post_id).text
    assert 'data-utc="%s"' % got["publish_at"] in page
    assert helpers.input_values(page, "publish_at") == [
        "%sT08:30" % day.isoformat()]


def test_a_users_change_to_a_scheduled_post_is_reviewed_again(
        author, anon, blog, helpers):
    at, _ = utc(3600)
    post = create(author, blog, at)
    blog.approve("post", post["id"])
    assert blog.get(author, post["id"])["status"] == "scheduled"
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"body": "Something else entirely."})
    assert r.status_code == 200, r.text
    assert r.json()["post"]["status"] == "pending"
    assert blog.queue_item("post", post["id"]) is not None
    # Its time alone may change without a review.
    blog.approve("post", post["id"])
    later, _ = utc(7200)
    r = author.patch("/api/v1/blog/posts/%s" % post["id"],
                     json={"publish_at": later})
    assert r.json()["post"]["status"] == "scheduled"
    assert blog.status_code(anon, post["id"]) == 404
