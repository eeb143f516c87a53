#!/usr/bin/env bash
# Write deployment configuration from the templates in conf/.
#   scripts/deploy-config.sh kore PORT OUT [VARDIR]
#       conf/kore.prod.conf for the instance on PORT: its pidfile in
#       /run/agora-web-PORT, bodies spooled to /var/lib/agora/tmp_body;
#       both under VARDIR instead when it is given (a deployment outside
#       the system paths).
#   scripts/deploy-config.sh nginx HOST HTTPS_PORT HTTP_PORT CERT KEY MEDIA OUT PORT...
#       conf/nginx/agora.conf for HOST, listening on the given ports
#       (on loopback when HOST is 127.0.0.1), with the certificate pair,
#       /media/ served from the media directory MEDIA, and one upstream
#       line per Kore instance PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

# Fail unless every string is in the file: a template that changed
# under a pattern must not give a configuration that silently differs.
expect() {	# file string...
	local f=$1 want
	shift
	for want in "$@"; do
		grep -qF -- "$want" "$f" ||
		    { echo "deploy-config: cannot set $want" >&2; exit 1; }
	done
}

# A path as an nginx argument: quoted when it has a space.
ngq() {	# path
	case "$1" in
	*[[:space:]]*) printf '"%s"' "$1" ;;
	*) printf '%s' "$1" ;;
	esac
}

case "${1:-}" in
kore)
	[ $# -ge 3 ] || { echo "usage: deploy-config.sh kore PORT OUT [VARDIR]" >&2; exit 2; }
	port=$2 out=$3 var=${4:-}
	case "$port" in
	*[!0-9]*|'') echo "deploy-config: bad port $port" >&2; exit 2 ;;
	esac
	pid=/run/agora-web-$port/kore.pid
	body=/var/lib/agora/tmp_body
	if [ -n "$var" ]; then
		pid=$var/web-$port.pid body=$var/tmp_body
	fi
	sed -e "s|127.0.0.1 8081|127.0.0.1 $port|" \
	    -e "s|^pidfile\t\t/run/agora-web-8081/kore.pid|pidfile\t\t$pid|" \
	    -e "s|/var/lib/agora/tmp_body|$body|" \
	    conf/kore.prod.conf >"$out.tmp"
	expect "$out.tmp" "127.0.0.1 $port" "$pid" "$body"
	mv "$out.tmp" "$out"
	;;
nginx)
	[ $# -ge 9 ] || { echo "usage: deploy-config.sh nginx HOST HTTPS_PORT HTTP_PORT CERT KEY MEDIA OUT PORT..." >&2; exit 2; }
	host=$2 https=$3 http=$4 cert=$5 key=$6 media=${7%/} out=$8
	shift 8
	upstreams=
	for p in "$@"; do
		upstreams+="\tserver 127.0.0.1:$p max_fails=2 fail_timeout=5s;\n"
	done
	listen=
	[ "$host" = 127.0.0.1 ] && listen=127.0.0.1:
	awk -v up="$upstreams" '
	    /^\tserver 127\.0\.0\.1:808[0-9]/ { if (!done) { printf "%s", up; done = 1 } next }
	    { print }' conf/nginx/agora.conf |
	sed -e "s|server_name\tagora.example.org;|server_name\t$host;|" \
	    -e "s|listen\t\t443 ssl http2;|listen\t\t$listen$https ssl http2;|" \
	    -e "s|listen\t\t80;|listen\t\t$listen$http;|" \
	    -e "s|/etc/agora/tls/fullchain.pem|$(ngq "$cert")|" \
	    -e "s|/etc/agora/tls/privkey.pem|$(ngq "$key")|" \
	    -e "s|/var/lib/agora/media/\$1/\$2.jpg|$(ngq "$media/\$1/\$2.jpg")|" \
	    >"$out.tmp"
	if [ -n "$listen" ]; then
		sed -i '/listen\t\t\[::\]/d' "$out.tmp"
	fi
	expect "$out.tmp" "server_name	$host;" "$https ssl http2" \
	    "$(ngq "$cert");" "$(ngq "$key");" "$(ngq "$media/\$1/\$2.jpg");" \
	    "127.0.0.1:$1 "
	mv "$out.tmp" "$out"
	;;
*)
	echo "usage: deploy-config.sh kore|nginx ..." >&2
	exit 2
	;;
esac
