/*
 * Deferred jobs, site side: the one way apps enqueue work for the job
 * worker, and what the admin area needs to watch and repair the queue.
 *
 * An app never talks to the queue's Redis keys.  It inserts the job into
 * job_outbox in the same statement as the change that causes it, e.g.
 *
 *   WITH p AS (INSERT INTO posts ... RETURNING id),
 *        j AS (INSERT INTO job_outbox (type, queue, args, request_id)
 *              SELECT 'moderate', 'default', jsonb_build_object(...), $9
 *                FROM p CORE_JOB_RETURNING)
 *   SELECT p.id, CORE_JOBS_JSON("j") FROM p
 *
 * so the job exists if and only if the change committed, and then calls
 * core_jobs_push() on the result column: the jobs go to Redis at once.
 * If Redis is unreachable the worker's outbox relay pushes them later.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "core/core.h"
#include "job_payload.h"
#include "queue_lua.h"

static int		push_one(json_t *);
static void		dead_args(json_t *, const char *);
static unsigned long long now_ms(void);

/*
 * Push the jobs listed (JSON array, CORE_JOBS_JSON) in column `col` of
 * row `row` of `db`, or of every row when `row` is -1.  Done once per
 * statement result, however often the handler runs again.  Failures are
 * logged; the relay covers them.
 */
void
core_jobs_push(struct core_db *db, int row, int col)
{
	json_t		*list, *job;
	json_error_t	 err;
	size_t		 i;
	int		 r, last;

	if (db->pushed)
		return;
	db->pushed = 1;

	last = (row == -1) ? core_db_rows(db) - 1 : row;
	for (r = (row == -1) ? 0 : row; r <= last; r++) {
		if (core_db_isnull(db, r, col))
			continue;
		list = json_loads(core_db_value(db, r, col), 0, &err);
		if (!json_is_array(list)) {
			core_log_json("error", "jobs: unreadable job list",
			    err.text);
			if (list != NULL)
				json_decref(list);
			continue;
		}
		json_array_foreach(list, i, job) {
			if (push_one(job) == -1)
				break;
		}
		json_decref(list);
	}
}

/*
 * What /admin/jobs shows: jobs per queue, in flight, scheduled, dead
 * (the newest 100 with their errors) and the per-type counters.  Returns
 * a new object, or NULL when Redis is unreachable.
 */
json_t *
core_jobs_overview(void)
{
	redisReply	*r, *h;
	json_t		*o, *queues, *dead, *stats, *job;
	const char	*names[] = { "critical", "default", "bulk" };
	size_t		 i;
	int		 q;

	if ((r = core_redis_command("ZCARD agora:inflight")) == NULL)
		return (NULL);
	o = json_object();
	json_object_set_new(o, "in_flight", json_integer(r->integer));
	core_redis_free(r);

	queues = json_object();
	for (q = 0; q < 3; q++) {
		r = core_redis_command("ZCOUNT agora:ready %d0000000000000 "
		    "(%d0000000000000", q, q + 1);
		json_object_set_new(queues, names[q],
		    json_integer(r != NULL ? r->integer : 0));
		core_redis_free(r);
	}
	json_object_set_new(o, "queues", queues);

	r = core_redis_command("ZCARD agora:delayed");
	json_object_set_new(o, "scheduled", json_integer(r != NULL ?
	    r->integer : 0));
	core_redis_free(r);

	r = core_redis_command("ZCARD agora:dead");
	json_object_set_new(o, "dead_count", json_integer(r != NULL ?
	    r->integer : 0));
	core_redis_free(r);

	dead = json_array();
	r = core_redis_command("ZREVRANGE agora:dead 0 99");
	for (i = 0; r != NULL && i < r->elements; i++) {
		h = core_redis_command("HMGET agora:job:%s type attempts error "
		    "failed_at payload", r->element[i]->str);
		if (h == NULL || h->elements != 5)
			continue;
		job = json_pack("{s:s, s:s?, s:I, s:s?, s:I}",
		    "id", r->element[i]->str,
		    "type", h->element[0]->str,
		    "attempts", (json_int_t)(h->element[1]->str != NULL ?
		    strtoll(h->element[1]->str, NULL, 10) : 0),
		    "error", h->element[2]->str,
		    "failed_at", (json_int_t)(h->element[3]->str != NULL ?
		    strtoll(h->element[3]->str, NULL, 10) : 0));
		if (job != NULL)
			dead_args(job, h->element[4]->str);
		if (job != NULL)
			json_array_append_new(dead, job);
		core_redis_free(h);
	}
	core_redis_free(r);
	json_object_set_new(o, "dead", dead);

	stats = json_object();
	r = core_redis_command("HGETALL agora:stats");
	for (i = 0; r != NULL && i + 1 < r->elements; i += 2)
		json_object_set_new(stats, r->element[i]->str,
		    json_integer(strtoll(r->element[i + 1]->str, NULL, 10)));
	core_redis_free(r);
	json_object_set_new(o, "counters", stats);

	return (o);
}

/*
 * Give dead job `id` a fresh set of attempts (1), or 0 when there is no
 * such dead job; -1 when Redis is unreachable.
 */
int
core_jobs_revive(const char *id)
{
	redisReply	*r;
	long long	 n;

	r = core_redis_command("EVAL %s 0 %s %llu", QUEUE_LUA_REVIVE, id,
	    now_ms());
	if (r == NULL)
		return (-1);
	n = r->integer;
	core_redis_free(r);

	return (n == 1);
}

/* Delete dead job `id` for good: 1, 0 when unknown, -1 without Redis. */
int
core_jobs_drop(const char *id)
{
	redisReply	*r;
	long long	 n;

	if ((r = core_redis_command("EVAL %s 0 %s", QUEUE_LUA_DROP, id)) ==
	    NULL)
		return (-1);
	n = r->integer;
	core_redis_free(r);

	return (n == 1);
}

static int
push_one(json_t *job)
{
	redisReply	*r;
	json_t		*args;
	const char	*type, *queue, *rid;
	char		 id[32], *payload;
	long long	 run_at;
	int		 prio;

	type = json_string_value(json_object_get(job, "type"));
	queue = json_string_value(json_object_get(job, "queue"));
	rid = json_string_value(json_object_get(job, "request_id"));
	args = json_object_get(job, "args");
	run_at = json_integer_value(json_object_get(job, "run_at"));
	if (type == NULL || (prio = core_job_prio(queue)) == -1)
		return (0);

	payload = core_job_payload(
	    json_integer_value(json_object_get(job, "id")), type, queue, args,
	    run_at, json_integer_value(json_object_get(job, "created_at")),
	    rid, id, sizeof(id));
	if (payload == NULL)
		return (0);

	r = core_redis_command("EVAL %s 0 %s %s %d %lld %llu %s",
	    QUEUE_LUA_ENQUEUE, id, payload, prio, run_at,
	    now_ms(), type);
	free(payload);
	if (r == NULL)
		return (-1);
	core_redis_free(r);

	return (0);
}

/* Show a dead job's args beside its error. */
static void
dead_args(json_t *job, const char *payload)
{
	json_t		*p;

	if (payload == NULL || (p = json_loads(payload, 0, NULL)) == NULL)
		return;
	if (json_is_object(json_object_get(p, "args")))
		json_object_set(job, "args", json_object_get(p, "args"));
	json_decref(p);
}

static unsigned long long
now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return ((unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}
