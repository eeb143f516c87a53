/*
 * Asynchronous PostgreSQL statements bound to a request.
 *
 * core_db_run() drives one parameterised statement through Kore's async
 * pgsql layer without blocking the worker: the request sleeps while the
 * statement runs and is woken when it completes.  The result is then
 * owned by the struct core_db until core_db_cleanup(), which the request
 * context calls when the request is freed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define DB_IDLE		0
#define DB_SETUP	1
#define DB_RUNNING	2
#define DB_DONE		3
#define DB_FAILED	4
#define DB_CONFLICT	5
#define DB_PREPARING	6

/* What Kore's pgsql layer says when its queue of waiting statements is full. */
#define DB_QUEUE_FULL	"no available connection"

static int	db_run(struct http_request *, struct core_db *, const char *,
		    int, const char **, int);
static int	db_prepared(struct http_request *, struct core_db *,
		    const char *);
static void	db_restart(struct http_request *, struct core_db *);
static int	db_state_is(struct kore_pgsql *, const char *);
static int	db_fail(struct http_request *, struct core_db *);
static int	db_overload(struct http_request *, struct core_db *);
static void	db_take_result(struct core_db *);
static void	dbq_start(struct core_dbq *, const char *, int,
		    const char **, int);
static void	dbq_submit(struct core_dbq *);
static void	dbq_admitted(struct core_db *);
static void	dbq_event(struct kore_pgsql *, void *);
static void	dbq_error(struct core_dbq *, struct kore_pgsql *);
static void	dbq_resend(void *, u_int64_t);
static void	dbq_finish(void *, u_int64_t);
static void	dbq_finish_later(struct core_dbq *);

/*
 * Run `query` with `count` text parameters (NULL entries are SQL NULL).
 * Returns CORE_OK once the result is in db (core_db_rows and friends)
 * or the statement broke a constraint (core_db_sqlstate says which),
 * CORE_WAIT while the statement runs (return KORE_RESULT_RETRY), or
 * CORE_DONE after sending a 500 when the database failed.  Calling it
 * again after CORE_OK returns CORE_OK without running anything.
 */
int
core_db_run(struct http_request *req, struct core_db *db, const char *query,
    int count, const char **params)
{
	return (db_run(req, db, query, count, params, 0));
}

/*
 * core_db_run() for a statement on a hot path, prepared once per
 * connection (dbprep.c).  `query` must be a constant: its address
 * names it.
 */
int
core_db_run_prepared(struct http_request *req, struct core_db *db,
    const char *query, int count, const char **params)
{
	return (db_run(req, db, query, count, params, 1));
}

static int
db_run(struct http_request *req, struct core_db *db, const char *query,
    int count, const char **params, int prepared)
{
	int		rc;

	for (;;) {
		switch (db->state) {
		case DB_IDLE:
			kore_pgsql_init(&db->sql);
			kore_pgsql_bind_request(&db->sql, req);
			db->state = DB_SETUP;
			break;
		case DB_SETUP:
			rc = core_dbadmit_enter(db);
			if (rc == CORE_WAIT)
				return (CORE_WAIT);
			if (rc == CORE_DONE)
				return (db_overload(req, db));
			if (!kore_pgsql_setup(&db->sql, CORE_DB_NAME,
			    KORE_PGSQL_ASYNC)) {
				/* All connections busy: queued, Kore wakes us. */
				if (db->sql.state == KORE_PGSQL_STATE_INIT) {
					core_metrics_pg_wait();
					return (CORE_WAIT);
				}
				if (db->sql.error != NULL &&
				    !strcmp(db->sql.error, DB_QUEUE_FULL))
					return (db_overload(req, db));
				return (db_fail(req, db));
			}
			if (prepared) {
				rc = core_dbprep_send(&db->sql, query, count,
				    params);
				if (rc == -1)
					return (db_fail(req, db));
				db->state = rc == CORE_DBPREP_PREPARE ?
				    DB_PREPARING : DB_RUNNING;
				return (CORE_WAIT);
			}
			if (!kore_pgsql_query_param_fields(&db->sql, query, 0,
			    count, params, NULL, NULL))
				return (db_fail(req, db));
			db->state = DB_RUNNING;
			return (CORE_WAIT);
		case DB_PREPARING:
			if ((rc = db_prepared(req, db, query)) != CORE_OK)
				return (rc);
			break;
		case DB_RUNNING:
			switch (db->sql.state) {
			case KORE_PGSQL_STATE_WAIT:
				return (CORE_WAIT);
			case KORE_PGSQL_STATE_RESULT:
				db_take_result(db);
				kore_pgsql_continue(&db->sql);
				break;
			case KORE_PGSQL_STATE_DONE:
				db_take_result(db);
				kore_pgsql_continue(&db->sql);
				break;
			case KORE_PGSQL_STATE_COMPLETE:
				db->state = DB_DONE;
				core_dbadmit_leave(db);
				break;
			case KORE_PGSQL_STATE_ERROR:
				/* A replaced connection lost its statements. */
				if (prepared && !db->retried &&
				    db_state_is(&db->sql, "26000")) {
					core_dbprep_forget(&db->sql);
					db->retried = 1;
					db_restart(req, db);
					break;
				}
				return (db_fail(req, db));
			default:
				kore_pgsql_continue(&db->sql);
				return (CORE_WAIT);
			}
			break;
		case DB_DONE:
		case DB_CONFLICT:
			return (CORE_OK);
		case DB_FAILED:
			return (db->quiet ? CORE_OK : CORE_DONE);
		default:
			return (CORE_DONE);
		}
	}
}

/*
 * The statement is being prepared on the connection db->sql holds.
 * CORE_OK once it is (db_run then sends it again, on whichever
 * connection the pool gives), CORE_WAIT meanwhile, or what db_fail says.
 */
static int
db_prepared(struct http_request *req, struct core_db *db, const char *query)
{
	for (;;) {
		switch (db->sql.state) {
		case KORE_PGSQL_STATE_WAIT:
			return (CORE_WAIT);
		case KORE_PGSQL_STATE_DONE:
			core_dbprep_done(&db->sql, query);
			kore_pgsql_continue(&db->sql);
			break;
		case KORE_PGSQL_STATE_COMPLETE:
			db_restart(req, db);
			return (CORE_OK);
		case KORE_PGSQL_STATE_ERROR:
			/* Prepared already (this worker forgot it had). */
			if (db_state_is(&db->sql, "42P05")) {
				core_dbprep_done(&db->sql, query);
				kore_pgsql_continue(&db->sql);
				break;
			}
			return (db_fail(req, db));
		default:
			kore_pgsql_continue(&db->sql);
			return (CORE_WAIT);
		}
	}
}

/* Whether the statement in `sql` failed with SQLSTATE `code`. */
static int
db_state_is(struct kore_pgsql *sql, const char *code)
{
	const char	*s;

	if (sql->result == NULL)
		return (0);
	s = PQresultErrorField(sql->result, PG_DIAG_SQLSTATE);

	return (s != NULL && !strcmp(s, code));
}

/*
 * Start the statement over: a connection from the pool, then send.  It
 * keeps its admission (dbadmit.c): no later statement goes first.
 */
static void
db_restart(struct http_request *req, struct core_db *db)
{
	kore_pgsql_cleanup(&db->sql);
	kore_pgsql_init(&db->sql);
	kore_pgsql_bind_request(&db->sql, req);
	db->state = DB_SETUP;
}

/* Whether a quiet statement (db->quiet) failed. */
int
core_db_failed(struct core_db *db)
{
	return (db->state == DB_FAILED);
}

/* Release the connection (if still held) and the result. */
void
core_db_cleanup(struct core_db *db)
{
	if (db->state != DB_IDLE)
		kore_pgsql_cleanup(&db->sql);
	core_dbadmit_leave(db);
	if (db->res != NULL)
		PQclear(db->res);
	db->res = NULL;
	db->state = DB_IDLE;
}

int
core_db_rows(struct core_db *db)
{
	if (db->res == NULL || PQresultStatus(db->res) != PGRES_TUPLES_OK)
		return (0);

	return (PQntuples(db->res));
}

/* Text of a field; "" for NULL or out of range. */
const char *
core_db_value(struct core_db *db, int row, int col)
{
	if (db->res == NULL || row >= PQntuples(db->res) ||
	    col >= PQnfields(db->res))
		return ("");

	return (PQgetvalue(db->res, row, col));
}

int
core_db_isnull(struct core_db *db, int row, int col)
{
	if (db->res == NULL || row >= PQntuples(db->res) ||
	    col >= PQnfields(db->res))
		return (1);

	return (PQgetisnull(db->res, row, col));
}

/* Integer field; 0 when NULL or not a number. */
int64_t
core_db_int(struct core_db *db, int row, int col)
{
	int64_t		v;
	int		err;

	if (core_db_isnull(db, row, col))
		return (0);

	v = kore_strtonum64(core_db_value(db, row, col), 1, &err);
	if (err != KORE_RESULT_OK)
		return (0);

	return (v);
}

/*
 * SQLSTATE of a failed statement (e.g. "23505" for a unique violation),
 * or "" when the statement did not fail in the database.
 */
const char *
core_db_sqlstate(struct core_db *db)
{
	const char	*s;

	if (db->res == NULL)
		return ("");

	s = PQresultErrorField(db->res, PG_DIAG_SQLSTATE);
	return (s != NULL ? s : "");
}

/*
 * A failed statement: keep its result for core_db_sqlstate(), release the
 * connection and tell the caller whether a response was already sent.
 * Constraint violations (class 23) are left to the caller to answer; any
 * other failure is logged and answered with a 500.
 */
static int
db_fail(struct http_request *req, struct core_db *db)
{
	db_take_result(db);
	if (!strncmp(core_db_sqlstate(db), "23", 2)) {
		kore_pgsql_cleanup(&db->sql);
		core_dbadmit_leave(db);
		db->state = DB_CONFLICT;
		return (CORE_OK);
	}

	kore_log(LOG_NOTICE, "pgsql: %s",
	    db->sql.error != NULL ? db->sql.error : "unknown error");
	kore_pgsql_cleanup(&db->sql);
	core_dbadmit_leave(db);
	db->state = DB_FAILED;
	if (db->quiet)
		return (CORE_OK);

	return (core_error(req, 500, NULL));
}

/*
 * Every connection busy and the queue behind them full: nothing ran, so
 * nothing is half-stored; the client is told when to try again (503
 * with Retry-After) rather than that something broke.
 */
static int
db_overload(struct http_request *req, struct core_db *db)
{
	kore_pgsql_cleanup(&db->sql);
	core_dbadmit_leave(db);
	db->state = DB_FAILED;
	db->overloaded = 1;
	core_metrics_overload();
	if (db->quiet)
		return (CORE_OK);

	http_response_header(req, "retry-after", "1");
	return (core_error(req, 503, "The site is busy. Please try again "
	    "in a moment."));
}

static void
db_take_result(struct core_db *db)
{
	if (db->sql.result == NULL)
		return;
	if (db->res != NULL)
		PQclear(db->res);
	db->res = db->sql.result;
	db->sql.result = NULL;
}

/*
 * Run `query` for work that has no request (WebSocket frames): `q` is
 * the caller's, zeroed, with q->done set; the parameters are copied.
 * q->done(q, ok) is called once, from the event loop and never from
 * inside Kore's pgsql code, so it may free q.  The rows are in q->db
 * (core_db_rows and friends); core_dbq_cleanup() releases them.
 */
void
core_dbq_run(struct core_dbq *q, const char *query, int count,
    const char **params)
{
	dbq_start(q, query, count, params, 0);
}

/*
 * As core_dbq_run, with `query` prepared once per connection (see
 * core_db_run_prepared): a static string, for the hot paths.
 */
void
core_dbq_run_prepared(struct core_dbq *q, const char *query, int count,
    const char **params)
{
	dbq_start(q, query, count, params, 1);
}

static void
dbq_start(struct core_dbq *q, const char *query, int count,
    const char **params, int prepared)
{
	int		i;

	q->prepared = prepared;
	q->query = query;
	q->count = count < CORE_DBQ_PARAMS ? count : CORE_DBQ_PARAMS;
	for (i = 0; i < q->count; i++)
		q->params[i] = params[i] != NULL ? kore_strdup(params[i]) : NULL;

	kore_pgsql_init(&q->db.sql);
	kore_pgsql_bind_callback(&q->db.sql, dbq_event, q);
	q->db.state = DB_SETUP;
	q->db.resume = dbq_admitted;
	dbq_submit(q);
}

/* Its turn for a connection came (dbadmit.c). */
static void
dbq_admitted(struct core_db *db)
{
	dbq_submit((struct core_dbq *)db);
}

void
core_dbq_cleanup(struct core_dbq *q)
{
	int		i;

	for (i = 0; i < q->count; i++)
		kore_free(q->params[i]);
	q->count = 0;
	core_db_cleanup(&q->db);
}

static void
dbq_submit(struct core_dbq *q)
{
	const char	*values[CORE_DBQ_PARAMS];
	int		 i, rc;

	rc = core_dbadmit_enter(&q->db);
	if (rc == CORE_WAIT)
		return;
	if (rc == CORE_DONE) {
		q->db.overloaded = 1;
		core_metrics_overload();
		q->failed = 1;
		dbq_finish_later(q);
		return;
	}
	if (!kore_pgsql_setup(&q->db.sql, CORE_DB_NAME, KORE_PGSQL_ASYNC)) {
		/* Every connection busy: queued, dbq_event(INIT) follows. */
		if (q->db.sql.state == KORE_PGSQL_STATE_INIT) {
			core_metrics_pg_wait();
			return;
		}
		if (q->db.sql.error != NULL &&
		    !strcmp(q->db.sql.error, DB_QUEUE_FULL)) {
			q->db.overloaded = 1;
			core_metrics_overload();
		}
		q->failed = 1;
		dbq_finish_later(q);
		return;
	}
	for (i = 0; i < q->count; i++)
		values[i] = q->params[i];
	if (q->prepared) {
		rc = core_dbprep_send(&q->db.sql, q->query, q->count, values);
		if (rc != -1) {
			q->db.state = rc == CORE_DBPREP_PREPARE ?
			    DB_PREPARING : DB_RUNNING;
			return;
		}
	} else if (kore_pgsql_query_param_fields(&q->db.sql, q->query, 0,
	    q->count, values, NULL, NULL)) {
		q->db.state = DB_RUNNING;
		return;
	}
	q->failed = 1;
	kore_pgsql_cleanup(&q->db.sql);
	dbq_finish_later(q);
}

static void
dbq_event(struct kore_pgsql *sql, void *arg)
{
	struct core_dbq		*q = arg;

	switch (sql->state) {
	case KORE_PGSQL_STATE_INIT:
		dbq_submit(q);
		break;
	case KORE_PGSQL_STATE_WAIT:
		break;
	case KORE_PGSQL_STATE_RESULT:
	case KORE_PGSQL_STATE_DONE:
		if (q->db.state == DB_PREPARING)
			core_dbprep_done(sql, q->query);
		else
			db_take_result(&q->db);
		kore_pgsql_continue(sql);
		break;
	case KORE_PGSQL_STATE_ERROR:
		dbq_error(q, sql);
		kore_pgsql_continue(sql);
		break;
	case KORE_PGSQL_STATE_COMPLETE:
		/* Prepared, or to prepare again: sent anew from a timer. */
		if (!q->failed && (q->db.state == DB_PREPARING || q->resend)) {
			kore_timer_add(dbq_resend, 0, q, KORE_TIMER_ONESHOT);
		} else {
			core_dbadmit_leave(&q->db);
			dbq_finish_later(q);
		}
		break;
	default:
		kore_pgsql_continue(sql);
		break;
	}
}

/*
 * A statement failed.  Preparing what another worker's view of the
 * connection had already prepared (42P05) counts as prepared; a
 * prepared statement the connection lost (26000: the server process
 * behind it was replaced) is prepared again, once.
 */
static void
dbq_error(struct core_dbq *q, struct kore_pgsql *sql)
{
	if (q->db.state == DB_PREPARING && db_state_is(sql, "42P05")) {
		core_dbprep_done(sql, q->query);
		return;
	}
	if (q->prepared && q->db.state == DB_RUNNING && !q->db.retried &&
	    db_state_is(sql, "26000")) {
		core_dbprep_forget(sql);
		q->db.retried = 1;
		q->resend = 1;
		return;
	}

	db_take_result(&q->db);
	if (strncmp(core_db_sqlstate(&q->db), "23", 2))
		kore_log(LOG_NOTICE, "pgsql: %s",
		    sql->error != NULL ? sql->error : "unknown error");
	q->failed = 1;
}

/* Send the statement again on a fresh handle (after preparing it). */
static void
dbq_resend(void *arg, u_int64_t now)
{
	struct core_dbq		*q = arg;

	kore_pgsql_cleanup(&q->db.sql);
	kore_pgsql_init(&q->db.sql);
	kore_pgsql_bind_callback(&q->db.sql, dbq_event, q);
	q->resend = 0;
	q->db.state = DB_SETUP;
	dbq_submit(q);
}

/* Kore is still using q->db.sql on the way out: finish from a timer. */
static void
dbq_finish_later(struct core_dbq *q)
{
	if (q->finishing)
		return;
	q->finishing = 1;
	kore_timer_add(dbq_finish, 0, q, KORE_TIMER_ONESHOT);
}

static void
dbq_finish(void *arg, u_int64_t now)
{
	struct core_dbq		*q = arg;

	kore_pgsql_cleanup(&q->db.sql);
	core_dbadmit_leave(&q->db);
	q->db.state = q->failed ? DB_FAILED : DB_DONE;
	q->done(q, !q->failed);
}

/* A boolean column: true only for PostgreSQL's 't'. */
int
core_db_bool(struct core_db *db, int row, int col)
{
	const char	*v;

	if (core_db_isnull(db, row, col))
		return (0);
	v = core_db_value(db, row, col);

	return (v[0] == 't' && v[1] == '\0');
}

/* The decimal text of `v` in `n`, for a statement's parameter list. */
const char *
core_num(struct core_num *n, int64_t v)
{
	(void)snprintf(n->s, sizeof(n->s), "%lld", (long long)v);

	return (n->s);
}
