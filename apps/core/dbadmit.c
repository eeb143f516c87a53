/*
 * First come, first served for the worker's database connections.
 *
 * Kore's pgsql layer queues a statement that finds every connection
 * busy and wakes the oldest when one is released, but the woken request
 * only runs later in the event loop: a statement arriving meanwhile
 * takes the free connection, and the woken one goes to the back of the
 * queue again.  Under load some requests lost that race over and over
 * and waited a second behind later ones.  So every statement passes
 * here first: it may ask Kore for a connection only when it holds one
 * of pgsql_conn_max admissions, and an admission released goes to the
 * oldest waiter, whatever arrives in between.
 */

#include <sys/queue.h>

#include "core/core.h"

static TAILQ_HEAD(, core_db)	admit_queue = TAILQ_HEAD_INITIALIZER(admit_queue);
static u_int32_t		admit_waiting;
static u_int32_t		admit_held;

static void	admit_grant(void);
static void	admit_resume(void *, u_int64_t);

/*
 * Ask for an admission for `db` (whose sql is bound to its request, or
 * to a callback with db->resume set).  CORE_OK: it holds one and may
 * set up its statement.  CORE_WAIT: it is queued and will be woken (the
 * request) or resumed (db->resume) when it holds one.  CORE_DONE: the
 * queue is full.
 */
int
core_dbadmit_enter(struct core_db *db)
{
	if (db->admitted)
		return (CORE_OK);
	if (db->waiting) {
		/* Woken for another of its statements: sleep on. */
		if (db->sql.req != NULL)
			http_request_sleep(db->sql.req);
		return (CORE_WAIT);
	}

	if (pgsql_conn_max == 0 ||
	    (admit_held < pgsql_conn_max && TAILQ_EMPTY(&admit_queue))) {
		db->admitted = 1;
		admit_held++;
		return (CORE_OK);
	}

	if (admit_waiting >= pgsql_queue_limit)
		return (CORE_DONE);

	db->waiting = 1;
	admit_waiting++;
	TAILQ_INSERT_TAIL(&admit_queue, db, admit_list);
	if (db->sql.req != NULL)
		http_request_sleep(db->sql.req);
	core_metrics_pg_wait();

	return (CORE_WAIT);
}

/*
 * `db` is done with the database: its admission (or its place in the
 * queue) is given up.  Safe to call more than once.
 */
void
core_dbadmit_leave(struct core_db *db)
{
	if (db->waiting) {
		TAILQ_REMOVE(&admit_queue, db, admit_list);
		db->waiting = 0;
		admit_waiting--;
	}
	if (db->resuming) {
		kore_timer_remove(db->resuming);
		db->resuming = NULL;
	}
	if (!db->admitted)
		return;

	db->admitted = 0;
	admit_held--;
	admit_grant();
}

/* Give free admissions to the oldest waiters. */
static void
admit_grant(void)
{
	struct core_db	*db;

	while (admit_held < pgsql_conn_max &&
	    (db = TAILQ_FIRST(&admit_queue)) != NULL) {
		TAILQ_REMOVE(&admit_queue, db, admit_list);
		db->waiting = 0;
		admit_waiting--;
		db->admitted = 1;
		admit_held++;

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
