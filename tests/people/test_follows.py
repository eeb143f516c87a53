"""Following: follow and unfollow by the API and the profile's form,
counts and lists on profiles, the "follow" notification, the Following
feed and Explore on /photos, and what is refused."""

import re

import pytest

PHOTOS = "/api/v1/photos"


def follow_url(name):
    return "/api/v1/users/%s/follow" % name


def profile(actor, name):
    r = actor.get("/api/v1/users/%s" % name)
    assert r.status_code == 200, r.text
    return r.json()["user"]


def feed(actor, **params):
    r = actor.get(PHOTOS, params=dict(feed="following", **params))
    assert r.status_code == 200, r.text
    return r.json()


def ids(body):
    return [p["id"] for p in body["photos"]]


def test_follow_and_unfollow_by_the_api(new_user, helpers):
    a, b = new_user("fa_"), new_user("fb_")
    assert profile(a, b.username)["followed"] is False
    body = helpers.assert_json(a.post(follow_url(b.username)), 200)
    assert body == {"username": b.username, "following": True,
                    "followers": 1}
    # Again: nothing changes.
    body = helpers.assert_json(a.post(follow_url(b.username)), 200)
    assert body["followers"] == 1
    p = profile(a, b.username)
    assert p["followed"] is True
    assert p["counts"]["followers"] == 1 and p["counts"]["following"] == 0
    assert profile(b, a.username)["counts"]["following"] == 1

    r = a.get("/api/v1/users/%s/followers" % b.username)
    assert [x["username"] for x in r.json()["followers"]] == [a.username]
    r = a.get("/api/v1/users/%s/following" % a.username)
    assert [x["username"] for x in r.json()["following"]] == [b.username]

    body = helpers.assert_json(a.delete(follow_url(b.username)), 200)
    assert body == {"username": b.username, "following": False,
                    "followers": 0}
    body = helpers.assert_json(a.delete(follow_url(b.username)), 200)
    assert body["followers"] == 0
    assert profile(a, b.username)["counts"]["followers"] == 0


def test_the_followed_user_is_notified_once(new_user):
    a, b = new_user("fn_"), new_user("fm_")
    assert a.post(follow_url(b.username)).status_code == 200
    r = b.get("/api/v1/notifications", params={"limit": 100})
    got = [n for n in r.json()["notifications"] if n["kind"] == "follow"]
    assert len(got) == 1
    # Unfollowing takes it back; nobody is told of their own follows.
    assert a.delete(follow_url(b.username)).status_code == 200
    r = b.get("/api/v1/notifications", params={"limit": 100})
    assert [n for n in r.json()["notifications"]
            if n["kind"] == "follow"] == []
    r = a.get("/api/v1/notifications", params={"limit": 100})
    assert [n for n in r.json()["notifications"]
            if n["kind"] == "follow"] == []


def test_refused_follows(new_user, anon, ban, helpers):
    a, b = new_user("fr_"), new_user("fs_")
    helpers.assert_problem(a.post(follow_url(a.username)), 422)
    helpers.assert_problem(a.post(follow_url("nobody_here_zz")), 404)
    helpers.assert_problem(anon.post(follow_url(b.username)), 401)
    ban(b)
    try:
        helpers.assert_problem(a.post(follow_url(b.username)), 404)
    finally:
        ban(b, undo=True)
    assert a.get(follow_url(b.username)).status_code == 405
    # A cookie session needs the CSRF token.
    r = a.html.request("POST", follow_url(b.username))
    helpers.assert_problem(r, 403)
    # (A ban revoked b's own tokens.)
    assert profile(a, b.username)["counts"]["followers"] == 0


def test_follow_actions_are_limited_per_hour(new_user, helpers):
    a, b = new_user("fl_"), new_user("fk_")
    for i in range(100):
        r = a.post(follow_url(b.username)) if i % 2 == 0 else \
            a.delete(follow_url(b.username))
        assert r.status_code == 200, (i, r.text)
    r = a.post(follow_url(b.username))
    helpers.assert_problem(r, 429)
    assert r.headers.get("retry-after")
    assert profile(b, b.username)["counts"]["followers"] == 0


def test_the_profile_form_follows_and_unfollows(new_user, anon, helpers):
    a, b = new_user("fp_"), new_user("fq_")
    page = a.html.get("/u/%s" % b.username).text
    assert 'action="/u/%s/follow"' % b.username in page
    assert 'action="/u/%s/follow"' % a.username not in \
        a.html.get("/u/%s" % a.username).text
    assert "/follow\"" not in anon.html.get("/u/%s" % b.username).text
    r = a.form("/u/%s/follow" % b.username, page="/u/%s" % b.username)
    assert r.status_code == 303, r.text
    page = a.html.get("/u/%s" % b.username).text
    assert 'action="/u/%s/unfollow"' % b.username in page
    assert "<strong>1</strong> follower<" in page
    lst = anon.html.get("/u/%s/followers" % b.username)
    helpers.assert_html(lst, 200)
    assert 'href="/u/%s"' % a.username in lst.text
    r = a.form("/u/%s/unfollow" % b.username, page="/u/%s" % b.username)
    assert r.status_code == 303
    assert "<strong>0</strong> followers<" in \
        a.html.get("/u/%s" % b.username).text
    # Without the CSRF token nothing happens.
    r = a.form("/u/%s/follow" % b.username, page="/u/%s" % b.username,
               csrf=False)
    assert r.status_code == 403
    assert profile(b, b.username)["counts"]["followers"] == 0
    assert anon.html.get("/u/nobody_here_zz/followers").status_code == 404


def test_the_following_feed(new_user, anon, photo, psql, helpers):
    me, f1, f2, stranger = (new_user("fx_"), new_user("fy_"),
                            new_user("fz_"), new_user("fw_"))
    for who in (f1, f2):
        assert me.post(follow_url(who.username)).status_code == 200
    made = [photo(f1), photo(stranger), photo(f2), photo(f1)]
    hidden = photo(f2)
    psql("UPDATE photos SET hidden = true WHERE id = :'p1'", hidden)

    got = feed(me, limit=100)
    assert ids(got) == [made[3], made[2], made[0]]
    assert got["next_cursor"] is None
    # Cursor pages as in the global feed.
    first = feed(me, limit=2)
    assert ids(first) == [made[3], made[2]]
    second = feed(me, limit=2, cursor=first["next_cursor"])
    assert ids(second) == [made[0]] and second["next_cursor"] is None

    page = me.html.get("/photos/following")
    helpers.assert_html(page, 200)
    for pid in (made[0], made[2], made[3]):
        assert 'href="/photos/%s?in=' % pid in page.text
    for pid in (made[1], hidden):
        assert 'href="/photos/%s?in=' % pid not in page.text
    assert 'href="/photos/following" aria-current="page"' in page.text

    # Unfollowed, their photos leave the feed.
    assert me.delete(follow_url(f1.username)).status_code == 200
    assert ids(feed(me, limit=100)) == [made[2]]


def test_following_feed_is_for_signed_in_users(anon, new_user, helpers):
    helpers.assert_problem(anon.get(PHOTOS, params={"feed": "following"}),
                           401)
    r = anon.html.get("/photos/following", allow_redirects=False)
    assert r.status_code in (302, 303, 401)
    assert 'href="/photos/following"' not in anon.html.get("/photos").text
    me = new_user("fv_")
    for params in ({"feed": "nope"}, {"feed": "following",
                                      "cursor": "garbage"},
                   {"feed": "explore", "cursor": "1.1"},
                   {"feed": "following", "limit": "0"}):
        helpers.assert_problem(me.get(PHOTOS, params=params), 400)


def test_explore_is_the_most_liked_of_the_week(new_user, anon, photo, psql,
                                              helpers):
    owner, fan1, fan2 = new_user("ex_"), new_user("ey_"), new_user("ez_")
    low, top, old = photo(owner), photo(owner), photo(owner)
    for fan in (fan1, fan2):
        assert fan.post("%s/%s/like" % (PHOTOS, top)).status_code == 200
    assert fan1.post("%s/%s/like" % (PHOTOS, low)).status_code == 200
    for fan in (fan1, fan2):
        assert fan.post("%s/%s/like" % (PHOTOS, old)).status_code == 200
    psql("UPDATE photos SET created_at = now() - interval '8 days'"
         " WHERE id = :'p1'", old)
    r = anon.get(PHOTOS, params={"feed": "explore", "limit": 100})
    got = ids(helpers.assert_json(r, 200))
    assert top in got and low in got and old not in got
    assert got.index(top) < got.index(low)
    assert r.json()["next_cursor"] is None
    page = anon.html.get("/photos/explore")
    helpers.assert_html(page, 200)
    assert 'href="/photos/%s?in=' % top in page.text
    assert 'href="/photos/%s?in=' % old not in page.text


def test_follower_lists_page_by_cursor(new_user, anon, psql, helpers):
    """100 a page, newest first, every follower once across the pages,
    on the profile's list and in the API; a made-up cursor is a 400."""
    star = new_user("st_")
    tag = helpers.unique_name("fp")[:12]
    psql("INSERT INTO users (username, email, password_hash) "
         "SELECT :'p1' || '_' || i, :'p1' || '_' || i || '@example.org', '!'"
         "  FROM generate_series(1, 130) i", tag)
    psql("INSERT INTO follows (follower_id, followee_id, created_at) "
         "SELECT u.id, s.id, now() - make_interval(secs => "
         "       split_part(u.username, '_', 2)::int)"
         "  FROM users u, users s WHERE u.username LIKE :'p1' || '\\_%' "
         "   AND s.username = :'p2'", tag, star.username)
    path = "/api/v1/users/%s/followers" % star.username
    first = helpers.assert_json(anon.get(path), 200)
    assert len(first["followers"]) == 100 and first["next_cursor"]
    assert first["followers"][0]["username"] == tag + "_1"
    second = helpers.assert_json(anon.get(path, params={
        "cursor": first["next_cursor"]}), 200)
    assert len(second["followers"]) == 30
    assert second.get("next_cursor") is None
    names = [f["username"] for f in first["followers"] + second["followers"]]
    assert names == ["%s_%d" % (tag, i) for i in range(1, 131)]
    helpers.assert_problem(anon.get(path, params={"cursor": "x.1"}), 400)

    page = anon.html.get("/u/%s/followers" % star.username).text
    assert page.count('<li><a href="/u/%s_' % tag) == 100
    more = re.search(r'href="(/u/%s/followers\?cursor=[^"]+)" rel="next"' %
                     star.username, page).group(1)
    page2 = anon.html.get(more.replace("&amp;", "&")).text
    assert page2.count('<li><a href="/u/%s_' % tag) == 30
    assert 'rel="next"' not in page2
    psql("DELETE FROM users WHERE username LIKE :'p1' || '\\_%'", tag)
