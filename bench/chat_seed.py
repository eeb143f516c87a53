#!/usr/bin/env python3
"""Seed the chat benchmark: N users with API tokens and R public rooms.
Writes SQL for psql on stdout and the tokens (one per line, hex, in user
order) to TOKENFILE.  Tokens are stored as the site stores them: the
BLAKE2b-256 of their 32 random bytes.
  chat_seed.py USERS ROOMS TOKENFILE | psql ...
"""

import hashlib
import secrets
import sys


def main():
    users, rooms, token_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    out = sys.stdout
    out.write("BEGIN;\n")
    out.write("CREATE TEMP TABLE seed (n int, token_hash bytea);\n")
    out.write("COPY seed (n, token_hash) FROM stdin;\n")
    with open(token_file, "w") as tf:
        for n in range(1, users + 1):
            raw = secrets.token_bytes(32)
            digest = hashlib.blake2b(raw, digest_size=32).hexdigest()
            out.write("%d\t\\\\x%s\n" % (n, digest))
            tf.write(raw.hex() + "\n")
    out.write("\\.\n")
    out.write("INSERT INTO users (username, email, password_hash) "
              "SELECT 'bench_' || n, 'bench_' || n || '@example.org', '!' "
              "FROM seed;\n")
    out.write("INSERT INTO api_tokens (user_id, token_hash, name) "
              "SELECT u.id, s.token_hash, 'bench' FROM seed s "
              "JOIN users u ON u.username = 'bench_' || s.n;\n")
    out.write("INSERT INTO chat_rooms (kind, name) SELECT 'public', "
              "'bench-' || i FROM generate_series(1, %d) i;\n" % rooms)
    out.write("COMMIT;\n")


if __name__ == "__main__":
    main()
