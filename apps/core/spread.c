/*
 * Connections spread over the workers.
 *
 * Kore lets one worker hold the accept lock until that worker is full
 * (worker_max_connections) or has too many requests in flight, so under
 * a burst of new connections one worker takes nearly all of them: with
 * long-lived WebSockets it keeps them, and its database queue overflows
 * while the other workers idle.  Each worker writes how many
 * connections it holds into a table the parent shares with all of them;
 * a worker holding the lock that has more than SPREAD_SLACK above the
 * least loaded worker gives the lock up (kore_worker_make_busy), so the
 * next connection goes to another worker.  Connections end without a
 * request, so each worker also writes its count on a short timer: an
 * idle worker's entry never stays at a load it no longer has.
 */

#include <sys/mman.h>

#include "core/core.h"

#define SPREAD_SLOTS	256		/* worker ids are a u_int8_t */
#define SPREAD_SLACK	2
#define SPREAD_TICK_MS	100

static volatile u_int32_t	*spread;

static void	spread_tick(void *, u_int64_t);

/* Parent, before the workers fork. */
void
core_spread_init(void)
{
	void		*p;

	p = mmap(NULL, SPREAD_SLOTS * sizeof(*spread), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fatal("spread: mmap: %s", errno_s);
	spread = p;
}

/* Each worker, once: keep its entry current while it is idle. */
void
core_spread_start(void)
{
	if (spread != NULL)
		kore_timer_add(spread_tick, SPREAD_TICK_MS, NULL, 0);
}

static void
spread_tick(void *unused, u_int64_t now)
{
	if (worker != NULL && worker->id < SPREAD_SLOTS)
		spread[worker->id] = worker_active_connections;
}

/* On every request: publish this worker's load, pass the lock on. */
void
core_spread_check(void)
{
	u_int32_t	 least, n;
	int		 id, last;

	if (spread == NULL || worker == NULL || worker->id >= SPREAD_SLOTS)
		return;

	spread[worker->id] = worker_active_connections;
	if (!worker->has_lock)
		return;

	last = worker_count - KORE_WORKER_BASE;
	least = worker_active_connections;
	for (id = 1; id <= last && id < SPREAD_SLOTS; id++) {
		n = spread[id];
		if (id != worker->id && n < least)
			least = n;
	}
	if (worker_active_connections > least + SPREAD_SLACK)
		kore_worker_make_busy();
}
