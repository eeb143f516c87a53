#!/usr/bin/env bash
# Chat fan-out benchmark: 1,000 WebSocket clients (one user each) over 10
# rooms on one instance of the site (prod build, two workers), 200
# messages a second posted through the sockets for 20 seconds.  Prints
# delivery latency (p50, p99), messages lost and Kore's memory per 1,000
# connections as one JSON line.  Uses the test environment's PostgreSQL
# and Redis with a database of its own.
#   bench/chat.sh            CLIENTS=, RATE=, SECONDS= to change the load
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh

db=agora_chatbench
port=8891
kpid=
cleanup() {
	if [ -n "$kpid" ]; then
		kill -TERM "$kpid" 2>/dev/null
		wait "$kpid" 2>/dev/null || true
	fi
	bench_db_drop "$db" || true
	[ -z "$started" ] || scripts/services.sh stop test
}
trap cleanup EXIT

bench_db "$db"
$PY bench/chat_seed.py "${CLIENTS:-1000}" 10 var/bench/chat-tokens |
    PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 >/dev/null
rooms=$(PGDATABASE=$db psql -X -At \
    -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM chat_rooms")

bench_site chat "$db" "$port"

AGORA_CONFIG=var/bench/chat.env kore -fnrc var/bench/chat-kore.conf \
    >var/bench/chat-kore.log 2>&1 &
kpid=$!
for _ in $(seq 1 80); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	sleep 0.25
done

node bench/chat_load.mjs "http://127.0.0.1:$port" var/bench/chat-tokens \
    "$rooms" "$kpid" | tee var/bench/chat-results.json
