/*
 * The worker's side of the Redis queue (layout and scripts in
 * lib/queue_lua.h).  One blocking connection per process; scripts
 * are loaded once and called by SHA, and reloaded if Redis restarted.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "queue_lua.h"
#include "worker.h"

static int		 script_load(struct worker *, const char *, char *);
static int		 scripts_load(struct worker *);
static redisReply	*script_call(struct worker *, char *, int,
			    const char **, int);
static void		 queue_drop(struct worker *);

/* Connect (or reconnect) and load the scripts.  0, or -1 when down. */
int
queue_connect(struct worker *w)
{
	struct timeval	tv;

	if (w->redis != NULL)
		return (0);

	tv.tv_sec = 2;
	tv.tv_usec = 0;
	if (wcfg.redis_path != NULL)
		w->redis = redisConnectUnixWithTimeout(wcfg.redis_path, tv);
	else
		w->redis = redisConnectWithTimeout(wcfg.redis_host,
		    wcfg.redis_port, tv);

	if (w->redis == NULL || w->redis->err) {
		worker_log("warn", "redis: connect: %s", w->redis != NULL ?
		    w->redis->errstr : "out of memory");
		queue_drop(w);
		return (-1);
	}

	/* Blocking waits are at most a second; leave room for them. */
	tv.tv_sec = 5;
	redisSetTimeout(w->redis, tv);

	if (scripts_load(w) == -1) {
		queue_drop(w);
		return (-1);
	}

	return (0);
}

/*
 * Take up to `max` jobs into flight.  Fills `jobs` and returns how many
 * (0 when the queue is empty), or -1 when Redis is unreachable.  Jobs
 * whose payload does not parse are failed permanently here.
 */
int
queue_fetch(struct worker *w, struct worker_job *jobs, int max)
{
	redisReply	*r;
	const char	*argv[4];
	char		 now[24], vis[24], n[8];
	json_error_t	 err;
	size_t		 i;
	int		 count;

	(void)snprintf(now, sizeof(now), "%llu",
	    (unsigned long long)worker_now_ms());
	(void)snprintf(vis, sizeof(vis), "%d", wcfg.visibility_ms);
	(void)snprintf(n, sizeof(n), "%d", max);
	argv[0] = now;
	argv[1] = vis;
	argv[2] = n;
	argv[3] = w->name;

	/* Not sent again when the reply is lost: it may have run. */
	if ((r = script_call(w, w->sha_fetch, 4, argv, 0)) == NULL)
		return (-1);

	count = 0;
	for (i = 0; r->type == REDIS_REPLY_ARRAY && i + 2 < r->elements &&
	    count < max; i += 3) {
		memset(&jobs[count], 0, sizeof(jobs[count]));
		jobs[count].id = strdup(r->element[i]->str);
		jobs[count].attempts = (int)r->element[i + 2]->integer;
		jobs[count].root = json_loads(r->element[i + 1]->str, 0, &err);
		if (jobs[count].id == NULL || jobs[count].root == NULL ||
		    !json_is_object(jobs[count].root)) {
			worker_log("error", "job %s: unreadable payload",
			    r->element[i]->str);
			if (jobs[count].id != NULL)
				(void)queue_fail(w, jobs[count].id, NULL,
				    "unreadable payload", 0);
			queue_job_free(&jobs[count]);
			continue;
		}
		jobs[count].type = json_string_value(
		    json_object_get(jobs[count].root, "type"));
		jobs[count].rid = json_string_value(
		    json_object_get(jobs[count].root, "rid"));
		jobs[count].args = json_object_get(jobs[count].root, "args");
		jobs[count].outbox_id = json_integer_value(
		    json_object_get(jobs[count].root, "outbox"));
		count++;
	}

	freeReplyObject(r);
	return (count);
}

/*
 * Acknowledge finished jobs, in one script call: `pairs` holds id, type
 * for each of the `n` jobs.  0, or -1 when Redis is unreachable.
 */
int
queue_ack(struct worker *w, const char **pairs, int n)
{
	redisReply	*r;

	if (n == 0)
		return (0);

	if ((r = script_call(w, w->sha_ack, n * 2, pairs, 1)) == NULL)
		return (-1);

	freeReplyObject(r);
	return (0);
}

/* Give back jobs that were taken but not started. */
int
queue_release(struct worker *w, const char **ids, int n)
{
	redisReply	*r;

	if (n == 0)
		return (0);

	if ((r = script_call(w, w->sha_release, n, ids, 1)) == NULL)
		return (-1);

	freeReplyObject(r);
	return (0);
}

/*
 * Record a failure: retry at `retry_at` (ms), or with 0 move the job to
 * the dead set.  The error text is kept on the job either way.
 */
int
queue_fail(struct worker *w, const char *id, const char *type,
    const char *error, u_int64_t retry_at)
{
	redisReply	*r;
	const char	*argv[5];
	char		 at[24], now[24];

	(void)snprintf(at, sizeof(at), "%llu", (unsigned long long)retry_at);
	(void)snprintf(now, sizeof(now), "%llu",
	    (unsigned long long)worker_now_ms());
	argv[0] = id;
	argv[1] = error;
	argv[2] = at;
	argv[3] = now;
	argv[4] = type != NULL ? type : "";

	if ((r = script_call(w, w->sha_fail, 5, argv, 1)) == NULL)
		return (-1);

	freeReplyObject(r);
	return (0);
}

/*
 * Enqueue a job that has no outbox row (operators, benchmarks).  Its id
 * comes from a Redis counter, prefixed "r" so it never meets an outbox
 * id ("o<n>").
 */
int
queue_enqueue(struct worker *w, const char *type, const char *queue,
    int prio, u_int64_t run_at, const char *args)
{
	struct queue_item	 item;
	redisReply	*r;
	json_t		*payload, *a;
	json_error_t	 err;
	char		 id[32], *text;
	u_int64_t	 ms;
	int		 rc;

	if (queue_connect(w) == -1)
		return (-1);
	if ((r = redisCommand(w->redis, "INCR agora:seq")) == NULL) {
		queue_drop(w);
		return (-1);
	}
	(void)snprintf(id, sizeof(id), "r%lld", r->integer);
	freeReplyObject(r);

	if ((a = json_loads(args, 0, &err)) == NULL)
		return (-1);

	ms = worker_now_ms();
	payload = json_pack("{s:s, s:s, s:s, s:o, s:I, s:I}",
	    "id", id, "type", type, "queue", queue, "args", a,
	    "run_at", (json_int_t)run_at, "enqueued_at", (json_int_t)ms);
	if (payload == NULL)
		return (-1);
	text = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	if (text == NULL)
		return (-1);

	item.id = id;
	item.payload = text;
	item.prio = prio;
	item.run_at = run_at;
	rc = queue_push_many(w, &item, 1);
	free(text);
	if (rc == -1)
		return (-1);

	printf("%s\n", id);
	return (0);
}

/*
 * Put jobs with known ids and payloads (JSON text) on the queue: one
 * script call per QUEUE_BULK_MAX jobs, every call sent before the first
 * reply is read.  Jobs whose id Redis already has are left out (so a
 * call may be sent again).  Returns how many were enqueued, or -1 when
 * Redis is unreachable.
 */
int
queue_push_many(struct worker *w, const struct queue_item *items, int n)
{
	redisReply	 *r;
	const char	**av;
	char		(*num)[24];
	int		  i, j, k, c, calls, argc, tries, total, noscript;

	if (n <= 0)
		return (0);
	av = calloc(4 + 4 * QUEUE_BULK_MAX, sizeof(*av));
	num = calloc(1 + 2 * QUEUE_BULK_MAX, sizeof(*num));
	if (av == NULL || num == NULL) {
		free(av);
		free(num);
		return (-1);
	}

	total = -1;
	for (tries = 0; tries < 2; tries++) {
		if (queue_connect(w) == -1)
			break;
		calls = 0;
		for (i = 0; i < n; i += QUEUE_BULK_MAX) {
			av[0] = "EVALSHA";
			av[1] = w->sha_enqueue_many;
			av[2] = "0";
			(void)snprintf(num[0], sizeof(num[0]), "%llu",
			    (unsigned long long)worker_now_ms());
			av[3] = num[0];
			argc = 4;
			for (j = i, k = 1; j < n && j < i + QUEUE_BULK_MAX;
			    j++) {
				av[argc++] = items[j].id;
				av[argc++] = items[j].payload;
				(void)snprintf(num[k], sizeof(num[k]), "%d",
				    items[j].prio);
				av[argc++] = num[k++];
				(void)snprintf(num[k], sizeof(num[k]), "%llu",
				    (unsigned long long)items[j].run_at);
				av[argc++] = num[k++];
			}
			/* hiredis copies the arguments into its buffer. */
			if (redisAppendCommandArgv(w->redis, argc, av, NULL) !=
			    REDIS_OK)
				break;
			calls++;
		}
		if (i < n) {
			/* Out of memory: nothing sensible to send again. */
			queue_drop(w);
			break;
		}

		total = 0;
		noscript = 0;
		for (c = 0; c < calls; c++) {
			if (redisGetReply(w->redis, (void **)&r) != REDIS_OK ||
			    r == NULL) {
				total = -1;
				break;
			}
			if (r->type == REDIS_REPLY_INTEGER)
				total += (int)r->integer;
			else if (r->type == REDIS_REPLY_ERROR) {
				if (!strncmp(r->str, "NOSCRIPT", 8))
					noscript = 1;
				else
					worker_log("error", "redis script: %s",
					    r->str);
			}
			freeReplyObject(r);
		}
		if (total == -1 || noscript || calls == 0) {
			/* Known ids are skipped: sending again is harmless. */
			queue_drop(w);
			total = -1;
			continue;
		}
		break;
	}

	free(av);
	free(num);
	return (total);
}

/*
 * Wait up to `ms` for an enqueue to poke agora:wake.  Returns 0, or -1
 * when Redis is unreachable.
 */
int
queue_wait(struct worker *w, int ms)
{
	redisReply	*r;

	if (queue_connect(w) == -1)
		return (-1);

	r = redisCommand(w->redis, "BLPOP agora:wake %.3f", ms / 1000.0);
	if (r == NULL) {
		queue_drop(w);
		return (-1);
	}

	freeReplyObject(r);
	return (0);
}

/*
 * Push the visibility deadline of the jobs `ids` that this process (by
 * its name) still holds to now + the visibility timeout.  Returns how
 * many were extended, or -1 when Redis is unreachable.
 */
int
queue_extend(struct worker *w, char **ids, int n)
{
	redisReply	*r;
	const char	*argv[2 + WORKER_FETCH_MAX];
	char		 at[24];
	int		 i, rc;

	if (n == 0)
		return (0);
	if (n > WORKER_FETCH_MAX)
		n = WORKER_FETCH_MAX;

	(void)snprintf(at, sizeof(at), "%llu", (unsigned long long)
	    (worker_now_ms() + wcfg.visibility_ms));
	argv[0] = at;
	argv[1] = w->name;
	for (i = 0; i < n; i++)
		argv[i + 2] = ids[i];

	if ((r = script_call(w, w->sha_extend, n + 2, argv, 1)) == NULL)
		return (-1);
	rc = r->type == REDIS_REPLY_INTEGER ? (int)r->integer : 0;
	freeReplyObject(r);

	return (rc);
}

void
queue_job_free(struct worker_job *job)
{
	free(job->id);
	if (job->root != NULL)
		json_decref(job->root);
	memset(job, 0, sizeof(*job));
}

static int
scripts_load(struct worker *w)
{
	if (script_load(w, QUEUE_LUA_FETCH, w->sha_fetch) == -1 ||
	    script_load(w, QUEUE_LUA_ACK, w->sha_ack) == -1 ||
	    script_load(w, QUEUE_LUA_FAIL, w->sha_fail) == -1 ||
	    script_load(w, QUEUE_LUA_ENQUEUE_MANY,
	    w->sha_enqueue_many) == -1 ||
	    script_load(w, QUEUE_LUA_RELEASE, w->sha_release) == -1 ||
	    script_load(w, QUEUE_LUA_EXTEND, w->sha_extend) == -1)
		return (-1);

	return (0);
}

static int
script_load(struct worker *w, const char *script, char *sha)
{
	redisReply	*r;

	r = redisCommand(w->redis, "SCRIPT LOAD %s", script);
	if (r == NULL || r->type != REDIS_REPLY_STRING || r->len != 40) {
		worker_log("warn", "redis: SCRIPT LOAD failed");
		if (r != NULL)
			freeReplyObject(r);
		return (-1);
	}

	memcpy(sha, r->str, 41);
	freeReplyObject(r);

	return (0);
}

/*
 * EVALSHA with `argc` ARGV values and no KEYS.  Reconnects once, and
 * reloads the scripts when Redis forgot them.  A call whose reply was
 * lost may have run: it is sent again only when `replay` says that is
 * harmless.  Returns the reply, or NULL when Redis is unreachable or the
 * script failed.
 */
static redisReply *
script_call(struct worker *w, char *sha, int argc, const char **argv,
    int replay)
{
	redisReply	 *r;
	const char	**av;
	int		  tries, i;

	if ((av = calloc(argc + 3, sizeof(*av))) == NULL)
		return (NULL);

	for (tries = 0; tries < 2; tries++) {
		if (queue_connect(w) == -1)
			break;

		av[0] = "EVALSHA";
		av[1] = sha;
		av[2] = "0";
		for (i = 0; i < argc; i++)
			av[i + 3] = argv[i];

		r = redisCommandArgv(w->redis, argc + 3, av, NULL);
		if (r == NULL) {
			queue_drop(w);
			if (!replay)
				break;
			continue;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			if (!strncmp(r->str, "NOSCRIPT", 8)) {
				freeReplyObject(r);
				queue_drop(w);
				continue;
			}
			worker_log("error", "redis script: %s", r->str);
			freeReplyObject(r);
			break;
		}
		free(av);
		return (r);
	}

	free(av);
	return (NULL);
}

static void
queue_drop(struct worker *w)
{
	if (w->redis != NULL)
		redisFree(w->redis);
	w->redis = NULL;
}
