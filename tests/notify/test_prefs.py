"""Per-kind preferences: the defaults, the page's form (CSRF, checked
values) and the API; "off" makes no notification, "site" sends no email,
"email" (the default for comments) does.  test_email.py has the rest of
email and the digest."""

import time

from agora_kit.site import describe

PREFS = "/api/v1/notifications/preferences"


def test_defaults_and_api(inbox, new_user):
    u = new_user("pf_")
    r = u.get(PREFS)
    assert r.status_code == 200, describe(r)
    assert r.json()["preferences"] == {
        "comment": "email", "reply": "site", "mention": "email",
        "dm": "email", "like": "site", "tag": "email", "follow": "site"}
    r = u.post(PREFS, json={"like": "off", "comment": "site"})
    assert r.status_code == 200, describe(r)
    assert r.json()["preferences"]["like"] == "off"
    assert r.json()["preferences"]["comment"] == "site"
    assert r.json()["preferences"]["mention"] == "email"
    r = u.post(PREFS, json={"dm": "digest", "like": "email"})
    assert r.status_code == 200, describe(r)
    assert r.json()["preferences"]["dm"] == "digest"
    for bad in ({"dm": "daily"}, {"like": "loud"}, {"nope": "site"},
                {"like": 1}, {"like": None}):
        r = u.post(PREFS, json=bad)
        assert r.status_code == 422, (bad, describe(r))
    r = u.post(PREFS, json=[])
    assert r.status_code == 400, describe(r)
    assert u.get(PREFS).json()["preferences"]["like"] == "email"


def test_off_makes_nothing(social, inbox, author, other):
    r = author.post(PREFS, json={"like": "off", "dm": "off"})
    assert r.status_code == 200, describe(r)
    pid = social.photo(author)
    social.like(other, pid)
    social.send(other, social.dm(other, author)["id"])
    social.photo_comment(other, pid)
    kinds = [n["kind"] for n in inbox.items(author)]
    assert kinds == ["comment"], kinds


def test_site_only_sends_no_email(blog, inbox, mailbox, author, new_user):
    quiet = new_user("qt_")
    r = quiet.post(PREFS, json={"comment": "site"})
    assert r.status_code == 200, describe(r)
    c = new_user("cm_")
    p1 = blog.published(quiet)
    p2 = blog.published(author)
    blog.comment(c, p1["id"])
    blog.comment(c, p2["id"])
    # The default: the author is mailed once the comment is cleared...
    mailbox.wait(author.email, '%s commented on "%s"' %
                 (c.username, p2["title"]))
    time.sleep(1)
    # ...and the one who chose the site only is not, but has it there.
    assert not [m for m in mailbox.messages(quiet.email)
                if "commented on" in str(m["Subject"])]
    assert len(inbox.of_kind(quiet, "comment")) == 1


def test_the_settings_page(inbox, new_user):
    u = new_user("sp_")
    page = u.html.get("/settings/notifications").text
    assert 'name="like" value="site" checked' in page
    assert 'name="dm" value="email" checked' in page
    assert 'name="like" value="digest"' in page
    assert 'name="reply" value="email"' not in page
    fields = {"comment": "off", "reply": "site", "mention": "site",
              "dm": "site", "like": "off", "tag": "site", "follow": "off"}
    r = u.form("/settings/notifications", fields,
               page="/settings/notifications", csrf=False)
    assert r.status_code == 403, describe(r)
    r = u.form("/settings/notifications", dict(fields, dm="daily"),
               page="/settings/notifications")
    assert r.status_code == 400, describe(r)
    r = u.form("/settings/notifications", fields,
               page="/settings/notifications")
    assert r.status_code == 200, describe(r)
    assert "Saved." in r.text
    assert 'name="comment" value="off" checked' in r.text
    assert u.get(PREFS).json()["preferences"] == fields
