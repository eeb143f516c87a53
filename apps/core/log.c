/*
 * Structured logs: one JSON object a line on standard output, which the
 * process manager (kodev run, systemd's journal) collects.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

static void	log_line(json_t *);

/*
 * One line per request that went through core_begin(); from the context
 * only, as the request's connection may be gone.
 */
void
core_log_request(struct http_request *req, struct core_ctx *ctx)
{
	json_t		*o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I}",
	    "msg", "request",
	    "rid", ctx->request_id,
	    "addr", ctx->addr,
	    "method", http_method_text(req->method),
	    "path", req->path,
	    "status", req->status,
	    "ms", (json_int_t)(kore_time_ms() - ctx->start),
	    "uid", (json_int_t)ctx->user.id);
	if (o == NULL)
		return;

	log_line(o);
}

/* An application event: level, message and an optional detail. */
void
core_log_json(const char *level, const char *msg, const char *detail)
{
	json_t		*o;

	o = json_pack("{s:s, s:s}", "level", level, "msg", msg);
	if (o == NULL)
		return;
	if (detail != NULL)
		json_object_set_new(o, "detail", json_string(detail));

	log_line(o);
}

static void
log_line(json_t *o)
{
	char		*text;
	char		 ts[32];
	struct timespec	 now;
	struct tm	 tm;
	size_t		 len;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	(void)gmtime_r(&now.tv_sec, &tm);
	len = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	(void)snprintf(ts + len, sizeof(ts) - len, ".%03ldZ",
	    now.tv_nsec / 1000000);
	json_object_set_new(o, "ts", json_string(ts));
	if (worker != NULL)
		json_object_set_new(o, "worker", json_integer(worker->id));

	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (text == NULL)
		return;

	len = strlen(text);
	text[len] = '\n';
	/* A log line that cannot be written is dropped, nothing else. */
	if (write(STDOUT_FILENO, text, len + 1) == -1)
		errno = 0;
	free(text);
}
