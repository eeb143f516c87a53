# Sourced by the set-up scripts: paths and ports of one environment.
#   . scripts/env.sh dev|test
# Everything lives under var/<env>/ (PostgreSQL's files where its user
# can reach them, see below); PostgreSQL and Redis listen on unix sockets
# only, so they never clash with system services.

case "${1:-}" in
dev)
	AGORA_PORT=8888
	AGORA_SMTP_PORT=8025
	PGDATABASE=agora
	;;
test)
	# Overridable, so that clones side by side test at once.
	AGORA_PORT=${AGORA_TEST_PORT:-18888}
	AGORA_SMTP_PORT=${AGORA_TEST_SMTP_PORT:-18025}
	PGDATABASE=agora_test
	;;
*)
	echo "usage: . scripts/env.sh dev|test" >&2
	return 2 2>/dev/null || exit 2
	;;
esac

AGORA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AGORA_ENV_NAME=$1
AGORA_VAR=$AGORA_ROOT/var/$1
# PostgreSQL's cluster (AGORA_PGDATA) and the unix sockets of PostgreSQL
# and Redis (PGHOST): var/<env>/pg and var/<env>/run where the server can
# use them. Elsewhere, without changing the permissions of any directory
# of the user's:
# - as root, PostgreSQL runs as the postgres user, which cannot enter a
#   clone under a 0700 directory (root's home, mktemp -d): then both are
#   in a directory of that user's own, /var/lib/postgresql/agora/<id>,
#   <id> naming the clone and the environment (var/<env>/pg links there);
# - a socket path longer than unix sockets allow (107 bytes) or with a
#   space (which tools quote unevenly) moves too: as root with the
#   cluster, as another user to a directory of its own in /tmp.
agora_id=$(printf %s "$AGORA_ROOT" | md5sum | cut -c1-10)-$1
AGORA_PGDATA=$AGORA_VAR/pg
PGHOST=$AGORA_VAR/run
agora_moved=
case "$PGHOST" in
*" "*) agora_moved=1 ;;
esac
[ ${#PGHOST} -le 80 ] || agora_moved=1
if [ "$(id -u)" = 0 ]; then
	# What postgres must reach: the nearest directory that exists.
	agora_reach=$AGORA_VAR
	[ -d "$agora_reach" ] || agora_reach=$AGORA_ROOT/var
	[ -d "$agora_reach" ] || agora_reach=$AGORA_ROOT
	if ! runuser -u postgres -- test -x "$agora_reach" 2>/dev/null; then
		agora_moved=1
	fi
	if [ -n "$agora_moved" ]; then
		AGORA_PGDATA=/var/lib/postgresql/agora/$agora_id/pg
		PGHOST=/var/lib/postgresql/agora/$agora_id/run
	fi
	unset agora_reach
elif [ -n "$agora_moved" ]; then
	PGHOST=/tmp/agora-$(id -u)-$agora_id
fi
unset agora_id agora_moved
PGUSER=agora
AGORA_REDIS_SOCK=$PGHOST/redis.sock
AGORA_CONFIG=$AGORA_VAR/agora.env
AGORA_MAIL_DIR=$AGORA_VAR/mail
AGORA_MEDIA_DIR=$AGORA_VAR/media
PY=/usr/bin/python3

export AGORA_ROOT AGORA_ENV_NAME AGORA_VAR AGORA_PGDATA AGORA_PORT \
	AGORA_SMTP_PORT PGHOST PGDATABASE PGUSER AGORA_REDIS_SOCK AGORA_CONFIG \
	AGORA_MAIL_DIR AGORA_MEDIA_DIR PY

# Run a command as root (directly, or through sudo).
as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
