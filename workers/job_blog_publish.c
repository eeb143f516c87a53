/*
 * blog_publish: publish a scheduled post when its time has come.
 *
 * args: {"id": post, "at": the schedule's time as the database wrote
 * it}.  Enqueued with run_at = that time by sql/019_blog_tags_replies.sql
 * (blog_post_schedule).  blog_post_publish_due decides on the current
 * row: a post rescheduled, unscheduled or already published is left
 * alone, so a job delivered twice publishes once.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

static const char sql_due[] =
	"SELECT blog_post_publish_due($1, $2)";

int
job_blog_publish(struct worker *w, struct worker_job *job, char *err,
    size_t len)
{
	PGresult	*res;
	json_t		*id;
	const char	*at, *params[2];
	char		 num[24], state[16];

	id = json_object_get(job->args, "id");
	at = json_string_value(json_object_get(job->args, "at"));
	if (!json_is_integer(id) || json_integer_value(id) < 1 ||
	    at == NULL || strlen(at) > 40) {
		(void)snprintf(err, len, "needs a post id and a time");
		return (JOB_FAIL);
	}
	(void)snprintf(num, sizeof(num), "%lld",
	    (long long)json_integer_value(id));

	params[0] = num;
	params[1] = at;
	if ((res = worker_db_exec(w, sql_due, 2, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	(void)snprintf(state, sizeof(state), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);

	if (!strcmp(state, "early")) {
		(void)snprintf(err, len, "post %s is not due yet", num);
		return (JOB_RETRY);
	}
	if (!strcmp(state, "published"))
		worker_log("info", "blog_publish: post %s published", num);

	return (JOB_OK);
}
