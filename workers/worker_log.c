/*
 * Structured logs: one JSON object a line on standard output.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "logline.h"
#include "worker.h"

static void	log_emit(json_t *);

/* An event: level and a printf-style message. */
void
worker_log(const char *level, const char *fmt, ...)
{
	va_list		 ap;
	char		 msg[1024];
	json_t		*o;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if ((o = json_pack("{s:s, s:s}", "level", level, "msg", msg)) == NULL)
		return;
	log_emit(o);
}

/* One line per job run: type, id, attempt, duration, outcome. */
void
worker_log_job(struct worker_job *job, const char *outcome, u_int64_t ms,
    const char *error)
{
	json_t		*o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:s}",
	    "level", strcmp(outcome, "ok") ? "warn" : "info",
	    "msg", "job",
	    "type", job->type != NULL ? job->type : "?",
	    "id", job->id,
	    "attempt", job->attempts,
	    "ms", (json_int_t)ms,
	    "outcome", outcome);
	if (o == NULL)
		return;
	if (job->rid != NULL)
		json_object_set_new(o, "rid", json_string(job->rid));
	if (error != NULL && *error != '\0')
		json_object_set_new(o, "error", json_string(error));
	log_emit(o);
}

/* The worker's fields on every line, then lib/logline.c writes it. */
static void
log_emit(json_t *o)
{
	json_object_set_new(o, "pid", json_integer(getpid()));
	json_object_set_new(o, "proc", json_string("worker"));
	agora_log_line(o);
}
