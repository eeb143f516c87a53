#!/usr/bin/env bash
# Photos benchmark: with 10,000 photos, the feed page (/photos) and the
# feed API under wrk -t2 -c64; uploads per second through the API with
# the worker making thumbnails (and the time until the backlog is
# drained); serving one thumbnail, full answers and 304s.  Prod build on
# port 8892, a database and media directory of its own, the test
# environment's PostgreSQL and Redis.   bench/photos.sh
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
command -v wrk >/dev/null ||
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
make -s worker

db=agora_photobench
port=8892
media=$AGORA_ROOT/var/bench/photo-media
kpid=
wpid=
trap bench_cleanup EXIT

bench_db "$db"
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f bench/photos_seed.sql \
    >/dev/null
# One uploader with a known API token.
token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
hash=$($PY -c "import hashlib,sys; print(hashlib.blake2b(bytes.fromhex(sys.argv[1]), digest_size=32).hexdigest())" "$token")
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -c "
    INSERT INTO api_tokens (user_id, token_hash, name)
    SELECT id, '\\x$hash', 'bench' FROM users WHERE username = 'pb_1'"

rm -rf "$media"
mkdir -p "$media"
bench_site photos "$db" "$port" "s|^AGORA_MEDIA_DIR=.*|AGORA_MEDIA_DIR=$media|"

redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null
AGORA_CONFIG=var/bench/photos.env kore -fnrc var/bench/photos-kore.conf \
    >var/bench/photos-kore.log 2>&1 &
kpid=$!
AGORA_CONFIG=var/bench/photos.env build/agora-worker \
    >var/bench/photos-worker.log 2>&1 &
wpid=$!
for _ in $(seq 1 80); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	sleep 0.25
done

base=http://127.0.0.1:$port
# Requests/s and p99 of one wrk run, as "rps p99".
measure() {	# url [header]
	local args=(-t2 -c64 -d10s --latency)
	[ $# -gt 1 ] && args+=(-H "$2")
	wrk "${args[@]}" "$1" >/dev/null	# warm-up
	wrk "${args[@]}" "$1" | awk '
	    /Requests\/sec/ { rps = $2 }
	    / 99%/ { p99 = $2 }
	    /Non-2xx/ { bad = $NF }
	    END { printf "%s %s %s\n", rps, p99, bad + 0 }'
}

feed=$(measure "$base/photos")
api=$(measure "$base/api/v1/photos?limit=24")
up=$($PY bench/photos_upload.py "$base" "$token" 200 8)
thumb=$(curl -fsS -H "Authorization: Bearer $token" \
    "$base/api/v1/photos?user=pb_1&limit=1" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["photos"][0]["urls"]["thumb"])')
etag=$(curl -fsS -o /dev/null -D - "$base$thumb" |
    awk 'tolower($1) == "etag:" { print $2 }' | tr -d '\r')
full=$(measure "$base$thumb")
cached=$(measure "$base$thumb" "If-None-Match: $etag")

{
	echo "| what | requests/s | p99 |"
	echo "|---|---:|---:|"
	echo "| /photos (feed page, 24 photos) | ${feed%% *} | $(echo "$feed" | cut -d' ' -f2) |"
	echo "| /api/v1/photos?limit=24 | ${api%% *} | $(echo "$api" | cut -d' ' -f2) |"
	echo "| a thumbnail (200, 320x320 JPEG) | ${full%% *} | $(echo "$full" | cut -d' ' -f2) |"
	echo "| the same with If-None-Match (304) | ${cached%% *} | $(echo "$cached" | cut -d' ' -f2) |"
	echo
	echo "uploads: $up"
} | tee var/bench/photos-results.md
