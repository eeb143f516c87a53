"""Likes, comments, #tags, @mentions, people tagged, reports and
deletion, with the emails and files they cause."""

import os
import threading

import pytest

from conftest import PHOTOS


def test_likes_toggle_and_count_right_under_concurrency(owner, new_user,
                                                        photos, helpers):
    p = photos.published(owner)
    url = "%s/%s/like" % (PHOTOS, p["id"])
    fans = [new_user("fan_") for _ in range(12)]

    def each(fn):
        threads = [threading.Thread(target=fn, args=(f,)) for f in fans]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    # Everyone likes twice at once: one like each.
    each(lambda f: [f.post(url) for _ in range(2)])
    got = photos.get(owner, p["id"])
    assert got["like_count"] == 12
    assert photos.get(fans[0], p["id"])["liked"] is True
    assert got["liked"] is False
    # Half unlike (twice each, at once), the others like again.
    half = set(fans[:6])
    each(lambda f: [f.delete(url) if f in half else f.post(url)
                    for _ in range(2)])
    assert photos.get(owner, p["id"])["like_count"] == 6
    r = fans[0].post(url)
    assert helpers.assert_json(r, 200) == {"like_count": 7, "liked": True}


def test_likes_need_a_user_and_a_visible_photo(owner, anon, other, photos,
                                               helpers):
    p = photos.published(owner)
    helpers.assert_problem(anon.post("%s/%s/like" % (PHOTOS, p["id"])), 401)
    helpers.assert_problem(other.post("%s/999999999/like" % PHOTOS), 404)


def test_caption_tags_and_mentions(owner, other, anon, photos, mailbox,
                                   helpers):
    caption = ("Sunset at the #Beach with @%s and #sunset_2026 "
               "(not a#tag, not &#39;) <b>bold</b>" % other.username.upper())
    p = photos.published(owner, caption=caption)
    assert p["caption"] == caption
    assert p["tags"] == ["beach", "sunset_2026"]
    mail = mailbox.wait(other.email, "%s mentioned you" % owner.username)
    assert "/photos/%s" % p["id"] in helpers.mail_text(mail)
    # A mention's email can be stopped (sql/018_notify_email.sql).
    assert "/unsubscribe?token=%s-mention-" % other.id in \
        str(mail["List-Unsubscribe"])
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"

    r = anon.get("%s/tags/beach" % PHOTOS)
    assert p["id"] in [x["id"] for x in helpers.assert_json(r, 200)["photos"]]
    page = anon.html.get("/photos/%s" % p["id"])
    helpers.assert_html(page, 200)
    assert '<a href="/photos/tag/beach" class="hashtag">#Beach</a>' in page.text
    assert ('<a href="/photos/u/%s" class="mention">@%s</a>' %
            (other.username, other.username.upper())) in page.text
    assert "<b>bold</b>" not in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text
    tag_page = anon.html.get("/photos/tag/sunset_2026")
    assert "/photos/%s?in=tag&amp;t=sunset_2026\"" % p["id"] in tag_page.text


def test_owner_tags_people_and_they_are_told(owner, other, new_user, photos,
                                             mailbox, helpers):
    p = photos.published(owner)
    url = "%s/%s/people" % (PHOTOS, p["id"])
    friend = new_user("fr_")
    got = helpers.assert_json(owner.post(url, json={"username":
                                                    friend.username}), 200)
    assert got["photo"]["people"] == [friend.username]
    mailbox.wait(friend.email, "%s tagged you in a photo" % owner.username)
    helpers.assert_problem(other.post(url, json={"username":
                                                 friend.username}), 403)
    helpers.assert_problem(owner.post(url, json={"username": "nobody_xyz"}),
                           422, ["username"])
    helpers.assert_problem(owner.post(url, json={"username": "!!"}), 422,
                           ["username"])


def test_comments_are_moderated_and_deletable(owner, other, new_user, anon,
                                              admin, photos, mailbox,
                                              helpers, member):
    member(other)	# a new user's items hold at most 2 links
    p = photos.published(owner)
    url = "%s/%s/comments" % (PHOTOS, p["id"])
    r = other.post(url, json={"body": "Lovely <script>x</script>"})
    c = helpers.assert_json(r, 201)["comment"]
    mailbox.wait(owner.email, "%s commented on" % other.username)
    spam = helpers.assert_json(other.post(url, json={"body": " ".join(
        "http://spam.example/%d" % i for i in range(5))}), 201)["comment"]

    def hidden():
        ids = [x["id"] for x in helpers.assert_json(anon.get(url),
                                                     200)["comments"]]
        return c["id"] in ids and spam["id"] not in ids
    helpers.wait_for(hidden, what="the spam comment to be held")
    mine = {x["id"]: x for x in helpers.assert_json(other.get(url),
                                                    200)["comments"]}
    assert mine[spam["id"]]["hidden"] is True
    assert photos.get(anon, p["id"])["comment_count"] == 1
    q = helpers.assert_json(admin.get("/api/v1/admin/moderation",
                                      params={"limit": 200}), 200)["items"]
    item = next(i for i in q if i["kind"] == "photo_comment"
                and i["item_id"] == spam["id"])
    assert item["author"] == other.username and "spam" in item["preview_body"]

    for bad in ("", "x" * 2001, "\x01"):
        helpers.assert_problem(other.post(url, json={"body": bad}), 422,
                               ["body"])
    stranger = new_user("st_")
    path = "%s/comments/%s" % (PHOTOS, c["id"])
    helpers.assert_problem(stranger.delete(path), 403)
    assert owner.delete(path).status_code == 204     # the photo's owner
    assert photos.get(anon, p["id"])["comment_count"] == 0


def test_report_reject_hides_and_withdraws_then_approve_restores(
        owner, other, anon, admin, photos, mailbox, helpers, media_dir):
    p = photos.published(owner)
    r = other.post("%s/%s/report" % (PHOTOS, p["id"]),
                   json={"reason": "not mine to share"})
    assert helpers.assert_json(r, 202) == {"reported": True}
    q = helpers.assert_json(admin.get("/api/v1/admin/moderation",
                                      params={"limit": 200}), 200)["items"]
    item = next(i for i in q if i["kind"] == "photo"
                and i["item_id"] == p["id"])
    assert item["author"] == owner.username
    assert item["link"] == "/photos/%s" % p["id"]

    r = admin.post("/api/v1/admin/moderation/photo/%s/reject" % p["id"],
                   json={"reason": "Someone else's photo."})
    assert r.status_code == 200, helpers.describe(r)
    photos.get(anon, p["id"], status=404)
    assert photos.get(owner, p["id"])["status"] == "hidden"
    # Gone from the feed (whose first page is cached for a second).
    helpers.wait_for(lambda: p["id"] not in [x["id"] for x in
                                              helpers.assert_json(anon.get(
                                                  PHOTOS,
                                                  params={"limit": 100}),
                                                  200)["photos"]],
                     timeout=5, what="the photo to leave the feed")
    display = os.path.join(media_dir, "display",
                           p["urls"]["display"].rsplit("/", 1)[1])
    helpers.wait_for(lambda: not os.path.exists(display),
                     what="the copies to be purged")
    assert anon.html.get(p["urls"]["display"]).status_code == 404
    assert anon.html.get(p["urls"]["thumb"]).status_code == 404
    mailbox.wait(owner.email, "Your photo was removed")

    # Nobody else can see it to report it again; an admin can reopen
    # it, and approving brings it back with its copies.
    helpers.assert_problem(other.post("%s/%s/report" % (PHOTOS, p["id"]),
                                      json={}), 404)
    r = admin.post("%s/%s/report" % (PHOTOS, p["id"]),
                   json={"reason": "second look"})
    assert r.status_code == 202
    r = admin.post("/api/v1/admin/moderation/photo/%s/approve" % p["id"],
                   json={})
    assert r.status_code == 200
    helpers.wait_for(lambda: anon.html.get(p["urls"]["display"])
                     .status_code == 200, what="the copies to come back")
    assert photos.get(anon, p["id"])["status"] == "ready"


def test_delete_removes_the_photo_and_its_files(owner, other, anon, admin,
                                                photos, helpers, media_dir):
    p = photos.published(owner)
    path = "%s/%s" % (PHOTOS, p["id"])
    helpers.assert_problem(anon.delete(path), 401)
    helpers.assert_problem(other.delete(path), 403)
    assert owner.delete(path).status_code == 204
    photos.get(owner, p["id"], status=404)
    name = p["urls"]["display"].rsplit("/", 1)[1]
    sha = name.split(".")[0]
    helpers.wait_for(lambda: not any(
        os.path.exists(os.path.join(media_dir, d, f))
        for d, f in (("display", name), ("thumb", name),
                     ("orig", sha + ".jpg"))),
        what="the files to be removed")
    assert anon.html.get(p["urls"]["thumb"]).status_code == 404
    # Admins delete anyone's photo.
    q = photos.published(other)
    assert admin.delete("%s/%s" % (PHOTOS, q["id"])).status_code == 204


def test_a_shared_image_stays_while_another_photo_uses_it(owner, other,
                                                         anon, photos):
    from conftest import image_bytes
    data = image_bytes()
    a = photos.published(owner, data=data)
    b = photos.published(other, data=data)
    assert a["urls"] == b["urls"]
    assert owner.delete("%s/%s" % (PHOTOS, a["id"])).status_code == 204
    import time
    time.sleep(1.5)
    assert anon.html.get(b["urls"]["display"]).status_code == 200


def test_the_moderate_job_flags_an_implausible_image(owner, admin, photos,
                                                    helpers):
    """A 1300x100 strip is no photo: the moderate job puts it in the
    queue (it stays up until an admin decides)."""
    from conftest import image_bytes
    p = photos.published(owner, data=image_bytes("PNG", (1300, 100)))

    def flagged():
        q = helpers.assert_json(admin.get("/api/v1/admin/moderation",
                                          params={"limit": 200}), 200)
        return next((i for i in q["items"] if i["kind"] == "photo"
                     and i["item_id"] == p["id"]), None)
    item = helpers.wait_for(flagged, what="the moderate job's flag")
    assert item["source"] == "auto" and item["author"] == owner.username
    assert photos.get(admin, p["id"])["status"] == "ready"
