#!/usr/bin/env bash
# Signed in against signed out, in one run: requests/s, p50 and p99 of
# the blog index (/blog?page=3), the API's post list and /api/v1/me under
# wrk -t2 -c64, for an anonymous reader, a session cookie and an API
# token; first with the credential cache on (the default age), then off
# (AGORA_CREDENTIAL_CACHE_MS=0), beside the database's own ceiling for
# the credential lookup (pgbench, 8 clients, the site's statement).
# Then the public lists with the page cache off too
# (AGORA_PAGE_CACHE_MS=0), beside pgbench running the site's own index
# statement (bench/blog_sql.c prints it) prepared, with 8 clients: the
# site's 2 workers hold 4 connections each.
# Prod build on BENCH_PORT (8894); 1,000 users and 10,000 published
# posts in a database of its own.
#   bench/signed_in.sh		writes var/bench/signed-in-results.md
set -euo pipefail
cd "$(dirname "$0")/.."

. bench/lib.sh
command -v wrk >/dev/null ||
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

db=agora_signedbench
port=${BENCH_PORT:-8894}
kpid=
out=var/bench/signed-in-results.md
trap 'kill -TERM $kpid 2>/dev/null || true; wait $kpid 2>/dev/null || true;
    bench_db_drop $db; [ -z "$started" ] || scripts/services.sh stop test' EXIT

q() {	# sql
	PGDATABASE=$db psql -X -At -v ON_ERROR_STOP=1 -c "$1"
}
secret() {
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'
}
blake() {	# hex secret -> hex hash
	$PY -c "import hashlib,sys; print(hashlib.blake2b(bytes.fromhex(sys.argv[1]), digest_size=32).hexdigest())" "$1"
}

bench_db "$db"
q "INSERT INTO users (username, email, password_hash, created_at)
   SELECT 'si_' || i, 'si_' || i || '@example.org', '!',
          now() - interval '400 days'
     FROM generate_series(1, 1000) i" >/dev/null
q "INSERT INTO posts (author_id, title, slug, body, status, created_at)
   SELECT 1 + i % 1000, 'Post number ' || i, 'post-' || i,
          repeat('Words of a post about walking and weather. ', 40),
          'approved', now() - make_interval(mins => i)
     FROM generate_series(1, 10000) i" >/dev/null
q "VACUUM ANALYZE users, posts, sessions, api_tokens" >/dev/null

# A session and an API token with known secrets, for user si_1.
sess=$(secret)
tok=$(secret)
q "INSERT INTO sessions (user_id, token_hash, expires_at)
   SELECT id, '\\x$(blake "$sess")', now() + interval '1 day'
     FROM users WHERE username = 'si_1'" >/dev/null
q "INSERT INTO api_tokens (user_id, token_hash, name)
   SELECT id, '\\x$(blake "$tok")', 'bench'
     FROM users WHERE username = 'si_1'" >/dev/null

start_site() {	# credential cache age (ms) [page cache age (ms)]
	[ -z "$kpid" ] || { kill -TERM "$kpid"; wait "$kpid" 2>/dev/null || true; }
	bench_site signed "$db" "$port" \
	    "\$a AGORA_CREDENTIAL_CACHE_MS=$1" \
	    "\$a AGORA_PAGE_CACHE_MS=${2:-1000}"
	redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null
	AGORA_CONFIG=var/bench/signed.env kore -fnrc \
	    var/bench/signed-kore.conf >var/bench/signed-kore.log 2>&1 &
	kpid=$!
	for _ in $(seq 1 80); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" \
		    2>/dev/null && return 0
		sleep 0.25
	done
	echo "signed_in: the site did not start" >&2
	tail -20 var/bench/signed-kore.log >&2
	exit 1
}

# requests/s p50 p99 non-2xx of one wrk run, after a warm-up.
measure() {	# path [header]
	local args=(-t2 -c64 -d10s --latency)
	[ -z "${2:-}" ] || args+=(-H "$2")
	wrk "${args[@]}" -d3s "http://127.0.0.1:$port$1" >/dev/null
	wrk "${args[@]}" "http://127.0.0.1:$port$1" | awk '
	    /Requests\/sec/ { rps = $2 }
	    / 50%/ { p50 = $2 }
	    / 99%/ { p99 = $2 }
	    /Non-2xx/ { bad = $NF }
	    END { printf "%s %s %s %s\n", rps, p50, p99, bad + 0 }'
}

cookie="Cookie: agora_session=$sess"
bearer="Authorization: Bearer $tok"
paths=("/blog?page=3" "/api/v1/blog/posts?page=3" "/api/v1/me")
declare -A res

run_all() {	# label
	local p who h
	for p in "${paths[@]}"; do
		for who in anonymous cookie token; do
			case $who in
			anonymous) h= ;;
			cookie) h=$cookie ;;
			token) h=$bearer ;;
			esac
			res[$1,$p,$who]=$(measure "$p" "$h")
			echo "$1 $p $who: ${res[$1,$p,$who]}"
		done
	done
}

start_site 3000
run_all on
start_site 0
run_all off
start_site 3000 0
for p in "/blog?page=3" "/api/v1/blog/posts?page=3"; do
	res[uncached,$p]=$(measure "$p")
	echo "uncached $p: ${res[uncached,$p]}"
done

# The credential lookup alone, as PostgreSQL runs it (8 clients).
cat >var/bench/signed-lookup.sql <<EOF
SELECT u.id, u.username, u.role, u.email
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE s.token_hash = '\\x$(blake "$sess")' AND s.expires_at > now()
   AND NOT u.banned;
EOF
ceiling=$(PGDATABASE=$db pgbench -n -c8 -j2 -T10 -f var/bench/signed-lookup.sql \
    2>/dev/null | awk '/^tps/ { printf "%.0f", $3 }')

# The index statement, page 3 (pgbench would read ":MI" in its time
# format as a variable: the colons are spelt chr(58) there).
cc -O1 -w -Iapps -Ilib -I/usr/include/postgresql -DKORE_USE_PGSQL \
    -DKORE_USE_TASKS -o build/blog_sql bench/blog_sql.c
{
	echo '\set off 40'
	build/blog_sql | sed -e 's/\$1/:off/' \
	    -e "s/HH24:MI:SS/HH24' || chr(58) || 'MI' || chr(58) || 'SS/g"
	echo ';'
} >var/bench/signed-index.sql
index_ceiling=$(PGDATABASE=$db pgbench -n -M prepared -c8 -j2 -T10 \
    -f var/bench/signed-index.sql 2>/dev/null | awk '/^tps/ { printf "%.0f", $3 }')

rate() { echo "${res[$1]}" | cut -d' ' -f1; }
pct() {	# signed-in key, anonymous key
	awk -v a="$(rate "$1")" -v b="$(rate "$2")" \
	    'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }'
}
{
	echo "Signed in against signed out, $(date -u +%Y-%m-%d), $(nproc) cores,"
	echo "wrk -t2 -c64 -d10s, prod build, 2 workers."
	echo
	echo "| route | cache | reader | requests/s | p50 | p99 | non-2xx | of signed out |"
	echo "|---|---|---|---:|---:|---:|---:|---:|"
	for c in on off; do
		for p in "${paths[@]}"; do
			for who in anonymous cookie token; do
				set -- ${res[$c,$p,$who]}
				if [ "$who" = anonymous ]; then
					share="—"
				else
					share=$(pct "$c,$p,$who" "on,$p,anonymous")
				fi
				echo "| \`$p\` | $c | $who | $1 | $2 | $3 | $4 | $share |"
			done
		done
	done
	echo
	echo "The session lookup alone in PostgreSQL (pgbench, 8 clients): $ceiling/s."
	echo "/api/v1/me signed out is its 401 answer."
	echo
	echo "| the public lists, page cache off | requests/s | p50 | p99 | non-2xx | of the database's ceiling |"
	echo "|---|---:|---:|---:|---:|---:|"
	for p in "/blog?page=3" "/api/v1/blog/posts?page=3"; do
		set -- ${res[uncached,$p]}
		share=$(awk -v a="$1" -v b="$index_ceiling" \
		    'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }')
		echo "| \`$p\` | $1 | $2 | $3 | $4 | $share |"
	done
	echo
	echo "The index statement alone in PostgreSQL (pgbench -M prepared, 8 clients): $index_ceiling/s."
} | tee "$out"
