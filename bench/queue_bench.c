/*
 * queue_bench: end-to-end throughput of the job queue, and what it costs
 * Redis.
 *
 *   queue_bench <redis-socket> <jobs> [one|bulk]
 *
 * Enqueues <jobs> noop jobs through the site's own Lua scripts, and
 * reports how long it took until the workers had acknowledged all of
 * them (the noop:ok counter), i.e. enqueue -> fetch -> run -> ack, with
 * the workers already running.  "one" (the default) calls the one-job
 * enqueue script per job, pipelined 1000 deep; "bulk" calls the bulk
 * script (the outbox relay's and a backfill's path) with 1000 jobs a
 * call.  Redis commands per job come from Redis's own counters (INFO
 * commandstats, which count the commands scripts run as well), before
 * and after, less this program's own polling: machine-independent.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "../lib/queue_lua.h"

#define BATCH	1000

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static unsigned long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static long long	polls;

static long long
done_count(redisContext *c)
{
	redisReply	*r;
	long long	 n;

	polls++;
	r = redisCommand(c, "HGET agora:stats noop:ok");
	n = (r != NULL && r->type == REDIS_REPLY_STRING) ?
	    strtoll(r->str, NULL, 10) : 0;
	if (r != NULL)
		freeReplyObject(r);

	return (n);
}

/* Every command Redis ran so far but INFO itself (commandstats calls=). */
static long long
commands(redisContext *c)
{
	redisReply	*r;
	const char	*p;
	long long	 n;

	if ((r = redisCommand(c, "INFO commandstats")) == NULL ||
	    r->type != REDIS_REPLY_STRING) {
		if (r != NULL)
			freeReplyObject(r);
		return (0);
	}
	n = 0;
	for (p = r->str; (p = strstr(p, "cmdstat_")) != NULL; p++) {
		if (!strncmp(p, "cmdstat_info:", 13))
			continue;
		if ((p = strstr(p, "calls=")) == NULL)
			break;
		n += strtoll(p + 6, NULL, 10);
	}
	freeReplyObject(r);

	return (n);
}

static void
payload(char *buf, size_t len, const char *id, unsigned long long ms)
{
	snprintf(buf, len, "{\"id\":\"%s\",\"type\":\"noop\",\"queue\":"
	    "\"default\",\"args\":{},\"run_at\":%llu,\"enqueued_at\":%llu}",
	    id, ms, ms);
}

int
main(int argc, char **argv)
{
	redisContext	*c;
	redisReply	*r;
	const char	**av;
	char		 sha[41], id[32], body[256], now[24], *text;
	long long	 n, i, j, base, done, c0, c1;
	unsigned long long ms;
	double		 t0, t1, t2;
	int		 bulk, k;

	if (argc < 3 || argc > 4 || (n = strtoll(argv[2], NULL, 10)) <= 0 ||
	    (argc == 4 && strcmp(argv[3], "one") && strcmp(argv[3], "bulk"))) {
		fprintf(stderr, "usage: queue_bench redis-socket jobs "
		    "[one|bulk]\n");
		return (2);
	}
	bulk = (argc == 4 && !strcmp(argv[3], "bulk"));

	if ((c = redisConnectUnix(argv[1])) == NULL || c->err) {
		fprintf(stderr, "queue_bench: cannot connect to redis\n");
		return (1);
	}

	r = redisCommand(c, "SCRIPT LOAD %s", bulk ? QUEUE_LUA_ENQUEUE_MANY :
	    QUEUE_LUA_ENQUEUE);
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		fprintf(stderr, "queue_bench: SCRIPT LOAD failed\n");
		return (1);
	}
	memcpy(sha, r->str, 41);
	freeReplyObject(r);

	/* Per call of the bulk script: id, payload, prio, run_at a job. */
	if ((av = calloc(4 + 4 * BATCH, sizeof(*av))) == NULL ||
	    (text = calloc(BATCH, 256)) == NULL)
		return (1);

	base = done_count(c);
	c0 = commands(c);
	t0 = now_s();
	for (i = 0; i < n; i += BATCH) {
		if (bulk) {
			ms = now_ms();
			snprintf(now, sizeof(now), "%llu", ms);
			av[0] = "EVALSHA";
			av[1] = sha;
			av[2] = "0";
			av[3] = now;
			k = 4;
			for (j = i; j < i + BATCH && j < n; j++) {
				char	*t = text + (j - i) * 256;

				snprintf(t, 32, "b%d-%lld", (int)getpid(), j);
				payload(t + 32, 224, t, ms);
				av[k++] = t;
				av[k++] = t + 32;
				av[k++] = "1";
				av[k++] = now;
			}
			redisAppendCommandArgv(c, k, av, NULL);
			continue;
		}
		for (j = i; j < i + BATCH && j < n; j++) {
			ms = now_ms();
			snprintf(id, sizeof(id), "b%d-%lld", (int)getpid(), j);
			payload(body, sizeof(body), id, ms);
			redisAppendCommand(c,
			    "EVALSHA %s 0 %s %s 1 %llu %llu noop",
			    sha, id, body, ms, ms);
		}
		for (j = i; j < i + BATCH && j < n; j++) {
			if (redisGetReply(c, (void **)&r) != REDIS_OK) {
				fprintf(stderr, "queue_bench: redis error\n");
				return (1);
			}
			freeReplyObject(r);
		}
	}
	/* The bulk calls were all sent at once; now their replies. */
	for (i = 0; bulk && i < n; i += BATCH) {
		if (redisGetReply(c, (void **)&r) != REDIS_OK ||
		    r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "queue_bench: redis error\n");
			return (1);
		}
		freeReplyObject(r);
	}
	t1 = now_s();

	do {
		usleep(2000);
		done = done_count(c) - base;
	} while (done < n && now_s() - t0 < 600);
	t2 = now_s();
	c1 = commands(c);

	printf("jobs %lld (%s)  enqueue %.3f s (%.0f/s)  end-to-end %.3f s "
	    "(%.0f jobs/s)  redis commands/job %.2f\n", n,
	    bulk ? "bulk" : "one by one", t1 - t0, n / (t1 - t0), t2 - t0,
	    done / (t2 - t0), (double)(c1 - c0 - (polls - 1)) / n);
	free(av);
	free(text);
	redisFree(c);

	return (done < n);
}
