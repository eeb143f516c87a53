#!/usr/bin/env bash
# Photos/s through the whole pipeline: 120 photos from Debian packages
# (bench/vision.sh's set, re-encoded so each is new) uploaded with four
# clients, then the time until two worker processes have made every
# thumbnail and run the object detector on every photo.  Prod build on
# port 8893, a database and media directory of its own.
#   bench/vision_drain.sh	(after bench/vision.sh has unpacked the set)
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
make -s worker

db=agora_visionbench
port=8893
media=$AGORA_ROOT/var/bench/vision-media
src=var/bench/vision/photos
kpid=
wpid=
trap bench_cleanup EXIT

# The photographs of the set, one directory.
rm -rf "$src"
mkdir -p "$src"
x=var/bench/vision/x
for f in "$x"/usr/share/pixmaps/faces/*.jpg "$x"/usr/share/darknet/data/*.jpg \
    "$x"/usr/lib/python3/dist-packages/skimage/data/{chelsea,astronaut,coffee,motorcycle_left}.png; do
	ln -s "$PWD/$f" "$src/"
done

bench_db "$db"
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -c "
    INSERT INTO users (username, email, password_hash)
    VALUES ('vb_1', 'vb_1@example.org', 'x')"
token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
hash=$($PY -c "import hashlib,sys; print(hashlib.blake2b(bytes.fromhex(sys.argv[1]), digest_size=32).hexdigest())" "$token")
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -c "
    INSERT INTO api_tokens (user_id, token_hash, name)
    SELECT id, '\\x$hash', 'bench' FROM users WHERE username = 'vb_1'"

rm -rf "$media"
mkdir -p "$media"
bench_site vision "$db" "$port" "s|^AGORA_MEDIA_DIR=.*|AGORA_MEDIA_DIR=$media|" \
    "s|^AGORA_UPLOAD_QUOTA_BYTES=.*|AGORA_UPLOAD_QUOTA_BYTES=10737418240|"
redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null
AGORA_CONFIG=var/bench/vision.env kore -fnrc var/bench/vision-kore.conf \
    >var/bench/vision-kore.log 2>&1 &
kpid=$!
AGORA_CONFIG=var/bench/vision.env build/agora-worker -c 2 \
    >var/bench/vision-worker.log 2>&1 &
wpid=$!
for _ in $(seq 1 80); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	sleep 0.25
done

$PY bench/photos_upload.py "http://127.0.0.1:$port" "$token" 120 4 "$src" |
    tee var/bench/vision-drain.json
ps -o rss=,args= -C agora-worker | sort -n | tail -1 |
    awk '{ printf "largest worker process: %.0f MB resident\n", $1 / 1024 }'
