/*
 * Statements prepared once per PostgreSQL connection, for the hot paths
 * (core_db_run_prepared).  Kore's pgsql layer sends every statement
 * with its text, so PostgreSQL parses and plans it every time: for the
 * blog's list that is twice the time it takes to run it.
 *
 * Each statement is named by the address of its text (a static string:
 * callers pass only constants) and each connection remembers, by its
 * PGconn and the server process behind it, which names it has prepared.
 * A statement not yet prepared on the connection the pool hands out is
 * prepared there first (one more round trip, once per connection); a
 * connection that was replaced is seen by its new server process id.
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

#define PREP_STMTS	64
#define PREP_CONNS	16

struct prep_conn {
	PGconn		*conn;
	int		 pid;
	u_int64_t	 done;		/* bit i: prep_stmts[i] is prepared */
};

static const char	*prep_stmts[PREP_STMTS];
static int		 prep_nstmts;
static struct prep_conn	 prep_conns[PREP_CONNS];
static int		 prep_next;

static int		 prep_index(const char *);
static struct prep_conn	*prep_conn(PGconn *);
static void		 prep_schedule(struct kore_pgsql *);

/*
 * Send `query` on the connection `sql` holds: executed when it is
 * prepared there (CORE_DBPREP_EXEC), else prepared (CORE_DBPREP_PREPARE;
 * the caller sends it again once that completed).  -1 when libpq
 * refused, with sql->error set.
 */
int
core_dbprep_send(struct kore_pgsql *sql, const char *query, int count,
    const char **params)
{
	struct prep_conn	*pc;
	char			 name[24];
	int			 i, ok, rc;

	if ((i = prep_index(query)) == -1) {
		if (!kore_pgsql_query_param_fields(sql, query, 0, count,
		    params, NULL, NULL))
			return (-1);
		return (CORE_DBPREP_EXEC);
	}

	(void)snprintf(name, sizeof(name), "agora_%d", i);
	pc = prep_conn(sql->conn->db);
	if (pc->done & (1ULL << i)) {
		ok = PQsendQueryPrepared(sql->conn->db, name, count, params,
		    NULL, NULL, 0);
		rc = CORE_DBPREP_EXEC;
	} else {
		ok = PQsendPrepare(sql->conn->db, name, query, count, NULL);
		rc = CORE_DBPREP_PREPARE;
	}
	if (!ok) {
		sql->error = kore_strdup(PQerrorMessage(sql->conn->db));
		sql->state = KORE_PGSQL_STATE_ERROR;
		return (-1);
	}

	prep_schedule(sql);
	return (rc);
}

/* `query` is prepared on the connection `sql` holds. */
void
core_dbprep_done(struct kore_pgsql *sql, const char *query)
{
	int		i;

	if (sql->conn != NULL && (i = prep_index(query)) != -1)
		prep_conn(sql->conn->db)->done |= 1ULL << i;
}

/* The connection `sql` holds has lost what it had prepared. */
void
core_dbprep_forget(struct kore_pgsql *sql)
{
	if (sql->conn != NULL)
		prep_conn(sql->conn->db)->done = 0;
}

static int
prep_index(const char *query)
{
	int		i;

	for (i = 0; i < prep_nstmts; i++) {
		if (prep_stmts[i] == query)
			return (i);
	}
	if (prep_nstmts == PREP_STMTS)
		return (-1);
	prep_stmts[prep_nstmts] = query;

	return (prep_nstmts++);
}

/* What `conn` has prepared; a slot of its own from now on. */
static struct prep_conn *
prep_conn(PGconn *conn)
{
	struct prep_conn	*pc;
	int			 i, pid;

	pid = PQbackendPID(conn);
	for (i = 0; i < PREP_CONNS; i++) {
		pc = &prep_conns[i];
		if (pc->conn == conn) {
			if (pc->pid != pid) {
				pc->pid = pid;
				pc->done = 0;
			}
			return (pc);
		}
	}
	for (i = 0; i < PREP_CONNS; i++) {
		if (prep_conns[i].conn == NULL)
			break;
	}
	if (i == PREP_CONNS) {
		/* Forgetting costs a re-prepare (42P05, taken as done). */
		i = prep_next;
		prep_next = (prep_next + 1) % PREP_CONNS;
	}
	pc = &prep_conns[i];
	pc->conn = conn;
	pc->pid = pid;
	pc->done = 0;

	return (pc);
}

/* What Kore does after sending a statement (pgsql_schedule, static). */
static void
prep_schedule(struct kore_pgsql *sql)
{
	int		fd;

	if ((fd = PQsocket(sql->conn->db)) < 0)
		fatal("dbprep: no socket on an open connection");

	kore_platform_schedule_read(fd, sql->conn);
	sql->state = KORE_PGSQL_STATE_WAIT;
	sql->flags |= KORE_PGSQL_SCHEDULED;
	if (sql->req != NULL)
		http_request_sleep(sql->req);
	if (sql->cb != NULL)
		sql->cb(sql, sql->arg);
}
