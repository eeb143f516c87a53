"""examples/chatbot: the bot posts on a schedule and answers mentions,
run as its users would run it, against the real site."""

import os
import subprocess
import sys
import time

BOT = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                   "chatbot", "chatbot.py")
BASE = os.environ.get("AGORA_TEST_URL", "http://127.0.0.1:18888")


def bot(actor, *args, **kw):
    env = dict(os.environ, AGORA_TOKEN=actor.token)
    return subprocess.Popen([sys.executable, BOT, "--url", BASE] +
                            list(args), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def test_posts_every_n_seconds_to_a_room_by_name(new_user, chat):
    robot = new_user("bot_")
    room = chat.room(robot)
    p = bot(robot, "--room", room["name"], "post", "--every", "0.5",
            "--count", "3", "--text", "Stand-up soon")
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err
    msgs = chat.messages(robot, room["id"])["messages"]
    assert [m["body"] for m in msgs] == ["Stand-up soon"] * 3
    assert out.count("posted message") == 3


def test_answers_mentions_and_ignores_the_rest(new_user, alice, chat):
    robot = new_user("bot_")
    room = chat.room(alice)
    p = bot(robot, "--room", str(room["id"]), "answer", "--poll", "0.3",
            "--max-replies", "2")
    try:
        time.sleep(1.5)         # the bot starts from the room's present
        chat.send(alice, room["id"], "nobody is asked here")
        chat.send(alice, room["id"], "@%s ping" % robot.username)
        chat.send(alice, room["id"], "hey @%s, time?" % robot.username)
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 0, err
    bodies = [m["body"] for m in chat.messages(alice, room["id"])["messages"]
              if m["author"] == robot.username]
    assert bodies[0] == "@%s pong" % alice.username
    assert bodies[1].startswith("@%s It is " % alice.username)
    assert len(bodies) == 2


def test_bad_token_is_reported(alice, chat):
    class Nobody:
        token = "0" * 64
    p = bot(Nobody, "--room", "1", "post", "--text", "x", "--count", "1")
    out, err = p.communicate(timeout=30)
    assert p.returncode == 1 and "401" in err
