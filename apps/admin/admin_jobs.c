/*
 * The job queue for admins: depth per queue, in flight, scheduled, dead
 * jobs with their last error; retry or delete a dead job.  HTML under
 * /admin/jobs, JSON under /api/v1/admin/jobs.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin/admin.h"

static void	jobs_stats(struct kore_buf *, json_t *);
static void	jobs_dead(struct http_request *, struct kore_buf *, json_t *);
static void	dead_row(struct http_request *, struct kore_buf *, json_t *);
static void	jobs_counters(struct kore_buf *, json_t *);
static int	job_id_from_path(struct http_request *, const char *, char *,
		    size_t, const char **);
static int	job_act(struct http_request *, struct core_ctx *,
		    const char *);
static void	ms_text(json_int_t, char *, size_t);

CORE_HANDLER_NEED(admin_jobs_page, CORE_NEED_ADMIN)
{
	struct kore_buf		*buf;
	json_t			*o;

	if ((o = core_jobs_overview()) == NULL)
		return (core_error(req, 503,
		    "Redis is unreachable; the queue cannot be shown."));

	buf = core_page_open(req, "Jobs");
	core_html_appendf(buf, "<h1>Jobs</h1>\n<p>A run of the object "
	    "detector over every photo fills the bulk queue; its progress is "
	    "on <a href=\"/admin/photos/detection\">Photo detection</a>.</p>\n");
	jobs_stats(buf, o);
	jobs_dead(req, buf, o);
	jobs_counters(buf, o);
	json_decref(o);

	return (core_page_close(req, 200, buf));
}

/* POST /admin/jobs/{id}/{retry,delete} */
CORE_HANDLER_NEED(admin_job_action_page, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	CORE_TRY(job_act(req, ctx, "/admin/jobs/"));

	core_redirect(req, "/admin/jobs");
	return (CORE_DONE);
}

CORE_HANDLER_NEED(admin_api_jobs, CORE_NEED_ADMIN)
{
	json_t			*o;

	if ((o = core_jobs_overview()) == NULL)
		return (core_problem(req, 503, "Queue unavailable",
		    "Redis is unreachable.", NULL));

	return (core_json_send(req, 200, o));
}

/* POST /api/v1/admin/jobs/{id}/retry and DELETE /api/v1/admin/jobs/{id} */
CORE_HANDLER_NEED(admin_api_job_action, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	CORE_TRY(job_act(req, ctx, "/api/v1/admin/jobs/"));

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}

/* Ready jobs per queue, in flight, scheduled, dead. */
static void
jobs_stats(struct kore_buf *buf, json_t *o)
{
	const char	*k;
	json_t		*v;

	core_html_appendf(buf, "<div class=\"grid stats\">\n");
	json_object_foreach(json_object_get(o, "queues"), k, v)
		core_html_appendf(buf, "<article><header>%s</header>"
		    "<strong>%lld</strong> ready</article>\n", k,
		    (long long)json_integer_value(v));
	core_html_appendf(buf, "<article><header>in flight</header><strong>"
	    "%lld</strong></article>\n<article><header>scheduled</header>"
	    "<strong>%lld</strong></article>\n<article><header>dead</header>"
	    "<strong>%lld</strong></article>\n</div>\n",
	    (long long)json_integer_value(json_object_get(o, "in_flight")),
	    (long long)json_integer_value(json_object_get(o, "scheduled")),
	    (long long)json_integer_value(json_object_get(o, "dead_count")));
}

/* The dead jobs as a table, each with retry and delete buttons. */
static void
jobs_dead(struct http_request *req, struct kore_buf *buf, json_t *o)
{
	json_t		*dead, *job;
	size_t		 i;

	dead = json_object_get(o, "dead");
	core_html_appendf(buf, "<h2>Dead jobs</h2>\n");
	if (json_array_size(dead) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">No dead jobs: every "
		    "job has finished or is still being tried.</p>\n");
		return;
	}

	core_html_appendf(buf, "<div class=\"overflow-auto\">"
	    "<table class=\"striped\"><thead><tr><th>Job</th>"
	    "<th>Type</th><th>Attempts</th><th>Failed</th>"
	    "<th>Last error</th><th>Args</th><th></th></tr></thead>"
	    "<tbody>\n");
	json_array_foreach(dead, i, job)
		dead_row(req, buf, job);
	core_html_appendf(buf, "</tbody></table></div>\n");
}

static void
dead_row(struct http_request *req, struct kore_buf *buf, json_t *job)
{
	const char	*id;
	char		 when[32], path[64], *args;

	id = json_string_value(json_object_get(job, "id"));
	ms_text(json_integer_value(json_object_get(job, "failed_at")),
	    when, sizeof(when));
	args = json_dumps(json_object_get(job, "args"),
	    JSON_COMPACT | JSON_ENCODE_ANY);
	core_html_appendf(buf, "<tr><td>%s</td><td>%s</td><td>%lld"
	    "</td><td>%T</td><td>%s</td><td><code>%s</code></td>"
	    "<td class=\"actions\">", id,
	    json_string_value(json_object_get(job, "type")),
	    (long long)json_integer_value(json_object_get(job, "attempts")),
	    when, json_string_value(json_object_get(job, "error")),
	    args != NULL ? args : "");
	free(args);

	/* Job ids are at most 21 characters (job_id_from_path). */
	(void)snprintf(path, sizeof(path), "/admin/jobs/%s/retry", id);
	core_form_button(req, buf, path, "inline", NULL, "Retry");
	core_html_appendf(buf, " ");
	(void)snprintf(path, sizeof(path), "/admin/jobs/%s/delete", id);
	core_form_confirm(req, buf, path, "Delete", "Yes, delete this job");
	core_html_appendf(buf, "</td></tr>\n");
}

static void
jobs_counters(struct kore_buf *buf, json_t *o)
{
	const char	*k;
	json_t		*v;

	core_html_appendf(buf, "<h2>Counters</h2>\n<p>");
	json_object_foreach(json_object_get(o, "counters"), k, v)
		core_html_appendf(buf, "<code>%s</code> %lld &nbsp; ", k,
		    (long long)json_integer_value(v));
	core_html_appendf(buf, "</p>\n");
}

/*
 * Retry or delete the dead job named in the path.  Deleting also drops
 * its outbox row, so the relay never brings it back.  Either is in the
 * audit log.
 */
static int
job_act(struct http_request *req, struct core_ctx *ctx, const char *prefix)
{
	const char	*rest;
	char		 id[32];
	int		 n, del;

	if (job_id_from_path(req, prefix, id, sizeof(id), &rest) == -1)
		return (core_error(req, 404, NULL));

	if (req->method == HTTP_METHOD_DELETE && *rest == '\0')
		del = 1;
	else if (req->method == HTTP_METHOD_POST && !strcmp(rest, "/delete"))
		del = 1;
	else if (req->method == HTTP_METHOD_POST && !strcmp(rest, "/retry"))
		del = 0;
	else
		return (core_error(req, 404, NULL));

	if (ctx->stage == 0) {
		n = del ? core_jobs_drop(id) : core_jobs_revive(id);
		if (n == -1)
			return (core_error(req, 503, "Redis is unreachable."));
		if (n == 0)
			return (core_error(req, 404, "No dead job has this id."));
		ctx->stage = 1;
	}

	if (del && id[0] == 'o')
		CORE_TRY(admin_outbox_forget(req, &ctx->db[0], id + 1));

	return (admin_job_audit(req, ctx, &ctx->db[1], del, id));
}

/* Job ids are "o<digits>" or "r<digits>". */
static int
job_id_from_path(struct http_request *req, const char *prefix, char *id,
    size_t len, const char **rest)
{
	const char	*p;
	size_t		 n;

	if (strncmp(req->path, prefix, strlen(prefix)))
		return (-1);
	p = req->path + strlen(prefix);
	if (*p != 'o' && *p != 'r')
		return (-1);

	for (n = 1; p[n] >= '0' && p[n] <= '9'; n++)
		;
	if (n == 1 || n > 20 || n >= len)
		return (-1);

	memcpy(id, p, n);
	id[n] = '\0';
	*rest = p + n;

	return (0);
}

static void
ms_text(json_int_t ms, char *out, size_t len)
{
	time_t		t;
	struct tm	tm;

	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
