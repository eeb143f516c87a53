/*
 * The transactional outbox, worker side.
 *
 * The site inserts a job row in the same transaction as the change that
 * causes it and pushes the job to Redis after the commit.  If that push
 * did not happen (Redis down, the site process died in between), the
 * relay here pushes it: every AGORA_JOB_RELAY_MS one worker process (a
 * Redis lock) takes rows not pushed within a second, plus rows pushed long
 * ago that are still unfinished (in case Redis lost them), and enqueues
 * them, in one pipelined bulk enqueue; the enqueue script ignores jobs
 * Redis already has.  A job's row is
 * deleted once the job is final (done or dead), so a row exists exactly
 * while its job is owed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job_payload.h"
#include "worker.h"

/* Rows a relay takes at a time, and batches a relay run goes through. */
#define RELAY_BATCH	1000
#define RELAY_ROUNDS	20

static const char sql_outbox_due[] =
	"SELECT id, type, queue, args::text,"
	"       (extract(epoch FROM run_at) * 1000)::bigint,"
	"       (extract(epoch FROM created_at) * 1000)::bigint,"
	"       coalesce(request_id, '')"
	"  FROM job_outbox"
	" WHERE (pushed_at IS NULL AND created_at < now() - interval '1 second')"
	"    OR pushed_at < now() - interval '10 minutes'"
	" ORDER BY id LIMIT 1000";

static const char sql_outbox_pushed[] =
	"UPDATE job_outbox SET pushed_at = now() WHERE id = ANY($1::bigint[])";

static const char sql_outbox_delete[] =
	"DELETE FROM job_outbox WHERE id = ANY($1::bigint[])";

static int	relay_lock(struct worker *);
static int	relay_push(struct worker *, PGresult *);
static void	id_list(struct mbuf *, int64_t);

/* Push owed jobs that Redis may not have; see the comment above. */
void
outbox_relay(struct worker *w)
{
	PGresult	*res;
	int		 pushed, n, round, rows;

	if (relay_lock(w) != 1)
		return;

	/* A backfill of many rows goes on in full batches at once. */
	pushed = 0;
	for (round = 0; round < RELAY_ROUNDS && !worker_quit; round++) {
		if ((res = worker_db_exec(w, sql_outbox_due, 0, NULL)) == NULL)
			break;
		rows = PQntuples(res);
		n = relay_push(w, res);
		PQclear(res);
		pushed += n;
		if (n < RELAY_BATCH || rows < RELAY_BATCH)
			break;
	}
	if (pushed > 0)
		worker_log("info", "outbox: relayed %d job%s", pushed,
		    pushed == 1 ? "" : "s");
}

/*
 * Push the outbox rows of `res` (the columns of sql_outbox_due) that a
 * job has just inserted, and mark them pushed.  Rows that cannot be
 * pushed now stay for the relay.
 */
void
outbox_push_rows(struct worker *w, PGresult *res)
{
	(void)relay_push(w, res);
}

/* Remember that the job of outbox row `id` is final. */
void
outbox_done(struct worker *w, int64_t id)
{
	if (id <= 0)
		return;

	if (w->done_count == (int)(sizeof(w->done_outbox) /
	    sizeof(w->done_outbox[0])))
		outbox_flush(w);
	w->done_outbox[w->done_count++] = id;
}

/*
 * Delete the rows of final jobs.  If the database is down they stay and
 * the relay may push those jobs again later: at least once, never lost.
 */
void
outbox_flush(struct worker *w)
{
	PGresult	*res;
	struct mbuf	 ids;
	const char	*params[1];
	int		 i;

	if (w->done_count == 0)
		return;

	memset(&ids, 0, sizeof(ids));
	for (i = 0; i < w->done_count; i++)
		id_list(&ids, w->done_outbox[i]);
	id_list(&ids, -1);

	params[0] = ids.d;
	if ((res = worker_db_exec(w, sql_outbox_delete, 1, params)) != NULL)
		PQclear(res);
	mbuf_free(&ids);
	w->done_count = 0;
}

/* One relay at a time across every worker process and host. */
static int
relay_lock(struct worker *w)
{
	redisReply	*r;
	int		 got;

	if (queue_connect(w) == -1)
		return (0);

	r = redisCommand(w->redis, "SET agora:relay-lock %s NX PX %d",
	    w->name, wcfg.relay_ms);
	if (r == NULL)
		return (0);

	got = (r->type == REDIS_REPLY_STATUS);
	freeReplyObject(r);

	return (got);
}

/*
 * Push every row of `res` (the columns of sql_outbox_due) in one
 * pipelined bulk enqueue and mark the rows pushed.  A row that is not a
 * valid job is logged and marked too (pushing it again cannot help).
 * Returns the rows marked, 0 when Redis is unreachable (they stay due).
 */
static int
relay_push(struct worker *w, PGresult *res)
{
	struct queue_item	*items;
	PGresult		*r;
	struct mbuf		 ids;
	json_t			*args;
	char			**text, (*id)[32];
	const char		*params[1];
	int			 i, n, rows, p;

	if ((rows = PQntuples(res)) == 0)
		return (0);
	items = calloc(rows, sizeof(*items));
	text = calloc(rows, sizeof(*text));
	id = calloc(rows, sizeof(*id));
	if (items == NULL || text == NULL || id == NULL) {
		free(items);
		free(text);
		free(id);
		return (0);
	}

	for (i = n = 0; i < rows; i++) {
		p = core_job_prio(PQgetvalue(res, i, 2));
		args = json_loads(PQgetvalue(res, i, 3), 0, NULL);
		text[i] = (p == -1 || args == NULL) ? NULL : core_job_payload(
		    strtoll(PQgetvalue(res, i, 0), NULL, 10),
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), args,
		    strtoll(PQgetvalue(res, i, 4), NULL, 10),
		    strtoll(PQgetvalue(res, i, 5), NULL, 10),
		    PQgetvalue(res, i, 6), id[i], sizeof(id[i]));
		if (args != NULL)
			json_decref(args);
		if (text[i] == NULL) {
			worker_log("error", "outbox: row %s is not a valid job",
			    PQgetvalue(res, i, 0));
			continue;
		}
		items[n].id = id[i];
		items[n].payload = text[i];
		items[n].prio = p;
		items[n].run_at = strtoull(PQgetvalue(res, i, 4), NULL, 10);
		n++;
	}

	if (n > 0 && queue_push_many(w, items, n) == -1)
		rows = 0;

	memset(&ids, 0, sizeof(ids));
	for (i = 0; i < rows; i++)
		id_list(&ids, strtoll(PQgetvalue(res, i, 0), NULL, 10));
	if (rows > 0) {
		id_list(&ids, -1);
		params[0] = ids.d;
		if ((r = worker_db_exec(w, sql_outbox_pushed, 1, params)) !=
		    NULL)
			PQclear(r);
	}
	mbuf_free(&ids);

	for (i = 0; i < PQntuples(res); i++)
		free(text[i]);
	free(items);
	free(text);
	free(id);

	return (rows);
}

/* Build a PostgreSQL array literal "{1,2,3}"; -1 closes it. */
static void
id_list(struct mbuf *b, int64_t id)
{
	if (id == -1)
		mbuf_adds(b, "}");
	else
		mbuf_addf(b, "%s%lld", b->len == 0 ? "{" : ",", (long long)id);
}
