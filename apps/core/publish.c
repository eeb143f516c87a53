/*
 * Publishing live events (core_publish), without waiting on Redis and
 * without losing an event to a slow or restarting Redis.
 *
 * Each Kore worker keeps one non-blocking Redis connection for PUBLISH.
 * An event is queued in memory and written at once; it leaves the queue
 * only when Redis has answered for it.  When the connection fails, every
 * event still queued is published again after reconnecting, so an event
 * is published at least once (clients drop what they already have: ids
 * and versions).  While Redis is away the queue holds up to
 * PUBLISH_QUEUE_MAX bytes; past that, new events are refused.
 */

#include <sys/queue.h>

#include <fcntl.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "core/core.h"

#define PUBLISH_QUEUE_MAX	(8 * 1024 * 1024)
#define PUBLISH_RETRY_MS	1000
#define PUBLISH_WRITE_MS	5
#define PUBLISH_TIMEOUT_MS	200

struct pub_event {
	TAILQ_ENTRY(pub_event)	 list;
	char			 channel[64];
	size_t			 len;
	char			 data[];
};

struct publisher {
	struct kore_event	 evt;		/* first: Kore's event loop */
	redisContext		*ctx;
	TAILQ_HEAD(, pub_event)	 queue;		/* oldest first */
	size_t			 sent;		/* head events awaiting replies */
	size_t			 bytes;
	int			 connecting;	/* a reconnect timer is armed */
	int			 writing;	/* a write timer is armed */
};

static struct publisher	pub = { .queue = TAILQ_HEAD_INITIALIZER(pub.queue) };

static void	publish_connect(void *, u_int64_t);
static void	publish_append(struct pub_event *);
static void	publish_write(void *, u_int64_t);
static void	publish_handle(void *, int);
static void	publish_drop(void);

/*
 * Publish `len` bytes on `channel`.  Returns 0 once the event is queued
 * (it reaches Redis as soon as Redis answers), or -1 when the channel
 * name is too long or the queue is full.
 */
int
core_publish(const char *channel, const void *data, size_t len)
{
	struct pub_event	*ev;

	if (strlen(channel) >= sizeof(ev->channel))
		return (-1);
	if (pub.bytes + len > PUBLISH_QUEUE_MAX) {
		kore_log(LOG_WARNING, "publish: queue full, event dropped");
		return (-1);
	}

	ev = kore_malloc(sizeof(*ev) + len);
	(void)kore_strlcpy(ev->channel, channel, sizeof(ev->channel));
	memcpy(ev->data, data, len);
	ev->len = len;
	TAILQ_INSERT_TAIL(&pub.queue, ev, list);
	pub.bytes += len;

	if (pub.ctx == NULL) {
		if (!pub.connecting)
			publish_connect(NULL, 0);
		return (0);
	}

	publish_append(ev);
	publish_write(NULL, 0);
	return (0);
}

/* Queue the PUBLISH of `ev` in the connection's output buffer. */
static void
publish_append(struct pub_event *ev)
{
	if (redisAppendCommand(pub.ctx, "PUBLISH %s %b", ev->channel,
	    ev->data, ev->len) != REDIS_OK) {
		publish_drop();
		return;
	}
	pub.sent++;
}

/*
 * Write what the output buffer holds, as far as the socket takes it now;
 * the rest a few milliseconds later.
 */
static void
publish_write(void *unused, u_int64_t now)
{
	int		done;

	pub.writing = 0;
	if (pub.ctx == NULL)
		return;

	if (redisBufferWrite(pub.ctx, &done) != REDIS_OK) {
		publish_drop();
		return;
	}
	if (!done && !pub.writing) {
		pub.writing = 1;
		kore_timer_add(publish_write, PUBLISH_WRITE_MS, NULL,
		    KORE_TIMER_ONESHOT);
	}
}

/*
 * Connect, make the socket non-blocking and send every queued event
 * again.  The connect is the one blocking step: immediate on a unix
 * socket or a refused port, at most PUBLISH_TIMEOUT_MS otherwise, and
 * tried at most once a second, as the subscriber does.
 */
static void
publish_connect(void *unused, u_int64_t now)
{
	struct pub_event	*ev;
	struct timeval		 tv;
	int			 flags;

	pub.connecting = 0;
	if (pub.ctx != NULL || TAILQ_EMPTY(&pub.queue))
		return;

	tv.tv_sec = 0;
	tv.tv_usec = PUBLISH_TIMEOUT_MS * 1000;
	if (core_cfg.redis_path != NULL)
		pub.ctx = redisConnectUnixWithTimeout(core_cfg.redis_path, tv);
	else
		pub.ctx = redisConnectWithTimeout(core_cfg.redis_host,
		    core_cfg.redis_port, tv);
	if (pub.ctx == NULL || pub.ctx->err ||
	    (flags = fcntl(pub.ctx->fd, F_GETFL)) == -1 ||
	    fcntl(pub.ctx->fd, F_SETFL, flags | O_NONBLOCK) == -1) {
		publish_drop();
		return;
	}
	pub.ctx->flags &= ~REDIS_BLOCK;

	pub.evt.type = 0;		/* none of Kore's own */
	pub.evt.flags = 0;
	pub.evt.handle = publish_handle;
	kore_platform_event_level_read(pub.ctx->fd, &pub);

	pub.sent = 0;
	TAILQ_FOREACH(ev, &pub.queue, list) {
		publish_append(ev);
		if (pub.ctx == NULL)
			return;
	}
	publish_write(NULL, 0);
}

/* Replies: each one settles the oldest event sent. */
static void
publish_handle(void *arg, int error)
{
	struct pub_event	*ev;
	redisReply		*r;
	void			*reply;

	if (error) {
		publish_drop();
		return;
	}

	pub.evt.flags &= ~KORE_EVENT_READ;
	if (redisBufferRead(pub.ctx) != REDIS_OK) {
		publish_drop();
		return;
	}

	for (;;) {
		reply = NULL;
		if (redisGetReplyFromReader(pub.ctx, &reply) != REDIS_OK) {
			publish_drop();
			return;
		}
		if (reply == NULL)
			break;
		r = reply;
		if (r->type == REDIS_REPLY_ERROR)
			kore_log(LOG_NOTICE, "publish: redis: %s", r->str);
		freeReplyObject(r);

		if (pub.sent == 0 || (ev = TAILQ_FIRST(&pub.queue)) == NULL)
			continue;
		TAILQ_REMOVE(&pub.queue, ev, list);
		pub.bytes -= ev->len;
		pub.sent--;
		kore_free(ev);
	}
}

/* Forget the connection; what is queued goes out after reconnecting. */
static void
publish_drop(void)
{
	if (pub.ctx != NULL) {
		if (pub.ctx->fd >= 0)
			kore_platform_disable_read(pub.ctx->fd);
		kore_log(LOG_NOTICE, "publish: redis: %s",
		    pub.ctx->err ? pub.ctx->errstr : "connection lost");
		redisFree(pub.ctx);
		pub.ctx = NULL;
	}
	pub.sent = 0;
	if (!pub.connecting) {
		pub.connecting = 1;
		kore_timer_add(publish_connect, PUBLISH_RETRY_MS, NULL,
		    KORE_TIMER_ONESHOT);
	}
}
