#!/usr/bin/env bash
# Project-local PostgreSQL and Redis for one environment.
#   scripts/services.sh start|stop|status dev|test
# `start` is idempotent and prints "started: <names>" for what it started.
set -euo pipefail
. "$(dirname "$0")/env.sh" "$2"

PGBIN=/usr/lib/postgresql/15/bin
# Directories this script makes in the clone are open to the servers'
# user whatever the umask; existing ones are left as they are.
(umask 022 && mkdir -p "$AGORA_VAR")
# PostgreSQL's own files: var/<env>, or elsewhere (scripts/env.sh).
PGDIR=$(dirname "$AGORA_PGDATA")

die() {
	echo "services: $*" >&2
	exit 1
}

# PostgreSQL refuses to run as root: then it runs as the postgres user
# (from /, as the clone may be a directory it cannot enter).
pg_run() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# A directory of the servers' own, mode 0700: made if missing, refused
# if it is a link or someone else's (a name in /tmp can be taken first).
own_dir() {	# dir owner
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		(umask 077 && mkdir "$1")
		[ "$2" = "$(id -un)" ] || chown "$2:" "$1"
	fi
	if [ -L "$1" ] || [ ! -d "$1" ] ||
	    [ "$(stat -c %U "$1")" != "$2" ]; then
		die "$1 must be a directory of $2's"
	fi
	chmod 0700 "$1"
}

pg_prepare() {
	local user
	user=$(id -un)
	[ "$user" = root ] && user=postgres
	if [ "$PGDIR" != "$AGORA_VAR" ]; then
		if [ -e "$AGORA_VAR/pg/PG_VERSION" ] && [ ! -L "$AGORA_VAR/pg" ]; then
			die "$AGORA_VAR/pg holds a cluster that postgres can no" \
			    "longer reach; move it to $AGORA_PGDATA"
		fi
		[ -L "$AGORA_VAR/pg" ] || rm -rf "$AGORA_VAR/pg"
		[ "$user" = postgres ] && own_dir "$(dirname "$PGDIR")" postgres
		own_dir "$PGDIR" "$user"
		# So that the cluster and its log are found from the clone.
		ln -sfn "$AGORA_PGDATA" "$AGORA_VAR/pg"
		ln -sfn "$PGDIR/postgres.log" "$AGORA_VAR/postgres.log"
	fi
	own_dir "$PGHOST" "$user"
	if ! pg_run test -w "$PGHOST"; then
		die "$user cannot use $PGHOST"
	fi
	if [ ! -s "$AGORA_PGDATA/PG_VERSION" ]; then
		own_dir "$AGORA_PGDATA" "$user"
		pg_run "$PGBIN/initdb" -D "$AGORA_PGDATA" -A trust -U postgres \
		    -E UTF8 --locale=C.UTF-8 >/dev/null
	fi
}

pg_running() {
	pg_run "$PGBIN/pg_ctl" -D "$AGORA_PGDATA" status >/dev/null 2>&1
}

pg_start() {
	pg_prepare
	pg_running && return 1
	touch "$PGDIR/postgres.log"
	[ "$(id -u)" = 0 ] && chown postgres: "$PGDIR/postgres.log"
	pg_run "$PGBIN/pg_ctl" -D "$AGORA_PGDATA" -l "$PGDIR/postgres.log" \
	    -o "-k '$PGHOST' -c listen_addresses='' -c fsync=$1" \
	    -w -t 60 start >/dev/null
	return 0
}

pg_ensure_db() {
	psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 <<-SQL
	SELECT 'CREATE ROLE agora LOGIN'
	 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'agora')
	\gexec
	SELECT 'CREATE DATABASE $PGDATABASE OWNER agora'
	 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$PGDATABASE')
	\gexec
	SQL
}

redis_running() {
	redis-cli -s "$AGORA_REDIS_SOCK" ping >/dev/null 2>&1
}

redis_start() {
	redis_running && return 1
	local persist=(--appendonly yes --appendfsync everysec)
	[ "$AGORA_ENV_NAME" = test ] && persist=(--appendonly no)
	redis-server --port 0 --unixsocket "$AGORA_REDIS_SOCK" \
	    --unixsocketperm 700 --daemonize yes --dir "$AGORA_VAR" \
	    --pidfile "$AGORA_VAR/redis.pid" --logfile "$AGORA_VAR/redis.log" \
	    --save '' "${persist[@]}" >/dev/null
	for _ in $(seq 1 100); do redis_running && return 0; sleep 0.1; done
	echo "services: redis did not start (see $AGORA_VAR/redis.log)" >&2
	exit 1
}

case "$1" in
start)
	started=()
	fsync=on
	[ "$AGORA_ENV_NAME" = test ] && fsync=off
	if pg_start "$fsync"; then started+=(pg); fi
	pg_ensure_db
	if redis_start; then started+=(redis); fi
	echo "started: ${started[*]:-}"
	;;
stop)
	if redis_running; then
		redis-cli -s "$AGORA_REDIS_SOCK" shutdown >/dev/null 2>&1 || true
	fi
	if [ -e "$AGORA_PGDATA/postmaster.pid" ] && pg_running; then
		pg_run "$PGBIN/pg_ctl" -D "$AGORA_PGDATA" -m fast -w stop >/dev/null
	fi
	;;
status)
	pg_running && echo "pg: running" || echo "pg: stopped"
	redis_running && echo "redis: running" || echo "redis: stopped"
	;;
*)
	echo "usage: $0 start|stop|status dev|test" >&2
	exit 2
	;;
esac
