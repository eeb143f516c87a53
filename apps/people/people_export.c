/*
 * The user's data export: begun on /settings (POST /settings/export)
 * or with POST /api/v1/me/export (202), built by the worker's export
 * job (workers/job_export.c) into a .zip of JSON and the photos'
 * originals, then downloadable by that user alone, signed in, for a
 * day (GET /settings/export/{id}/download); the worker removes it
 * after.  One export at a time, PEOPLE_EXPORTS_DAY a day (429).
 */

#include <string.h>

#include "people/people.h"

/*
 * $1 user, $2 exports a day, $3 request id.  No row is made (id NULL)
 * when one is under way (the busy index) or the day's are used up.
 */
static const char sql_export_start[] =
	"WITH r AS ("
	"  SELECT count(*) AS n, count(*) FILTER (WHERE state IN"
	"         ('queued', 'building')) AS busy"
	"    FROM data_exports"
	"   WHERE user_id = $1 AND created_at > now() - interval '1 day'"
	"), e AS ("
	"  INSERT INTO data_exports (user_id)"
	"  SELECT $1 FROM r WHERE r.n < $2::int AND r.busy = 0"
	"  ON CONFLICT (user_id) WHERE state IN ('queued', 'building')"
	"  DO NOTHING"
	"  RETURNING id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'export', 'default', jsonb_build_object('export', e.id), $3"
	"    FROM e"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT id FROM e), (SELECT n FROM r), " CORE_JOBS_JSON("j");
enum { START_ID, START_RECENT, START_JOBS };

/* $1 user: the newest export (people_export_col). */
static const char sql_export_latest[] =
	"SELECT id, state, coalesce(bytes, 0), " CORE_SQL_TS("created_at") ","
	"       coalesce(" CORE_SQL_TS("expires_at") ", ''),"
	"       state = 'ready' AND file IS NOT NULL AND expires_at > now()"
	"  FROM data_exports WHERE user_id = $1"
	" ORDER BY id DESC LIMIT 1";

/* $1 export, $2 user: the file of a downloadable export. */
static const char sql_export_file[] =
	"SELECT file, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	"  FROM data_exports"
	" WHERE id = $1 AND user_id = $2 AND state = 'ready'"
	"   AND file IS NOT NULL AND expires_at > now()";

static int	export_start(struct http_request *, struct core_ctx *);
static json_t	*export_json(struct core_db *);

/* The user's newest export into `db` (people_export_col; maybe none). */
int
people_export_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num	 uid;
	const char	*params[1];

	params[0] = core_num(&uid, ctx->user.id);
	return (core_db_run(req, db, sql_export_latest, 1, params));
}

/*
 * The export section of /settings from people_export_load's `db`; while
 * one is being built the page asks to be loaded again (Refresh) so that
 * its state moves on by itself.
 */
void
people_render_export(struct http_request *req, struct kore_buf *buf,
    struct core_db *db)
{
	const char	*state;
	char		 href[80];
	long long	 id;

	core_html_appendf(buf, "<section id=\"export\">\n<h2>Your data</h2>\n"
	    "<p>A .zip file of what you made here: your profile, posts (with "
	    "their revisions), comments, photos (the original files), the "
	    "chat messages you wrote and whom you follow. The link works for "
	    "a day, for you only; we also email it.</p>\n");
	state = core_db_rows(db) == 1 ? core_db_value(db, 0, EXPORT_STATE) :
	    NULL;
	if (state != NULL) {
		id = (long long)core_db_int(db, 0, EXPORT_ID);
		if (!strcmp(state, "queued") || !strcmp(state, "building")) {
			http_response_header(req, "refresh", "3");
			core_html_appendf(buf, "<p class=\"export-state\" "
			    "data-state=\"%s\" role=\"status\"><progress>"
			    "</progress> %s</p>\n", state,
			    !strcmp(state, "queued") ? "Your export is waiting "
			    "its turn; this page updates by itself." :
			    "Your export is being built; this page updates by "
			    "itself.");
		} else if (core_db_bool(db, 0, EXPORT_READY)) {
			(void)snprintf(href, sizeof(href),
			    "/settings/export/%lld/download", id);
			core_html_appendf(buf, "<p class=\"export-state\" "
			    "data-state=\"ready\"><a href=\"%s\" download>"
			    "Download your data</a> (%lld KB), until %T.</p>\n",
			    href, (long long)(core_db_int(db, 0,
			    EXPORT_BYTES) + 1023) / 1024,
			    core_db_value(db, 0, EXPORT_EXPIRES));
		} else if (!strcmp(state, "failed")) {
			core_html_appendf(buf, "<p class=\"export-state form-"
			    "error\" data-state=\"failed\">Your last export "
			    "could not be built. Please try again.</p>\n");
		} else {
			core_html_appendf(buf, "<p class=\"export-state\" "
			    "data-state=\"expired\">Your last export has "
			    "expired.</p>\n");
		}
	}
	if (state == NULL || (strcmp(state, "queued") &&
	    strcmp(state, "building")))
		core_form_button(req, buf, "/settings/export", NULL,
		    "secondary", "Export my data");
	core_html_appendf(buf, "</section>\n");
}

/* POST /settings/export */
CORE_HANDLER_NEED(people_settings_export, CORE_NEED_CHANGE)
{
	CORE_TRY(export_start(req, ctx));
	core_redirect(req, "/settings?saved=export#export");
	return (CORE_DONE);
}

/*
 * GET /api/v1/me/export: the newest export ({"export": null} without
 * one); POST begins one: 202 with it, 429 while one is under way or
 * after PEOPLE_EXPORTS_DAY in a day.
 */
CORE_HANDLER_NEED(people_api_me_export, CORE_NEED_USER)
{
	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
		CORE_TRY(export_start(req, ctx));
	}
	CORE_TRY(people_export_load(req, ctx, &ctx->db[1]));
	return (core_json_send(req, req->method == HTTP_METHOD_POST ? 202 :
	    200, json_pack("{s:o}", "export", export_json(&ctx->db[1]))));
}

/* GET /settings/export/{id}/download: the archive, to its user only. */
CORE_HANDLER_NEED(people_export_download, CORE_NEED_USER)
{
	struct core_num	 eid, uid;
	struct core_db	*db = &ctx->db[0];
	const char	*params[2], *rest;
	char		 name[96], file[64];
	int64_t		 id;

	if (core_path_id(req, "/settings/export/", &id, &rest) == -1 ||
	    strcmp(rest, "/download"))
		return (core_error(req, 404, NULL));
	params[0] = core_num(&eid, id);
	params[1] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_export_file, 2, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "This export does not exist or "
		    "has expired."));
	(void)snprintf(file, sizeof(file), "exports/%s",
	    core_db_value(db, 0, 0));
	(void)snprintf(name, sizeof(name), "agora-%s-%s.zip",
	    ctx->user.username, core_db_value(db, 0, 1));
	if (core_media_send_file(req, file, "application/zip", name) == -1)
		return (core_error(req, 404, "This export has expired."));
	return (CORE_DONE);
}

/* Begin an export in slot 0, once per request; 429 answered. */
static int
export_start(struct http_request *req, struct core_ctx *ctx)
{
	struct core_num	 uid, max;
	struct core_db	*db = &ctx->db[0];
	const char	*params[3];

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = core_num(&max, PEOPLE_EXPORTS_DAY);
	params[2] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_export_start, 3, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));
	core_jobs_push(db, 0, START_JOBS);
	if (core_db_isnull(db, 0, START_ID)) {
		if (core_db_int(db, 0, START_RECENT) >= PEOPLE_EXPORTS_DAY)
			return (core_throttled(req, 3600, "You have exported "
			    "your data three times today. Try again "
			    "tomorrow."));
		return (core_throttled(req, 10, "An export of your data is "
		    "already being built. Wait for it to finish."));
	}
	return (CORE_OK);
}

static json_t *
export_json(struct core_db *db)
{
	json_t		*e;
	char		 href[80];

	if (core_db_rows(db) != 1)
		return (json_null());
	e = json_pack("{s:I, s:s, s:s}",
	    "id", (json_int_t)core_db_int(db, 0, EXPORT_ID),
	    "state", core_db_value(db, 0, EXPORT_STATE),
	    "created_at", core_db_value(db, 0, EXPORT_CREATED));
	if (core_db_bool(db, 0, EXPORT_READY)) {
		(void)snprintf(href, sizeof(href),
		    "/settings/export/%lld/download",
		    (long long)core_db_int(db, 0, EXPORT_ID));
		json_object_set_new(e, "download_url", json_string(href));
		json_object_set_new(e, "bytes",
		    json_integer(core_db_int(db, 0, EXPORT_BYTES)));
		json_object_set_new(e, "expires_at",
		    json_string(core_db_value(db, 0, EXPORT_EXPIRES)));
	}
	return (e);
}
