/*
 * The job payload format, shared by the site and the worker: one JSON
 * object {id, type, queue, args, run_at, enqueued_at, rid, outbox}, with
 * times in milliseconds since the epoch.  Jobs from the outbox have the
 * id "o<row id>"; jobs enqueued directly "r<counter>".
 */

#include <stdio.h>
#include <string.h>

#include "job_payload.h"

/*
 * Build the payload of outbox row `row_id`.  Returns JSON text to free(),
 * or NULL when args is not an object.  `id` (at least 24 bytes) receives
 * the job id.
 */
char *
core_job_payload(long long row_id, const char *type, const char *queue,
    json_t *args, long long run_at, long long created, const char *rid,
    char *id, size_t idlen)
{
	json_t		*p;
	char		*text;

	if (!json_is_object(args))
		return (NULL);

	(void)snprintf(id, idlen, "o%lld", row_id);
	p = json_pack("{s:s, s:s, s:s, s:O, s:I, s:I, s:I}",
	    "id", id, "type", type, "queue", queue, "args", args,
	    "run_at", (json_int_t)run_at, "enqueued_at", (json_int_t)created,
	    "outbox", (json_int_t)row_id);
	if (p == NULL)
		return (NULL);
	if (rid != NULL && *rid != '\0')
		json_object_set_new(p, "rid", json_string(rid));

	text = json_dumps(p, JSON_COMPACT);
	json_decref(p);

	return (text);
}

/* Priority of a named queue: 0 critical, 1 default, 2 bulk, -1 unknown. */
int
core_job_prio(const char *queue)
{
	if (queue == NULL)
		return (-1);
	if (queue[0] == 'c' && !strcmp(queue, "critical"))
		return (0);
	if (!strcmp(queue, "default"))
		return (1);
	if (!strcmp(queue, "bulk"))
		return (2);

	return (-1);
}
