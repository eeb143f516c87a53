/*
 * Structured logs: one JSON object a line on standard output, which the
 * process manager (kodev run, systemd's journal) collects.
 */

#include <stdio.h>

#include "core/core.h"
#include "logline.h"

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

/* The site's fields on every line, then lib/logline.c writes it. */
static void
log_line(json_t *o)
{
	if (worker != NULL)
		json_object_set_new(o, "worker", json_integer(worker->id));
	agora_log_line(o);
}
