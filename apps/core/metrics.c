/*
 * The counters behind GET /metrics (metrics_page.c).
 *
 * Each Kore worker counts its requests (by app and status class, and in
 * latency buckets) and folds them into one Redis hash every second, and
 * puts its gauges (requests in flight, open WebSockets, resident memory)
 * with the time in a second hash, under its own name; a reader ignores
 * (and removes) the gauges of workers that stopped reporting.  /metrics sums
 * what every worker of every instance reported, and adds the job
 * worker's queue depths and outcomes, which live in Redis already
 * (metrics_page.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <sodium.h>

#include "core/core.h"
#include "core/metrics.h"

#define M_FLUSH_MS	1000
/* EVAL, script, key count, 2 keys, n, the pairs, 3 gauges, and room. */
#define M_ARGS_MAX	(6 + 2 * (M_APPS * (M_CLASSES + M_BUCKETS + 2) + 1) + 8)

const char *const core_metrics_apps[M_APPS] = {
	"core", "blog", "chat", "photos", "admin", "media"
};
/* Upper bounds in milliseconds; the last bucket is +Inf. */
const u_int64_t core_metrics_bounds[M_BUCKETS] = {
	1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000
};

struct m_counts {
	u_int64_t	req[M_APPS][M_CLASSES];
	u_int64_t	hist[M_APPS][M_BUCKETS + 1];
	u_int64_t	sum_ms[M_APPS];
	u_int64_t	pg_waits;
	u_int64_t	cred[2];	/* credential cache misses, hits */
	u_int64_t	overloads;
};

/* What this worker counted since its last flush. */
static struct m_counts	pending;
static int		inflight;
static int		websockets;
static char		self_name[17];

/*
 * Fold the counts into agora:metrics (HINCRBY) and set this worker's
 * gauges in agora:metrics:gauges with Redis' clock, in one script call.
 * KEYS: the two hashes; ARGV: n, then n field/delta pairs, then this
 * worker's name and "inflight websockets rss".
 */
static const char m_lua[] =
	"local n = tonumber(ARGV[1])\n"
	"for i = 2, 2 * n, 2 do\n"
	"  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])\n"
	"end\n"
	"redis.call('HSET', KEYS[2], ARGV[2 * n + 2],"
	" ARGV[2 * n + 3] .. ' ' .. redis.call('TIME')[1])\n"
	"return n\n";

static void	m_flush(void *, u_int64_t);
static int	m_app(const char *);
static u_int64_t m_rss(void);

/* Per worker, after the sandbox: a name for its gauges, the timer. */
void
core_metrics_start(void)
{
	u_int8_t	id[8];

	randombytes_buf(id, sizeof(id));
	core_hex(id, sizeof(id), self_name);
	kore_timer_add(m_flush, M_FLUSH_MS, NULL, 0);
}

/* A request began (+1) or ended (-1). */
void
core_metrics_inflight(int delta)
{
	inflight += delta;
}

void
core_metrics_websockets(int delta)
{
	websockets += delta;
}

/* A statement waited for a free PostgreSQL connection. */
void
core_metrics_pg_wait(void)
{
	pending.pg_waits++;
}

/* A statement was refused: the queue for a connection was full. */
void
core_metrics_overload(void)
{
	pending.overloads++;
}

/* A credential was found in the cache (hit 1) or had to be looked up. */
void
core_metrics_cred(int hit)
{
	pending.cred[hit != 0]++;
}

/* Count an answered request. */
void
core_metrics_request(const char *path, int status, u_int64_t ms)
{
	int		app, class, b;

	app = m_app(path);
	class = status >= 100 && status < 600 ? status / 100 - 1 : 4;
	pending.req[app][class]++;
	for (b = 0; b < M_BUCKETS && ms > core_metrics_bounds[b]; b++)
		;
	pending.hist[app][b]++;
	pending.sum_ms[app] += ms;
}

/* Fold what this worker counted into Redis now (the page reads it). */
void
core_metrics_flush(void)
{
	m_flush(NULL, 0);
}

static void
m_flush(void *unused, u_int64_t now)
{
	const char	**argv;
	size_t		 *lens;
	char		**owned;
	redisReply	 *r;
	int		  argc, n, a, c, b, i;

	if (self_name[0] == '\0')
		return;

	/* At most every counter, as field/value pairs, plus the rest. */
	argc = 0;
	argv = kore_calloc(M_ARGS_MAX, sizeof(*argv));
	lens = kore_calloc(M_ARGS_MAX, sizeof(*lens));
	owned = kore_calloc(M_ARGS_MAX, sizeof(*owned));

#define M_ARG(...) do {							\
	owned[argc] = kore_malloc(64);					\
	(void)snprintf(owned[argc], 64, __VA_ARGS__);			\
	argv[argc] = owned[argc];					\
	lens[argc] = strlen(owned[argc]);				\
	argc++;								\
} while (0)

	argv[argc] = "EVAL";
	lens[argc++] = 4;
	argv[argc] = m_lua;
	lens[argc++] = sizeof(m_lua) - 1;
	argv[argc] = "2";
	lens[argc++] = 1;
	argv[argc] = "agora:metrics";
	lens[argc++] = strlen("agora:metrics");
	argv[argc] = "agora:metrics:gauges";
	lens[argc++] = strlen("agora:metrics:gauges");
	M_ARG("0");			/* n, set below */
	n = 0;
	for (a = 0; a < M_APPS; a++) {
		for (c = 0; c < M_CLASSES; c++) {
			if (pending.req[a][c] == 0)
				continue;
			M_ARG("req|%s|%dxx", core_metrics_apps[a], c + 1);
			M_ARG("%llu", (unsigned long long)pending.req[a][c]);
			n++;
		}
		for (b = 0; b <= M_BUCKETS; b++) {
			if (pending.hist[a][b] == 0)
				continue;
			M_ARG("le|%s|%d", core_metrics_apps[a], b);
			M_ARG("%llu", (unsigned long long)pending.hist[a][b]);
			n++;
		}
		if (pending.sum_ms[a] != 0) {
			M_ARG("sum|%s", core_metrics_apps[a]);
			M_ARG("%llu", (unsigned long long)pending.sum_ms[a]);
			n++;
		}
	}
	if (pending.pg_waits != 0) {
		M_ARG("pgwait");
		M_ARG("%llu", (unsigned long long)pending.pg_waits);
		n++;
	}
	if (pending.overloads != 0) {
		M_ARG("overload");
		M_ARG("%llu", (unsigned long long)pending.overloads);
		n++;
	}
	for (i = 0; i < 2; i++) {
		if (pending.cred[i] == 0)
			continue;
		M_ARG("%s", i ? "credhit" : "credmiss");
		M_ARG("%llu", (unsigned long long)pending.cred[i]);
		n++;
	}
	(void)snprintf(owned[5], 64, "%d", n);
	lens[5] = strlen(owned[5]);
	M_ARG("%s", self_name);
	M_ARG("%d %d %llu", inflight, websockets,
	    (unsigned long long)m_rss());
#undef M_ARG

	r = core_redis_argv(argc, argv, lens);
	if (r != NULL) {
		memset(&pending, 0, sizeof(pending));
		core_redis_free(r);
	}
	for (i = 0; i < argc; i++)
		kore_free(owned[i]);
	kore_free(owned);
	kore_free(lens);
	kore_free(argv);
}

/* Which app a path belongs to. */
static int
m_app(const char *path)
{
	int		a;
	char		prefix[32];

	if (!strncmp(path, "/media/", 7))
		return (5);
	for (a = 1; a < M_APPS - 1; a++) {
		(void)snprintf(prefix, sizeof(prefix), "/%s",
		    core_metrics_apps[a]);
		if (!strncmp(path, prefix, strlen(prefix)))
			return (a);
		(void)snprintf(prefix, sizeof(prefix), "/api/v1/%s",
		    core_metrics_apps[a]);
		if (!strncmp(path, prefix, strlen(prefix)))
			return (a);
	}

	return (0);
}

/* Resident memory of this process, in bytes (0 when unknown). */
static u_int64_t
m_rss(void)
{
	FILE			*fp;
	unsigned long long	 size, rss;

	if ((fp = fopen("/proc/self/statm", "r")) == NULL)
		return (0);
	if (fscanf(fp, "%llu %llu", &size, &rss) != 2)
		rss = 0;
	(void)fclose(fp);

	return (rss * (u_int64_t)sysconf(_SC_PAGESIZE));
}

