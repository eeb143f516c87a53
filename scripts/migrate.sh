#!/usr/bin/env bash
# Apply sql/NNN_*.sql in order, each once, each in one transaction
# together with its schema_migrations row.
#   scripts/migrate.sh dev|test
set -euo pipefail
. "$(dirname "$0")/env.sh" "$1"
cd "$AGORA_ROOT"

psql -X -q -v ON_ERROR_STOP=1 <<-SQL
CREATE TABLE IF NOT EXISTS schema_migrations (
	version		text PRIMARY KEY,
	applied_at	timestamptz NOT NULL DEFAULT now()
);
SQL

applied=0
for f in sql/[0-9][0-9][0-9]_*.sql; do
	v=$(basename "$f" .sql)
	done_already=$(psql -X -At -v v="$v" <<-'SQL'
	SELECT count(*) FROM schema_migrations WHERE version = :'v';
	SQL
	)
	[ "$done_already" = 0 ] || continue
	{
		echo "SELECT pg_advisory_xact_lock(4242);"
		cat "$f"
		echo
		echo "INSERT INTO schema_migrations (version) VALUES (:'v');"
	} | psql -X -q -v ON_ERROR_STOP=1 -v v="$v" --single-transaction >/dev/null
	echo "migrations: applied $v"
	applied=$((applied + 1))
done
echo "migrations: $applied applied"
