"""People a photo names: a tag of you on a photo and an @mention in a
caption are notifications (sql/028_notify_photo_people.sql), in the inbox,
live, and mailed by preference like the other kinds; a photo moderation
hides names nobody until it is approved."""

import asyncio
import io
import random
import secrets
import time

from PIL import Image

from agora_kit.site import describe, wait_for
from test_live import BASE, WAIT, connect, notify_frames, run

PREFS = "/api/v1/notifications/preferences"


def tag(owner, pid, who):
    r = owner.post("/api/v1/photos/%s/people" % pid,
                   json={"username": who.username})
    assert r.status_code == 200, describe(r)


def subjects(mailbox, to):
    return [str(m["Subject"]) for m in mailbox.messages(to)]


def strip_photo(actor, caption):
    """A 1300x100 strip: the moderate job holds it for review."""
    img = Image.new("RGB", (1300, 100), (random.randrange(256),) * 3)
    px = img.load()
    for _ in range(40):
        x, y = random.randrange(1290), random.randrange(90)
        px[x, y] = tuple(random.randrange(256) for _ in range(3))
    out = io.BytesIO()
    img.save(out, "PNG")
    r = actor.post("/api/v1/photos", files={
        "file": ("s.png", out.getvalue(), "image/png"),
        "caption": (None, caption)})
    assert r.status_code == 201, describe(r)
    return r.json()["photo"]["id"]


def test_a_tag_is_in_the_inbox_and_mailed(social, inbox, mailbox, author,
                                          new_user):
    friend = new_user("tg_")
    pid = social.photo(author, caption="At the lake")
    tag(author, pid, friend)
    n = inbox.wait_kind(friend, "tag")[0]
    assert n["app"] == "photos" and n["link"] == "/photos/%s" % pid, n
    assert n["actor"] == author.username, n
    page = friend.html.get("/notifications").text
    assert "tagged you in a photo" in page
    # Tagging again changes nothing: one notification.
    tag(author, pid, friend)
    assert len(inbox.of_kind(friend, "tag")) == 1

    mail = mailbox.wait(friend.email, "%s tagged you in a photo" %
                        author.username)
    assert "/photos/%s" % pid in str(mail.get_body(("plain",)).get_content())
    assert "/unsubscribe?token=%s-tag-" % friend.id in \
        str(mail["List-Unsubscribe"])

    # The photo gone, so is the notification.
    r = author.delete("/api/v1/photos/%s" % pid)
    assert r.status_code in (200, 204), describe(r)
    assert inbox.of_kind(friend, "tag") == []


def test_the_tag_preference_is_respected(social, inbox, mailbox, author,
                                         new_user):
    quiet, silent = new_user("tq_"), new_user("ts_")
    assert quiet.post(PREFS, json={"tag": "site"}).status_code == 200
    assert silent.post(PREFS, json={"tag": "off"}).status_code == 200
    r = silent.post(PREFS, json={"follow": "email"})
    assert r.status_code == 422, describe(r)
    pid = social.photo(author)
    tag(author, pid, quiet)
    tag(author, pid, silent)
    inbox.wait_kind(quiet, "tag")
    assert inbox.of_kind(silent, "tag") == []
    # Past the test stack's 3 s email delay, still no email.
    time.sleep(5)
    assert not [s for s in subjects(mailbox, quiet.email) if "tagged" in s]
    assert not [s for s in subjects(mailbox, silent.email) if "tagged" in s]


def test_tagging_oneself_tells_nobody(social, inbox, author):
    pid = social.photo(author)
    tag(author, pid, author)
    time.sleep(0.5)
    assert inbox.of_kind(author, "tag") == []


def test_a_caption_mention_is_in_the_inbox(social, inbox, mailbox, author,
                                          new_user):
    friend = new_user("cm_")
    word = "cap" + secrets.token_hex(4)
    pid = social.photo(author, caption="%s with @%s" % (word,
                                                        friend.username))
    n = inbox.wait_kind(friend, "mention")[0]
    assert n["app"] == "photos" and n["link"] == "/photos/%s" % pid, n
    assert word in n["excerpt"], n
    mail = mailbox.wait(friend.email, "%s mentioned you" % author.username)
    assert word in mail.get_body(("plain",)).get_content()
    assert "on a photo" in friend.html.get("/notifications").text


def test_a_held_caption_is_mailed_once_approved(social, inbox, mailbox,
                                                 blog, author, new_user):
    """A photo the moderate job queues stays up, so its mention is in the
    inbox at once; the email quoting the caption waits for approval."""
    friend = new_user("hm_")
    word = "held" + secrets.token_hex(4)
    pid = strip_photo(author, "%s with @%s" % (word, friend.username))
    social.photos.append(pid)
    wait_for(lambda: blog.queue_item("photo", pid),
             what="the photo to be queued")
    inbox.wait_kind(friend, "mention")
    time.sleep(5)       # past the test stack's 3 s email delay
    assert not [s for s in subjects(mailbox, friend.email)
                if "mentioned you" in s]
    blog.approve("photo", pid)
    mail = mailbox.wait(friend.email, "%s mentioned you" % author.username)
    assert word in mail.get_body(("plain",)).get_content()


def test_a_rejected_photo_names_nobody(social, inbox, mailbox, blog, author,
                                       new_user):
    friend, tagged = new_user("rm_"), new_user("rt_")
    pid = strip_photo(author, "look @%s" % friend.username)
    social.photos.append(pid)
    wait_for(lambda: blog.queue_item("photo", pid),
             what="the photo to be queued")
    tag(author, pid, tagged)
    inbox.wait_kind(friend, "mention")
    inbox.wait_kind(tagged, "tag")
    blog.reject("photo", pid, "Not here.")
    assert inbox.of_kind(friend, "mention") == []
    assert inbox.of_kind(tagged, "tag") == []
    time.sleep(5)
    assert not [s for s in subjects(mailbox, friend.email)
                if "mentioned you" in s]
    # Tagging on a hidden photo tells nobody either.
    late = new_user("rl_")
    r = author.post("/api/v1/photos/%s/people" % pid,
                    json={"username": late.username})
    assert r.status_code in (200, 404), describe(r)
    assert inbox.of_kind(late, "tag") == []


def test_a_tag_and_a_mention_are_live(social, inbox, author, new_user):
    friend = new_user("lv_")

    async def go():
        ws = await connect(friend, BASE)
        try:
            await asyncio.sleep(0.3)
            pid = social.photo(author, caption="hi @%s" % friend.username)
            mention = await notify_frames(ws, WAIT)
            tag(author, pid, friend)
            tagged = await notify_frames(ws, WAIT)
            return mention, tagged
        finally:
            await ws.close()

    mention, tagged = run(go())
    assert mention and tagged, (mention, tagged)
    assert inbox.unread(friend) == 2
