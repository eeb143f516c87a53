# Sourced by migrate.sh, backup.sh and restore.sh for `prod`: where an
# installed site keeps its data, from the environment or else from the
# settings file ($AGORA_CONFIG, default /etc/agora/agora.env).  Sets
#   conn		psql / pg_dump / pg_restore arguments for AGORA_DATABASE_URL
#   run		the prefix that runs them: as the agora user when this is
#		root and that user exists (peer authentication), else nothing
#   dbname	the database's name (for messages and manifests)
#   AGORA_MEDIA_DIR
# The URL is libpq's keyword=value form, as in conf/agora.env.example.

prod_setting() {	# key
	local v
	v=$(printenv "$1" || true)
	if [ -z "$v" ]; then
		v=$(sed -n "s/^$1=//p" "${AGORA_CONFIG:-/etc/agora/agora.env}" \
		    2>/dev/null | tail -1)
	fi
	printf '%s' "$v"
}

url=$(prod_setting AGORA_DATABASE_URL)
if [ -z "$url" ]; then
	echo "${0##*/}: AGORA_DATABASE_URL is not set (in the environment or" \
	    "${AGORA_CONFIG:-/etc/agora/agora.env})" >&2
	exit 2
fi
conn=(-d "$url")
dbname=$(printf '%s\n' "$url" | sed -n "s/.*dbname='*\([^ ']*\).*/\1/p")
AGORA_MEDIA_DIR=$(prod_setting AGORA_MEDIA_DIR)
run=()
if [ "$(id -u)" = 0 ] && getent passwd agora >/dev/null; then
	run=(runuser -u agora --)
fi
