"""Notification email by preference (sql/018_notify_email.sql): email a
few minutes later (3 s in the test stack) if still unread, one email per
conversation or item, a daily digest of what is unread, and one-click
unsubscribe (RFC 8058) that works signed out, is bound to its user and
kind, and refuses forged tokens.  Transactional mail is not touched."""

import json
import os
import re
import subprocess
import time
import urllib.parse

import requests

from agora_kit.site import describe, mail_html, mail_text, wait_for

PREFS = "/api/v1/notifications/preferences"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORKER = os.path.join(ROOT, "build", "agora-worker")
DELAY = 3       # AGORA_NOTIFY_EMAIL_DELAY of the test stack (config.sh)


def set_prefs(actor, **prefs):
    r = actor.post(PREFS, json=prefs)
    assert r.status_code == 200, describe(r)
    return r.json()["preferences"]


def about(mailbox, actor, words):
    return [m for m in mailbox.messages(actor.email)
            if words in str(m.get("Subject", ""))]


def notices(mailbox, actor):
    """The subjects of the emails to `actor` but the welcome."""
    return [str(m["Subject"]) for m in mailbox.messages(actor.email)
            if not str(m["Subject"]).startswith("Welcome")]


def unsubscribe_link(msg):
    head = str(msg["List-Unsubscribe"])
    m = re.fullmatch(r"<(https?://[^>]+/unsubscribe\?token=([^>]+))>", head)
    assert m, head
    return m.group(1), m.group(2)


def run_digest():
    subprocess.run([WORKER, "enqueue", "notify_digest", "default", "{}"],
                   capture_output=True, text=True, check=True, cwd=ROOT)


def sentinel(social, mailbox, sender, to):
    """A direct message from `sender` to `to`, waited for by email: any
    email job of `to` queued before it has been decided by then."""
    social.send(sender, social.dm(sender, to)["id"], "sentinel")
    return wait_for(lambda: about(mailbox, to, "%s sent you a direct "
                                  "message" % sender.username),
                    timeout=30, what="the sentinel's email")


def test_the_defaults(new_user):
    u = new_user("df_")
    assert u.get(PREFS).json()["preferences"] == {
        "comment": "email", "reply": "site", "mention": "email",
        "dm": "email", "like": "site", "tag": "email", "follow": "site"}


def test_messages_in_one_conversation_make_one_email(social, mailbox,
                                                     new_user, site_url):
    a, b, c = new_user("ba_"), new_user("bb_"), new_user("bc_")
    room = social.dm(a, b)["id"]
    texts = ["first %d" % time.time(), "second one", "third <b>x</b>"]
    for t in texts:
        social.send(a, room, t)
    social.send(c, social.dm(c, b)["id"], "from someone else")
    # Nothing before the delay: the user may still read it in the site.
    time.sleep(DELAY - 1.5)
    assert notices(mailbox, b) == []
    msg = wait_for(lambda: about(mailbox, b, "3 new direct messages"),
                   timeout=30, what="the batched email")[0]
    body = mail_text(msg)
    for t in texts:
        assert t in body, body
    assert "%s/chat?room=%s#m" % (site_url, room) in body
    assert "third &lt;b&gt;x&lt;/b&gt;" in mail_html(msg)
    # The other conversation is its own email.
    wait_for(lambda: about(mailbox, b, "%s sent you a direct message" %
                           c.username), what="the other conversation")
    # And the three never come again one by one.
    time.sleep(DELAY)
    assert sorted(notices(mailbox, b)) == sorted([
        "3 new direct messages",
        "%s sent you a direct message" % c.username])
    assert notices(mailbox, a) == []
    assert notices(mailbox, c) == []


def test_no_email_for_what_was_read_in_the_site(social, inbox, mailbox,
                                                new_user):
    a, b, c = new_user("ra_"), new_user("rb_"), new_user("rc_")
    social.send(a, social.dm(a, b)["id"], "read it at once")
    wait_for(lambda: inbox.of_kind(b, "dm") or None, what="the dm")
    r = inbox.read(b)
    assert r.status_code == 200, describe(r)
    sentinel(social, mailbox, c, b)
    assert about(mailbox, b, a.username) == []


def test_each_preference_is_respected(social, blog, mailbox, inbox,
                                      new_user):
    b = new_user("pb_")
    set_prefs(b, dm="site", mention="off", like="email", comment="email")
    a, c = new_user("pa_"), new_user("pc_")
    pid = social.photo(b)
    social.like(a, pid)
    social.send(a, social.dm(a, b)["id"], "site only, no email")
    room = social.room(a)
    social.send(a, room["id"], "hello @%s" % b.username)
    social.photo_comment(a, pid, "A comment to mail.")
    wait_for(lambda: about(mailbox, b, "%s liked your photo" % a.username),
             timeout=30, what="the like's email")
    msg = wait_for(lambda: about(mailbox, b, '%s commented on "your photo"'
                                 % a.username), timeout=30,
                   what="the comment's email")[0]
    assert "A comment to mail." in mail_text(msg)
    # The kinds set to the site are in the inbox, without email; "off"
    # makes nothing at all.
    set_prefs(b, dm="email")
    sentinel(social, mailbox, c, b)
    subjects = notices(mailbox, b)
    assert not [s for s in subjects if a.username in s and
                ("direct message" in s or "mentioned" in s)], subjects
    assert len(inbox.of_kind(b, "dm")) == 2
    assert inbox.of_kind(b, "mention") == []


def test_every_notification_email_can_be_stopped(social, mailbox, new_user,
                                                 site_url):
    a, b = new_user("ha_"), new_user("hb_")
    social.send(a, social.dm(a, b)["id"], "headers please")
    msg = wait_for(lambda: about(mailbox, b, "sent you a direct message"),
                   timeout=30, what="the email")[0]
    link, token = unsubscribe_link(msg)
    assert link.startswith(site_url + "/unsubscribe?token=")
    assert token.startswith("%s-dm-" % b.id)
    assert str(msg["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    text = mail_text(msg)
    assert "direct messages by email" in text
    assert site_url + "/settings/notifications" in text
    assert link in text
    html = mail_html(msg)
    assert 'href="%s"' % link in html
    assert 'href="%s/settings/notifications"' % site_url in html


def test_one_click_unsubscribe_signed_out(social, mailbox, new_user):
    a, b = new_user("ua_"), new_user("ub_")
    set_prefs(b, mention="digest")
    social.send(a, social.dm(a, b)["id"], "unsubscribe me")
    msg = wait_for(lambda: about(mailbox, b, "sent you a direct message"),
                   timeout=30, what="the email")[0]
    link, token = unsubscribe_link(msg)

    # GET only asks; nothing changes.
    r = requests.get(link, timeout=10)
    assert r.status_code == 200, describe(r)
    assert "direct messages" in r.text
    assert 'action="/unsubscribe?token=%s"' % token in r.text
    assert b.get(PREFS).json()["preferences"]["dm"] == "email"

    # A POST without the RFC's body is refused.
    r = requests.post(link, data={}, timeout=10)
    assert r.status_code == 400, describe(r)
    assert b.get(PREFS).json()["preferences"]["dm"] == "email"

    # The mail client's one-click POST: no cookie, no CSRF token.
    r = requests.post(link, data={"List-Unsubscribe": "One-Click"},
                      timeout=10)
    assert r.status_code == 200, describe(r)
    assert "no more emails about direct messages" in r.text
    assert b.get(PREFS).json()["preferences"] == {
        "comment": "email", "reply": "site", "mention": "digest",
        "dm": "site", "like": "site", "tag": "email", "follow": "site"}
    # Again, as multipart/form-data (RFC 8058's SHOULD): still fine.
    r = requests.post(link, files={"List-Unsubscribe": (None, "One-Click")},
                      timeout=10)
    assert r.status_code == 200, describe(r)
    assert "no more emails about direct messages" in r.text

    # And no more email about direct messages; they stay in the site.
    social.send(a, social.dm(a, b)["id"], "after unsubscribing")
    time.sleep(DELAY + 3)
    assert len(about(mailbox, b, "sent you a direct message")) == 1


def test_a_forged_or_altered_token_is_refused(social, mailbox, new_user,
                                              site_url):
    a, b, victim = new_user("fa_"), new_user("fb_"), new_user("fv_")
    social.send(a, social.dm(a, b)["id"], "forge it")
    msg = wait_for(lambda: about(mailbox, b, "sent you a direct message"),
                   timeout=30, what="the email")[0]
    _, token = unsubscribe_link(msg)
    uid, kind, mac = token.split("-")
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    forged = [
        "%s-%s-%s" % (victim.id, kind, mac),        # another user
        "%s-%s-%s" % (uid, "mention", mac),         # another kind
        "%s-%s-%s" % (uid, kind, flipped),          # altered signature
        "%s-%s-%s" % (uid, kind, "0" * 64),
        "%s-%s-%s" % (uid, kind, mac.upper()),
        "%s-%s" % (uid, kind), "0%s-%s-%s" % (uid, kind, mac),
        "-1-%s-%s" % (kind, mac), "%s-%s-%s" % (uid, "all", mac),
        token + "0", "", "x" * 400,
    ]
    before = {u.username: u.get(PREFS).json()["preferences"]
              for u in (b, victim)}
    for t in forged:
        url = site_url + "/unsubscribe?token=" + urllib.parse.quote(t)
        r = requests.post(url, data={"List-Unsubscribe": "One-Click"},
                          timeout=10)
        assert r.status_code == 400, (t, describe(r))
        r = requests.get(url, timeout=10)
        assert r.status_code == 400, (t, describe(r))
    r = requests.post(site_url + "/unsubscribe",
                      data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert r.status_code == 400, describe(r)
    after = {u.username: u.get(PREFS).json()["preferences"]
             for u in (b, victim)}
    assert after == before


def test_the_daily_digest(social, inbox, mailbox, new_user, site_url):
    b = new_user("db_")
    set_prefs(b, dm="digest", like="digest", mention="digest")
    a, c = new_user("da_"), new_user("dc_")
    pid = social.photo(b)
    social.like(a, pid)
    social.like(c, pid)
    social.send(a, social.dm(a, b)["id"], "digest me, <please>")
    room = social.room(c)
    social.send(c, room["id"], "@%s read this later" % b.username)
    social.send(c, room["id"], "@%s and this one, already read" %
                b.username)
    wait_for(lambda: len(inbox.of_kind(b, "mention")) == 2 or None,
             what="two mentions")
    read = inbox.of_kind(b, "mention")[0]
    assert "already read" in read["excerpt"]
    r = inbox.read(b, read["id"])
    assert r.status_code == 200, describe(r)

    # Nothing by email until the digest runs.
    time.sleep(DELAY + 1)
    assert notices(mailbox, b) == []
    run_digest()
    msg = wait_for(lambda: about(mailbox, b, "Your Agora digest"),
                   timeout=30, what="the digest")[0]
    assert str(msg["Subject"]) == "Your Agora digest: 4 unread"
    text = mail_text(msg)
    assert "%s liked your photo" % a.username in text
    assert "%s liked your photo" % c.username in text
    assert "%s sent you a direct message" % a.username in text
    assert "digest me, <please>" in text
    assert "read this later" in text
    assert "already read" not in text
    assert "%s/photos/%s" % (site_url, pid) in text
    assert "digest me, &lt;please&gt;" in mail_html(msg)
    _, token = unsubscribe_link(msg)
    assert token.startswith("%s-digest-" % b.id)
    assert "daily digest" in text

    # What a digest mailed is not mailed again.
    run_digest()
    time.sleep(2)
    assert len(about(mailbox, b, "Your Agora digest")) == 1

    # Its one-click link stops the digest of every kind in it.
    link, _ = unsubscribe_link(msg)
    r = requests.post(link, data={"List-Unsubscribe": "One-Click"},
                      timeout=10)
    assert r.status_code == 200, describe(r)
    assert b.get(PREFS).json()["preferences"] == {
        "comment": "email", "reply": "site", "mention": "site", "dm": "site",
        "like": "site", "tag": "email", "follow": "site"}


def test_transactional_mail_is_always_sent_without_unsubscribe(
        html_client, mailbox, new_user):
    u = new_user("tr_")
    set_prefs(u, comment="off", mention="off", dm="off", like="off")
    welcome = mailbox.wait(u.email, "Welcome")
    assert welcome["List-Unsubscribe"] is None
    assert welcome["List-Unsubscribe-Post"] is None
    client = html_client()
    r = client.submit("/forgot", "/forgot", {"email": u.email})
    assert r.status_code == 200, describe(r)
    msg = mailbox.wait(u.email, "Reset your Agora password")
    assert msg["List-Unsubscribe"] is None
    assert msg["List-Unsubscribe-Post"] is None
    assert "notification settings" not in mail_text(msg)
