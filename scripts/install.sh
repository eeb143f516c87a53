#!/usr/bin/env bash
# make install: the production build, laid out for systemd and nginx.
#   make install [PREFIX=/opt/agora] [SYSCONFDIR=/etc]
#                [UNITDIR=/etc/systemd/system] [DESTDIR=]
#
#   PREFIX/app.so			the site (kodev's prod flavor)
#   PREFIX/bin/agora-worker, agora-ctl
#   PREFIX/apps/<app>/routes.conf	what kore.prod.conf includes
#   PREFIX/conf/			kore.prod.conf, nginx/agora.conf,
#					agora.env.example, moderation words
#   PREFIX/scripts/			deploy-config.sh; migrate.sh,
#					backup.sh, restore.sh (mode prod)
#   PREFIX/sql/				the migrations
#   UNITDIR/agora-web@.service, agora-worker@.service, agora.target
#   SYSCONFDIR/agora/agora.env		made once (mode 0600, a new secret
#					key), never overwritten; not in a
#					DESTDIR stage
#
# The units name PREFIX and SYSCONFDIR.  DESTDIR stages everything under
# another root (for a package).  Installing for the machine itself (no
# DESTDIR, the system's unit directory, as root) also creates the `agora`
# system user and reloads systemd.  AGORA_INSTALL_BUILT=1 installs what
# is built already instead of building the prod flavor first.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${PREFIX:-/opt/agora}
etc=${SYSCONFDIR:-/etc}
unitdir=${UNITDIR:-/etc/systemd/system}
dest=${DESTDIR:-}
for d in "$prefix" "$etc" "$unitdir"; do
	case "$d" in
	/*) ;;
	*) echo "install: $d is not an absolute path" >&2; exit 2 ;;
	esac
	case "$d" in
	*[\|\&\\]*) echo "install: $d has a character sed would read" >&2; exit 2 ;;
	esac
done

if [ "${AGORA_INSTALL_BUILT:-}" != 1 ]; then
	scripts/deps.sh
	scripts/build.sh prod
	make -s worker
fi
for f in app.so build/agora-worker build/agora-ctl; do
	[ -s "$f" ] || { echo "install: $f is not built" >&2; exit 1; }
done

root=$dest$prefix
echo "install: $root"
install -d -m 0755 "$root" "$root/bin" "$root/conf/nginx" "$root/scripts" \
    "$root/sql"
install -m 0644 app.so "$root/app.so"
install -m 0755 build/agora-worker build/agora-ctl "$root/bin/"
# Every app whose routes kore.prod.conf includes, read from it.
for app in $(sed -n 's|^[[:space:]]*include[[:space:]]*apps/\([a-z]*\)/routes\.conf.*|\1|p' \
    conf/kore.prod.conf); do
	install -D -m 0644 "apps/$app/routes.conf" \
	    "$root/apps/$app/routes.conf"
done
install -m 0644 conf/kore.prod.conf conf/agora.env.example \
    conf/moderation-words.txt "$root/conf/"
install -m 0644 conf/nginx/agora.conf "$root/conf/nginx/"
# The object detector's converted model (scripts/model.sh, by deps.sh),
# where the worker's default AGORA_DETECT_MODEL finds it.
install -D -m 0644 var/models/centernet.pb "$root/var/models/centernet.pb"
install -m 0755 scripts/deploy-config.sh scripts/migrate.sh \
    scripts/backup.sh scripts/restore.sh "$root/scripts/"
install -m 0644 scripts/prod-db.sh scripts/table-rows.sql "$root/scripts/"
# The migrations are the set of this version: none left from an older one.
rm -f "$root"/sql/*.sql
install -m 0644 sql/[0-9][0-9][0-9]_*.sql "$root/sql/"

echo "install: $dest$unitdir"
install -d -m 0755 "$dest$unitdir"
# systemd splits a command line on spaces: a command under a prefix
# with one is quoted.
quote=()
case "$prefix" in
*" "*) quote=(-e '/^Exec/s|/opt/agora\([^ ]*\)|"@prefix@\1"|') ;;
esac
for u in conf/systemd/*; do
	sed "${quote[@]}" -e "s|/opt/agora|$prefix|g" -e "s|@prefix@|$prefix|g" \
	    -e "s|/etc/agora/|$etc/agora/|g" "$u" \
	    >"$dest$unitdir/$(basename "$u").tmp"
	chmod 0644 "$dest$unitdir/$(basename "$u").tmp"
	mv "$dest$unitdir/$(basename "$u").tmp" "$dest$unitdir/$(basename "$u")"
done

env=$dest$etc/agora/agora.env
install -d -m 0755 "$dest$etc/agora"
if [ -n "$dest" ]; then
	# A staged tree (a package) carries no secret: the settings are
	# made on the machine, from conf/agora.env.example.
	echo "install: no $etc/agora/agora.env in a staged tree"
elif [ ! -e "$env" ]; then
	key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	(umask 077
	 sed -e "s|^AGORA_SECRET_KEY=.*|AGORA_SECRET_KEY=$key|" \
	     conf/agora.env.example >"$env")
	echo "install: $env (new: set AGORA_SITE_URL, the database, SMTP)"
else
	echo "install: $env kept"
fi

system=0
if [ -z "$dest" ] && [ "$(id -u)" = 0 ]; then
	case "$unitdir" in
	/etc/systemd/system|/lib/systemd/system|/usr/lib/systemd/system)
		system=1 ;;
	esac
fi
if [ "$system" = 1 ]; then
	if ! getent passwd agora >/dev/null; then
		useradd --system --user-group --home-dir /var/lib/agora \
		    --no-create-home --shell /usr/sbin/nologin agora
		echo "install: created the agora system user"
	fi
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload
	fi
fi

cat <<EOF
install: done.  Then, as root:
  $prefix/scripts/migrate.sh prod
  $prefix/scripts/deploy-config.sh nginx HOST 443 80 CERT KEY /var/lib/agora/media \\
      /etc/nginx/sites-enabled/agora.conf 8081 8082 && systemctl reload nginx
  systemctl enable --now agora-web@8081 agora-web@8082 agora-worker@1 agora-worker@2
EOF
