"""Live delivery comes back by itself after Redis restarts: every Kore
worker's subscriber reconnects and subscribes again.  Messages stored
while Redis was away are not lost: a client resuming from its last
version gets them."""

import asyncio
import os
import subprocess
import time

from test_ws import BASE, BASE2, Client, run


def restart_redis():
    sock = os.environ["AGORA_REDIS_SOCK"]
    subprocess.run(["redis-cli", "-s", sock, "shutdown", "nosave"],
                   capture_output=True)
    deadline = time.time() + 10
    while subprocess.run(["redis-cli", "-s", sock, "ping"],
                         capture_output=True).returncode == 0:
        assert time.time() < deadline, "redis did not stop"
        time.sleep(0.1)
    subprocess.run(os.environ["AGORA_REDIS_RESTART"], shell=True,
                   check=True, capture_output=True)


def test_fan_out_survives_a_redis_restart(alice, bob, chat):
    room = chat.room(alice)

    async def go():
        b = await Client.open(bob)
        await b.subscribe(room["id"])
        before = chat.send(alice, room["id"], "before")
        assert (await b.expect("message"))["message"]["id"] == before["id"]

        await asyncio.get_running_loop().run_in_executor(None,
                                                         restart_redis)
        # Until the subscribers are back, messages are stored, not lost.
        deadline = time.time() + 20
        while True:
            m = chat.send(alice, room["id"], "after %f" % time.time())
            try:
                got = await b.expect("message", timeout=1.0)
                if got["message"]["id"] == m["id"]:
                    break
            except asyncio.TimeoutError:
                assert time.time() < deadline, "no live delivery again"
        await b.close()

        # A client resuming from "before" sees every message since.
        c = await Client.open(bob)
        sub = await c.subscribe(room["id"], since=before["version"])
        ids = [(await c.expect("message"))["message"]["id"]
               for _ in range(sub["backlog"])]
        stored = [x["id"] for x in chat.messages(
            alice, room["id"], after=before["id"], limit=200)["messages"]]
        assert ids == stored and len(ids) >= 1
        await c.close()
    run(go())


def test_a_slow_redis_delays_live_events_but_loses_none(alice, bob, chat):
    """Redis stalls (CLIENT PAUSE holds every PUBLISH for 1.5 s, far past
    any command timeout) while messages are sent: the live client still
    gets every one, in order, once Redis answers."""
    room = chat.room(alice)
    sock = os.environ["AGORA_REDIS_SOCK"]

    async def go():
        b = await Client.open(bob)
        await b.subscribe(room["id"])
        subprocess.run(["redis-cli", "-s", sock, "client", "pause", "1500",
                        "write"], check=True, capture_output=True)
        sent = [chat.send(alice, room["id"], "stalled %d" % i)["id"]
                for i in range(5)]
        got = [(await b.expect("message", timeout=10.0))["message"]["id"]
               for _ in sent]
        assert got == sent
        await b.close()
    run(go())


def numsub(*channels):
    out = subprocess.run(["redis-cli", "-s", os.environ["AGORA_REDIS_SOCK"],
                          "pubsub", "numsub"] + list(channels),
                         check=True, capture_output=True, text=True).stdout
    words = out.split()
    return dict(zip(words[0::2], map(int, words[1::2])))


def clients():
    out = subprocess.run(["redis-cli", "-s", os.environ["AGORA_REDIS_SOCK"],
                          "client", "list"],
                         check=True, capture_output=True, text=True).stdout
    return [" ".join(w for w in line.split()
                     if w.split("=")[0] in ("id", "age", "sub", "cmd"))
            for line in out.splitlines() if " sub=0 " not in line]


def test_every_worker_hears_every_channel_after_a_busy_restart(alice):
    """Redis restarts while events pour in on the chat's channel, so the
    workers subscribe again in the middle of traffic: afterwards every
    worker that hears the chat's channel hears the notifications' too.
    A worker that took a chat message for a confirmation, and so never
    sent its last SUBSCRIBE, would leave its sockets deaf to it."""
    sock = os.environ["AGORA_REDIS_SOCK"]

    async def go():
        socks = [await Client.open(alice, base)
                 for base in (BASE, BASE2 or BASE) for _ in range(8)]
        seen = []
        for _ in range(3):
            await asyncio.get_running_loop().run_in_executor(None,
                                                             restart_redis)
            flood = subprocess.Popen(
                ["redis-cli", "-s", sock, "-r", "20000", "-i", "0.0002",
                 "publish", "agora:chat", "{}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                await asyncio.sleep(2.5)
            finally:
                flood.kill()
                flood.wait()
            # Subscribing again takes a worker up to its next retry.
            deadline = time.time() + 5
            while True:
                subs = numsub("agora:chat", "agora:notify")
                if (subs["agora:notify"] == subs["agora:chat"] or
                        time.time() > deadline):
                    break
                await asyncio.sleep(0.2)
            seen.append((subs, clients()))
        for c in socks:
            await c.close()
        return seen

    for subs, who in run(go()):
        assert subs["agora:chat"] >= 1, (subs, who)
        assert subs["agora:notify"] == subs["agora:chat"], (subs, who)
