"""Per-user limits on what a user creates in the chat: rooms (10 an
hour for a member, a third of that for a new account) and reports (30 an hour, all apps together; a third of that for a
new user); apps/core/limits.h."""

from agora_kit.web import assert_retry_after


ROOMS = "/api/v1/chat/rooms"
MSG = "/api/v1/chat/messages/%s"
ROOMS_ALLOWED = 10
REPORTS_ALLOWED = 10		# a new user's share of 30
WINDOW = 3600


def test_room_creation_is_limited_per_user(alice, bob, chat, helpers,
                                           member):
    member(alice)
    # Refused names do not count.
    for _ in range(ROOMS_ALLOWED + 2):
        helpers.assert_problem(alice.post(ROOMS, json={"name": ""}), 422)
    made = [chat.room(alice) for _ in range(ROOMS_ALLOWED)]
    assert len({r["id"] for r in made}) == ROOMS_ALLOWED
    name = chat.new_name("over")
    r = alice.post(ROOMS, json={"name": name})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, WINDOW)
    names = [x["name"] for x in chat.rooms(bob).values()]
    assert name not in names
    # Bob is not affected, and the name is free for him.
    r = bob.post(ROOMS, json={"name": name})
    assert r.status_code == 201, helpers.describe(r)


def test_reports_are_limited_per_user(alice, bob, chat, helpers):
    room = chat.room(alice)
    msg = chat.send(alice, room["id"])
    for i in range(REPORTS_ALLOWED):
        r = bob.post(MSG % msg["id"] + "/report",
                     json={"reason": "spam %d" % i})
        assert r.status_code == 202, helpers.describe(r)
    r = bob.post(MSG % msg["id"] + "/report", json={"reason": "again"})
    helpers.assert_problem(r, 429)
    assert_retry_after(r, WINDOW)
