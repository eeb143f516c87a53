#!/usr/bin/env bash
# A consistent copy of a site: the database (pg_dump, custom format),
# the media files, and a manifest with the row count of every table and
# the SHA-256 of every file, so a restore can be checked.
#   scripts/backup.sh dev|test [directory]    (default var/backups/<time>)
#   scripts/backup.sh prod [directory]        an installed site (see
#       scripts/prod-db.sh; default /var/backups/agora/<time>)
set -euo pipefail

conn=()
run=()
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ "${1:-}" = prod ]; then
	cd "$(dirname "$0")/.."
	. scripts/prod-db.sh
	out=${2:-/var/backups/agora/$stamp}
else
	. "$(dirname "$0")/env.sh" "$1"
	cd "$AGORA_ROOT"
	conn=(-d "$PGDATABASE")
	dbname=$PGDATABASE
	out=${2:-var/backups/$stamp}
fi

mkdir -p "$out"
chmod 700 "$out"
[ -z "$(ls -A "$out")" ] || { echo "backup: $out is not empty" >&2; exit 1; }

# The dump and the row counts read the same snapshot: a session holds a
# repeatable-read transaction open, exports its snapshot to pg_dump, and
# counts in it afterwards, so a site in use still gives a checkable copy.
coproc SNAP { "${run[@]}" psql -X -q -A -t -v ON_ERROR_STOP=1 "${conn[@]}"; }
# Bash unsets SNAP_PID once the session has ended, which it may do before
# the wait below: keep the process id while it is there.
snap_pid=$SNAP_PID
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();" \
    >&"${SNAP[1]}"
read -r snapshot <&"${SNAP[0]}"
"${run[@]}" pg_dump -Fc --snapshot="$snapshot" "${conn[@]}" \
    >"$out/database.dump"
{ cat scripts/table-rows.sql; cat <<-'SQL'
SELECT max(version) FROM schema_migrations;
SELECT '--end--';
COMMIT;
SQL
} >&"${SNAP[1]}"
: >"$out/rows.txt"
schema=
while read -r line <&"${SNAP[0]}"; do
	[ "$line" = --end-- ] && break
	case "$line" in
	*" "*) echo "$line" >>"$out/rows.txt" ;;
	*) schema=$line ;;
	esac
done
exec {SNAP[1]}>&-
wait "$snap_pid" 2>/dev/null || true

if [ -d "$AGORA_MEDIA_DIR" ]; then
	tar -C "$AGORA_MEDIA_DIR" -cf "$out/media.tar" .
	(cd "$AGORA_MEDIA_DIR" && find . -type f -print0 | sort -z |
	    xargs -0 -r sha256sum) >"$out/media.sha256"
else
	tar -cf "$out/media.tar" -T /dev/null
	: >"$out/media.sha256"
fi

(cd "$out" && sha256sum database.dump media.tar rows.txt media.sha256) \
    >"$out/SHA256SUMS"
cat >"$out/manifest.json" <<EOF2
{
  "created_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "database": "$dbname",
  "schema": "$schema",
  "tables": $(wc -l <"$out/rows.txt"),
  "media_files": $(wc -l <"$out/media.sha256")
}
EOF2
echo "backup: $out"
