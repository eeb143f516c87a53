#!/usr/bin/env bash
# Project-local PostgreSQL and Redis for one environment.
#   scripts/services.sh start|stop|status dev|test
# `start` is idempotent and prints "started: <names>" for what it started.
set -euo pipefail
. "$(dirname "$0")/env.sh" "$2"

PGBIN=/usr/lib/postgresql/15/bin
mkdir -p "$AGORA_VAR" "$PGHOST"

# PostgreSQL refuses to run as root: then it runs as the postgres user,
# which needs to reach the cluster and socket directories.
pg_run() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_prepare() {
	if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$AGORA_VAR"; then
		# The clone lives where postgres cannot go (e.g. /root):
		# keep the cluster under /tmp instead, linked from var/.
		local alt
		alt=/tmp/agora-$(printf %s "$AGORA_ROOT" | md5sum | cut -c1-10)-$AGORA_ENV_NAME-pg
		mkdir -p "$alt"
		chown postgres "$alt"
		[ -L "$AGORA_PGDATA" ] || { rm -rf "$AGORA_PGDATA"; ln -s "$alt" "$AGORA_PGDATA"; }
	fi
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$PGHOST"
		chmod 0755 "$PGHOST"
		if ! runuser -u postgres -- test -w "$PGHOST"; then
			echo "services: postgres cannot use $PGHOST" >&2
			exit 1
		fi
	fi
	if [ ! -s "$AGORA_PGDATA/PG_VERSION" ]; then
		local target
		target=$(readlink -f "$AGORA_PGDATA")
		mkdir -p "$target"
		[ "$(id -u)" = 0 ] && chown postgres "$target"
		pg_run "$PGBIN/initdb" -D "$target" -A trust -U postgres \
		    -E UTF8 --locale=C.UTF-8 >/dev/null
	fi
}

pg_running() {
	pg_run "$PGBIN/pg_ctl" -D "$AGORA_PGDATA" status >/dev/null 2>&1
}

pg_start() {
	pg_prepare
	pg_running && return 1
	touch "$AGORA_VAR/postgres.log"
	[ "$(id -u)" = 0 ] && chown postgres "$AGORA_VAR/postgres.log"
	pg_run "$PGBIN/pg_ctl" -D "$AGORA_PGDATA" -l "$AGORA_VAR/postgres.log" \
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
