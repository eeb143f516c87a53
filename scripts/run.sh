#!/usr/bin/env bash
# make run: everything the site needs, then the site on
# http://127.0.0.1:8888 with its job worker and the development mail sink.
# Ctrl-C stops what this run started, by pid.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
. scripts/env.sh dev

if [ -n "$(ss -Hltn "sport = :$AGORA_PORT" 2>/dev/null)" ]; then
	echo "run: port $AGORA_PORT is in use: is Agora already running?" >&2
	exit 1
fi

started=$(scripts/services.sh start dev | sed -n 's/^started: //p')
pids=()

cleanup() {
	trap - EXIT INT TERM
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -n "$started" ]; then
		scripts/services.sh stop dev || true
	fi
	echo "run: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/config.sh dev
scripts/migrate.sh dev
make -s worker
scripts/admin.sh dev
scripts/build.sh dev

$PY scripts/mailsink.py "$AGORA_SMTP_PORT" "$AGORA_MAIL_DIR" \
    >>"$AGORA_VAR/mailsink.log" 2>&1 &
pids+=($!)
build/agora-worker &
pids+=($!)

echo "run: Agora is on http://127.0.0.1:$AGORA_PORT (Ctrl-C stops it)"
echo "run: mail sent in development is at http://127.0.0.1:$AGORA_PORT/admin/mail"
stdbuf -oL -eL scripts/kodev.sh run &
pids+=($!)
wait "${pids[-1]}"
