"""Chat suite: the clients, actors and fixtures the blog suite uses
(agora_kit.site), plus a Chat helper for rooms and messages."""

import secrets

import pytest

from agora_kit.site import *  # noqa: F401,F403 (the blog suite's fixtures)
from agora_kit.site import describe

ROOMS = "/api/v1/chat/rooms"


class Chat:
    """Rooms and messages through the API, as one actor or another."""

    def new_name(self, prefix="room"):
        return "%s-%s" % (prefix, secrets.token_hex(4))

    def room(self, actor, name=None):
        r = actor.post(ROOMS, json={"name": name or self.new_name()})
        assert r.status_code == 201, describe(r)
        return r.json()["room"]

    def dm(self, actor, other):
        r = actor.post("/api/v1/chat/dm/%s" % other.username)
        assert r.status_code in (200, 201), describe(r)
        return r.json()["room"]

    def send(self, actor, room_id, body=None):
        body = body if body is not None else "hello %s" % secrets.token_hex(3)
        r = actor.post("%s/%s/messages" % (ROOMS, room_id),
                       json={"body": body})
        assert r.status_code == 201, describe(r)
        return r.json()["message"]

    def messages(self, actor, room_id, **params):
        r = actor.get("%s/%s/messages" % (ROOMS, room_id), params=params)
        assert r.status_code == 200, describe(r)
        return r.json()

    def rooms(self, actor):
        r = actor.get(ROOMS)
        assert r.status_code == 200, describe(r)
        return {x["id"]: x for x in r.json()["rooms"]}


@pytest.fixture
def chat():
    return Chat()


@pytest.fixture
def alice(new_user):
    return new_user("al_")


@pytest.fixture
def bob(new_user):
    return new_user("bo_")


@pytest.fixture
def carol(new_user):
    return new_user("ca_")
