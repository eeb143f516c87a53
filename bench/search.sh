#!/usr/bin/env bash
# Search benchmark: with 100,000 posts, 100,000 photos and 1,000,000
# chat messages in 100 rooms (bench/search_seed.sql), requests/s and
# p50/p99 of /api/v1/search under wrk -t2 -c64 for each query shape, as
# a signed-in user (so every kind is searched), beside PostgreSQL's own
# time for the same statement (EXPLAIN ANALYZE, median of 5); the time
# from posting a chat message to finding it; and the rate of message
# inserts (pgbench, 8 clients) with and without the search index.  Prod
# build on BENCH_PORT (8893), a database of its own on the test
# environment's PostgreSQL.
#   bench/search.sh		BENCH_KEEP=1 keeps (and reuses) the database
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
command -v wrk >/dev/null ||
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
cc -O1 -w -Iapps -Ilib -I/usr/include/postgresql -DKORE_USE_PGSQL \
    -DKORE_USE_TASKS -o build/search_sql bench/search_sql.c

db=agora_searchbench
port=${BENCH_PORT:-8893}
kpid=
wpid=
out=var/bench/search-results.md
trap 'kill -TERM $kpid 2>/dev/null || true; wait $kpid 2>/dev/null || true;
    [ -n "${BENCH_KEEP:-}" ] || bench_db_drop $db;
    [ -z "$started" ] || scripts/services.sh stop test' EXIT

q() {	# sql
	PGDATABASE=$db psql -X -At -v ON_ERROR_STOP=1 -c "$1"
}

seeded=$(psql -X -At -U postgres -d postgres -c \
    "SELECT 1 FROM pg_database WHERE datname = '$db'")
if [ -z "${BENCH_KEEP:-}" ] || [ -z "$seeded" ] ||
    [ "$(q "SELECT count(*) FROM chat_messages")" != 1000000 ]; then
	bench_db "$db"
	t0=$(date +%s)
	PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 \
	    -f bench/search_seed.sql >/dev/null
	echo "seed: $(( $(date +%s) - t0 )) s"
fi

# A signed-in searcher with a known API token.
token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
hash=$($PY -c "import hashlib,sys; print(hashlib.blake2b(bytes.fromhex(sys.argv[1]), digest_size=32).hexdigest())" "$token")
q "INSERT INTO api_tokens (user_id, token_hash, name)
   SELECT id, '\\x$hash', 'bench' FROM users WHERE username = 'sb_1'" >/dev/null
viewer=$(q "SELECT id FROM users WHERE username = 'sb_1'")

bench_site search "$db" "$port"
redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null
AGORA_CONFIG=var/bench/search.env kore -fnrc var/bench/search-kore.conf \
    >var/bench/search-kore.log 2>&1 &
kpid=$!
for _ in $(seq 1 80); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	sleep 0.25
done
base=http://127.0.0.1:$port
auth="Authorization: Bearer $token"

very=$(q "SELECT bench_word(4)")
common=$(q "SELECT bench_word(49)")
rare=$(q "SELECT bench_word(2999)")

# Requests/s, p50, p99 and non-2xx answers of one wrk run.
measure() {	# url [connections]
	local c=${2:-64}
	local args=(-t$((c < 2 ? c : 2)) -c"$c" -d10s --latency -H "$auth")
	wrk "${args[@]}" -d3s "$1" >/dev/null	# warm-up
	wrk "${args[@]}" "$1" | awk '
	    /Requests\/sec/ { rps = $2 }
	    / 50%/ { p50 = $2 }
	    / 99%/ { p99 = $2 }
	    /Non-2xx/ { bad = $NF }
	    END { printf "%s %s %s %s\n", rps, p50, p99, bad + 0 }'
}

# PostgreSQL's time for the statement the site runs, median of 5.
explain() {	# words|filters text from room tags
	local stmt
	stmt=$(build/search_sql "$1")
	$PY - "$stmt" "$2" "$viewer" "$3" "$4" "$5" <<-'PY' |
	import sys
	stmt, text, viewer, frm, room, tags = sys.argv[1:]
	def lit(v):
	    return "NULL" if v == "" else "'" + v.replace("'", "''") + "'"
	params = ["'" + text.replace("'", "''") + "'", viewer, "false", "126", lit(frm), lit(room),
	          lit(tags), "NULL", "NULL", "NULL", "NULL", "NULL", "21",
	          "200"]
	print("SET plan_cache_mode = force_custom_plan;")
	print("PREPARE s AS " + stmt + ";")
	for _ in range(6):
	    print("EXPLAIN (ANALYZE, TIMING OFF) EXECUTE s(%s);" %
	          ", ".join(params))
	PY
	PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 |
	    sed -n 's/.*Execution Time: \([0-9.]*\) ms.*/\1/p' | tail -5 |
	    sort -n | sed -n 3p
}

enc() {
	$PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"
}

# name | query | statement | text | from | room | tags
shapes=(
	"a common word (14% of posts, 2.4% of messages)|$common|words|$common|||{}"
	"a very common word (78% of posts, 20% of messages)|$very|words|$very|||{}"
	"a rare word (0.3% of posts, 0.04% of messages)|$rare|words|$rare|||{}"
	"two words|$common $very|words|$common $very|||{}"
	"a phrase (\"harbour lights\")|\"harbour lights\"|words|\"harbour lights\"|||{}"
	"a word and -exclusion|$common -$very|words|$common -$very|||{}"
	"a word from:user|$common from:sb_7|words|$common|sb_7||{}"
	"a word in:#room|$common in:#room-7|words|$common||room-7|{}"
	"a #tag alone (photos)|#tag7|filters||||{tag7}"
)

{
	echo "| query | requests/s (64 conn.) | p50 | p99 | p50 / p99, 1 connection | PostgreSQL (EXPLAIN ANALYZE) |"
	echo "|---|---:|---:|---:|---:|---:|"
	for s in "${shapes[@]}"; do
		IFS='|' read -r name query stmt text frm room tags <<<"$s"
		url="$base/api/v1/search?q=$(enc "$query")"
		read -r rps p50 p99 bad <<<"$(measure "$url")"
		read -r _ one50 one99 bad1 <<<"$(measure "$url" 1)"
		bad=$((bad + bad1))
		[ "$bad" = 0 ] || name="$name ($bad non-2xx)"
		pg=$(explain "$stmt" "$text" "$frm" "$room" "$tags" 2>/dev/null)
		echo "| $name | $rps | $p50 | $p99 | $one50 / $one99 | $pg ms |"
	done
	echo
} | tee "$out"

# From posting a message to finding it: ten messages, median.
room=$(q "SELECT min(id) FROM chat_rooms")
$PY - "$base" "$token" "$room" <<-'PY' | tee -a "$out"
import json, secrets, statistics, sys, time, urllib.parse, urllib.request
base, token, room = sys.argv[1:]
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + token,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
times = []
for _ in range(10):
    w = "zq" + "".join(secrets.choice("abcdefghij") for _ in range(10))
    t0 = time.monotonic()
    call("POST", "/api/v1/chat/rooms/%s/messages" % room,
         {"body": "just posted " + w})
    while not call("GET", "/api/v1/search?q=" + w)["results"]:
        pass
    times.append((time.monotonic() - t0) * 1000)
    time.sleep(0.3)
print("posting a message to finding it (median of 10, both requests): "
      "%.1f ms" % statistics.median(times))
print()
PY

# Posting chat messages through the API (1,000 users, each with its
# own token bucket), 2xx per second under wrk -t2 -c16.
$PY - "$db" "$room" <<-'PY' >var/bench/search-post.lua
import hashlib, secrets, sys
db, room = sys.argv[1:]
toks = [secrets.token_hex(32) for _ in range(1000)]
with open("var/bench/search-tokens.sql", "w") as f:
    for i, t in enumerate(toks, 1):
        h = hashlib.blake2b(bytes.fromhex(t), digest_size=32).hexdigest()
        f.write("INSERT INTO api_tokens (user_id, token_hash, name) SELECT "
                "id, '\\x%s', 'post' FROM users WHERE username = 'sb_%d';\n"
                % (h, i))
print("local tokens = {%s}" % ", ".join('"%s"' % t for t in toks))
print("local n = 0")
print("request = function()")
print("  n = n + 1")
print("  local t = tokens[(n % #tokens) + 1]")
print("  return wrk.format('POST', '/api/v1/chat/rooms/%s/messages', "
      "{['Authorization'] = 'Bearer ' .. t, ['Content-Type'] = "
      "'application/json'}, '{\"body\":\"see you at the harbour "
      "tonight, bring the lights ' .. n .. '\"}')" % room)
print("end")
PY
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f var/bench/search-tokens.sql
posts() {
	q "DELETE FROM chat_buckets" >/dev/null
	wrk -t2 -c16 -d10s -s var/bench/search-post.lua "$base" | awk '
	    /requests in/ { n = $1; d = $4 + 0 }
	    /Non-2xx/ { bad = $NF }
	    END { printf "%.0f\n", (n - bad) / d }'
}
post_with=$(posts)

kill -TERM "$kpid"
wait "$kpid" 2>/dev/null || true
kpid=

# Chat message inserts per second, 8 clients, with the index and without.
cat >var/bench/search-insert.sql <<-EOF
\set room random(0, 99)
\set author random(1, 1000)
INSERT INTO chat_messages (room_id, author_id, body) VALUES ($room + :room, :author, 'see you at the harbour tonight, bring the lights and ' || :author);
EOF
rate() {
	PGDATABASE=$db pgbench -n -c 8 -j 2 -T 15 -f var/bench/search-insert.sql \
	    2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
with=$(rate)
q "DROP INDEX chat_messages_search_idx" >/dev/null
q "ALTER TABLE chat_messages DROP COLUMN search_tsv" >/dev/null
without=$(rate)

# The API again, on the table without the index (the search is broken
# now, the posting path is not).
AGORA_CONFIG=var/bench/search.env kore -fnrc var/bench/search-kore.conf \
    >>var/bench/search-kore.log 2>&1 &
kpid=$!
for _ in $(seq 1 80); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	sleep 0.25
done
post_without=$(posts)
{
	echo "| posting a chat message | with the index | without | cost |"
	echo "|---|---:|---:|---:|"
	$PY - "$post_with" "$post_without" "$with" "$without" <<-'PY'
	import sys
	aw, ao, sw, so = map(float, sys.argv[1:])
	print("| through the API (1,000 users, wrk -c16), messages/s | "
	      "%.0f | %.0f | %.1f%% |" % (aw, ao, (ao - aw) / ao * 100))
	print("| the INSERT alone (pgbench, 8 clients), rows/s | "
	      "%.0f | %.0f | %.1f%% |" % (sw, so, (so - sw) / so * 100))
	PY
} | tee -a "$out"
# The database no longer has the column the site needs.
BENCH_KEEP=
