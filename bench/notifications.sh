#!/usr/bin/env bash
# Notifications at scale, on one instance of the site (prod build, two
# workers) in a database of its own with 10,000 users:
# - a popular photo liked by 1,000 users through the API, its owner's
#   socket open: likes stored per second, and when the socket has heard
#   them (bench/notifications.py);
# - 1,000 mentions (50 messages naming 20 members each) in a public room,
#   the 1,000 named users' sockets open: send-to-socket p50/p99;
# - the bell (GET /api/v1/notifications/unread, what every page's script
#   asks after each live event) under wrk -t2 -c64 for the photo's
#   owner, whose 1,000 likes are one unread entry beside 100 other
#   unread notifications, and the inbox's first page
#   (/api/v1/notifications?limit=30) for the same user;
# - the daily digest for 10,000 users with 3 unread mentions each:
#   notify_digest_due() as the worker runs it, timed in PostgreSQL.
#   bench/notifications.sh	writes var/bench/notifications-results.md
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
command -v wrk >/dev/null ||
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

db=agora_notifybench
port=${BENCH_PORT:-8895}
kpid=
out=var/bench/notifications-results.md
tokens=var/bench/notify-tokens
trap bench_cleanup EXIT

q() {	# sql
	PGDATABASE=$db psql -X -At -v ON_ERROR_STOP=1 -c "$1"
}

bench_db "$db"
$PY bench/chat_seed.py 10000 1 "$tokens" |
    PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 >/dev/null
# bench_1's photo (its media row as the worker leaves a ready image).
photo=$(q "WITH m AS (
	INSERT INTO media_files (user_id, sha256, format, bytes, width,
	    height, status, processed_at)
	SELECT id, repeat('ab', 32), 'jpeg', 1000, 800, 600, 'ready', now()
	  FROM users WHERE username = 'bench_1' RETURNING *)
    INSERT INTO photos (owner_id, media_id, caption, caption_cleared)
    SELECT user_id, id, 'The popular one', true FROM m RETURNING id" |
    head -1)
room=$(q "SELECT id FROM chat_rooms ORDER BY id LIMIT 1")
# 100 other unread notifications for bench_1.
q "INSERT INTO notifications (user_id, actor_id, kind, app, subject, link,
	created_at)
   SELECT o.id, a.id, 'mention', 'chat', '#bench-1', '/chat?room=$room',
	  now() - make_interval(mins => i)
     FROM generate_series(2, 101) i, users o, users a
    WHERE o.username = 'bench_1' AND a.username = 'bench_' || i" >/dev/null
q "ANALYZE users, api_tokens, photos, media_files, notifications" >/dev/null

bench_site notify "$db" "$port"
bench_start notify "$port"
redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null

live=$($PY bench/notifications.py "http://127.0.0.1:$port" "$tokens" \
    "$photo" "$room")
echo "$live"
unread=$(curl -fsS -H "Authorization: Bearer $(head -1 "$tokens")" \
    "http://127.0.0.1:$port/api/v1/notifications/unread" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["unread"])')

measure() {	# path
	bench_wrk "http://127.0.0.1:$port$1" 10 \
	    "Authorization: Bearer $(head -1 "$tokens")"
}
read -r bell_rps bell_p50 bell_p99 bell_bad \
    <<<"$(measure /api/v1/notifications/unread)"
read -r inbox_rps inbox_p50 inbox_p99 inbox_bad \
    <<<"$(measure '/api/v1/notifications?limit=30')"
kill -TERM "$kpid"; wait "$kpid" 2>/dev/null || true; kpid=

# The digest: 10,000 users, 3 unread mentions each, made an hour ago.
q "INSERT INTO notification_prefs (user_id, kind, channel)
   SELECT id, 'mention', 'digest' FROM users" >/dev/null
q "INSERT INTO notifications (user_id, actor_id, kind, app, subject,
	excerpt, link, created_at)
   SELECT u.id, CASE WHEN u.id = a.id THEN b.id ELSE a.id END,
	  'mention', 'chat',
	  '#bench-1', 'A message that names you, number ' || i,
	  '/chat?room=$room', now() - interval '1 hour'
     FROM users u, users a, users b, generate_series(1, 3) i
    WHERE a.username = 'bench_1' AND b.username = 'bench_2'" >/dev/null
q "ANALYZE notifications, notification_prefs" >/dev/null
digest=$(PGDATABASE=$db psql -X -At -v ON_ERROR_STOP=1 <<'EOF' |
\timing on
SELECT count(*) FROM notify_digest_due(now());
EOF
    awk '/^[0-9]+$/ { n = $1 } /^Time:/ { ms = $2 } END { print n, ms }')
read -r digest_emails digest_ms <<<"$digest"

field() {	# python expression on the live results
	$PY -c "import json,sys; r = json.loads(sys.argv[1]); print($1)" "$live"
}
{
	echo "Notifications, $(date -u +%Y-%m-%d), $(nproc) cores, prod build,"
	echo "2 workers, 10,000 users."
	echo
	echo "| what | result |"
	echo "|---|---|"
	echo "| 1,000 likes of one photo (API, 32 at a time) | $(field 'r["likes"]["likes_per_s"]') likes/s, all stored in $(field 'r["likes"]["stored_s"]') s, $(field 'r["likes"]["errors"]') errors |"
	echo "| ... heard by the owner's socket | $(field 'r["likes"]["frames"]') of 1,000 events, the last $(field 'r["likes"]["last_frame_s"]') s after the first like; bell: $unread unread (the likes are one entry) |"
	echo "| 1,000 mentions (50 messages × 20 names) | $(field 'r["mentions"]["delivered"]') of 1,000 sockets told, send-to-socket p50 $(field 'r["mentions"]["p50_ms"]') ms, p99 $(field 'r["mentions"]["p99_ms"]') ms, max $(field 'r["mentions"]["max_ms"]') ms; all in $(field 'r["mentions"]["all_delivered_s"]') s, $(field 'r["mentions"]["errors"]') errors |"
	echo "| the bell (/api/v1/notifications/unread), wrk -t2 -c64 -d10s | $bell_rps requests/s, p50 $bell_p50, p99 $bell_p99, $bell_bad non-2xx |"
	echo "| the inbox's first page (30), wrk -t2 -c64 -d10s | $inbox_rps requests/s, p50 $inbox_p50, p99 $inbox_p99, $inbox_bad non-2xx |"
	echo "| the daily digest, 10,000 users × 3 unread | $digest_emails emails queued in $digest_ms ms (one statement) |"
} | tee "$out"
