#!/usr/bin/env bash
# Restore a backup (scripts/backup.sh) into a new database and a new
# media directory, then check them against the backup's manifest: the
# row count of every table and the SHA-256 of every file.
#   scripts/restore.sh dev|test BACKUP DATABASE MEDIA_DIR
#       DATABASE must not exist yet (it is created); point
#       AGORA_DATABASE_URL and AGORA_MEDIA_DIR at them afterwards.
#   scripts/restore.sh prod BACKUP
#       into the database and media directory of the settings (see
#       scripts/prod-db.sh): an empty database the operator created
#       (createdb -O agora NAME, named in AGORA_DATABASE_URL) and an
#       empty or missing media directory.
set -euo pipefail

if [ "${1:-}" = prod ]; then
	[ $# = 2 ] || { echo "usage: restore.sh prod BACKUP" >&2; exit 2; }
	cd "$(dirname "$0")/.."
	run=()
	. scripts/prod-db.sh
	backup=$(cd "$2" && pwd)
	db=$dbname
	media=$AGORA_MEDIA_DIR
	[ -n "$media" ] || { echo "restore: AGORA_MEDIA_DIR is not set" >&2; exit 2; }
else
	[ $# = 4 ] || { echo "usage: restore.sh dev|test BACKUP DATABASE MEDIA_DIR" >&2; exit 2; }
	. "$(dirname "$0")/env.sh" "$1"
	cd "$AGORA_ROOT"
	backup=$(cd "$2" && pwd)
	db=$3
	media=$4
	run=()
	conn=(-d "$db")
fi

[ -s "$backup/manifest.json" ] || { echo "restore: no backup in $backup" >&2; exit 1; }
(cd "$backup" && sha256sum --quiet -c SHA256SUMS) ||
    { echo "restore: the backup is damaged" >&2; exit 1; }
case "$db" in
*[!a-z0-9_]*|"") echo "restore: bad database name" >&2; exit 1 ;;
esac
if [ -e "$media" ] && [ -n "$(ls -A "$media" 2>/dev/null)" ]; then
	echo "restore: $media is not empty" >&2
	exit 1
fi

if [ "$1" = prod ]; then
	tables=$("${run[@]}" psql -X -At "${conn[@]}" -c "SELECT count(*)
	    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v')")
	[ "$tables" = 0 ] ||
	    { echo "restore: database $db is not empty" >&2; exit 1; }
else
	psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 \
	    -c "CREATE DATABASE $db OWNER agora"
fi
"${run[@]}" pg_restore "${conn[@]}" --no-owner --exit-on-error \
    <"$backup/database.dump"
mkdir -p "$media"
media=$(cd "$media" && pwd)
tar -C "$media" -xf "$backup/media.tar"
if [ "${#run[@]}" -gt 0 ]; then
	chown -R agora:agora "$media"
fi

# Check: every table's rows, every file's bytes.
"${run[@]}" psql -X -At -v ON_ERROR_STOP=1 "${conn[@]}" \
    <scripts/table-rows.sql >"$backup/.restored-rows"
if ! cmp -s "$backup/rows.txt" "$backup/.restored-rows"; then
	diff "$backup/rows.txt" "$backup/.restored-rows" >&2 || true
	echo "restore: row counts differ" >&2
	exit 1
fi
rm -f "$backup/.restored-rows"
restored=$(cd "$media" && find . -type f | wc -l)
if [ "$restored" != "$(wc -l <"$backup/media.sha256")" ] || {
    [ -s "$backup/media.sha256" ] &&
    ! (cd "$media" && sha256sum --quiet -c "$backup/media.sha256"); }; then
	echo "restore: media files differ" >&2
	exit 1
fi
echo "restore: $db and $media match the backup"
