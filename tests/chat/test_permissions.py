"""Chat permissions that hold in every route: an archived room is
read-only for edits and deletions too, a conversation does not exist for
anyone outside it (admins included), and a flood of public rooms never
hides a user's conversations from the room list."""

import secrets
import subprocess

import pytest

from test_ws import Client, run

ROOMS = "/api/v1/chat/rooms"
MESSAGE = "/api/v1/chat/messages/%s"


def psql(sql):
    p = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1",
                        "-c", sql], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.split()


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


@pytest.fixture
def many_public_rooms(alice):
    """Far more public rooms than the list shows, all named to sort
    before anything else."""
    tag = secrets.token_hex(3)
    psql("INSERT INTO chat_rooms (kind, name, created_by)"
         " SELECT 'public', '0-flood-%s-' || lpad(g::text, 4, '0'), %d"
         "   FROM generate_series(1, 1200) g" % (tag, alice.id))
    yield 1200
    psql("DELETE FROM chat_rooms WHERE kind = 'public'"
         " AND name LIKE '0-flood-%s-%%'" % tag)


def test_a_flood_of_public_rooms_never_hides_a_conversation(
        many_public_rooms, alice, bob, chat, helpers):
    room = chat.dm(bob, alice)
    body = helpers.assert_json(alice.get(ROOMS), 200)
    rooms = body["rooms"]
    assert room["id"] in [r["id"] for r in rooms]
    # Each kind has its own limit, and says when it was reached.
    public = [r for r in rooms if r["kind"] == "public"]
    dms = [r for r in rooms if r["kind"] == "dm"]
    assert 0 < len(public) < many_public_rooms
    assert body["truncated"] == {"public": True, "dm": False}
    assert [r["id"] for r in dms] == [room["id"]]
    # Public rooms first, then conversations.
    assert rooms == public + dms
