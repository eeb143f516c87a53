# Sourced by the set-up scripts: paths and ports of one environment.
#   . scripts/env.sh dev|test
# Everything lives under var/<env>/; PostgreSQL and Redis listen on unix
# sockets only, so they never clash with system services.

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
AGORA_PGDATA=$AGORA_VAR/pg
# Sockets: under var/<env>/run, unless that path is long (unix socket
# names are limited to 107 bytes) or has spaces (libpq and pg_ctl split
# on them); then in a short directory of /tmp named after the clone.
PGHOST=$AGORA_VAR/run
case "$PGHOST" in
*" "*) PGHOST= ;;
esac
if [ -z "$PGHOST" ] || [ ${#PGHOST} -gt 80 ]; then
	PGHOST=/tmp/agora-$(printf %s "$AGORA_ROOT" | md5sum | cut -c1-10)-$1
fi
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
