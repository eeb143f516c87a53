# Sourced by the benchmarks: the test environment's PostgreSQL and Redis
# (started if need be), the prod build (BENCH_FLAVOR=asan for the soak),
# and helpers for a benchmark database and site of their own.
scripts/deps.sh
. scripts/env.sh test
started=$(scripts/services.sh start test | sed -n 's/^started: //p')
scripts/config.sh test >/dev/null
scripts/build.sh "${BENCH_FLAVOR:-prod}"
mkdir -p var/bench

# A new database `name` with Agora's schema (dropped first if it exists).
bench_db() {	# name
	bench_db_drop "$1"
	psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 \
	    -c "CREATE DATABASE $1 OWNER agora"
	for f in sql/[0-9][0-9][0-9]_*.sql; do
		PGDATABASE=$1 psql -X -q -v ON_ERROR_STOP=1 \
		    --single-transaction -f "$f" >/dev/null
	done
	# The seeds' users have verified their address, as a site's
	# regular users have: nothing they post waits for it.
	PGDATABASE=$1 psql -X -q -v ON_ERROR_STOP=1 -c "ALTER TABLE users
	    ALTER COLUMN email_verified_at SET DEFAULT now()"
	# And the site lets new accounts' photos and comments appear at
	# once (sql/033), as its admins may: the seeds' users are new.
	PGDATABASE=$1 psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO
	    site_settings (name, value) VALUES ('hold_new_accounts', false)"
}

bench_db_drop() {	# name
	psql -X -q -U postgres -d postgres \
	    -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
}

# var/bench/NAME.env (the test settings on database DB and PORT, then
# any further sed expressions) and var/bench/NAME-kore.conf on PORT.
bench_site() {	# name db port [sed-expression...]
	local name=$1 db=$2 port=$3 e=()
	shift 3
	for x in "$@"; do e+=(-e "$x"); done
	sed -e "s|dbname=agora_test|dbname=$db|" \
	    -e "s|127.0.0.1:18888|127.0.0.1:$port|" "${e[@]}" \
	    var/test/agora.env >"var/bench/$name.env"
	sed -e "s|bind\t\t127.0.0.1 8888|bind\t\t127.0.0.1 $port|" \
	    -e "s|^pidfile\t\tkore.pid|pidfile\t\tvar/bench/$name-kore.pid|" \
	    kore.conf >"var/bench/$name-kore.conf"
}

# The EXIT trap of a benchmark with a site ($kpid), a job worker ($wpid),
# a database ($db) and a media directory ($media) of its own.
bench_cleanup() {
	local p
	for p in ${kpid:-} ${wpid:-}; do kill -TERM "$p" 2>/dev/null || true; done
	for p in ${kpid:-} ${wpid:-}; do wait "$p" 2>/dev/null || true; done
	[ -z "${db:-}" ] || bench_db_drop "$db" || true
	[ -z "${media:-}" ] || rm -rf "$media"
	[ -z "$started" ] || scripts/services.sh stop test
}

# Start the site of bench_site NAME on PORT in the background ($kpid),
# and wait until it answers.
bench_start() {	# name port
	AGORA_CONFIG=var/bench/$1.env kore -fnrc "var/bench/$1-kore.conf" \
	    >"var/bench/$1-kore.log" 2>&1 &
	kpid=$!
	for _ in $(seq 1 80); do
		curl -fsS -o /dev/null "http://127.0.0.1:$2/healthz" \
		    2>/dev/null && return 0
		sleep 0.25
	done
	echo "bench: the site did not start" >&2
	tail -20 "var/bench/$1-kore.log" >&2
	exit 1
}

# wrk -t2 -c64 on URL after a 3 s warm-up: "requests/s p50 p99 non-2xx".
bench_wrk() {	# url seconds [header]
	local args=(-t2 -c64 --latency)
	[ -z "${3:-}" ] || args+=(-H "$3")
	wrk "${args[@]}" -d3s "$1" >/dev/null
	wrk "${args[@]}" "-d$2s" "$1" | awk '
	    /Requests\/sec/ { rps = $2 }
	    / 50%/ { p50 = $2 }
	    / 99%/ { p99 = $2 }
	    /Non-2xx/ { bad = $NF }
	    END { printf "%s %s %s %s\n", rps, p50, p99, bad + 0 }'
}
