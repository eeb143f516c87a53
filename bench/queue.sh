#!/usr/bin/env bash
# Job queue benchmark: no-op jobs per second, enqueue -> done, with 1 and
# 2 worker processes, against a throwaway Redis, enqueued one by one (the
# site's one-job script, pipelined) and in bulk (the relay's and a
# backfill's path), with the Redis commands each job cost (INFO
# commandstats before and after, over the jobs: the same on any machine).
#   bench/queue.sh [jobs]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-200000}

scripts/deps.sh
make -s worker
mkdir -p build
cc -O2 -Wall -Wextra -o build/queue_bench bench/queue_bench.c -lhiredis

dir=$(mktemp -d /tmp/agora-bench.XXXXXX)
cleanup() {
	[ -n "${wpid:-}" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
	redis-cli -s "$dir/redis.sock" shutdown nosave >/dev/null 2>&1 || true
	[ -n "${pgstarted:-}" ] && runuser -u postgres -- \
	    /usr/lib/postgresql/15/bin/pg_ctl -D "$dir/pg" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT

redis-server --port 0 --unixsocket "$dir/redis.sock" --daemonize yes \
    --save '' --appendonly no --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" >/dev/null
sleep 0.3

cat >"$dir/agora.env" <<EOF2
AGORA_REDIS=unix:$dir/redis.sock
AGORA_DATABASE_URL=host=$dir dbname=agora user=agora
AGORA_SECRET_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
AGORA_MEDIA_DIR=$dir/media
AGORA_JOB_RELAY_MS=600000
EOF2
export AGORA_CONFIG=$dir/agora.env

for n in 1 2; do
	for mode in one bulk; do
		redis-cli -s "$dir/redis.sock" flushall >/dev/null
		build/agora-worker -c "$n" >"$dir/worker-$n.log" 2>&1 &
		wpid=$!
		sleep 0.5
		printf "%d worker process%s: " "$n" \
		    "$([ "$n" = 1 ] && echo "" || echo es)"
		build/queue_bench "$dir/redis.sock" "$jobs" "$mode"
		kill "$wpid"; wait "$wpid" 2>/dev/null || true
		wpid=
	done
done
