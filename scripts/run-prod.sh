#!/usr/bin/env bash
# make run-prod: the development data served the way production serves
# it: `make install` into var/prod, then nginx on https://127.0.0.1:8443
# (a certificate made here; http://127.0.0.1:8880 redirects) in front of
# two Kore instances (8081, 8082) and two job workers.  Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
. scripts/env.sh dev

for port in 8443 8880 8081 8082 "$AGORA_SMTP_PORT"; do
	if [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
		echo "run-prod: port $port is in use" >&2
		exit 1
	fi
done

started=$(scripts/services.sh start dev | sed -n 's/^started: //p')
prod=$AGORA_ROOT/var/prod
sink=

cleanup() {
	trap - EXIT INT TERM
	scripts/prod-stack.sh stop "$prod" || true
	[ -z "$sink" ] || kill -TERM "$sink" 2>/dev/null || true
	if [ -n "$started" ]; then
		scripts/services.sh stop dev || true
	fi
	echo "run-prod: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/config.sh dev
scripts/migrate.sh dev
scripts/admin.sh dev

# The dev settings, as production would have them: https, behind nginx,
# no development pages.
mkdir -p "$prod/etc/agora"
scripts/prod-stack.sh settings "$AGORA_CONFIG" https://127.0.0.1:8443 \
    "$prod/etc/agora/agora.env"
make -s install PREFIX="$prod/opt/agora" SYSCONFDIR="$prod/etc" \
    UNITDIR="$prod/units" >"$prod/install.log" ||
    { cat "$prod/install.log" >&2; exit 1; }

$PY scripts/mailsink.py "$AGORA_SMTP_PORT" "$AGORA_MAIL_DIR" \
    >>"$AGORA_VAR/mailsink.log" 2>&1 &
sink=$!

scripts/prod-stack.sh start "$prod" "$prod/opt/agora" \
    "$prod/etc/agora/agora.env" 8443 8880 2 8081 8082

echo "run-prod: Agora is on https://127.0.0.1:8443 (certificate:" \
    "$prod/cert.pem); Ctrl-C stops it"
echo "run-prod: logs in $prod (kore-*.log, worker-*.log, nginx-*.log)"
while kill -0 "$(cat "$prod/nginx.pid" 2>/dev/null)" 2>/dev/null; do
	sleep 1
done
echo "run-prod: nginx stopped" >&2
exit 1
