/*
 * The worker's Redis connection for short commands (login throttling,
 * job pushes).  Unix socket or loopback, with a 50 ms connect and command
 * timeout so that a stuck Redis costs a request at most that; a broken
 * connection is dropped and reopened on the next command, at most once
 * a second.  Redis being down never fails a request by itself: callers
 * treat a NULL reply as "no answer" and carry on.
 */

#include <stdarg.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "core/core.h"

#define REDIS_TIMEOUT_MS	50
#define REDIS_RETRY_MS		1000

static redisContext	*redis_ctx;
static u_int64_t	 redis_next_try;

static redisContext	*redis_get(void);
static void		*redis_reply(redisContext *, void *);

/*
 * Run one command (hiredis format string, %s and %b are binary safe).
 * Returns the reply, to be released with core_redis_free(), or NULL when
 * Redis is unreachable or answered with an error.
 */
void *
core_redis_command(const char *fmt, ...)
{
	redisContext	*c;
	va_list		 ap;
	void		*reply;

	if ((c = redis_get()) == NULL)
		return (NULL);

	va_start(ap, fmt);
	reply = redisvCommand(c, fmt, ap);
	va_end(ap);

	return (redis_reply(c, reply));
}

/* One command from `argc` arguments of the given lengths; as above. */
void *
core_redis_argv(int argc, const char **argv, const size_t *lens)
{
	redisContext	*c;

	if ((c = redis_get()) == NULL)
		return (NULL);

	return (redis_reply(c, redisCommandArgv(c, argc, argv, lens)));
}

/*
 * A command's reply, or NULL: an error reply is logged and freed; no
 * reply at all drops the connection, to be tried again in a second.
 */
static void *
redis_reply(redisContext *c, void *reply)
{
	redisReply	*r = reply;

	if (r == NULL) {
		kore_log(LOG_NOTICE, "redis: %s", c->errstr);
		redisFree(redis_ctx);
		redis_ctx = NULL;
		redis_next_try = kore_time_ms() + REDIS_RETRY_MS;
		return (NULL);
	}

	if (r->type == REDIS_REPLY_ERROR) {
		kore_log(LOG_NOTICE, "redis: %s", r->str);
		freeReplyObject(r);
		return (NULL);
	}

	return (r);
}

void
core_redis_free(void *reply)
{
	if (reply != NULL)
		freeReplyObject(reply);
}

static redisContext *
redis_get(void)
{
	struct timeval	tv;

	if (redis_ctx != NULL)
		return (redis_ctx);

	if (kore_time_ms() < redis_next_try)
		return (NULL);

	tv.tv_sec = 0;
	tv.tv_usec = REDIS_TIMEOUT_MS * 1000;

	if (core_cfg.redis_path != NULL)
		redis_ctx = redisConnectUnixWithTimeout(core_cfg.redis_path, tv);
	else
		redis_ctx = redisConnectWithTimeout(core_cfg.redis_host,
		    core_cfg.redis_port, tv);

	if (redis_ctx == NULL || redis_ctx->err) {
		kore_log(LOG_NOTICE, "redis: connect: %s",
		    redis_ctx != NULL ? redis_ctx->errstr : "out of memory");
		if (redis_ctx != NULL)
			redisFree(redis_ctx);
		redis_ctx = NULL;
		redis_next_try = kore_time_ms() + REDIS_RETRY_MS;
		return (NULL);
	}

	if (redisSetTimeout(redis_ctx, tv) != REDIS_OK) {
		redisFree(redis_ctx);
		redis_ctx = NULL;
		redis_next_try = kore_time_ms() + REDIS_RETRY_MS;
		return (NULL);
	}

	return (redis_ctx);
}
