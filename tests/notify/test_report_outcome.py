"""A report's outcome: when an admin decides a reported item, everyone
who reported it is told what became of it (sql/032_report_outcome.sql),
in the inbox and live; the author gets the decision itself, the admin
nothing, and nobody an email."""

import asyncio
import secrets

from agora_kit.site import describe
from test_live import BASE, WAIT, connect, notify_frames, run


def report_photo(actor, pid, reason="not right here"):
    r = actor.post("/api/v1/photos/%s/report" % pid, json={"reason": reason})
    assert r.status_code == 202, describe(r)


def decide(admin, kind, item, decision, reason=""):
    r = admin.post("/api/v1/admin/moderation/%s/%s/%s" %
                   (kind, item, "approve" if decision == "approved"
                    else "reject"), json={"reason": reason or "Reviewed."})
    assert r.status_code == 200, describe(r)


def test_every_reporter_hears_the_outcome(social, inbox, mailbox, admin,
                                          author, new_user):
    first, second = new_user("ra_"), new_user("rb_")
    word = "cap" + secrets.token_hex(3)
    pid = social.photo(author, caption=word)
    report_photo(first, pid)
    report_photo(second, pid, "spam")

    async def go():
        ws = await connect(first, BASE)
        try:
            await asyncio.sleep(0.3)
            decide(admin, "photo", pid, "rejected", "Not allowed.")
            return await notify_frames(ws, WAIT)
        finally:
            await ws.close()
    assert run(go())

    for who in (first, second):
        n = inbox.wait_kind(who, "report")[0]
        assert n["decision"] == "rejected", n
        assert word in n["subject"] and author.username in n["subject"], n
        assert n["link"] == "/notifications"
        page = who.html.get("/notifications").text
        assert "reviewed your report of" in page
        assert "they removed it" in page
    # The author has the decision itself, not a report's outcome.
    assert inbox.of_kind(author, "report") == []
    assert inbox.wait_kind(author, "moderation")[0]["decision"] == "rejected"
    assert inbox.of_kind(admin, "report") == []
    assert not [m for m in mailbox.messages(first.email)
                if "report" in str(m["Subject"]).lower()]


def test_a_kept_item_links_to_it(social, inbox, admin, author, new_user):
    reporter = new_user("rk_")
    pid = social.photo(author)
    report_photo(reporter, pid)
    decide(admin, "photo", pid, "approved")
    n = inbox.wait_kind(reporter, "report")[0]
    assert n["decision"] == "approved" and n["link"] == "/photos/%s" % pid
    assert "it stays up" in reporter.html.get("/notifications").text
