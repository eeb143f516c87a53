-- "table rows" for every table of the public schema, by name: what
-- backup.sh writes in a backup's manifest and restore.sh checks.
SELECT format('%s %s', c.relname,
    (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I',
    n.nspname, c.relname), false, true, '')))[1]::text)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'r' AND n.nspname = 'public'
 ORDER BY c.relname;
