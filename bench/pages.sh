#!/usr/bin/env bash
# The pages people read most, with the data of a grown site
# (bench/pages_seed.sql: 10,000 users, 1,000,000 photos, a post with 200
# comments and replies, a reader following 500 people): requests/s, p50
# and p99 under wrk -t2 -c64 -d10s for a signed-out reader and a signed-in
# one (a session cookie), beside the blog index as the reference row.
# The Following feed is measured on its first page and on a page found
# by its cursor.  Prod build on BENCH_PORT (8896), 2 workers, the page
# cache at its default.
#   bench/pages.sh		writes var/bench/pages-results.md
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
command -v wrk >/dev/null ||
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

db=agora_pagesbench
port=${BENCH_PORT:-8896}
kpid=
out=var/bench/pages-results.md
trap bench_cleanup EXIT

q() {	# sql
	PGDATABASE=$db psql -X -At -v ON_ERROR_STOP=1 -c "$1"
}

bench_db "$db"
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f bench/pages_seed.sql \
    >/dev/null
sess=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
hash=$($PY -c "import hashlib,sys; print(hashlib.blake2b(bytes.fromhex(sys.argv[1]), digest_size=32).hexdigest())" "$sess")
q "INSERT INTO sessions (user_id, token_hash, expires_at)
   SELECT id, '\\x$hash', now() + interval '1 day'
     FROM users WHERE username = 'pg_1'" >/dev/null
post=$(q "SELECT id || '-' || slug FROM posts WHERE slug = 'post-1'")

bench_site pages "$db" "$port"
redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null
bench_start pages "$port"

cookie="Cookie: agora_session=$sess"
# The Following feed's third page, by the cursors its pages link to.
older="/photos/following"
for _ in 1 2; do
	next=$(curl -fsS -H "$cookie" "http://127.0.0.1:$port$older" |
	    grep -o 'rel="next" href="?cursor=[^"]*"' | head -1 |
	    sed -e 's/^rel="next" href="//' -e 's/"$//') || true
	[ -n "$next" ] || { echo "pages: no cursor on the feed" >&2; exit 1; }
	older="/photos/following$next"
done

measure() {	# path [header]
	bench_wrk "http://127.0.0.1:$port$1" 10 "${2:-}"
}

rows=(
	"the blog index (reference)|/blog?page=3|both"
	"a post with 200 comments and replies|/blog/$post|both"
	"a profile (/u/pg_1)|/u/pg_1|both"
	"the home page|/|both"
	"Following feed, 500 of 10,000 people, 1,000,000 photos|/photos/following|in"
	"... its third page (cursor)|$older|in"
)
{
	echo "Pages, $(date -u +%Y-%m-%d), $(nproc) cores, wrk -t2 -c64 -d10s,"
	echo "prod build, 2 workers, bench/pages_seed.sql."
	echo
	echo "| page | reader | requests/s | p50 | p99 | non-2xx |"
	echo "|---|---|---:|---:|---:|---:|"
} >"$out"
for r in "${rows[@]}"; do
	IFS='|' read -r what path who <<<"$r"
	for reader in anonymous signed-in; do
		[ "$who" = both ] || [ "$reader" = signed-in ] || continue
		h=
		[ "$reader" = anonymous ] || h=$cookie
		set -- $(measure "$path" "$h")
		echo "| $what | $reader | $1 | $2 | $3 | $4 |" | tee -a "$out"
	done
done
cat "$out"
