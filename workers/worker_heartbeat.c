/*
 * The heartbeat of a worker process: a thread that, every third of the
 * visibility timeout, pushes back the deadline of the jobs the process
 * holds, so a job that runs longer than the timeout (a huge image, a
 * slow SMTP server) is never taken by another process meanwhile.  A
 * process that dies stops beating, and its jobs come back after one
 * timeout as before.  The thread has its own Redis connection; the jobs'
 * ids are copied under the lock, so the loop may free its own at will.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker.h"

static pthread_mutex_t	 hb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 hb_cond;
static pthread_t	 hb_thread;
static char		*hb_ids[WORKER_FETCH_MAX];
static int		 hb_count;
static int		 hb_stop;
static int		 hb_running;
static struct worker	 hb_worker;

static void	*hb_main(void *);
static void	 hb_clear(void);

/* Start beating for the process named in `w`.  0, or -1. */
int
worker_heartbeat_start(struct worker *w)
{
	pthread_condattr_t	attr;
	sigset_t		all, old;
	int			rc;

	memset(&hb_worker, 0, sizeof(hb_worker));
	(void)snprintf(hb_worker.name, sizeof(hb_worker.name), "%s",
	    w->name);

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&hb_cond, &attr);
	pthread_condattr_destroy(&attr);

	/* Signals (SIGTERM) stay with the loop's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	hb_stop = 0;
	rc = pthread_create(&hb_thread, NULL, hb_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		worker_log("error", "heartbeat: cannot start a thread");
		return (-1);
	}
	hb_running = 1;

	return (0);
}

/* The jobs the process now holds (n == 0: none). */
void
worker_heartbeat_hold(struct worker_job *jobs, int n)
{
	int	i;

	pthread_mutex_lock(&hb_lock);
	hb_clear();
	for (i = 0; i < n && i < WORKER_FETCH_MAX; i++) {
		if ((hb_ids[hb_count] = strdup(jobs[i].id)) != NULL)
			hb_count++;
	}
	pthread_mutex_unlock(&hb_lock);
}

void
worker_heartbeat_stop(void)
{
	if (!hb_running)
		return;

	pthread_mutex_lock(&hb_lock);
	hb_stop = 1;
	pthread_cond_signal(&hb_cond);
	pthread_mutex_unlock(&hb_lock);
	pthread_join(hb_thread, NULL);
	hb_running = 0;

	pthread_mutex_lock(&hb_lock);
	hb_clear();
	pthread_mutex_unlock(&hb_lock);
	if (hb_worker.redis != NULL)
		redisFree(hb_worker.redis);
	hb_worker.redis = NULL;
}

static void *
hb_main(void *arg)
{
	struct timespec	 at;
	char		*ids[WORKER_FETCH_MAX];
	long		 period;
	int		 i, n;

	period = wcfg.visibility_ms / 3;
	pthread_mutex_lock(&hb_lock);
	while (!hb_stop) {
		(void)clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_sec += period / 1000;
		at.tv_nsec += (period % 1000) * 1000000L;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
		while (!hb_stop && pthread_cond_timedwait(&hb_cond, &hb_lock,
		    &at) != ETIMEDOUT)
			;
		if (hb_stop || hb_count == 0)
			continue;

		n = 0;
		for (i = 0; i < hb_count; i++) {
			if ((ids[n] = strdup(hb_ids[i])) != NULL)
				n++;
		}
		pthread_mutex_unlock(&hb_lock);

		if (queue_extend(&hb_worker, ids, n) == -1)
			worker_log("warn", "heartbeat: redis unavailable");
		for (i = 0; i < n; i++)
			free(ids[i]);

		pthread_mutex_lock(&hb_lock);
	}
	pthread_mutex_unlock(&hb_lock);

	return (NULL);
}

/* With hb_lock held. */
static void
hb_clear(void)
{
	int	i;

	for (i = 0; i < hb_count; i++)
		free(hb_ids[i]);
	hb_count = 0;
}
