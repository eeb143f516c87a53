/*
 * Live events between the site's processes: each Kore worker keeps one
 * Redis connection subscribed to the channels its apps asked for, read
 * from the worker's own event loop, and hands every message to the
 * app's handler (publishing is in publish.c).  Every worker of every
 * instance sees every event, whichever process published it.  When
 * Redis goes away the subscriber reconnects every second and subscribes
 * again.  A channel counts as listened to only once Redis has confirmed
 * it; one added later that is not confirmed within PUBSUB_CONFIRM_MS
 * makes the subscriber start over, so no worker goes on believing it
 * hears a channel it does not.
 */

#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "core/core.h"

#define PUBSUB_CHANNELS		8
#define PUBSUB_RETRY_MS		1000
#define PUBSUB_TIMEOUT_MS	200
#define PUBSUB_CONFIRM_MS	1000
#define PUBSUB_REPLIES_MAX	1024	/* read while subscribing */

struct pubsub_channel {
	char		 name[64];
	void		(*handler)(const char *, size_t);
	int		 confirmed;	/* by Redis, on this connection */
};

struct pubsub {
	struct kore_event	 evt;		/* first: Kore's event loop */
	redisContext		*ctx;
	int			 retrying;
	int			 checking;	/* a confirmation timer is armed */
};

static struct pubsub		 sub;
static u_int64_t		 epoch = 1;	/* connects and drops */
static struct pubsub_channel	 channels[PUBSUB_CHANNELS];
static int			 nchannels;

static void	pubsub_connect(void *, u_int64_t);
static int	pubsub_subscribe_all(void);
static void	pubsub_check(void *, u_int64_t);
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
	channels[nchannels].confirmed = 0;
	nchannels++;

	if (sub.ctx != NULL) {
		/* The confirmation arrives through pubsub_handle. */
		if (redisAppendCommand(sub.ctx, "SUBSCRIBE %s", channel) !=
		    REDIS_OK) {
			pubsub_drop();
		} else {
			pubsub_flush();
			if (sub.ctx != NULL && !sub.checking) {
				sub.checking = 1;
				kore_timer_add(pubsub_check, PUBSUB_CONFIRM_MS,
				    NULL, KORE_TIMER_ONESHOT);
			}
		}
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
	int		 flags;

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

	if (pubsub_subscribe_all() == -1) {
		pubsub_drop();
		return;
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

/*
 * On a new connection, still blocking: SUBSCRIBE to every channel and
 * wait until Redis has confirmed each one.  A message that arrives in
 * between (a channel confirmed first is live) is handed on, not taken
 * for a confirmation.  All the commands go out before the first read:
 * redisGetReply() hands back a reply it already holds without writing
 * what is queued, so one SUBSCRIBE per redisCommand() could leave the
 * next one unsent behind a message that came with a confirmation.
 * Returns 0, or -1 when the connection is no good.
 */
static int
pubsub_subscribe_all(void)
{
	void		*reply;
	int		 i, left, n;

	for (i = 0; i < nchannels; i++) {
		channels[i].confirmed = 0;
		if (redisAppendCommand(sub.ctx, "SUBSCRIBE %s",
		    channels[i].name) != REDIS_OK)
			return (-1);
	}

	for (n = 0; n < PUBSUB_REPLIES_MAX; n++) {
		for (left = 0, i = 0; i < nchannels; i++)
			left += !channels[i].confirmed;
		if (left == 0)
			return (0);
		if (redisGetReply(sub.ctx, &reply) != REDIS_OK)
			return (-1);
		if (((redisReply *)reply)->type == REDIS_REPLY_ERROR) {
			kore_log(LOG_NOTICE, "pubsub: redis: %s",
			    ((redisReply *)reply)->str);
			freeReplyObject(reply);
			return (-1);
		}
		pubsub_dispatch(reply);
		freeReplyObject(reply);
	}

	return (-1);
}

/*
 * A channel added on a live connection must have been confirmed by now;
 * if Redis never did, start over (a new connection subscribes to all).
 */
static void
pubsub_check(void *unused, u_int64_t now)
{
	int		i;

	sub.checking = 0;
	if (sub.ctx == NULL)
		return;
	for (i = 0; i < nchannels; i++) {
		if (!channels[i].confirmed) {
			kore_log(LOG_NOTICE, "pubsub: %s not confirmed, "
			    "subscribing again", channels[i].name);
			pubsub_drop();
			return;
		}
	}
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

/*
 * ["message", channel, payload] goes to the channel's handler;
 * ["subscribe", channel, count] confirms the channel.
 */
static void
pubsub_dispatch(redisReply *r)
{
	int		i, message;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING)
		return;
	if (!strcmp(r->element[0]->str, "message"))
		message = 1;
	else if (!strcmp(r->element[0]->str, "subscribe"))
		message = 0;
	else
		return;

	for (i = 0; i < nchannels; i++) {
		if (strcmp(channels[i].name, r->element[1]->str))
			continue;
		if (!message)
			channels[i].confirmed = 1;
		else if (r->element[2]->type == REDIS_REPLY_STRING)
			channels[i].handler(r->element[2]->str,
			    r->element[2]->len);
		return;
	}
}

/* Forget the connection and try again in a second. */
static void
pubsub_drop(void)
{
	int		i;

	if (sub.ctx != NULL) {
		if (sub.ctx->fd >= 0)
			kore_platform_disable_read(sub.ctx->fd);
		kore_log(LOG_NOTICE, "pubsub: redis: %s",
		    sub.ctx->err ? sub.ctx->errstr : "connection lost");
		redisFree(sub.ctx);
		sub.ctx = NULL;
		epoch++;
		for (i = 0; i < nchannels; i++)
			channels[i].confirmed = 0;
	}
	if (!sub.retrying) {
		sub.retrying = 1;
		kore_timer_add(pubsub_connect, PUBSUB_RETRY_MS, NULL,
		    KORE_TIMER_ONESHOT);
	}
}
