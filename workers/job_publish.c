/*
 * The publish job: hand an event to the site's live clients by
 * publishing it on a Redis channel every site worker listens to.  For
 * changes made inside the database (a moderator's decision) that the
 * site cannot announce itself.  Args: {"channel": "agora:...",
 * "event": {...}}.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

int
job_publish(struct worker *w, struct worker_job *job, char *err, size_t len)
{
	redisReply	*r;
	const char	*channel;
	json_t		*event;
	char		*text;

	channel = json_string_value(json_object_get(job->args, "channel"));
	event = json_object_get(job->args, "event");
	if (channel == NULL || strncmp(channel, "agora:", 6) ||
	    !json_is_object(event)) {
		(void)snprintf(err, len, "needs an agora: channel and an event");
		return (JOB_FAIL);
	}

	if ((text = json_dumps(event, JSON_COMPACT)) == NULL) {
		(void)snprintf(err, len, "cannot encode the event");
		return (JOB_FAIL);
	}

	if (queue_connect(w) == -1) {
		free(text);
		(void)snprintf(err, len, "redis unavailable");
		return (JOB_RETRY);
	}
	r = redisCommand(w->redis, "PUBLISH %s %s", channel, text);
	free(text);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		if (r != NULL)
			freeReplyObject(r);
		(void)snprintf(err, len, "publish failed");
		return (JOB_RETRY);
	}
	freeReplyObject(r);

	return (JOB_OK);
}
