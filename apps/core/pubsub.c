/*
 * Live events between the site's processes: each Kore worker keeps one
 * Redis connection subscribed to the channels its apps asked for, read
 * from the worker's own event loop, and hands every message to the
 * app's handler (publishing is in publish.c).  Every worker of every
 * instance sees every event, whichever process published it.  When
 * Redis goes away the subscriber reconnects every second and subscribes
 * again.
 */

#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "core/core.h"

#define PUBSUB_CHANNELS		8
#define PUBSUB_RETRY_MS		1000
#define PUBSUB_TIMEOUT_MS	200

struct pubsub_channel {
	char		 name[64];
	void		(*handler)(const char *, size_t);
};

struct pubsub {
	struct kore_event	 evt;		/* first: Kore's event loop */
	redisContext		*ctx;
	int			 retrying;
};

static struct pubsub		 sub;
static u_int64_t		 epoch = 1;	/* connects and drops */
static struct pubsub_channel	 channels[PUBSUB_CHANNELS];
static int			 nchannels;

static void	pubsub_connect(void *, u_int64_t);
static void	pubsub_handle(void *, int);
static void	pubsub_drop(void);
static void	pubsub_flush(void);
static void	pubsub_dispatch(redisReply *);

/*
 * Call `handler` with every message published on `channel` from now on.
 * Once per channel and worker; later calls for the channel do nothing.
 * Returns 0, or -1 when there is no room for another channel.
 */
int
core_pubsub_listen(const char *channel, void (*handler)(const char *, size_t))
{
	int		i;

	for (i = 0; i < nchannels; i++) {
		if (!strcmp(channels[i].name, channel))
			return (0);
	}
	if (nchannels == PUBSUB_CHANNELS ||
	    strlen(channel) >= sizeof(channels[0].name))
		return (-1);

	(void)kore_strlcpy(channels[nchannels].name, channel,
	    sizeof(channels[0].name));
	channels[nchannels].handler = handler;
	nchannels++;

	if (sub.ctx != NULL) {
		/* The confirmation arrives through pubsub_handle. */
		if (redisAppendCommand(sub.ctx, "SUBSCRIBE %s", channel) !=
		    REDIS_OK)
			pubsub_drop();
		else
			pubsub_flush();
	} else if (!sub.retrying) {
		pubsub_connect(NULL, 0);
	}

	return (0);
}

/*
 * Handle whatever the subscriber has already received, now, rather
 * than when the event loop comes to it: a cache about to trust what it
 * remembers reads the revocations first (credcache.c).
 */
void
core_pubsub_poll(void)
{
	struct pollfd	pfd;

	if (sub.ctx == NULL || sub.ctx->fd < 0)
		return;
	pfd.fd = sub.ctx->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 1)
		pubsub_handle(&sub, 0);
}

/*
 * Changes whenever the subscriber connects or loses its connection:
 * events published in between may never have arrived.
 */
u_int64_t
core_pubsub_epoch(void)
{
	return (epoch);
}

/* Write out what redisAppendCommand queued (a few bytes). */
static void
pubsub_flush(void)
{
	int		done;

	done = 0;
	while (sub.ctx != NULL && !done) {
		if (redisBufferWrite(sub.ctx, &done) != REDIS_OK)
			pubsub_drop();
	}
}

static void
pubsub_connect(void *unused, u_int64_t now)
{
	struct timeval	 tv;
	redisReply	*r;
	int		 i, flags;

	sub.retrying = 0;
	if (sub.ctx != NULL || nchannels == 0)
		return;

	tv.tv_sec = 0;
	tv.tv_usec = PUBSUB_TIMEOUT_MS * 1000;
	if (core_cfg.redis_path != NULL)
		sub.ctx = redisConnectUnixWithTimeout(core_cfg.redis_path, tv);
	else
		sub.ctx = redisConnectWithTimeout(core_cfg.redis_host,
		    core_cfg.redis_port, tv);
	if (sub.ctx == NULL || sub.ctx->err) {
		pubsub_drop();
		return;
	}

	for (i = 0; i < nchannels; i++) {
		r = redisCommand(sub.ctx, "SUBSCRIBE %s", channels[i].name);
		if (r == NULL) {
			pubsub_drop();
			return;
		}
		freeReplyObject(r);
	}

	/*
	 * From here on it is read when readable, by the event loop or by
	 * core_pubsub_poll(), which can take what the loop was told of:
	 * a read must never wait.
	 */
	if ((flags = fcntl(sub.ctx->fd, F_GETFL)) == -1 ||
	    fcntl(sub.ctx->fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		pubsub_drop();
		return;
	}
	sub.ctx->flags &= ~REDIS_BLOCK;

	sub.evt.type = 0;		/* none of Kore's own */
	sub.evt.flags = 0;
	sub.evt.handle = pubsub_handle;
	kore_platform_event_level_read(sub.ctx->fd, &sub);
	epoch++;
	kore_log(LOG_INFO, "pubsub: listening on %d channel(s)", nchannels);
}

static void
pubsub_handle(void *arg, int error)
{
	redisReply	*r;
	void		*reply;

	if (error) {
		pubsub_drop();
		return;
	}

	sub.evt.flags &= ~KORE_EVENT_READ;
	/* Level-triggered and readable: one read never blocks. */
	if (redisBufferRead(sub.ctx) != REDIS_OK) {
		pubsub_drop();
		return;
	}

	for (;;) {
		reply = NULL;
		if (redisGetReplyFromReader(sub.ctx, &reply) != REDIS_OK) {
			pubsub_drop();
			return;
		}
		if (reply == NULL)
			break;
		r = reply;
		pubsub_dispatch(r);
		freeReplyObject(r);
	}
}

/* ["message", channel, payload] goes to the channel's handler. */
static void
pubsub_dispatch(redisReply *r)
{
	int		i;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    strcmp(r->element[0]->str, "message") ||
	    r->element[1]->type != REDIS_REPLY_STRING ||
	    r->element[2]->type != REDIS_REPLY_STRING)
		return;

	for (i = 0; i < nchannels; i++) {
		if (!strcmp(channels[i].name, r->element[1]->str)) {
			channels[i].handler(r->element[2]->str,
			    r->element[2]->len);
			return;
		}
	}
}

/* Forget the connection and try again in a second. */
static void
pubsub_drop(void)
{
	if (sub.ctx != NULL) {
		if (sub.ctx->fd >= 0)
			kore_platform_disable_read(sub.ctx->fd);
		kore_log(LOG_NOTICE, "pubsub: redis: %s",
		    sub.ctx->err ? sub.ctx->errstr : "connection lost");
		redisFree(sub.ctx);
		sub.ctx = NULL;
		epoch++;
	}
	if (!sub.retrying) {
		sub.retrying = 1;
		kore_timer_add(pubsub_connect, PUBSUB_RETRY_MS, NULL,
		    KORE_TIMER_ONESHOT);
	}
}
