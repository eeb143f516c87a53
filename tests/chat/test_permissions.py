"""Chat permissions that hold in every route: an archived room is
read-only for edits and deletions too, and a conversation does not exist
for anyone outside it (admins included)."""

import secrets

from test_ws import Client, run

ROOMS = "/api/v1/chat/rooms"
MESSAGE = "/api/v1/chat/messages/%s"


def test_archived_rooms_refuse_edits_and_deletions(alice, bob, admin, chat,
                                                    helpers):
    room = chat.room(alice)
    mine = chat.send(alice, room["id"], "before the archive")
    theirs = chat.send(bob, room["id"], "by bob")
    path = "%s/%s" % (ROOMS, room["id"])
    assert admin.post(path + "/archive").status_code == 204

    helpers.assert_problem(alice.patch(MESSAGE % mine["id"],
                                       json={"body": "edited"}), 409)
    helpers.assert_problem(alice.delete(MESSAGE % mine["id"]), 409)
    # Not even an admin deletes in an archived room.
    helpers.assert_problem(admin.delete(MESSAGE % theirs["id"]), 409)
    got = chat.messages(bob, room["id"])["messages"]
    assert [(m["body"], m["deleted"]) for m in got] == [
        ("before the archive", False), ("by bob", False)]
    assert [m["version"] for m in got] == [mine["version"],
                                           theirs["version"]]

    # Over the socket, a send is refused the same way.
    async def go():
        c = await Client.open(alice)
        await c.subscribe(room["id"])
        await c.send(type="send", room=room["id"], body="no", ref="a")
        err = await c.expect("error")
        assert err["code"] == 409 and err["ref"] == "a"
        await c.close()
    run(go())

    # Unarchived, they work again.
    assert admin.post(path + "/unarchive").status_code == 204
    r = alice.patch(MESSAGE % mine["id"], json={"body": "edited"})
    assert r.status_code == 200, helpers.describe(r)
    assert admin.delete(MESSAGE % theirs["id"]).status_code == 204


def test_a_conversation_is_404_to_an_admin_in_every_route(alice, bob,
                                                          admin, chat,
                                                          helpers):
    room = chat.dm(alice, bob)
    msg = chat.send(alice, room["id"], "between us " + secrets.token_hex(3))
    helpers.assert_problem(admin.delete(MESSAGE % msg["id"]), 404)
    helpers.assert_problem(admin.patch(MESSAGE % msg["id"],
                                       json={"body": "x"}), 404)
    helpers.assert_problem(admin.post(MESSAGE % msg["id"] + "/report",
                                      json={"reason": "x"}), 404)
    helpers.assert_problem(admin.get("%s/%s" % (ROOMS, room["id"])), 404)
    # Untouched.
    got = chat.messages(bob, room["id"])["messages"]
    assert [(m["id"], m["deleted"], m["version"]) for m in got] == [
        (msg["id"], False, msg["version"])]
    # The same admin still deletes in public rooms...
    public = chat.room(alice)
    other = chat.send(alice, public["id"])
    assert admin.delete(MESSAGE % other["id"]).status_code == 204
    # ...and in a conversation of their own.
    own = chat.dm(admin, alice)
    said = chat.send(alice, own["id"])
    assert admin.delete(MESSAGE % said["id"]).status_code == 204
