"""Avatars: uploaded on /settings or through POST /api/v1/me/avatar,
checked by content as photos are, made into two squares by the avatar
job, served under /media/ like the photos' copies, and drawn beside the
person everywhere they appear; the generated default (initials on a
colour) until then, for everyone else, and after removing one."""

import io
import re
import time

import pytest
from PIL import Image

from agora_kit.web import assert_problem, describe, location

AVATAR = "/api/v1/me/avatar"
IMG = re.compile(r'<img class="avatar av-img" src="/media/(avatar64|avatar256)'
                 r'/([0-9a-f]{64})\.jpg"')


def picture(fmt="JPEG", size=(300, 200)):
    """A real image: a random colour with a bright block off centre."""
    import os
    img = Image.new("RGB", size, tuple(os.urandom(3)))
    for x in range(size[0] // 2, size[0] // 2 + 40):
        for y in range(10, 50):
            img.putpixel((x, y), (255, 255, 0))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def upload_api(actor, data, name="a.jpg", ctype="image/jpeg"):
    return actor.post(AVATAR, files={"file": (name, data, ctype)})


def upload_page(actor, data, name="a.png", ctype="image/png", csrf=True):
    files = {"file": (name, data, ctype)}
    if csrf:
        files["_csrf"] = (None, actor.csrf("/settings"))
    return actor.html.request("POST", "/settings/avatar", files=files)


def me(actor):
    r = actor.get("/api/v1/me/profile")
    assert r.status_code == 200, describe(r)
    return r.json()["user"]


def wait_ready(actor, helpers, old=None):
    """The sha256 of the actor's avatar once its copies exist."""
    def ready():
        a = me(actor)["avatar"]
        if a is None:
            return None
        sha = re.search(r"/([0-9a-f]{64})\.jpg$", a["small_url"]).group(1)
        return sha if sha != old else None
    return helpers.wait_for(ready, what="the avatar's copies")


def avatar_rows(psql, actor):
    return psql("SELECT coalesce(avatar_media_id::text, '-'),"
                " coalesce(avatar_sha, '-') FROM users"
                " WHERE username = :'p1'", actor.username)


def media_count(psql, actor):
    return int(psql("SELECT count(*) FROM media_files m JOIN users u"
                    " ON u.id = m.user_id WHERE u.username = :'p1'",
                    actor.username)[0])


def test_uploading_on_the_page_then_everywhere(new_user, anon, blog, helpers):
    user = new_user("av_")
    reader = new_user("av_")
    page = user.html.get("/settings").text
    form = re.search(r'<form method="post" action="/settings/avatar" '
                     r'enctype="multipart/form-data".*?</form>', page, re.S)
    assert form and 'name="_csrf"' in form.group(0)
    assert "No avatar yet" in page

    r = upload_page(user, picture("PNG"))
    assert r.status_code == 303, describe(r)
    assert location(r, fragment=True) == "/settings?saved=avatar#avatar"
    sha = wait_ready(user, helpers)

    # The two squares, served like the photos' copies.
    for size, path in ((64, "avatar64"), (256, "avatar256")):
        r = anon.html.get("/media/%s/%s.jpg" % (path, sha))
        assert r.status_code == 200, describe(r)
        assert r.headers["Content-Type"] == "image/jpeg"
        assert "immutable" in r.headers["Cache-Control"]
        etag = r.headers["ETag"]
        img = Image.open(io.BytesIO(r.content))
        assert img.size == (size, size)
        assert not img.info.get("exif")
        r = anon.html.get("/media/%s/%s.jpg" % (path, sha),
                          headers={"If-None-Match": etag})
        assert r.status_code == 304

    # What the user makes, with the avatar beside it.
    post = blog.published(user, title="Avatar post %s" % user.username)
    blog.comment(user, post["id"], body="My avatar is beside this.")
    r = user.post("/api/v1/photos", files={
        "file": ("p.jpg", picture(), "image/jpeg"),
        "caption": (None, "avatar photo")})
    assert r.status_code == 201, describe(r)
    pid = r.json()["photo"]["id"]
    helpers.wait_for(lambda: user.get("/api/v1/photos/%s" % pid)
                     .json()["photo"]["status"] == "ready",
                     what="the photo")
    r = user.post("/api/v1/photos/%s/comments" % pid,
                  json={"body": "A comment with my avatar."})
    assert r.status_code == 201, describe(r)
    room = user.post("/api/v1/chat/rooms",
                     json={"name": "av-" + user.username[-8:]})
    assert room.status_code == 201, describe(room)
    rid = room.json()["room"]["id"]
    r = user.post("/api/v1/chat/rooms/%s/messages" % rid,
                  json={"body": "hello with an avatar"})
    assert r.status_code == 201, describe(r)
    assert r.json()["message"]["author_avatar_url"] == \
        "/media/avatar64/%s.jpg" % sha

    def mine(page, small=True):
        found = {(m.group(1), m.group(2)) for m in IMG.finditer(page)}
        return ("avatar64" if small else "avatar256", sha) in found

    post_page = "/blog/%s-%s" % (post["id"], post["slug"])
    for path in ("/blog", post_page, "/photos", "/photos/%s" % pid):
        page = reader.html.get(path).text
        assert mine(page), path
    # The comments: the post's and the photo's.
    page = reader.html.get(post_page).text
    comments = page[page.index('id="comments"'):]
    assert mine(comments)
    page = reader.html.get("/photos/%s" % pid).text
    assert mine(page[page.index('class="comment'):])
    # The profile, large.
    assert mine(reader.html.get("/u/%s" % user.username).text, small=False)
    # The chat's messages, for the page's script.
    r = reader.get("/api/v1/chat/rooms/%s/messages" % rid)
    assert r.status_code == 200, describe(r)
    urls = {m["author_avatar_url"] for m in r.json()["messages"]}
    assert urls == {"/media/avatar64/%s.jpg" % sha}
    # The nav menu (a worker may remember the session for a moment).
    helpers.wait_for(lambda: mine(
        user.html.get("/settings").text.split('class="who"', 1)[1]
        .split("</summary>", 1)[0]), what="the avatar in the nav")
    # Someone without an avatar keeps the default in the same lists.
    page = reader.html.get("/u/%s" % reader.username).text
    assert '<span class="avatar av-' in page
    assert not IMG.search(page.split("<main", 1)[1])

    user.delete("/api/v1/photos/%s" % pid)


def test_the_api_takes_png_jpeg_and_webp(new_user, helpers):
    user = new_user("av_")
    old = None
    for fmt, ctype in (("JPEG", "image/jpeg"), ("PNG", "image/png"),
                       ("WEBP", "image/webp")):
        r = upload_api(user, picture(fmt), "a." + fmt.lower(), ctype)
        assert r.status_code == 202, describe(r)
        body = r.json()["user"]
        assert body["avatar"] is None and body["avatar_processing"] is True
        old = wait_ready(user, helpers, old)
        assert me(user)["avatar_processing"] is False


FAKES = [
    (b"GIF89a" + b"\0" * 100, "a.gif", "image/gif"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg", "image/svg+xml"),
    (b"not an image at all", "a.jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 10, "a.png", "image/png"),
    (b"", "a.jpg", "image/jpeg"),
]


@pytest.mark.parametrize("way", ["api", "page"])
def test_a_non_image_is_refused_and_nothing_changes(way, new_user, helpers,
                                                    psql):
    user = new_user("av_")
    r = upload_api(user, picture())
    assert r.status_code == 202, describe(r)
    sha = wait_ready(user, helpers)
    before = avatar_rows(psql, user)
    count = media_count(psql, user)

    for data, name, ctype in FAKES:
        if way == "api":
            assert_problem(upload_api(user, data, name, ctype), 422,
                           ["file"])
            continue
        r = upload_page(user, data, name, ctype)
        assert r.status_code == 422, describe(r)
        assert "Your avatar was not changed" in r.text
        assert 'action="/settings/avatar"' in r.text
    if way == "api":
        # No file at all; too many pixels, refused from the header.
        assert_problem(user.post(AVATAR, files={"other": (None, "x")}), 422)
        big = io.BytesIO()
        Image.new("L", (8000, 8000)).save(big, "PNG")
        assert_problem(upload_api(user, big.getvalue(), "b.png",
                                  "image/png"), 422, ["file"])

    assert avatar_rows(psql, user) == before
    assert media_count(psql, user) == count
    assert me(user)["avatar"]["small_url"] == "/media/avatar64/%s.jpg" % sha


def test_uploads_are_limited_per_user(new_user, psql):
    user = new_user("av_")
    for _ in range(10):
        assert upload_api(user, b"nope", "a.jpg", "image/jpeg") \
            .status_code == 422
    r = upload_api(user, picture())
    assert_problem(r, 429)
    assert int(r.headers["Retry-After"]) > 0
    assert media_count(psql, user) == 0


def test_permissions_and_csrf(new_user, anon, psql):
    user = new_user("av_")
    assert_problem(anon.post(AVATAR, files={
        "file": ("a.jpg", picture(), "image/jpeg")}), 401)
    assert_problem(anon.delete(AVATAR), 401)
    r = anon.html.request("POST", "/settings/avatar", files={
        "file": ("a.jpg", picture(), "image/jpeg")})
    assert r.status_code in (303, 403), describe(r)
    r = upload_page(user, picture("PNG"), csrf=False)
    assert r.status_code == 403, describe(r)
    r = user.html.post("/settings/avatar/remove", data={})
    assert r.status_code == 403, describe(r)
    assert avatar_rows(psql, user) == ["-|-"]
    assert media_count(psql, user) == 0


def test_replacing_and_removing_purge_the_files(new_user, anon, helpers,
                                                psql):
    user = new_user("av_")
    assert upload_api(user, picture()).status_code == 202
    first = wait_ready(user, helpers)
    assert upload_page(user, picture("PNG")).status_code == 303
    second = wait_ready(user, helpers, first)

    helpers.wait_for(lambda: anon.html.get(
        "/media/avatar64/%s.jpg" % first).status_code == 404,
        what="the old avatar's files to go")
    assert anon.html.get("/media/avatar256/%s.jpg" % first).status_code == 404
    assert media_count(psql, user) == 1

    # Removing from the page: the default comes back everywhere.
    r = user.form("/settings/avatar/remove", {}, page="/settings")
    assert r.status_code == 303, describe(r)
    assert location(r) == "/settings?saved=avatar-removed"
    assert "Your avatar was removed." in user.html.get(location(r)).text
    assert me(user)["avatar"] is None
    assert avatar_rows(psql, user) == ["-|-"]
    helpers.wait_for(lambda: anon.html.get(
        "/media/avatar64/%s.jpg" % second).status_code == 404,
        what="the removed avatar's files to go")
    page = anon.html.get("/u/%s" % user.username).text
    assert not IMG.search(page.split("<main", 1)[1])
    assert '<span class="avatar av-' in page

    # And through the API.
    assert upload_api(user, picture()).status_code == 202
    third = wait_ready(user, helpers)
    r = user.delete(AVATAR)
    assert r.status_code == 200, describe(r)
    assert r.json()["user"]["avatar"] is None
    helpers.wait_for(lambda: anon.html.get(
        "/media/avatar256/%s.jpg" % third).status_code == 404,
        what="the removed avatar's files to go")
    assert media_count(psql, user) == 0


def test_the_unused_images_sweep_keeps_avatars(new_user, helpers, psql,
                                              anon):
    user = new_user("av_")
    assert upload_api(user, picture()).status_code == 202
    sha = wait_ready(user, helpers)
    # Older than the grace period, in no post and no photo.
    psql("UPDATE media_files SET created_at = now() - interval '1 day'"
         " WHERE sha256 = :'p1'", sha)
    time.sleep(3)       # the test stack sweeps every second
    assert psql("SELECT withdrawn FROM media_files WHERE sha256 = :'p1'",
                sha) == ["f"]
    assert anon.html.get("/media/avatar64/%s.jpg" % sha).status_code == 200


HOSTILE = '<script>alert(1)</script> "onmouseover=x'


def test_the_default_avatar_escapes_a_hostile_display_name(new_user, anon,
                                                          blog):
    user = new_user("av_")
    r = user.patch("/api/v1/me/profile", json={"display_name": HOSTILE})
    assert r.status_code == 200, describe(r)
    post = blog.published(user, title="Hostile %s" % user.username)
    room = user.post("/api/v1/chat/rooms",
                     json={"name": "ah-" + user.username[-8:]})
    rid = room.json()["room"]["id"]
    r = user.post("/api/v1/chat/rooms/%s/messages" % rid,
                  json={"body": "hi"})
    assert r.status_code == 201, describe(r)
    msg = r.json()["message"]
    assert msg["author_display_name"] == HOSTILE
    assert msg["author_avatar_url"] is None

    initials = re.compile(r'<span class="avatar av-[0-7]" '
                          r'aria-hidden="true">&lt;&quot;</span>')
    for who, path in ((anon, "/u/%s" % user.username), (anon, "/blog"),
                      (anon, "/blog/%s-%s" % (post["id"], post["slug"])),
                      (user, "/settings")):
        page = who.html.get(path).text
        assert initials.search(page), path
        assert "<script>alert(1)" not in page, path
        assert '"onmouseover' not in page, path


def test_initials_from_the_display_name(new_user, anon):
    user = new_user("av_")
    page = anon.html.get("/u/%s" % user.username).text
    first = user.username[0].upper()
    assert re.search(r'<span class="avatar (av-[0-7])" aria-hidden="true">'
                     r'%s</span>' % first, page)
    colour = re.search(r'<span class="avatar (av-[0-7])"', page).group(1)
    r = user.patch("/api/v1/me/profile",
                   json={"display_name": "Émile van Zola"})
    assert r.status_code == 200
    page = anon.html.get("/u/%s" % user.username).text
    # The colour stays the username's.
    assert '<span class="avatar %s" aria-hidden="true">ÉZ</span>' % colour \
        in page
