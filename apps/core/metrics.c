/*
 * Metrics in Prometheus' text format at GET /metrics.
 *
 * Each Kore worker counts its requests (by app and status class, and in
 * latency buckets) and folds them into one Redis hash every second, and
 * puts its gauges (requests in flight, open WebSockets, resident memory)
 * with the time in a second hash, under its own name; a reader ignores
 * (and removes) the gauges of workers that stopped reporting.  /metrics sums
 * what every worker of every instance reported, and adds the job
 * worker's queue depths and outcomes, which live in Redis already.  It
 * answers requests made on this machine directly (not through a proxy:
 * no X-Forwarded-For) and admins anywhere; everyone else gets 404.
 */

#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <sodium.h>

#include "core/core.h"

int	core_metrics_page(struct http_request *);

#define M_APPS		6
#define M_CLASSES	5
#define M_BUCKETS	12
#define M_FLUSH_MS	1000
/* EVAL, script, key count, 2 keys, n, the pairs, 3 gauges, and room. */
#define M_ARGS_MAX	(6 + 2 * (M_APPS * (M_CLASSES + M_BUCKETS + 2) + 1) + 8)

static const char *m_apps[M_APPS] = {
	"core", "blog", "chat", "photos", "admin", "media"
};
/* Upper bounds in milliseconds; the last bucket is +Inf. */
static const u_int64_t m_bounds[M_BUCKETS] = {
	1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000
};

struct m_counts {
	u_int64_t	req[M_APPS][M_CLASSES];
	u_int64_t	hist[M_APPS][M_BUCKETS + 1];
	u_int64_t	sum_ms[M_APPS];
	u_int64_t	pg_waits;
};

/* What this worker counted since its last flush. */
static struct m_counts	pending;
static int		inflight;
static int		websockets;
static char		self_name[17];

/* Gauges older than this (seconds) belong to workers that are gone. */
#define M_GAUGE_AGE	5

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
static int	m_allowed(struct http_request *, struct core_ctx *);
static void	m_counters(struct kore_buf *);
static void	m_gauges(struct kore_buf *);
static void	m_jobs(struct kore_buf *);

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

/* Count an answered request. */
void
core_metrics_request(const char *path, int status, u_int64_t ms)
{
	int		app, class, b;

	app = m_app(path);
	class = status >= 100 && status < 600 ? status / 100 - 1 : 4;
	pending.req[app][class]++;
	for (b = 0; b < M_BUCKETS && ms > m_bounds[b]; b++)
		;
	pending.hist[app][b]++;
	pending.sum_ms[app] += ms;
}

/* GET /metrics */
int
core_metrics_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if (!m_allowed(req, ctx))
		return (core_yield(core_error(req, 404, NULL)));

	m_flush(NULL, 0);
	kore_buf_init(&buf, 8192);
	m_counters(&buf);
	m_gauges(&buf);
	m_jobs(&buf);
	http_response_header(req, "content-type",
	    "text/plain; version=0.0.4; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 200, buf.data, buf.offset);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
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
			M_ARG("req|%s|%dxx", m_apps[a], c + 1);
			M_ARG("%llu", (unsigned long long)pending.req[a][c]);
			n++;
		}
		for (b = 0; b <= M_BUCKETS; b++) {
			if (pending.hist[a][b] == 0)
				continue;
			M_ARG("le|%s|%d", m_apps[a], b);
			M_ARG("%llu", (unsigned long long)pending.hist[a][b]);
			n++;
		}
		if (pending.sum_ms[a] != 0) {
			M_ARG("sum|%s", m_apps[a]);
			M_ARG("%llu", (unsigned long long)pending.sum_ms[a]);
			n++;
		}
	}
	if (pending.pg_waits != 0) {
		M_ARG("pgwait");
		M_ARG("%llu", (unsigned long long)pending.pg_waits);
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
		(void)snprintf(prefix, sizeof(prefix), "/%s", m_apps[a]);
		if (!strncmp(path, prefix, strlen(prefix)))
			return (a);
		(void)snprintf(prefix, sizeof(prefix), "/api/v1/%s",
		    m_apps[a]);
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

/* From this machine without a proxy in between, or an admin. */
static int
m_allowed(struct http_request *req, struct core_ctx *ctx)
{
	struct connection	*c = req->owner;
	const char		*fwd;
	const u_int8_t		*v6;
	static const u_int8_t	 loop6[16] = { [15] = 1 };

	if (ctx->user.role == CORE_ROLE_ADMIN)
		return (1);
	if (http_request_header(req, "x-forwarded-for", &fwd) ||
	    http_request_header(req, "x-real-ip", &fwd))
		return (0);

	if (c->family == AF_INET)
		return ((ntohl(c->addr.ipv4.sin_addr.s_addr) >> 24) == 127);
	if (c->family == AF_INET6) {
		v6 = c->addr.ipv6.sin6_addr.s6_addr;
		return (!memcmp(v6, loop6, sizeof(loop6)));
	}

	return (0);
}

static void
m_counters(struct kore_buf *buf)
{
	redisReply	*r;
	u_int64_t	 req[M_APPS][M_CLASSES], hist[M_APPS][M_BUCKETS + 1];
	u_int64_t	 sum[M_APPS], waits, v, cum, count;
	char		 field[32], *kind, *app, *rest;
	size_t		 i;
	int		 a, c, b, n;

	memset(req, 0, sizeof(req));
	memset(hist, 0, sizeof(hist));
	memset(sum, 0, sizeof(sum));
	waits = 0;
	r = core_redis_command("HGETALL agora:metrics");
	for (i = 0; r != NULL && i + 1 < r->elements; i += 2) {
		v = strtoull(r->element[i + 1]->str, NULL, 10);
		if (!strcmp(r->element[i]->str, "pgwait")) {
			waits = v;
			continue;
		}
		/* "req|APP|Nxx", "le|APP|BUCKET" or "sum|APP" */
		if (kore_strlcpy(field, r->element[i]->str, sizeof(field)) >=
		    sizeof(field))
			continue;
		kind = field;
		if ((app = strchr(kind, '|')) == NULL)
			continue;
		*app++ = '\0';
		if ((rest = strchr(app, '|')) != NULL)
			*rest++ = '\0';
		for (a = 0; a < M_APPS && strcmp(m_apps[a], app); a++)
			;
		if (a == M_APPS)
			continue;
		n = rest != NULL ? atoi(rest) : 0;
		if (!strcmp(kind, "req") && n >= 1 && n <= M_CLASSES)
			req[a][n - 1] = v;
		else if (!strcmp(kind, "le") && n >= 0 && n <= M_BUCKETS)
			hist[a][n] = v;
		else if (!strcmp(kind, "sum"))
			sum[a] = v;
	}
	core_redis_free(r);

	kore_buf_appendf(buf, "# HELP agora_http_requests_total HTTP requests "
	    "answered, by app and status class.\n"
	    "# TYPE agora_http_requests_total counter\n");
	for (a = 0; a < M_APPS; a++)
		for (c = 0; c < M_CLASSES; c++)
			kore_buf_appendf(buf, "agora_http_requests_total{app=\"%s\","
			    "code=\"%dxx\"} %llu\n", m_apps[a], c + 1,
			    (unsigned long long)req[a][c]);

	kore_buf_appendf(buf, "# HELP agora_http_request_duration_seconds Time "
	    "from a request's start to its answer.\n"
	    "# TYPE agora_http_request_duration_seconds histogram\n");
	for (a = 0; a < M_APPS; a++) {
		cum = 0;
		for (b = 0; b < M_BUCKETS; b++) {
			cum += hist[a][b];
			kore_buf_appendf(buf,
			    "agora_http_request_duration_seconds_bucket{app=\"%s\","
			    "le=\"%g\"} %llu\n", m_apps[a],
			    m_bounds[b] / 1000.0, (unsigned long long)cum);
		}
		count = cum + hist[a][M_BUCKETS];
		kore_buf_appendf(buf,
		    "agora_http_request_duration_seconds_bucket{app=\"%s\","
		    "le=\"+Inf\"} %llu\n"
		    "agora_http_request_duration_seconds_sum{app=\"%s\"} %g\n"
		    "agora_http_request_duration_seconds_count{app=\"%s\"} %llu\n",
		    m_apps[a], (unsigned long long)count, m_apps[a],
		    sum[a] / 1000.0, m_apps[a], (unsigned long long)count);
	}

	kore_buf_appendf(buf, "# HELP agora_pgsql_queue_waits_total Statements "
	    "that waited for a free PostgreSQL connection.\n"
	    "# TYPE agora_pgsql_queue_waits_total counter\n"
	    "agora_pgsql_queue_waits_total %llu\n", (unsigned long long)waits);
}

/*
 * Sums over the workers that reported in the last few seconds; those
 * that did not are forgotten.
 */
static void
m_gauges(struct kore_buf *buf)
{
	redisReply	*all, *now;
	long long	 flight, ws, rss, f, w, m, t, clock;
	size_t		 i;
	int		 workers;

	flight = ws = rss = 0;
	workers = 0;
	clock = 0;
	if ((now = core_redis_command("TIME")) != NULL) {
		if (now->elements == 2)
			clock = strtoll(now->element[0]->str, NULL, 10);
		core_redis_free(now);
	}
	all = core_redis_command("HGETALL agora:metrics:gauges");
	for (i = 0; all != NULL && i + 1 < all->elements; i += 2) {
		if (sscanf(all->element[i + 1]->str, "%lld %lld %lld %lld",
		    &f, &w, &m, &t) != 4 || clock - t > M_GAUGE_AGE) {
			core_redis_free(core_redis_command(
			    "HDEL agora:metrics:gauges %s",
			    all->element[i]->str));
			continue;
		}
		workers++;
		flight += f;
		ws += w;
		rss += m;
	}
	core_redis_free(all);

	kore_buf_appendf(buf,
	    "# HELP agora_http_requests_in_flight Requests being answered.\n"
	    "# TYPE agora_http_requests_in_flight gauge\n"
	    "agora_http_requests_in_flight %lld\n"
	    "# HELP agora_websockets_open Open chat WebSockets.\n"
	    "# TYPE agora_websockets_open gauge\n"
	    "agora_websockets_open %lld\n"
	    "# HELP agora_kore_workers Kore workers reporting.\n"
	    "# TYPE agora_kore_workers gauge\n"
	    "agora_kore_workers %d\n"
	    "# HELP agora_kore_resident_memory_bytes Resident memory of the "
	    "Kore workers.\n"
	    "# TYPE agora_kore_resident_memory_bytes gauge\n"
	    "agora_kore_resident_memory_bytes %lld\n", flight, ws, workers, rss);
}

/* The job queue, from what the job worker keeps in Redis. */
static void
m_jobs(struct kore_buf *buf)
{
	json_t		*o, *v;
	const char	*key;
	char		 type[64], *outcome;

	if ((o = core_jobs_overview()) == NULL)
		return;

	kore_buf_appendf(buf, "# HELP agora_jobs_queued Jobs ready to run, by "
	    "queue.\n# TYPE agora_jobs_queued gauge\n");
	json_object_foreach(json_object_get(o, "queues"), key, v)
		kore_buf_appendf(buf, "agora_jobs_queued{queue=\"%s\"} %lld\n",
		    key, (long long)json_integer_value(v));
	kore_buf_appendf(buf,
	    "# HELP agora_jobs_in_flight Jobs being run.\n"
	    "# TYPE agora_jobs_in_flight gauge\nagora_jobs_in_flight %lld\n"
	    "# HELP agora_jobs_scheduled Jobs waiting for their time.\n"
	    "# TYPE agora_jobs_scheduled gauge\nagora_jobs_scheduled %lld\n"
	    "# HELP agora_jobs_dead Jobs that failed for good.\n"
	    "# TYPE agora_jobs_dead gauge\nagora_jobs_dead %lld\n"
	    "# HELP agora_jobs_total Job attempts, by type and outcome.\n"
	    "# TYPE agora_jobs_total counter\n",
	    (long long)json_integer_value(json_object_get(o, "in_flight")),
	    (long long)json_integer_value(json_object_get(o, "scheduled")),
	    (long long)json_integer_value(json_object_get(o, "dead_count")));
	json_object_foreach(json_object_get(o, "counters"), key, v) {
		/* Counters are "<type>:<outcome>"; others are skipped. */
		if (strlen(key) >= sizeof(type) ||
		    (outcome = strchr(strcpy(type, key), ':')) == NULL)
			continue;
		*outcome++ = '\0';
		if (strspn(type, "abcdefghijklmnopqrstuvwxyz_") != strlen(type) ||
		    strspn(outcome, "abcdefghijklmnopqrstuvwxyz_") !=
		    strlen(outcome))
			continue;
		kore_buf_appendf(buf, "agora_jobs_total{type=\"%s\","
		    "outcome=\"%s\"} %lld\n", type, outcome,
		    (long long)json_integer_value(v));
	}
	json_decref(o);
}
