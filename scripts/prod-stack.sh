#!/usr/bin/env bash
# Agora as it runs in production, on this machine, from an installed tree
# (make install): nginx with a certificate made here in front of Kore
# instances built from conf/kore.prod.conf, and job workers.  Each
# process is started the way its systemd unit starts it (same program,
# working directory and configuration), as this user, with its files
# under DIR.  `make run-prod` and the deploy test use it.
#
#   scripts/prod-stack.sh start DIR PREFIX ENVFILE HTTPS HTTP WORKERS PORT...
#       pid files: DIR/nginx.pid, DIR/web-PORT.pid, DIR/worker-N.pid;
#       logs: DIR/kore-PORT.log, DIR/worker-N.log, DIR/nginx-agora.log
#       (the JSON access log), DIR/nginx-error.log.
#   scripts/prod-stack.sh stop DIR
#   scripts/prod-stack.sh settings FROM SITE_URL OUT
#       OUT (mode 0600): the settings FROM as production has them: the
#       public https URL, nginx as the trusted proxy, no development pages.
set -uo pipefail

die() {
	echo "prod-stack: $*" >&2
	exit 1
}

# Stop the process in pid file $1 and wait for it (then kill it).
stop_pidfile() {	# file
	local pid
	[ -s "$1" ] || return 0
	pid=$(cat "$1" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || { rm -f "$1"; return 0; }
	for _ in $(seq 1 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "prod-stack: $1 did not stop in 15 s, killing it" >&2
		pkill -KILL -P "$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$1"
}

stop() {	# dir
	local f
	stop_pidfile "$1/nginx.pid"
	for f in "$1"/web-*.pid "$1"/worker-*.pid; do
		[ -e "$f" ] && stop_pidfile "$f"
	done
	return 0
}

start() {	# dir prefix envfile https http workers port...
	local dir=$1 prefix=$2 env=$3 https=$4 http=$5 workers=$6 media p n
	shift 6
	[ -x "$prefix/bin/agora-worker" ] || die "$prefix is not an installed tree"
	[ -r "$env" ] || die "no settings file $env"
	media=$(sed -n 's/^AGORA_MEDIA_DIR=//p' "$env" | tail -1)
	[ -n "$media" ] || die "$env has no AGORA_MEDIA_DIR"
	mkdir -p "$dir/tmp"

	if [ ! -s "$dir/cert.pem" ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
		    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null ||
		    die "certificate"
	fi

	# agora-web@PORT: ExecStartPre, then ExecStart in WorkingDirectory.
	for p in "$@"; do
		"$prefix/scripts/deploy-config.sh" kore "$p" "$dir/kore-$p.conf" \
		    "$dir" || die "kore configuration for $p"
		(cd "$prefix" && AGORA_CONFIG=$env exec stdbuf -oL -eL \
		    kore -fnrc "$dir/kore-$p.conf") >"$dir/kore-$p.log" 2>&1 &
	done
	# agora-worker@N
	for n in $(seq 1 "$workers"); do
		(cd "$prefix" && AGORA_CONFIG=$env exec bin/agora-worker) \
		    >"$dir/worker-$n.log" 2>&1 &
		echo $! >"$dir/worker-$n.pid"
	done

	"$prefix/scripts/deploy-config.sh" nginx 127.0.0.1 "$https" "$http" \
	    "$dir/cert.pem" "$dir/key.pem" "$media" "$dir/site.conf" "$@" ||
	    die "nginx configuration"
	# Paths quoted: DIR may have spaces.
	sed -i "s|/var/log/nginx/agora.access.log|\"$dir/nginx-agora.log\"|" \
	    "$dir/site.conf"
	cat >"$dir/nginx.conf" <<-EOF
	$( [ "$(id -u)" = 0 ] && echo "user root;" )
	worker_processes 1;
	pid "$dir/nginx.pid";
	error_log "$dir/nginx-error.log";
	events { worker_connections 1024; }
	http {
		include /etc/nginx/mime.types;
		default_type application/octet-stream;
		sendfile on;
		access_log "$dir/nginx-access.log";
		client_body_temp_path "$dir/tmp/body";
		proxy_temp_path "$dir/tmp/proxy";
		fastcgi_temp_path "$dir/tmp/fastcgi";
		uwsgi_temp_path "$dir/tmp/uwsgi";
		scgi_temp_path "$dir/tmp/scgi";
		include "$dir/site.conf";
	}
	EOF
	nginx -t -q -c "$dir/nginx.conf" || die "nginx -t refused the configuration"
	nginx -c "$dir/nginx.conf" -g 'daemon off;' \
	    >"$dir/nginx-stderr.log" 2>&1 &

	for p in "$@"; do
		for _ in $(seq 1 120); do
			curl -fsS -o /dev/null "http://127.0.0.1:$p/healthz" \
			    2>/dev/null && break
			sleep 0.25
		done
		curl -fsS -o /dev/null "http://127.0.0.1:$p/healthz" || {
			tail -20 "$dir/kore-$p.log" >&2
			die "the instance on port $p did not start"
		}
	done
	for _ in $(seq 1 120); do
		curl -fsS --cacert "$dir/cert.pem" -o /dev/null \
		    "https://127.0.0.1:$https/readyz" 2>/dev/null && return 0
		sleep 0.25
	done
	tail -20 "$dir/nginx-error.log" >&2
	die "https://127.0.0.1:$https/readyz did not answer"
}

settings() {	# from site_url out
	(umask 077
	 { grep -v -e '^AGORA_SITE_URL=' -e '^AGORA_TRUSTED_PROXY=' \
	       -e '^AGORA_DEV=' "$1"
	   printf '%s\n' "AGORA_SITE_URL=$2" AGORA_TRUSTED_PROXY=127.0.0.1 \
	       AGORA_DEV=0
	 } >"$3") || die "cannot write $3"
}

case "${1:-}" in
settings)
	[ $# = 4 ] || die "usage: prod-stack.sh settings FROM SITE_URL OUT"
	settings "$2" "$3" "$4"
	;;
start)
	[ $# -ge 8 ] || die "usage: prod-stack.sh start DIR PREFIX ENVFILE HTTPS HTTP WORKERS PORT..."
	shift
	start "$@"
	;;
stop)
	[ $# = 2 ] || die "usage: prod-stack.sh stop DIR"
	stop "$2"
	;;
*)
	die "usage: prod-stack.sh start|stop|settings ..."
	;;
esac
