"""The bell's answer (GET /api/v1/notifications/unread) is kept by each
worker for a few seconds; whatever changes a user's notifications
reaches every worker of both instances at once, so no page is told an
old count or an old newest notification after a change."""

import os

import requests

from agora_kit.site import describe, wait_for

BELL = "/api/v1/notifications/unread"
BASES = [b.rstrip("/") for b in (
    os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888"),
    os.environ.get("AGORA_TEST_URL2")) if b]
ASKS = 6            # new connections per instance: each worker gets some
SETTLE_S = 2.0      # the cache keeps an answer for 3 s (AGORA_CREDENTIAL_CACHE_MS)


def bells(actor):
    """The bell as ASKS new connections to each instance see it."""
    out = []
    for base in BASES:
        for _ in range(ASKS):
            r = requests.get(base + BELL, timeout=10, headers={
                "Authorization": "Bearer " + actor.token,
                "Connection": "close"})
            assert r.status_code == 200, describe(r)
            out.append(r.json())
    return out


def settled(actor, want, what):
    """Every worker answers a bell for which want(bell) holds, soon
    enough that no cached answer could simply have aged out."""
    got = wait_for(lambda: (lambda b: b if all(want(x) for x in b)
                            else None)(bells(actor)),
                   timeout=SETTLE_S, step=0.05, what=what)
    return got[0]


def newest(kind, actor=None):
    def want(b):
        n = b["newest"]
        return n is not None and n["kind"] == kind and \
            (actor is None or n["actor"] == actor.username)
    return want


def test_every_worker_forgets_the_bell_on_each_change(social, inbox,
                                                      new_user, other):
    fresh = new_user("bw_")
    pid = social.photo(fresh)
    fans = [new_user("bwf_") for _ in range(2)]
    assert all(b == {"unread": 0, "newest": None} for b in bells(fresh))

    social.like(fans[0], pid)
    b = settled(fresh, newest("like", fans[0]), "the first like")
    assert b["unread"] == 1

    # A second like changes only who the grouped entry names.
    bells(fresh)
    social.like(fans[1], pid)
    b = settled(fresh, newest("like", fans[1]), "the second like")
    assert b["unread"] == 1

    bells(fresh)
    dm = social.dm(other, fresh)
    social.send(other, dm["id"], "are you there?")
    b = settled(fresh, lambda x: x["unread"] == 2 and newest("dm", other)(x),
                "the direct message")
    assert b["newest"]["excerpt"] == "are you there?"

    # Reading the DM alone: the like is the newest unread again.
    bells(fresh)
    r = inbox.read(fresh, b["newest"]["id"])
    assert r.status_code == 200, describe(r)
    settled(fresh, lambda x: x["unread"] == 1 and newest("like", fans[1])(x),
            "one read")

    bells(fresh)
    assert inbox.read(fresh).status_code == 200
    settled(fresh, lambda x: x == {"unread": 0, "newest": None}, "all read")

    # Someone else's bell is never answered with this one's.
    assert all(x == {"unread": 0, "newest": None} for x in bells(fans[0]))
