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

scripts/deps.sh
. scripts/env.sh test
started=$(scripts/services.sh start test | sed -n 's/^started: //p')
scripts/config.sh test >/dev/null
scripts/build.sh prod
mkdir -p var/bench

db=agora_chatbench
port=8891
kpid=
cleanup() {
	if [ -n "$kpid" ]; then
		kill -TERM "$kpid" 2>/dev/null
		wait "$kpid" 2>/dev/null || true
	fi
	psql -X -q -U postgres -d postgres \
	    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
	[ -z "$started" ] || scripts/services.sh stop test
}
trap cleanup EXIT

psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
    -c "CREATE DATABASE $db OWNER agora"
for f in sql/[0-9][0-9][0-9]_*.sql; do
	PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 --single-transaction \
	    -f "$f" >/dev/null
done
$PY bench/chat_seed.py "${CLIENTS:-1000}" 10 var/bench/chat-tokens |
    PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 >/dev/null
rooms=$(PGDATABASE=$db psql -X -At \
    -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM chat_rooms")

sed -e "s|dbname=agora_test|dbname=$db|" \
    -e "s|127.0.0.1:18888|127.0.0.1:$port|" \
    var/test/agora.env >var/bench/chat.env
sed -e "s|bind\t\t127.0.0.1 8888|bind\t\t127.0.0.1 $port|" \
    -e "s|^pidfile\t\tkore.pid|pidfile\t\tvar/bench/chat-kore.pid|" \
    kore.conf >var/bench/chat-kore.conf

AGORA_CONFIG=var/bench/chat.env kore -fnrc var/bench/chat-kore.conf \
    >var/bench/chat-kore.log 2>&1 &
kpid=$!
for _ in $(seq 1 80); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	sleep 0.25
done

node bench/chat_load.mjs "http://127.0.0.1:$port" var/bench/chat-tokens \
    "$rooms" "$kpid" | tee var/bench/chat-results.json
