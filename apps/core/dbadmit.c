/*
 * Fair turns for the worker's database connections.
 *
 * Kore's pgsql layer queues a statement that finds every connection
 * busy and wakes the oldest when one is released, but the woken request
 * only runs later in the event loop: a statement arriving meanwhile
 * takes the free connection, and the woken one goes to the back of the
 * queue again.  Under load some requests lost that race over and over
 * and waited a second behind later ones.  So every statement passes
 * here before it asks Kore for a connection:
 *
 * - A request's first statement takes a free connection only when
 *   nobody waits and none is promised to a woken waiter; otherwise it
 *   queues at the back.
 * - A request that already ran a statement goes first (at the front
 *   when it must wait): finishing what was started frees its connection
 *   soonest and keeps the connections busy.
 * - A released connection wakes the oldest waiter and is promised to
 *   it; a woken waiter that still finds none free keeps its place at
 *   the front.
 */

#include <sys/queue.h>

#include "core/core.h"

static TAILQ_HEAD(, core_db)	admit_queue = TAILQ_HEAD_INITIALIZER(admit_queue);
static u_int32_t		admit_waiting;
static u_int32_t		admit_held;
static u_int32_t		admit_woken;	/* woken, not yet run */

static int	admit_started(struct core_db *);
static void	admit_mark(struct core_db *);
static void	admit_wait(struct core_db *, int);
static void	admit_kick(void);
static void	admit_resume(void *, u_int64_t);

/*
 * Ask for a connection for `db` (whose sql is bound to its request, or
 * to a callback with db->resume set).  CORE_OK: it holds a turn and may
 * set up its statement.  CORE_WAIT: it is queued and will be woken (the
 * request) or resumed (db->resume).  CORE_DONE: the queue is full.
 */
int
core_dbadmit_enter(struct core_db *db)
{
	int	first;

	if (db->admitted)
		return (CORE_OK);
	if (db->waiting) {
		/* Woken for another of its statements: sleep on. */
		if (db->sql.req != NULL)
			http_request_sleep(db->sql.req);
		return (CORE_WAIT);
	}
	if (pgsql_conn_max == 0) {
		db->admitted = 1;
		return (CORE_OK);
	}

	first = 0;
	if (db->woken) {
		db->woken = 0;
		admit_woken--;
		first = 1;
	} else if (admit_started(db)) {
		first = 1;
	}

	if (admit_held < pgsql_conn_max && (first ||
	    (TAILQ_EMPTY(&admit_queue) &&
	    pgsql_conn_max - admit_held > admit_woken))) {
		db->admitted = 1;
		admit_held++;
		admit_mark(db);
		return (CORE_OK);
	}

	if (!first && admit_waiting >= pgsql_queue_limit)
		return (CORE_DONE);

	admit_wait(db, first);
	core_metrics_pg_wait();

	return (CORE_WAIT);
}

/*
 * `db` is done with the database: its turn, its place in the queue or
 * the connection promised to it is given up.  Safe to call again.
 */
void
core_dbadmit_leave(struct core_db *db)
{
	if (db->waiting) {
		TAILQ_REMOVE(&admit_queue, db, admit_list);
		db->waiting = 0;
		admit_waiting--;
	}
	if (db->woken) {
		db->woken = 0;
		admit_woken--;
	}
	if (db->resuming) {
		kore_timer_remove(db->resuming);
		db->resuming = NULL;
	}
	if (db->admitted) {
		db->admitted = 0;
		if (pgsql_conn_max != 0)
			admit_held--;
	}

	admit_kick();
}

/* Whether the request of `db` already ran a statement. */
static int
admit_started(struct core_db *db)
{
	struct core_ctx		*ctx;

	if (db->sql.req == NULL)
		return (0);
	ctx = http_state_get(db->sql.req);

	return (ctx != NULL && ctx->db_started);
}

/* The request of `db` has run a statement now. */
static void
admit_mark(struct core_db *db)
{
	struct core_ctx		*ctx;

	if (db->sql.req != NULL && (ctx = http_state_get(db->sql.req)) != NULL)
		ctx->db_started = 1;
}

static void
admit_wait(struct core_db *db, int first)
{
	db->waiting = 1;
	admit_waiting++;
	if (first)
		TAILQ_INSERT_HEAD(&admit_queue, db, admit_list);
	else
		TAILQ_INSERT_TAIL(&admit_queue, db, admit_list);
	if (db->sql.req != NULL)
		http_request_sleep(db->sql.req);
	admit_kick();
}

/* Wake the oldest waiters, one for each free connection not promised. */
static void
admit_kick(void)
{
	struct core_db	*db;

	while (admit_held + admit_woken < pgsql_conn_max &&
	    (db = TAILQ_FIRST(&admit_queue)) != NULL) {
		TAILQ_REMOVE(&admit_queue, db, admit_list);
		db->waiting = 0;
		admit_waiting--;
		db->woken = 1;
		admit_woken++;

		if (db->sql.req != NULL) {
			http_request_wakeup(db->sql.req);
		} else if (db->resume != NULL) {
			/* Never from inside Kore's pgsql code: a timer. */
			db->resuming = kore_timer_add(admit_resume, 0, db,
			    KORE_TIMER_ONESHOT);
		}
	}
}

static void
admit_resume(void *arg, u_int64_t now)
{
	struct core_db	*db = arg;

	db->resuming = NULL;
	db->resume(db);
}
