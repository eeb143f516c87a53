/*
 * Metrics in Prometheus' text format at GET /metrics: the counters every
 * Kore worker folds into Redis (metrics.c), read back and summed, the
 * gauges of the workers still reporting, and the job worker's queue.
 */

#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "core/core.h"
#include "core/metrics.h"

/* Gauges older than this (seconds) belong to workers that are gone. */
#define M_GAUGE_AGE	5

/* What every worker reported, summed in agora:metrics. */
struct m_totals {
	u_int64_t	req[M_APPS][M_CLASSES];
	u_int64_t	hist[M_APPS][M_BUCKETS + 1];
	u_int64_t	sum[M_APPS];
	u_int64_t	waits;
	u_int64_t	cred[2];	/* credential cache misses, hits */
	u_int64_t	overloads;
};

static int	m_allowed(struct http_request *, struct core_ctx *);
static void	m_counters_read(struct m_totals *);
static void	m_counters_write(struct kore_buf *, const struct m_totals *);
static void	m_gauges(struct kore_buf *);
static void	m_jobs(struct kore_buf *);

/*
 * GET /metrics.  It answers requests made on this machine directly (not
 * through a proxy: no X-Forwarded-For) and admins anywhere; everyone
 * else gets 404.
 */
CORE_HANDLER(core_metrics_page)
{
	struct kore_buf		buf;
	struct m_totals		totals;

	if (!m_allowed(req, ctx))
		return (core_error(req, 404, NULL));

	core_metrics_flush();
	kore_buf_init(&buf, 8192);
	m_counters_read(&totals);
	m_counters_write(&buf, &totals);
	m_gauges(&buf);
	m_jobs(&buf);
	http_response_header(req, "content-type",
	    "text/plain; version=0.0.4; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 200, buf.data, buf.offset);
	kore_buf_cleanup(&buf);

	return (CORE_DONE);
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
m_counters_read(struct m_totals *t)
{
	redisReply	*r;
	u_int64_t	 v;
	char		 field[32], *kind, *app, *rest;
	size_t		 i;
	int		 a, n;

	memset(t, 0, sizeof(*t));
	r = core_redis_command("HGETALL agora:metrics");
	for (i = 0; r != NULL && i + 1 < r->elements; i += 2) {
		v = strtoull(r->element[i + 1]->str, NULL, 10);
		if (!strcmp(r->element[i]->str, "pgwait")) {
			t->waits = v;
			continue;
		}
		if (!strcmp(r->element[i]->str, "overload")) {
			t->overloads = v;
			continue;
		}
		if (!strcmp(r->element[i]->str, "credhit") ||
		    !strcmp(r->element[i]->str, "credmiss")) {
			t->cred[r->element[i]->str[4] == 'h'] = v;
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
		for (a = 0; a < M_APPS &&
		    strcmp(core_metrics_apps[a], app); a++)
			;
		if (a == M_APPS)
			continue;
		n = rest != NULL ? atoi(rest) : 0;
		if (!strcmp(kind, "req") && n >= 1 && n <= M_CLASSES)
			t->req[a][n - 1] = v;
		else if (!strcmp(kind, "le") && n >= 0 && n <= M_BUCKETS)
			t->hist[a][n] = v;
		else if (!strcmp(kind, "sum"))
			t->sum[a] = v;
	}
	core_redis_free(r);

}

static void
m_counters_write(struct kore_buf *buf, const struct m_totals *t)
{
	u_int64_t	 cum, count;
	int		 a, c, b;

	kore_buf_appendf(buf, "# HELP agora_http_requests_total HTTP requests "
	    "answered, by app and status class.\n"
	    "# TYPE agora_http_requests_total counter\n");
	for (a = 0; a < M_APPS; a++)
		for (c = 0; c < M_CLASSES; c++)
			kore_buf_appendf(buf, "agora_http_requests_total{app=\"%s\","
			    "code=\"%dxx\"} %llu\n", core_metrics_apps[a],
			    c + 1, (unsigned long long)t->req[a][c]);

	kore_buf_appendf(buf, "# HELP agora_http_request_duration_seconds Time "
	    "from a request's start to its answer.\n"
	    "# TYPE agora_http_request_duration_seconds histogram\n");
	for (a = 0; a < M_APPS; a++) {
		cum = 0;
		for (b = 0; b < M_BUCKETS; b++) {
			cum += t->hist[a][b];
			kore_buf_appendf(buf,
			    "agora_http_request_duration_seconds_bucket{app=\"%s\","
			    "le=\"%g\"} %llu\n", core_metrics_apps[a],
			    core_metrics_bounds[b] / 1000.0,
			    (unsigned long long)cum);
		}
		count = cum + t->hist[a][M_BUCKETS];
		kore_buf_appendf(buf,
		    "agora_http_request_duration_seconds_bucket{app=\"%s\","
		    "le=\"+Inf\"} %llu\n"
		    "agora_http_request_duration_seconds_sum{app=\"%s\"} %g\n"
		    "agora_http_request_duration_seconds_count{app=\"%s\"} %llu\n",
		    core_metrics_apps[a], (unsigned long long)count,
		    core_metrics_apps[a], t->sum[a] / 1000.0,
		    core_metrics_apps[a], (unsigned long long)count);
	}

	kore_buf_appendf(buf, "# HELP agora_pgsql_queue_waits_total Statements "
	    "that waited for a free PostgreSQL connection.\n"
	    "# TYPE agora_pgsql_queue_waits_total counter\n"
	    "agora_pgsql_queue_waits_total %llu\n", (unsigned long long)t->waits);
	kore_buf_appendf(buf, "# HELP agora_pgsql_overload_total Statements "
	    "refused because every connection was busy and the queue was "
	    "full (answered 503 with Retry-After).\n"
	    "# TYPE agora_pgsql_overload_total counter\n"
	    "agora_pgsql_overload_total %llu\n",
	    (unsigned long long)t->overloads);
	kore_buf_appendf(buf, "# HELP agora_credential_cache_total Signed-in "
	    "requests whose credential came from the cache (hit) or from "
	    "PostgreSQL (miss).\n"
	    "# TYPE agora_credential_cache_total counter\n"
	    "agora_credential_cache_total{result=\"hit\"} %llu\n"
	    "agora_credential_cache_total{result=\"miss\"} %llu\n",
	    (unsigned long long)t->cred[1], (unsigned long long)t->cred[0]);
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
