/*
 * The worker's PostgreSQL connection: plain blocking libpq, reconnected
 * on failure.  (Blocking is fine here: a job process does one thing at a
 * time; only the site's event loop must never wait.)
 */

#include <stdio.h>
#include <string.h>

#include "worker.h"

/* The connection, opened on first use; NULL when the database is down. */
PGconn *
worker_db(struct worker *w)
{
	if (w->pg != NULL && PQstatus(w->pg) == CONNECTION_OK)
		return (w->pg);

	worker_db_reset(w);
	w->pg = PQconnectdb(wcfg.database_url);
	if (PQstatus(w->pg) != CONNECTION_OK) {
		worker_log("warn", "pgsql: connect: %s", PQerrorMessage(w->pg));
		worker_db_reset(w);
		return (NULL);
	}

	return (w->pg);
}

void
worker_db_reset(struct worker *w)
{
	if (w->pg != NULL)
		PQfinish(w->pg);
	w->pg = NULL;
}

/*
 * Run one parameterised statement (text parameters, NULL for SQL NULL).
 * Returns the result (PQclear it) when it succeeded, or NULL after
 * logging why.  A broken connection is dropped for the next call.
 */
PGresult *
worker_db_exec(struct worker *w, const char *sql, int n,
    const char *const *params)
{
	PGconn		*c;
	PGresult	*res;
	ExecStatusType	 st;

	if ((c = worker_db(w)) == NULL)
		return (NULL);

	res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return (res);

	worker_log("error", "pgsql: %s", PQresultErrorMessage(res));
	PQclear(res);
	if (PQstatus(c) != CONNECTION_OK)
		worker_db_reset(w);

	return (NULL);
}
