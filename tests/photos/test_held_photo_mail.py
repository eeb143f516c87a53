"""Held content stays held in the photos too: the email quoting a photo
comment, and the email telling someone a caption mentions them, wait
until moderation has cleared the comment or the photo."""

import secrets

from conftest import PHOTOS, image_bytes


def quoting(mailbox, to, marker):
    """The messages to `to` whose decoded text or HTML has `marker`."""
    def text(m):
        return "".join(p.get_content() for p in m.walk()
                       if p.get_content_maintype() == "text")
    return [m for m in mailbox.messages(to) if marker in text(m)]


def test_held_photo_comment_is_mailed_only_once_approved(
        owner, other, anon, photos, blog, mailbox, helpers, member):
    member(other)	# a new user's items hold at most 2 links
    p = photos.published(owner)
    url = "%s/%s/comments" % (PHOTOS, p["id"])
    marker = "held" + secrets.token_hex(6)
    body = marker + " " + " ".join(
        "http://spam.example/%s/%d" % (marker, i) for i in range(4))
    held = helpers.assert_json(other.post(url, json={"body": body}),
                               201)["comment"]

    def hidden():
        return held["id"] not in [c["id"] for c in helpers.assert_json(
            anon.get(url), 200)["comments"]] and \
            blog.queue_item("photo_comment", held["id"])
    helpers.wait_for(hidden, what="the comment to be held")

    fine = "fine" + secrets.token_hex(6)
    helpers.assert_json(other.post(url, json={"body": "Nice, %s" % fine}),
                        201)
    helpers.wait_for(lambda: quoting(mailbox, owner.email, fine),
                     what="the email about the fine comment")
    assert quoting(mailbox, owner.email, marker) == []

    blog.approve("photo_comment", held["id"])
    msg = helpers.wait_for(lambda: quoting(mailbox, owner.email, marker),
                           what="the email once approved")[0]
    assert "spam.example" in helpers.mail_text(msg)


def test_mention_in_a_held_photo_waits_for_approval(owner, other, admin,
                                                    photos, blog, mailbox,
                                                    helpers):
    marker = "cap" + secrets.token_hex(6)
    # A 1300x100 strip: the moderate job puts the photo in the queue.
    strip = photos.published(owner, data=image_bytes("PNG", (1300, 100)),
                             caption="%s with @%s" % (marker, other.username))
    helpers.wait_for(lambda: blog.queue_item("photo", strip["id"]),
                     what="the photo to be flagged")

    fine = "ok" + secrets.token_hex(6)
    photos.published(owner, caption="%s with @%s" % (fine, other.username))
    helpers.wait_for(lambda: quoting(mailbox, other.email, fine),
                     what="the mention in the fine photo")
    assert quoting(mailbox, other.email, marker) == []

    blog.approve("photo", strip["id"])
    helpers.wait_for(lambda: quoting(mailbox, other.email, marker),
                     what="the mention once approved")
