#!/usr/bin/env bash
# Soak: SOAK_SECONDS (default 600) of mixed traffic (pages, API, uploads
# with thumbnails, chat sockets, logins) against the AddressSanitizer
# build, on port 8893 with a database of its own.  Passes when no request
# failed, the log has no sanitizer report or worker death, and the Kore
# workers' RSS at the end is within 10% of their RSS after the first
# minute (all workers together).   bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_FLAVOR=asan
. bench/lib.sh
make -s worker

db=agora_soak
port=8893
media=$AGORA_ROOT/var/bench/soak-media
kpid=
wpid=
trap bench_cleanup EXIT

bench_db "$db"
rm -rf "$media"
mkdir -p "$media"/orig "$media"/thumb "$media"/display
bench_site soak "$db" "$port" "s|^AGORA_MEDIA_DIR=.*|AGORA_MEDIA_DIR=$media|"
redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null

asan=$(gcc -print-file-name=libasan.so)
log=var/bench/soak-kore.log
# A small quarantine, so that RSS is live memory: ASan's default keeps
# up to 256 MiB of freed blocks, which alone grows a worker's RSS.
LD_PRELOAD=$asan \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:quarantine_size_mb=16 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    AGORA_CONFIG=var/bench/soak.env kore -fnrc var/bench/soak-kore.conf \
    >"$log" 2>&1 &
kpid=$!
AGORA_CONFIG=var/bench/soak.env build/agora-worker \
    >var/bench/soak-worker.log 2>&1 &
wpid=$!
for _ in $(seq 1 120); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	sleep 0.25
done

rc=0
$PY bench/soak.py "http://127.0.0.1:$port" "$kpid" "${SOAK_SECONDS:-600}" ||
    rc=1
if grep -aE 'exited with status [1-9]|\) gone|seccomp violation|Sanitizer|runtime error:' \
    "$log" | head -5 | grep .; then
	rc=1
fi
echo "soak: $([ $rc = 0 ] && echo passed || echo FAILED)"
exit $rc
