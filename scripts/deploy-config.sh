#!/usr/bin/env bash
# Write deployment configuration from the templates in conf/.
#   scripts/deploy-config.sh kore PORT VARDIR OUT
#       conf/kore.prod.conf for the instance on PORT: pidfile, access log
#       and body spool under VARDIR (production: /run/agora,
#       /var/log/agora and /var/lib/agora are set by the template).
#   scripts/deploy-config.sh nginx HOST HTTPS_PORT HTTP_PORT CERT KEY OUT PORT...
#       conf/nginx/agora.conf for HOST, listening on the given ports
#       (on loopback when HOST is 127.0.0.1), with the certificate pair
#       and one upstream line per Kore instance PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
kore)
	port=$2 var=$3 out=$4
	sed -e "s|127.0.0.1 8081|127.0.0.1 $port|" \
	    -e "s|^pidfile\t\t/run/agora/web-8081.pid|pidfile\t\t$var/web-$port.pid|" \
	    -e "s|/var/log/agora/access-8081.log|$var/access-$port.log|" \
	    -e "s|/var/lib/agora/tmp_body|$var/tmp_body|" \
	    conf/kore.prod.conf >"$out"
	for want in "127.0.0.1 $port" "$var/web-$port.pid" \
	    "$var/access-$port.log"; do
		grep -q "$want" "$out" ||
		    { echo "deploy-config: cannot set $want" >&2; exit 1; }
	done
	;;
nginx)
	host=$2 https=$3 http=$4 cert=$5 key=$6 out=$7
	shift 7
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
	    -e "s|/etc/agora/tls/fullchain.pem|$cert|" \
	    -e "s|/etc/agora/tls/privkey.pem|$key|" >"$out"
	if [ -n "$listen" ]; then
		sed -i '/listen\t\t\[::\]/d' "$out"
	fi
	;;
*)
	echo "usage: deploy-config.sh kore|nginx ..." >&2
	exit 2
	;;
esac
