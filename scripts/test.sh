#!/usr/bin/env bash
# make test: a separate stack (var/test, port 18888) built with
# AddressSanitizer and UBSan, then every suite against it.  One summary
# line per suite; non-zero exit when anything failed, including a Kore
# worker dying, a seccomp violation or a sanitizer report in the log.
#
# scripts/test.sh [suite ...] runs only the named suites (unit, http,
# blog, chat, photos, vision, search, notify, people, site, jobs, browser,
# deploy, setup) against the same fresh stack.
set -uo pipefail
cd "$(dirname "$0")/.."

only=" $* "
want() {	# suite
	[ "$only" = "  " ] || [[ "$only" == *" $1 "* ]]
}

scripts/deps.sh || exit 1
scripts/fixtures.sh || exit 1
. scripts/env.sh test

# The site's two instances, the mail sink; the deployment test's two
# instances, nginx's https and http.
ports="$AGORA_PORT $((AGORA_PORT + 1)) $AGORA_SMTP_PORT"
! want deploy || ports="$ports 18890 18891 18443 18080"
for port in $ports; do
	if [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
		echo "test: port $port is in use: stop what listens there first" >&2
		exit 1
	fi
done

started=$(scripts/services.sh start test | sed -n 's/^started: //p') || exit 1
results=()
failed=0
kore_pid=
pids=()

stop_one() {	# pid
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 1 150); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		# The sanitizer runtime can hang a worker in glibc's exit
		# handlers (libp11-kit's destructor); that is past serving.
		echo "test: kore did not stop in 15 s, killing it"
		pkill -KILL -P "$1" 2>/dev/null
		kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
}

stop_kore() {
	local p
	for p in $kore_pid; do stop_one "$p"; done
	kore_pid=
}

cleanup() {
	trap - EXIT INT TERM
	stop_kore
	local p
	if [ -s "$AGORA_VAR/worker.pid" ]; then
		kill -TERM "$(cat "$AGORA_VAR/worker.pid")" 2>/dev/null
	fi
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -z "$started" ] || scripts/services.sh stop test
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "test: $*" >&2
	exit 1
}

total_passed=0
total_failed=0
record() {	# suite passed failed
	results+=("$1: $2 passed, $3 failed")
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	[ "$3" = 0 ] || failed=1
}

# Summarise a pytest run from its last line ("3 passed, 1 failed in ...").
pytest_suite() {	# name dir
	local log=$AGORA_VAR/pytest-$1.log rc p f e
	$PY -m pytest -q -p no:cacheprovider "$2" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(tail -1 "$log" | grep -o '[0-9]* passed' | cut -d' ' -f1)
	f=$(tail -1 "$log" | grep -o '[0-9]* failed' | cut -d' ' -f1)
	e=$(tail -1 "$log" | grep -o '[0-9]* error' | cut -d' ' -f1)
	p=${p:-0}
	f=$(( ${f:-0} + ${e:-0} ))
	# Exit 5 (no tests ran) or any failure without a count is a failure.
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	record "$1" "$p" "$f"
}

# ---- a clean database, queue and mailbox for every run
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "DROP DATABASE IF EXISTS $PGDATABASE WITH (FORCE)" \
    -c "CREATE DATABASE $PGDATABASE OWNER agora" || die "database reset"
redis-cli -s "$AGORA_REDIS_SOCK" flushall >/dev/null || die "redis reset"
rm -rf "$AGORA_MAIL_DIR" "$AGORA_MEDIA_DIR" var/test/screenshots
rm -f "$AGORA_VAR"/{kore,kore2,worker,mailsink,pytest-*,unit,browser}.log

scripts/config.sh test || die "config"
scripts/migrate.sh test || die "migrations"
make -s worker EXTRA_CFLAGS=-Werror || die "worker build"
scripts/admin.sh test || die "admin account"
# The suites write as on a site whose admins let new accounts' photos
# and comments appear at once (sql/033); the tests of that hold turn it
# on for themselves (tests/people/test_new_hold.py).
psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO site_settings (name, value)
    VALUES ('hold_new_accounts', false)" || die "settings"
CFLAGS=-Werror scripts/build.sh asan clean || die "site build"

# ---- unit tests (pure C, cmocka)
if want unit && [ -f tests/unit/unit.mk ]; then
	make -s unit 2>&1 | tee "$AGORA_VAR/unit.log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed' "$AGORA_VAR/unit.log" | tail -1)
	p=$(echo "$line" | awk '{print $2}')
	f=$(echo "$line" | awk '{print $4}')
	[ "$rc" = 0 ] || [ "${f:-0}" != 0 ] || f=1
	record unit "${p:-0}" "${f:-1}"
fi

# ---- fuzz targets (libFuzzer, tests/fuzz/): FUZZ_SECONDS (60) each, two
# at a time; one passes per target that ends with no crash or report.
if want fuzz && [ -f tests/fuzz/fuzz.mk ]; then
	make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}" 2>&1 |
	    tee "$AGORA_VAR/fuzz.log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^fuzz: .* ok: ' "$AGORA_VAR/fuzz.log")
	f=$(grep -c '^fuzz: .* FAILED' "$AGORA_VAR/fuzz.log")
	[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
	record fuzz "$p" "$f"
fi

# ---- the stack: mail sink, job worker, site
$PY scripts/mailsink.py "$AGORA_SMTP_PORT" "$AGORA_MAIL_DIR" \
    >"$AGORA_VAR/mailsink.log" 2>&1 &
pids+=($!)
build/agora-worker >"$AGORA_VAR/worker.log" 2>&1 &
echo $! >"$AGORA_VAR/worker.pid"

# Two instances of the site on one database and one Redis: the second
# (next port) is there for what must cross instances.
asan=$(gcc -print-file-name=libasan.so)
# LeakSanitizer checks each worker as it stops (kore_worker_teardown in
# apps/core/hooks.c); malloc stacks are unwound in full so that Kore's own
# allocations (tests/lsan.supp) are told apart from the site's.
lsan="suppressions='$PWD/tests/lsan.supp':print_suppressions=0"
start_kore() {	# config log
	LD_PRELOAD=$asan LSAN_OPTIONS=$lsan \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:malloc_context_size=16 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    stdbuf -oL -eL kore -fnrc "$1" >"$2" 2>&1 &
	kore_pid="$kore_pid $!"
}
start_kore var/test/kore1.conf "$AGORA_VAR/kore.log"
start_kore var/test/kore2.conf "$AGORA_VAR/kore2.log"

for port in "$AGORA_PORT" "$((AGORA_PORT + 1))"; do
	for _ in $(seq 1 120); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" \
		    2>/dev/null && break
		sleep 0.25
	done
	if ! curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz"; then
		tail -30 "$AGORA_VAR/kore.log" "$AGORA_VAR/kore2.log" >&2
		die "the site did not start on port $port"
	fi
done

# Python never imports from the clone itself: kodev builds <clone name>.so
# there, and a clone named after a module (secrets, json) would shadow it.
export PYTHONSAFEPATH=1
# The suites' shared clients and helpers (tests/lib/agora_kit).
export PYTHONPATH=$PWD/tests/lib${PYTHONPATH:+:$PYTHONPATH}
export AGORA_TEST_URL=http://127.0.0.1:$AGORA_PORT
export AGORA_TEST_URL2=http://127.0.0.1:$((AGORA_PORT + 1))
export AGORA_ADMIN_PASSWORD_FILE=$AGORA_VAR/admin-password
export AGORA_KORE_LOG=$AGORA_VAR/kore.log
export AGORA_KORE_LOG2=$AGORA_VAR/kore2.log
export AGORA_WORKER_PIDFILE=$AGORA_VAR/worker.pid
export AGORA_WORKER_LOG=$AGORA_VAR/worker.log
export AGORA_REDIS_RESTART="scripts/services.sh start test"
export AGORA_SCREENSHOT_DIR=var/test/screenshots

want http && pytest_suite http tests/http
# Set-up from other places a clone can be (servers of its own).
want setup && [ -d tests/setup ] && pytest_suite setup tests/setup
want blog && [ -d tests/blog ] && pytest_suite blog tests/blog
want chat && [ -d tests/chat ] && pytest_suite chat tests/chat
want photos && [ -d tests/photos ] && pytest_suite photos tests/photos
# The site around the apps: home page, layout, assets.
want site && [ -d tests/site ] && pytest_suite site tests/site
# The object detector: its converter, its model, the worker's command.
want vision && [ -d tests/vision ] && pytest_suite vision tests/vision
want search && [ -d tests/search ] && pytest_suite search tests/search
want notify && [ -d tests/notify ] && pytest_suite notify tests/notify
# People: the greeting, profiles, settings, sessions and tokens.
want people && [ -d tests/people ] && pytest_suite people tests/people
# Last: the job suite stops and restarts the worker and Redis.
want jobs && [ -d tests/jobs ] && pytest_suite jobs tests/jobs

if want browser && ls tests/browser/*.mjs >/dev/null 2>&1; then
	: >"$AGORA_VAR/browser.log"
	rc=0
	for t in tests/browser/*.mjs; do
		node "$t" 2>&1 | tee -a "$AGORA_VAR/browser.log"
		[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	done
	p=$(grep -E '^browser: [0-9]+ passed, [0-9]+ failed' "$AGORA_VAR/browser.log" |
	    awk '{ s += $2 } END { print s + 0 }')
	f=$(grep -E '^browser: [0-9]+ passed, [0-9]+ failed' "$AGORA_VAR/browser.log" |
	    awk '{ s += $4 } END { print s + 0 }')
	[ "$rc" = 0 ] || [ "$f" != 0 ] || f=1
	record browser "$p" "$f"
fi

stop_kore

# ---- the deployment: `make install` into a directory of its own (units
# checked by systemd-analyze), then that tree run as production runs it
# (scripts/prod-stack.sh): nginx with a fresh certificate in front of two
# instances and two job workers, on the same PostgreSQL and Redis; then
# the deploy suite over https.
if want deploy && [ -d tests/deploy ]; then
	if [ -s "$AGORA_VAR/worker.pid" ]; then
		kill -TERM "$(cat "$AGORA_VAR/worker.pid")" 2>/dev/null
		wait "$(cat "$AGORA_VAR/worker.pid")" 2>/dev/null
	fi
	dep=$AGORA_VAR/deploy
	rm -rf "$dep"
	mkdir -p "$dep/etc/agora"
	# The settings an operator would write: these instead of the
	# example that `make install` puts there when there is none.
	scripts/prod-stack.sh settings "$AGORA_CONFIG" \
	    https://127.0.0.1:18443 "$dep/etc/agora/agora.env" || die "settings"
	make -s install PREFIX="$dep/opt/agora" SYSCONFDIR="$dep/etc" \
	    UNITDIR="$dep/units" >"$dep/install.log" 2>&1 ||
	    { cat "$dep/install.log"; die "make install"; }
	trap 'scripts/prod-stack.sh stop "$dep"; cleanup' EXIT
	scripts/prod-stack.sh start "$dep" "$dep/opt/agora" \
	    "$dep/etc/agora/agora.env" 18443 18080 2 18890 18891 ||
	    die "the production stack did not start"
	AGORA_DEPLOY_URL=https://127.0.0.1:18443 \
	    AGORA_DEPLOY_HTTP=http://127.0.0.1:18080 \
	    AGORA_DEPLOY_CA=$dep/cert.pem AGORA_DEPLOY_DIR=$dep \
	    AGORA_DEPLOY_PREFIX=$dep/opt/agora \
	    pytest_suite deploy tests/deploy
	scripts/prod-stack.sh stop "$dep"
fi

# ---- the server log: no worker may have died, no sanitizer report, no
# leak in a worker's check as it stops
stop_kore
logs=("$AGORA_VAR/kore.log" "$AGORA_VAR/kore2.log")
for f in "$AGORA_VAR"/deploy/kore-*.log; do
	[ -e "$f" ] && logs+=("$f")
done
bad=$(grep -E 'exited with status [1-9]|\) gone|sandbox violation|seccomp violation|AddressSanitizer|LeakSanitizer|runtime error:' \
    "${logs[@]}" | head -5)
# Each instance's two workers ran their leak check as they stopped.
for f in "$AGORA_VAR/kore.log" "$AGORA_VAR/kore2.log"; do
	[ "$(grep -c 'leak check: no leaks' "$f")" -ge 2 ] ||
	    bad="$bad${bad:+
}$f: a worker stopped without its leak check"
done
if [ -n "$bad" ]; then
	echo "$bad"
	record server-log 0 1
else
	record server-log 1 0
fi

echo
echo "== make test: one line per suite"
for r in "${results[@]}"; do echo "$r"; done
echo "total: $total_passed passed, $total_failed failed"
[ "$failed" = 0 ]
