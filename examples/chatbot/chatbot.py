#!/usr/bin/env python3
"""A small Agora chat bot, Python standard library only.

It talks to the JSON API with a personal API token (create one on your
account page or with POST /api/v1/tokens).  Two modes:

  post    post a message to a room every N seconds
  answer  answer messages that mention the bot (@its-name): "ping" gets
          "pong", "time" the time in UTC, anything else a short help

The room is given by id or by name.  The token is read from the
AGORA_TOKEN environment variable (or --token, which other users of the
machine can see in the process list).

  AGORA_TOKEN=... chatbot.py --url http://127.0.0.1:8888 --room lobby \\
      post --every 60 --text "Stand-up in 5 minutes"
  AGORA_TOKEN=... chatbot.py --url http://127.0.0.1:8888 --room lobby answer

It follows the room by polling ?since=<version>, which sees new messages
once each and never misses one, and waits as told when rate limited.
"""

import argparse
import datetime
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

POLL_SECONDS = 2.0


class ApiError(Exception):
    def __init__(self, status, detail, retry_after=None):
        super().__init__("%s: %s" % (status, detail))
        self.status = status
        self.retry_after = retry_after


class Agora:
    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data,
                                     method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                raw = res.read()
                return json.loads(raw) if raw else {}
        except urllib.error.HTTPError as e:
            try:
                problem = json.loads(e.read() or b"{}")
            except ValueError:
                problem = {}
            retry = e.headers.get("Retry-After")
            raise ApiError(e.code, problem.get("detail") or e.reason,
                           float(retry) if retry else None) from None

    def me(self):
        return self.call("GET", "/api/v1/me")["user"]

    def room_id(self, room):
        if room.isdigit():
            return int(room)
        for r in self.call("GET", "/api/v1/chat/rooms")["rooms"]:
            if r["kind"] == "public" and r["name"].lower() == room.lower():
                return r["id"]
        raise SystemExit("chatbot: no room named %r" % room)

    def send(self, room, text):
        """Post, waiting out the rate limit if need be."""
        while True:
            try:
                return self.call("POST", "/api/v1/chat/rooms/%d/messages" %
                                 room, {"body": text})["message"]
            except ApiError as e:
                if e.status != 429:
                    raise
                time.sleep(e.retry_after or 1.0)

    def changes(self, room, since):
        path = "/api/v1/chat/rooms/%d/messages?%s" % (
            room, urllib.parse.urlencode({"since": since, "limit": 200}))
        return self.call("GET", path)

    def latest_version(self, room):
        msgs = self.call("GET", "/api/v1/chat/rooms/%d/messages?limit=1" %
                         room)["messages"]
        return msgs[-1]["version"] if msgs else 0


def answer_for(text, me):
    words = {w.lower().strip("!?.,:;") for w in re.sub(
        r"@%s\b" % re.escape(me), " ", text, flags=re.IGNORECASE).split()}
    if "ping" in words:
        return "pong"
    if "time" in words:
        now = datetime.datetime.now(datetime.timezone.utc)
        return "It is %s UTC." % now.strftime("%H:%M:%S")
    return "I answer to: ping, time."


def mode_post(api, room, args):
    sent = 0
    while args.count == 0 or sent < args.count:
        msg = api.send(room, args.text)
        sent += 1
        print("posted message %d" % msg["id"], flush=True)
        if args.count and sent >= args.count:
            break
        time.sleep(args.every)


def mode_answer(api, room, args):
    me = api.me()["username"]
    mention = re.compile(r"(^|[^A-Za-z0-9_])@%s\b" % re.escape(me),
                         re.IGNORECASE)
    since = api.latest_version(room)
    seen = set()
    replies = 0
    print("answering mentions of @%s in room %d" % (me, room), flush=True)
    while args.max_replies == 0 or replies < args.max_replies:
        page = api.changes(room, since)
        for m in page["messages"]:
            since = max(since, m["version"])
            # Edits come back with new versions: answer each message once.
            if m["deleted"] or m["id"] in seen or m["author"] == me:
                continue
            seen.add(m["id"])
            if not mention.search(m["body"]):
                continue
            reply = api.send(room, "@%s %s" % (m["author"],
                                               answer_for(m["body"], me)))
            replies += 1
            print("answered message %d with %d" % (m["id"], reply["id"]),
                  flush=True)
            if args.max_replies and replies >= args.max_replies:
                return
        if not page["has_more"]:
            time.sleep(args.poll)


def main(argv=None):
    p = argparse.ArgumentParser(description="Agora chat bot")
    p.add_argument("--url", required=True, help="the site, e.g. "
                   "https://agora.example.org")
    p.add_argument("--token", default=os.environ.get("AGORA_TOKEN"),
                   help="API token (default: $AGORA_TOKEN)")
    p.add_argument("--room", required=True, help="room id or name")
    sub = p.add_subparsers(dest="mode", required=True)
    post = sub.add_parser("post", help="post every N seconds")
    post.add_argument("--every", type=float, default=60.0)
    post.add_argument("--text", required=True)
    post.add_argument("--count", type=int, default=0,
                      help="stop after this many (0: never)")
    ans = sub.add_parser("answer", help="answer mentions")
    ans.add_argument("--poll", type=float, default=POLL_SECONDS)
    ans.add_argument("--max-replies", type=int, default=0,
                     help="stop after this many (0: never)")
    args = p.parse_args(argv)
    if not args.token:
        p.error("give an API token in AGORA_TOKEN or --token")

    api = Agora(args.url, args.token)
    try:
        room = api.room_id(args.room)
        if args.mode == "post":
            mode_post(api, room, args)
        else:
            mode_answer(api, room, args)
    except ApiError as e:
        print("chatbot: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
