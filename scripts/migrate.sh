#!/usr/bin/env bash
# Apply sql/NNN_*.sql in order, each once, each in one transaction
# together with its schema_migrations row.
#   scripts/migrate.sh dev|test
#   scripts/migrate.sh prod	the database of AGORA_DATABASE_URL, from the
#				environment or from $AGORA_CONFIG
#				(default /etc/agora/agora.env); run as
#				root, psql runs as the agora user when
#				there is one (peer authentication)
set -euo pipefail

conn=()
run=()
if [ "${1:-}" = prod ]; then
	cd "$(dirname "$0")/.."
	. scripts/prod-db.sh
else
	. "$(dirname "$0")/env.sh" "$1"
	cd "$AGORA_ROOT"
fi

# Quiet about what already exists (CREATE ... IF NOT EXISTS).
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
db() {
	"${run[@]}" psql -X "${conn[@]}" "$@"
}

db -q -v ON_ERROR_STOP=1 <<-SQL
CREATE TABLE IF NOT EXISTS schema_migrations (
	version		text PRIMARY KEY,
	applied_at	timestamptz NOT NULL DEFAULT now()
);
SQL

applied=0
for f in sql/[0-9][0-9][0-9]_*.sql; do
	v=$(basename "$f" .sql)
	done_already=$(db -At -v v="$v" <<-'SQL'
	SELECT count(*) FROM schema_migrations WHERE version = :'v';
	SQL
	)
	[ "$done_already" = 0 ] || continue
	{
		echo "SELECT pg_advisory_xact_lock(4242);"
		cat "$f"
		echo
		echo "INSERT INTO schema_migrations (version) VALUES (:'v');"
	} | db -q -v ON_ERROR_STOP=1 -v v="$v" --single-transaction >/dev/null
	echo "migrations: applied $v"
	applied=$((applied + 1))
done
echo "migrations: $applied applied"
