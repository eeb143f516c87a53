"""Rooms: creating and listing public rooms, direct conversations and
their privacy, archiving, read positions and unread counts."""

import pytest

ROOMS = "/api/v1/chat/rooms"


def test_signed_out_callers_get_401(anon, helpers):
    helpers.assert_problem(anon.get(ROOMS), 401)
    helpers.assert_problem(anon.post(ROOMS, json={"name": "x"}), 401)
    helpers.assert_problem(anon.get(ROOMS + "/1/messages"), 401)
    helpers.assert_problem(anon.post("/api/v1/chat/dm/admin"), 401)


def test_create_and_list_a_room(alice, bob, chat, helpers):
    name = chat.new_name("Général")
    r = alice.post(ROOMS, json={"name": name})
    room = helpers.assert_json(r, 201)["room"]
    assert r.headers["Location"] == "%s/%s" % (ROOMS, room["id"])
    assert room["name"] == name and room["kind"] == "public"
    assert room["archived"] is False and room["unread"] == 0
    assert room["last_message_id"] == 0
    # Every user sees public rooms.
    assert chat.rooms(bob)[room["id"]]["name"] == name
    got = helpers.assert_json(bob.get("%s/%s" % (ROOMS, room["id"])), 200)
    assert got["room"]["name"] == name


def test_room_names_are_unique_without_case(alice, bob, chat, helpers):
    name = chat.new_name("Dup")
    chat.room(alice, name)
    helpers.assert_problem(bob.post(ROOMS, json={"name": name.upper()}), 409,
                           ["name"])


@pytest.mark.parametrize("name", [
    "", "   ", "x" * 65, "two\nlines", "bell\x07", None, 42, ["a"]])
def test_bad_room_names_are_422(name, alice, helpers):
    helpers.assert_problem(alice.post(ROOMS, json={"name": name}), 422,
                           ["name"])


def test_room_body_must_be_json(alice, helpers):
    r = alice.post(ROOMS, data="name=x",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    helpers.assert_problem(r, 415)
    r = alice.post(ROOMS, data="{", headers={"Content-Type": "application/json"})
    helpers.assert_problem(r, 400)


def test_unknown_room_is_404(alice, helpers):
    helpers.assert_problem(alice.get(ROOMS + "/999999999"), 404)
    helpers.assert_problem(alice.get(ROOMS + "/999999999/messages"), 404)
    r = alice.post(ROOMS + "/999999999/messages", json={"body": "hi"})
    helpers.assert_problem(r, 404)


def test_direct_conversation_is_one_room_for_the_pair(alice, bob, chat,
                                                      helpers):
    r = alice.post("/api/v1/chat/dm/%s" % bob.username)
    room = helpers.assert_json(r, 201)["room"]
    assert room["kind"] == "dm" and room["name"] == bob.username
    assert r.headers["Location"] == "%s/%s" % (ROOMS, room["id"])
    again = helpers.assert_json(
        bob.post("/api/v1/chat/dm/%s" % alice.username), 200)["room"]
    assert again["id"] == room["id"]
    # Each sees the other's name.
    assert chat.rooms(alice)[room["id"]]["name"] == bob.username
    assert chat.rooms(bob)[room["id"]]["name"] == alice.username


def test_direct_conversation_is_private(alice, bob, carol, admin, chat,
                                        helpers):
    room = chat.dm(alice, bob)
    msg = chat.send(alice, room["id"], "just between us")
    assert chat.messages(bob, room["id"])["messages"][-1]["id"] == msg["id"]
    for outsider in (carol, admin):
        path = "%s/%s" % (ROOMS, room["id"])
        helpers.assert_problem(outsider.get(path), 404)
        helpers.assert_problem(outsider.get(path + "/messages"), 404)
        helpers.assert_problem(outsider.get(path + "/messages",
                                            params={"since": 0}), 404)
        helpers.assert_problem(outsider.post(path + "/messages",
                                             json={"body": "hi"}), 404)
        helpers.assert_problem(outsider.post(path + "/read",
                                             json={"last_id": 1}), 404)
        helpers.assert_problem(outsider.patch(
            "/api/v1/chat/messages/%s" % msg["id"], json={"body": "x"}), 404)
        helpers.assert_problem(outsider.post(
            "/api/v1/chat/messages/%s/report" % msg["id"], json={}), 404)
        assert room["id"] not in chat.rooms(outsider)


def test_direct_conversation_needs_another_existing_user(alice, helpers):
    helpers.assert_problem(
        alice.post("/api/v1/chat/dm/%s" % alice.username), 422, ["username"])
    helpers.assert_problem(alice.post("/api/v1/chat/dm/no_such_user_x"), 404)


def test_only_admins_archive_and_archived_rooms_are_read_only(
        alice, bob, admin, chat, helpers):
    room = chat.room(alice)
    chat.send(alice, room["id"], "before")
    path = "%s/%s" % (ROOMS, room["id"])
    helpers.assert_problem(alice.post(path + "/archive"), 403)
    r = admin.post(path + "/archive")
    assert r.status_code == 204, helpers.describe(r)
    assert chat.rooms(bob)[room["id"]]["archived"] is True
    r = bob.post(path + "/messages", json={"body": "after"})
    helpers.assert_problem(r, 409)
    assert [m["body"] for m in chat.messages(bob, room["id"])["messages"]] \
        == ["before"]
    assert admin.post(path + "/unarchive").status_code == 204
    chat.send(bob, room["id"], "open again")


def test_direct_conversations_cannot_be_archived(alice, bob, admin, chat,
                                                 helpers):
    room = chat.dm(alice, bob)
    helpers.assert_problem(admin.post("%s/%s/archive" % (ROOMS, room["id"])),
                           404)


def test_unread_counts_and_read_positions(alice, bob, chat, helpers):
    room = chat.room(alice)
    sent = [chat.send(alice, room["id"]) for _ in range(3)]
    assert chat.rooms(alice)[room["id"]]["unread"] == 0   # one's own
    mine = chat.rooms(bob)[room["id"]]
    assert mine["unread"] == 3
    assert mine["last_message_id"] == sent[-1]["id"]

    path = "%s/%s/read" % (ROOMS, room["id"])
    assert bob.post(path, json={"last_id": sent[0]["id"]}).status_code == 204
    assert chat.rooms(bob)[room["id"]]["unread"] == 2
    # Read positions never move back.
    assert bob.post(path, json={"last_id": 0}).status_code == 204
    assert chat.rooms(bob)[room["id"]]["unread"] == 2
    assert bob.post(path, json={"last_id": sent[-1]["id"]}).status_code == 204
    assert chat.rooms(bob)[room["id"]]["unread"] == 0
    for bad in ({}, {"last_id": "1"}, {"last_id": -1}, {"last_id": 1.5}):
        helpers.assert_problem(bob.post(path, json=bad), 422, ["last_id"])


def test_cookie_sessions_need_the_csrf_header(alice, helpers):
    r = alice.html.request("POST", ROOMS, json={"name": "no-csrf-room"})
    helpers.assert_problem(r, 403)
    token = alice.csrf("/chat")
    r = alice.html.request("POST", ROOMS, json={"name": "csrf-room-%s" %
                                                alice.username},
                           headers={"X-CSRF-Token": token})
    helpers.assert_json(r, 201)
