/*
 * queue_bench: end-to-end throughput of the job queue.
 *
 *   queue_bench <redis-socket> <jobs>
 *
 * Enqueues <jobs> noop jobs through the same Lua script the site uses
 * (pipelined, 1000 at a time), and reports how long it took until the
 * workers had acknowledged all of them (the noop:ok counter), i.e.
 * enqueue -> fetch -> run -> ack, with the workers already running.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "queue_lua.h"

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

static long long
done_count(redisContext *c)
{
	redisReply	*r;
	long long	 n;

	r = redisCommand(c, "HGET agora:stats noop:ok");
	n = (r != NULL && r->type == REDIS_REPLY_STRING) ?
	    strtoll(r->str, NULL, 10) : 0;
	if (r != NULL)
		freeReplyObject(r);

	return (n);
}

int
main(int argc, char **argv)
{
	redisContext	*c;
	redisReply	*r;
	char		 sha[41], id[32], payload[256];
	long long	 n, i, j, base, done;
	unsigned long long ms;
	double		 t0, t1, t2;

	if (argc != 3 || (n = strtoll(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: queue_bench redis-socket jobs\n");
		return (2);
	}

	if ((c = redisConnectUnix(argv[1])) == NULL || c->err) {
		fprintf(stderr, "queue_bench: cannot connect to redis\n");
		return (1);
	}

	r = redisCommand(c, "SCRIPT LOAD %s", QUEUE_LUA_ENQUEUE);
	if (r == NULL || r->type != REDIS_REPLY_STRING) {
		fprintf(stderr, "queue_bench: SCRIPT LOAD failed\n");
		return (1);
	}
	memcpy(sha, r->str, 41);
	freeReplyObject(r);

	base = done_count(c);
	t0 = now_s();
	for (i = 0; i < n; i += BATCH) {
		for (j = i; j < i + BATCH && j < n; j++) {
			ms = now_ms();
			snprintf(id, sizeof(id), "b%d-%lld", (int)getpid(), j);
			snprintf(payload, sizeof(payload),
			    "{\"id\":\"%s\",\"type\":\"noop\",\"queue\":"
			    "\"default\",\"args\":{},\"run_at\":%llu,"
			    "\"enqueued_at\":%llu}", id, ms, ms);
			redisAppendCommand(c, "EVALSHA %s 0 %s %s 1 %llu %llu noop",
			    sha, id, payload, ms, ms);
		}
		for (j = i; j < i + BATCH && j < n; j++) {
			if (redisGetReply(c, (void **)&r) != REDIS_OK) {
				fprintf(stderr, "queue_bench: redis error\n");
				return (1);
			}
			freeReplyObject(r);
		}
	}
	t1 = now_s();

	do {
		usleep(2000);
		done = done_count(c) - base;
	} while (done < n && now_s() - t0 < 600);
	t2 = now_s();

	printf("jobs %lld  enqueue %.3f s (%.0f/s)  end-to-end %.3f s "
	    "(%.0f jobs/s)\n", n, t1 - t0, n / (t1 - t0), t2 - t0,
	    done / (t2 - t0));
	redisFree(c);

	return (done < n);
}
