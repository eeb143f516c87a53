/*
 * One worker process: fetch jobs, run them one at a time, acknowledge or
 * retry them, relay the outbox now and then, stop cleanly on SIGTERM.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "worker.h"

#define BACKOFF_CAP_MS		(60 * 60 * 1000)
#define FAST_JOB_MS		5
#define ACK_FLUSH_MS		50
/*
 * How long an idle process waits between looks at the queue (bulk
 * enqueues wake it at once; a job enqueued alone does not, since that
 * would cost a command per job): about 50 commands a second per idle
 * process.
 */
#define IDLE_MS			100

static int	job_noop(struct worker *, struct worker_job *, char *,
		    size_t);

static const struct job_type job_types[] = {
	{ "email",	job_email,	8 },
	{ "notify_email", job_notify_email, 8 },
	{ "notify_digest", job_notify_digest, 5 },
	{ "thumbnail",	job_thumbnail,	3 },
	{ "avatar",	job_avatar,	3 },
	{ "moderate",	job_moderate,	5 },
	{ "publish",	job_publish,	5 },
	{ "blog_publish", job_blog_publish, 8 },
	{ "media_purge", job_media_purge, 5 },
	{ "export",	job_export,	3 },
	{ "photo_detect", job_detect,	3 },
	/* Its name before it found more than cats, for jobs still queued. */
	{ "cat_detect",	job_detect,	3 },
	{ "noop",	job_noop,	3 },
	{ NULL,		NULL,		0 }
};

static void	loop_signals(void);
static void	on_term(int);
static int	run_batch(struct worker *, struct worker_job *, int);
static int	run_one(struct worker *, struct worker_job *);
static u_int64_t backoff(int);
static void	pause_ms(int);
static void	sleep_ms(int);

int
worker_loop(struct worker *w)
{
	struct worker_job	jobs[WORKER_FETCH_MAX];
	u_int64_t		now;
	int			n;

	loop_signals();
	w->fetch_size = 1;
	if (worker_heartbeat_start(w) == -1)
		return (1);
	worker_log("info", "worker %s ready", w->name);

	while (!worker_quit) {
		now = worker_now_ms();
		if (now >= w->next_relay) {
			outbox_relay(w);
			w->next_relay = now + wcfg.relay_ms;
		}
		if (now >= w->next_sweep) {
			blog_images_sweep(w);
			exports_sweep(w);
			w->next_sweep = now + wcfg.sweep_ms;
		}
		if (now >= w->next_digest) {
			(void)notify_digest_run(w, 0);
			w->next_digest = now + wcfg.digest_check_ms;
		}

		n = queue_fetch(w, jobs, w->fetch_size);
		if (n == -1) {
			pause_ms(1000);
			continue;
		}
		if (n == 0) {
			if (queue_wait(w, IDLE_MS) == -1)
				pause_ms(1000);
			continue;
		}

		worker_heartbeat_hold(jobs, n);
		run_batch(w, jobs, n);
		outbox_flush(w);
	}

	worker_heartbeat_stop();
	outbox_flush(w);
	worker_log("info", "worker %s stopped", w->name);
	if (w->redis != NULL)
		redisFree(w->redis);
	worker_db_reset(w);

	return (0);
}

const struct job_type *
job_type_find(const char *name)
{
	int	i;

	if (name == NULL)
		return (NULL);

	for (i = 0; job_types[i].name != NULL; i++) {
		if (!strcmp(job_types[i].name, name))
			return (&job_types[i]);
	}

	return (NULL);
}

/*
 * Run the fetched jobs in order.  Acknowledgements are sent in groups (at
 * least every ACK_FLUSH_MS) so that fast jobs cost one round trip per
 * group; jobs not started when a stop is requested, or when a job turned
 * out slow, are handed back (in their place in the queue) for any
 * process to take.  The next fetch takes more jobs at once only while
 * jobs are fast, so a slow job never holds back others that another
 * process could run.  The heartbeat keeps the jobs held meanwhile.
 */
static int
run_batch(struct worker *w, struct worker_job *jobs, int n)
{
	const char	*acks[2 * WORKER_FETCH_MAX], *rest[WORKER_FETCH_MAX];
	u_int64_t	 start, last_flush;
	int		 i, nack, nrest, slow;

	nack = nrest = slow = 0;
	last_flush = worker_now_ms();

	for (i = 0; i < n; i++) {
		if (worker_quit || slow) {
			rest[nrest++] = jobs[i].id;
			continue;
		}
		start = worker_now_ms();
		if (run_one(w, &jobs[i]) == JOB_OK) {
			acks[2 * nack] = jobs[i].id;
			acks[2 * nack + 1] = jobs[i].type;
			nack++;
		}
		if (worker_now_ms() - start > FAST_JOB_MS)
			slow = 1;
		if (nack > 0 && worker_now_ms() - last_flush >= ACK_FLUSH_MS) {
			(void)queue_ack(w, acks, nack);
			nack = 0;
			last_flush = worker_now_ms();
		}
	}

	(void)queue_ack(w, acks, nack);
	(void)queue_release(w, rest, nrest);
	worker_heartbeat_hold(NULL, 0);

	for (i = 0; i < n; i++)
		queue_job_free(&jobs[i]);

	if (slow)
		w->fetch_size = 1;
	else if (w->fetch_size < WORKER_FETCH_MAX)
		w->fetch_size *= 2;

	return (0);
}

/* Run one job; on failure schedule its retry or bury it. */
static int
run_one(struct worker *w, struct worker_job *job)
{
	const struct job_type	*t;
	char			 err[512];
	u_int64_t		 start, ms;
	int			 rc;

	err[0] = '\0';
	start = worker_now_ms();

	if ((t = job_type_find(job->type)) == NULL) {
		(void)snprintf(err, sizeof(err), "unknown job type '%s'",
		    job->type != NULL ? job->type : "");
		rc = JOB_FAIL;
	} else if (job->args == NULL || !json_is_object(job->args)) {
		(void)snprintf(err, sizeof(err), "job has no args object");
		rc = JOB_FAIL;
	} else {
		rc = t->run(w, job, err, sizeof(err));
	}

	ms = worker_now_ms() - start;

	if (rc == JOB_OK) {
		worker_log_job(job, "ok", ms, NULL);
		outbox_done(w, job->outbox_id);
		return (JOB_OK);
	}

	if (err[0] == '\0')
		(void)snprintf(err, sizeof(err), "failed");

	if (rc == JOB_RETRY && t != NULL && job->attempts < t->max_attempts) {
		worker_log_job(job, "retry", ms, err);
		(void)queue_fail(w, job->id, job->type, err,
		    worker_now_ms() + backoff(job->attempts));
		return (rc);
	}

	worker_log_job(job, "dead", ms, err);
	(void)queue_fail(w, job->id, job->type, err, 0);
	outbox_done(w, job->outbox_id);

	return (rc);
}

/*
 * Exponential backoff with jitter: base * 2^(attempt - 1), capped at an
 * hour, plus up to a quarter more at random so that retries spread out.
 */
static u_int64_t
backoff(int attempt)
{
	u_int64_t	delay;
	int		i;

	delay = wcfg.backoff_ms;
	for (i = 1; i < attempt && delay < BACKOFF_CAP_MS; i++)
		delay *= 2;
	if (delay > BACKOFF_CAP_MS)
		delay = BACKOFF_CAP_MS;

	return (delay + randombytes_uniform((u_int32_t)(delay / 4) + 1));
}

/*
 * noop: does nothing, for benchmarks and operational checks.
 *   sleep_ms	take that long (finishing even when asked to stop)
 *   fail	fail with this message (transient: retries, then dead)
 *   record	when done, append "<job id>:<attempt>" to the Redis list
 *		agora:noop:<record>, so a check can see each completion
 */
static int
job_noop(struct worker *w, struct worker_job *job, char *err, size_t len)
{
	redisReply	*r;
	json_t		*v;
	const char	*fail, *record;

	v = json_object_get(job->args, "sleep_ms");
	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) <= 600000)
		sleep_ms((int)json_integer_value(v));

	fail = json_string_value(json_object_get(job->args, "fail"));
	if (fail != NULL) {
		(void)snprintf(err, len, "%s", fail);
		return (JOB_RETRY);
	}

	record = json_string_value(json_object_get(job->args, "record"));
	if (record != NULL && strlen(record) <= 64) {
		if (queue_connect(w) == -1 || (r = redisCommand(w->redis,
		    "RPUSH agora:noop:%s %s:%d", record, job->id,
		    job->attempts)) == NULL) {
			(void)snprintf(err, len, "redis unavailable");
			return (JOB_RETRY);
		}
		freeReplyObject(r);
	}

	return (JOB_OK);
}

static void
loop_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
}

static void
on_term(int sig)
{
	worker_quit = 1;
}

/* Sleep that a stop request cuts short. */
static void
pause_ms(int ms)
{
	struct timespec	ts;

	while (ms > 0 && !worker_quit) {
		ts.tv_sec = 0;
		ts.tv_nsec = (ms > 100 ? 100 : ms) * 1000000L;
		nanosleep(&ts, NULL);
		ms -= 100;
	}
}

/* Sleep the whole time, stop request or not: a job in hand finishes. */
static void
sleep_ms(int ms)
{
	struct timespec	ts, rem;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}
