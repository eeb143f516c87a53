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

/*
 * Jobs pushed with one call of the bulk enqueue script: most statements
 * queue one or two, a backfill goes through the worker's relay.
 */
#define PUSH_BATCH	64

struct push {
	int		 n;
	int		 ok;	/* -1: Redis failed, leave the rest */
	char		 id[PUSH_BATCH][32];
	char		*payload[PUSH_BATCH];
	char		 prio[PUSH_BATCH][4];
	char		 run_at[PUSH_BATCH][24];
};

static int		push_add(struct push *, json_t *);
static int		push_send(struct push *);
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
	struct push	 p;
	json_t		*list, *job;
	json_error_t	 err;
	size_t		 i;
	int		 r, last;

	if (db->pushed)
		return;
	db->pushed = 1;

	memset(&p, 0, sizeof(p));
	last = (row == -1) ? core_db_rows(db) - 1 : row;
	for (r = (row == -1) ? 0 : row; r <= last && p.ok == 0; r++) {
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
			if (push_add(&p, job) == -1)
				break;
		}
		json_decref(list);
	}
	(void)push_send(&p);
}

/*
 * What /admin/jobs shows: jobs per queue, in flight, scheduled, dead
 * (the newest 100 with their errors) and the per-type counters.  Returns
 * a new object, or NULL when Redis is unreachable.
 */
json_t *
core_jobs_overview(void)
{
	redisReply	*r, *h, *pl;
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
		    "failed_at", r->element[i]->str);
		if (h == NULL || h->elements != 4) {
			core_redis_free(h);
			continue;
		}
		job = json_pack("{s:s, s:s?, s:I, s:s?, s:I}",
		    "id", r->element[i]->str,
		    "type", h->element[0]->str,
		    "attempts", (json_int_t)(h->element[1]->str != NULL ?
		    strtoll(h->element[1]->str, NULL, 10) : 0),
		    "error", h->element[2]->str,
		    "failed_at", (json_int_t)(h->element[3]->str != NULL ?
		    strtoll(h->element[3]->str, NULL, 10) : 0));
		pl = core_redis_command("HGET agora:jobs %s",
		    r->element[i]->str);
		if (job != NULL && pl != NULL)
			dead_args(job, pl->str);
		core_redis_free(pl);
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

/*
 * Add one job to the bulk enqueue under way, sending it when it is full.
 * -1 once Redis failed (the rest is left to the relay).
 */
static int
push_add(struct push *p, json_t *job)
{
	json_t		*args;
	const char	*type, *queue, *rid;
	char		*payload;
	long long	 run_at;
	int		 prio, k;

	if (p->ok == -1)
		return (-1);
	type = json_string_value(json_object_get(job, "type"));
	queue = json_string_value(json_object_get(job, "queue"));
	rid = json_string_value(json_object_get(job, "request_id"));
	args = json_object_get(job, "args");
	run_at = json_integer_value(json_object_get(job, "run_at"));
	if (type == NULL || (prio = core_job_prio(queue)) == -1)
		return (0);

	k = p->n;
	payload = core_job_payload(
	    json_integer_value(json_object_get(job, "id")), type, queue, args,
	    run_at, json_integer_value(json_object_get(job, "created_at")),
	    rid, p->id[k], sizeof(p->id[k]));
	if (payload == NULL)
		return (0);

	p->payload[k] = payload;
	(void)snprintf(p->prio[k], sizeof(p->prio[k]), "%d", prio);
	(void)snprintf(p->run_at[k], sizeof(p->run_at[k]), "%lld", run_at);
	p->n++;

	if (p->n == PUSH_BATCH)
		return (push_send(p));
	return (0);
}

/* One call of the bulk enqueue script for the jobs added so far. */
static int
push_send(struct push *p)
{
	redisReply	*r;
	const char	*av[4 + 4 * PUSH_BATCH];
	char		 now[24];
	int		 i, argc;

	if (p->n == 0)
		return (p->ok);

	(void)snprintf(now, sizeof(now), "%llu", now_ms());
	av[0] = "EVAL";
	av[1] = QUEUE_LUA_ENQUEUE_MANY;
	av[2] = "0";
	av[3] = now;
	argc = 4;
	for (i = 0; i < p->n; i++) {
		av[argc++] = p->id[i];
		av[argc++] = p->payload[i];
		av[argc++] = p->prio[i];
		av[argc++] = p->run_at[i];
	}

	if (p->ok == 0) {
		if ((r = core_redis_argv(argc, av, NULL)) == NULL)
			p->ok = -1;
		core_redis_free(r);
	}

	for (i = 0; i < p->n; i++)
		free(p->payload[i]);
	p->n = 0;

	return (p->ok);
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
