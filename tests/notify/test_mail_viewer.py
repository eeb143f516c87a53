"""The development mail viewer (/admin/mail, AGORA_DEV=1): the newest
messages first whatever the folder holds, and each message decoded: its
headers, its text part with links, its HTML part in a sandboxed frame
(srcdoc, escaped)."""

import html
import os
import re

import pytest

from agora_kit.site import Tags, describe, wait_for

OLD = 1000000000000000      # the sink's names: <microseconds>-<n>.eml


@pytest.fixture
def old_mail(mailbox):
    """300 old messages in the sink's folder, in no order on disk."""
    if not mailbox.dir:
        pytest.skip("AGORA_MAIL_DIR is not set")
    names = []
    for i in range(300):
        name = "%d-%06d.eml" % (OLD + i * 7919 % 300, i)
        with open(os.path.join(mailbox.dir, name), "w") as f:
            f.write("From: old@localhost\r\nTo: old@example.org\r\n"
                    "Subject: old message %d\r\n\r\nold\r\n" % i)
        names.append(name)
    yield names
    for name in names:
        try:
            os.unlink(os.path.join(mailbox.dir, name))
        except FileNotFoundError:
            pass


def rows(page):
    return re.findall(r'<a href="/admin/mail/([0-9]+-[0-9]+\.eml)">', page)


def age(name):
    """The sink's names, oldest to newest (as the viewer orders them)."""
    stamp = name.split("-")[0]
    return (len(stamp), name)


def test_newest_first_whatever_the_folder_holds(admin, old_mail, mailbox,
                                                social, new_user):
    a, b = new_user("va_"), new_user("vb_")
    social.send(a, social.dm(a, b)["id"], "the newest one")
    wait_for(lambda: [m for m in mailbox.messages(b.email)
                      if "direct message" in str(m["Subject"])],
             timeout=30, what="the email")
    r = admin.html.get("/admin/mail")
    assert r.status_code == 200, describe(r)
    listed = rows(r.text)
    assert len(listed) == 50
    assert listed == sorted(listed, key=age, reverse=True)
    # Exactly the newest 50 (mail that came after the page is newer).
    on_disk = [n for n in os.listdir(mailbox.dir)
               if n.endswith(".eml") and not n.startswith(".")]
    assert set(listed) == {n for n in on_disk
                           if age(listed[-1]) <= age(n) <= age(listed[0])}
    assert "%s sent you a direct message" % a.username in r.text
    assert "The newest 50 of" in r.text


def test_a_message_decoded(admin, mailbox, social, new_user, site_url):
    a, b = new_user("ma_"), new_user("mb_")
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    room = social.dm(a, b)["id"]
    social.send(a, room, "see " + payload)
    wait_for(lambda: [m for m in mailbox.messages(b.email)
                      if "direct message" in str(m["Subject"])],
             timeout=30, what="the email")
    page = admin.html.get("/admin/mail").text
    name = re.search(r'<a href="/admin/mail/([^"]+)">%s sent you a direct '
                     'message</a>' % a.username, page).group(1)
    r = admin.html.get("/admin/mail/" + name)
    assert r.status_code == 200, describe(r)
    text = r.text
    tags = Tags(text)

    # Headers, decoded.
    assert re.search(r"<th scope=\"row\">Subject</th><td>%s sent you a "
                     "direct message</td>" % a.username, text)
    assert re.search(r"<th scope=\"row\">List-Unsubscribe-Post</th>"
                     "<td>List-Unsubscribe=One-Click</td>", text)

    # The text part, decoded, its links clickable.
    assert "Hello %s," % b.username in text
    link = "%s/chat?room=%s#m" % (site_url, room)
    hrefs = [attrs.get("href", "") for tag, attrs in tags.tags
             if tag == "a"]
    assert any(h.startswith(link) for h in hrefs), hrefs
    assert any(h.startswith(site_url + "/unsubscribe?token=")
               for h in hrefs), hrefs

    # The HTML part in a sandboxed frame that runs nothing.
    frames = [attrs for tag, attrs in tags.tags if tag == "iframe"]
    assert len(frames) == 1
    frame = frames[0]
    assert frame["sandbox"] == "allow-popups allow-popups-to-escape-sandbox"
    doc = frame["srcdoc"]
    assert doc.startswith('<base target="_blank">')
    assert "<p>Hello %s,</p>" % b.username in doc
    assert 'href="%s' % link in doc
    # The message's own escaping stays: the payload is text in the frame.
    assert html.escape(payload, quote=False) in doc
    assert "<script" not in doc
    # Nowhere on the page is the payload markup.
    assert "<script>alert" not in text
    assert not [k for _, attrs in tags.tags for k in attrs
                if k.startswith("on")]
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert all(s.get("src", "").startswith("/static/") for s in scripts)

    # The source is still there, escaped.
    assert "<details><summary>Source</summary>" in text
    assert "Content-Transfer-Encoding: base64" in text


def test_closed_to_others(new_user):
    u = new_user("mv_")
    r = u.html.get("/admin/mail")
    assert r.status_code in (403, 404), describe(r)
