"""Profiles: /u/{username} and GET /api/v1/users/{username}, showing each
viewer only what the apps would show them, with everything a person
wrote escaped; banned and unknown people are 404."""

import re

import pytest

from agora_kit.web import assert_problem


def profile(actor, name):
    r = actor.get("/api/v1/users/%s" % name)
    assert r.status_code == 200, r.text
    return r.json()["user"]


def test_a_profile_page_shows_who_and_since_when(new_user, anon):
    user = new_user("pf_")
    r = anon.html.get("/u/%s" % user.username)
    assert r.status_code == 200
    assert "<h1>%s</h1>" % user.username in r.text
    assert 'class="avatar av-' in r.text
    assert re.search(r'Joined <time datetime="\d{4}-\d\d-\d\dT[0-9:]+Z">',
                     r.text)
    assert "<strong>0</strong> posts" in r.text
    # Empty sections say what to do next.
    assert "No published posts yet." in r.text
    assert 'href="/login?next=/u/%s"' % user.username in r.text


def test_the_api_gives_the_profile_by_name_and_by_id(new_user, anon):
    user = new_user("pf_")
    by_name = profile(anon, user.username)
    assert by_name["username"] == user.username
    assert by_name["id"] == user.id
    assert by_name["counts"] == {"posts": 0, "photos": 0, "rooms": 0,
                                 "followers": 0, "following": 0}
    assert by_name["display_name"] == "" and by_name["bio"] == ""
    assert by_name["profile_url"] == "/u/%s" % user.username
    assert "email" not in by_name
    assert profile(anon, user.id)["username"] == user.username
    # The page has one address per person: its name.
    assert anon.html.get("/u/%s" % user.id).status_code == 404


def test_unknown_people_are_404(anon, new_user):
    user = new_user("pf_")
    assert_problem(anon.get("/api/v1/users/nobody_%s" % user.username[-8:]),
                   404)
    r = anon.html.get("/u/nobody_%s" % user.username[-8:])
    assert r.status_code == 404 and "No such user." in r.text
    assert anon.html.get("/u/Upper").status_code == 404


def test_a_banned_persons_profile_is_404_to_everyone(new_user, admin, anon,
                                                     ban):
    user = new_user("pf_")
    viewer = new_user("pv_")
    ban(user)
    try:
        for who in (anon, viewer, admin):
            assert_problem(who.get("/api/v1/users/%s" % user.username), 404)
            assert who.get("/api/v1/users/%s" % user.id).status_code == 404
        assert viewer.html.get("/u/%s" % user.username).status_code == 404
        assert admin.html.get("/u/%s" % user.username).status_code == 404
    finally:
        ban(user, undo=True)
    assert anon.get("/api/v1/users/%s" % user.username).status_code == 200


def test_activity_is_what_the_viewer_may_see(new_user, anon, blog, photo,
                                             admin, psql):
    user = new_user("pa_")
    viewer = new_user("pv_")
    published = blog.published(user, title="Profile post %s" % user.username)
    pending = blog.create(user, title="Pending post %s" % user.username)
    draft = blog.create(user, title="Draft post %s" % user.username,
                        status="draft")
    pid = photo(user, caption="On my profile")
    room = user.post("/api/v1/chat/rooms",
                     json={"name": "pr-" + user.username[-8:]})
    assert room.status_code == 201, room.text
    rid = room.json()["room"]["id"]
    r = user.post("/api/v1/chat/rooms/%s/messages" % rid,
                  json={"body": "hello from my profile"})
    assert r.status_code == 201, r.text
    message = r.json()["message"]["id"]
    dm = user.post("/api/v1/chat/dm/%s" % viewer.username)
    assert dm.status_code in (200, 201), dm.text
    dm_id = dm.json()["room"]["id"]
    r = user.post("/api/v1/chat/rooms/%s/messages" % dm_id,
                  json={"body": "a secret"})
    assert r.status_code == 201, r.text

    for who in (anon, viewer, user, admin):
        p = profile(who, user.username)
        assert p["counts"] == {"posts": 1, "photos": 1, "rooms": 1,
                               "followers": 0, "following": 0}, who
        assert [x["id"] for x in p["posts"]] == [published["id"]]
        assert [x["id"] for x in p["photos"]] == [pid]
        assert [x["id"] for x in p["rooms"]] == [rid]
        assert p["rooms"][0]["messages"] == 1

    page = viewer.html.get("/u/%s" % user.username).text
    assert 'href="/blog/%s-' % published["id"] in page
    assert pending["title"] not in page and draft["title"] not in page
    assert 'href="/photos/%s"' % pid in page
    assert 'class="profile-photos"' in page
    assert 'href="/chat?room=%s"' % rid in page
    assert 'href="/chat?room=%s"' % dm_id not in page
    assert "<strong>1</strong> post<" in page

    # A photo hidden by moderation and a deleted message leave the
    # profile with them, for all but the owner (as in the apps).
    psql("UPDATE photos SET hidden = true WHERE id = :'p1'", pid)
    r = user.delete("/api/v1/chat/messages/%s" % message)
    assert r.status_code in (200, 204), r.text
    p = profile(viewer, user.username)
    assert p["counts"] == {"posts": 1, "photos": 0, "rooms": 0,
                           "followers": 0, "following": 0}
    assert p["photos"] == [] and p["rooms"] == []
    assert profile(user, user.username)["counts"]["photos"] == 1


def test_what_people_write_is_escaped(new_user, anon, set_profile):
    user = new_user("px_")
    set_profile(user, display_name='<img src=x onerror=alert(1)>',
                bio='<script>alert(1)</script>\nSee https://example.org/a?b=1&c=2. '
                    'and https://x.example/"onmouseover="alert(1) too',
                website='https://example.org/"><script>alert(2)</script>')
    page = anon.html.get("/u/%s" % user.username).text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Links in the bio are links, with the trailing full stop left out.
    assert ('<a href="https://example.org/a?b=1&amp;c=2" '
            'rel="nofollow ugc noopener">') in page
    # An address ends at a quote: the rest is text.
    assert ('<a href="https://x.example/" rel="nofollow ugc noopener">'
            'https://x.example/</a>&quot;onmouseover=&quot;alert(1)') in page
    assert 'onmouseover="' not in page
    assert '<a href="https://example.org/&quot;&gt;&lt;script&gt;' in page
    assert 'rel="nofollow ugc noopener" class="website"' in page
    # The API gives the text as it is: JSON, not HTML.
    assert profile(anon, user.username)["display_name"] == \
        '<img src=x onerror=alert(1)>'


def test_the_message_button_opens_the_conversation(new_user):
    user = new_user("pm_")
    viewer = new_user("pv_")
    page = viewer.html.get("/u/%s" % user.username).text
    assert ('<a href="/chat?dm=%s" role="button"' % user.username) in page
    own = user.html.get("/u/%s" % user.username).text
    assert "/chat?dm=" not in own
    assert 'href="/settings"' in own
    # What the button's page does: the chat opens the pair's one room.
    r = viewer.post("/api/v1/chat/dm/%s" % user.username)
    assert r.status_code in (200, 201)
    assert viewer.html.get("/chat?dm=%s" % user.username).status_code == 200


@pytest.fixture
def commented(new_user, blog, photo):
    writer = new_user("pw_")
    post = blog.published(writer, title="Linked %s" % writer.username)
    blog.comment(writer, post["id"], "A comment to link %s" % writer.username)
    pid = photo(writer, caption="Linked photo")
    r = writer.post("/api/v1/photos/%s/comments" % pid,
                    json={"body": "my own photo comment"})
    assert r.status_code == 201, r.text
    return writer, post, pid


def test_author_names_link_to_profiles(commented, new_user, helpers):
    writer, post, pid = commented
    reader = new_user("pr_")
    link = 'href="/u/%s"' % writer.username
    post_path = "/blog/%s-%s" % (post["id"], post["slug"])
    helpers.wait_for(lambda: "A comment to link" in reader.html.get(
        post_path).text, what="the comment to be cleared")
    for path in ("/", "/blog", post_path, "/photos", "/photos/%s" % pid):
        page = reader.html.get(path).text
        assert link in page, path
    page = reader.html.get(post_path).text
    assert page.count(link) >= 2, "the byline and the comment"
    helpers.wait_for(lambda: reader.html.get("/photos/%s" % pid).text
                     .count(link) >= 2, what="the photo comment")
