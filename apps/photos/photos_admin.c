/*
 * The object detector for admins: the owners' corrections (what the
 * model said and what they changed: the data set a better model would
 * be checked against) and the re-run of detection over every photo,
 * with its progress.  /admin/photos/detection, and the same as JSON
 * under /api/v1/admin/photos/detection.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photos/photos.h"

/* The latest run and how far it got; one row, or none before the first. */
static const char sql_run[] =
	"SELECT r.id, r.photos, " CORE_SQL_TS("r.requested_at") ","
	"       (SELECT count(*) FROM photos p"
	"         WHERE p.cat_checked_at >= r.requested_at),"
	"       coalesce(u.username, '')"
	"  FROM photo_detect_runs r LEFT JOIN users u ON u.id = r.requested_by"
	" ORDER BY r.id DESC LIMIT 1";

enum run_col {
	RUN_ID,
	RUN_PHOTOS,
	RUN_AT,
	RUN_DONE,
	RUN_BY
};

static const char sql_corrections[] =
	"SELECT c.photo_id, c.tag, c.action, coalesce(c.model_score::text, ''),"
	"       coalesce(u.username, ''), " CORE_SQL_TS("c.created_at") ","
	"       coalesce(m.sha256, '')"
	"  FROM photo_tag_corrections c LEFT JOIN users u ON u.id = c.user_id"
	"  JOIN photos p ON p.id = c.photo_id"
	"  LEFT JOIN media_files m ON m.id = p.media_id AND m.status = 'ready'"
	" ORDER BY c.id DESC LIMIT 200";

enum corr_col {
	CORR_PHOTO,
	CORR_TAG,
	CORR_ACTION,
	CORR_SCORE,
	CORR_BY,
	CORR_AT,
	CORR_SHA
};

/*
 * $1 admin, $2 request id.  One photo_detect job per photo through the
 * outbox (the worker's relay feeds them to the bulk queue in batches),
 * unless the last run, under a day old, is still under way.
 */
static const char sql_backfill[] =
	"WITH last AS ("
	"  SELECT r.photos, (SELECT count(*) FROM photos p"
	"          WHERE p.cat_checked_at >= r.requested_at) AS done"
	"    FROM photo_detect_runs r"
	"   WHERE r.requested_at > now() - interval '1 day'"
	"   ORDER BY r.id DESC LIMIT 1"
	"), ok AS ("
	"  SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM last WHERE done < photos)"
	"), r AS ("
	"  INSERT INTO photo_detect_runs (requested_by, photos)"
	"  SELECT $1, (SELECT count(*) FROM photos) FROM ok RETURNING id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'photo_detect', 'bulk', jsonb_build_object('photo_id', p.id),"
	"         $2 FROM photos p, r"
	")"
	"SELECT (SELECT count(*) FROM r)";

static int	detection_load(struct http_request *, struct core_ctx *);
static json_t	*run_json(struct core_db *);
static void	run_html(struct http_request *, struct kore_buf *,
		    struct core_db *);
static void	corrections_html(struct kore_buf *, struct core_db *);

CORE_HANDLER_NEED(photos_admin_detection_page, CORE_NEED_ADMIN)
{
	struct kore_buf		*buf;

	CORE_TRY(detection_load(req, ctx));

	buf = core_page_open(req, "Photo detection");
	core_html_appendf(buf, "<h1>Photo detection</h1>\n<p>Every new photo "
	    "goes through the object detector; a cat makes it a cat photo, "
	    "other animals and things it knows well become detected tags. "
	    "Owners correct it; their corrections win.</p>\n");
	run_html(req, buf, &ctx->db[0]);
	corrections_html(buf, &ctx->db[1]);

	return (core_page_close(req, 200, buf));
}

CORE_HANDLER_NEED(photos_admin_api_detection, CORE_NEED_ADMIN)
{
	struct core_db		*cm = &ctx->db[1];
	json_t			*list;
	int			 i;

	CORE_TRY(detection_load(req, ctx));

	list = json_array();
	for (i = 0; i < core_db_rows(cm); i++)
		json_array_append_new(list, json_pack(
		    "{s:I, s:s, s:s, s:o, s:s?, s:s}",
		    "photo_id", (json_int_t)core_db_int(cm, i, CORR_PHOTO),
		    "tag", core_db_value(cm, i, CORR_TAG),
		    "action", core_db_value(cm, i, CORR_ACTION),
		    "model_score", *core_db_value(cm, i, CORR_SCORE) == '\0' ?
		    json_null() : json_real(strtod(core_db_value(cm, i,
		    CORR_SCORE), NULL)),
		    "by", *core_db_value(cm, i, CORR_BY) == '\0' ? NULL :
		    core_db_value(cm, i, CORR_BY),
		    "created_at", core_db_value(cm, i, CORR_AT)));

	return (core_json_send(req, 200, json_pack("{s:o, s:o}", "run",
	    run_json(&ctx->db[0]), "corrections", list)));
}

/* POST /admin/photos/detection/rerun and /api/v1/admin/photos/detection */
CORE_HANDLER_NEED(photos_admin_rerun, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	struct core_num		 n;
	const char		*params[2];

	params[0] = core_num(&n, ctx->user.id);
	params[1] = ctx->request_id;
	CORE_TRY(core_db_run(req, &ctx->db[2], sql_backfill, 2, params));
	if (core_db_int(&ctx->db[2], 0, 0) == 0)
		return (core_is_api(req) ? core_problem(req, 409,
		    "Run under way", "The last detection run has not "
		    "finished yet.", NULL) : core_error(req, 409, "The last "
		    "detection run has not finished yet."));

	if (!core_is_api(req)) {
		core_redirect(req, "/admin/photos/detection");
		return (CORE_DONE);
	}
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_run, 0, NULL));

	return (core_json_send(req, 202, json_pack("{s:o}", "run",
	    run_json(&ctx->db[0]))));
}

static int
detection_load(struct http_request *req, struct core_ctx *ctx)
{
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_run, 0, NULL));
	return (core_db_run(req, &ctx->db[1], sql_corrections, 0, NULL));
}

/* The latest run as JSON, or null when there was none. */
static json_t *
run_json(struct core_db *db)
{
	if (core_db_rows(db) == 0)
		return (json_null());

	return (json_pack("{s:I, s:I, s:I, s:s, s:b}",
	    "id", (json_int_t)core_db_int(db, 0, RUN_ID),
	    "photos", (json_int_t)core_db_int(db, 0, RUN_PHOTOS),
	    "done", (json_int_t)core_db_int(db, 0, RUN_DONE),
	    "requested_at", core_db_value(db, 0, RUN_AT),
	    "finished", core_db_int(db, 0, RUN_DONE) >=
	    core_db_int(db, 0, RUN_PHOTOS)));
}

static void
run_html(struct http_request *req, struct kore_buf *buf, struct core_db *db)
{
	long long	done, all;

	core_html_appendf(buf, "<section aria-labelledby=\"run-h\"><h2 "
	    "id=\"run-h\">Run again on every photo</h2>\n<p>Needed after the "
	    "model or a threshold changed. One job per photo goes to the "
	    "bulk queue (<a href=\"/admin/jobs\">Jobs</a>); corrections "
	    "are kept.</p>\n");
	if (core_db_rows(db) == 1) {
		done = core_db_int(db, 0, RUN_DONE);
		all = core_db_int(db, 0, RUN_PHOTOS);
		if (done > all)
			done = all;
		core_html_appendf(buf, "<p>Last run, started by %s %T: %lld "
		    "of %lld photos checked.</p>\n<progress value=\"%lld\" max=\"%lld\" aria-label=\""
		    "Photos checked\"></progress>\n",
		    *core_db_value(db, 0, RUN_BY) != '\0' ?
		    core_db_value(db, 0, RUN_BY) : "a former admin",
		    core_db_value(db, 0, RUN_AT), done, all, done, all > 0 ? all : 1);
	}
	core_form_button(req, buf, "/admin/photos/detection/rerun", NULL,
	    "secondary", "Run detection on every photo");
	core_html_appendf(buf, "</section>\n");
}

static void
corrections_html(struct kore_buf *buf, struct core_db *cm)
{
	const char	*score;
	int		 i;

	core_html_appendf(buf, "<section aria-labelledby=\"corr-h\"><h2 "
	    "id=\"corr-h\">Corrections</h2>\n");
	if (core_db_rows(cm) == 0) {
		core_html_appendf(buf, "<p>No owner has corrected the detector "
		    "yet. When one removes a wrong tag or says \"there is a cat "
		    "here\", it is listed here.</p></section>\n");
		return;
	}
	core_html_appendf(buf, "<p>The latest first, 200 at most.</p>"
	    "<div class=\"overflow-auto\"><table class=\"striped\"><thead>"
	    "<tr><th>Photo</th><th>Tag</th><th>Correction</th><th>The model "
	    "said</th><th>By</th><th>When</th></tr></thead><tbody>\n");
	for (i = 0; i < core_db_rows(cm); i++) {
		score = core_db_value(cm, i, CORR_SCORE);
		core_html_appendf(buf, "<tr><td><a href=\"/photos/%lld\">",
		    (long long)core_db_int(cm, i, CORR_PHOTO));
		if (*core_db_value(cm, i, CORR_SHA) != '\0')
			core_html_appendf(buf, "<img src=\"/media/thumb/%s.jpg\" "
			    "alt=\"Photo %lld\" width=\"64\" height=\"64\">",
			    core_db_value(cm, i, CORR_SHA),
			    (long long)core_db_int(cm, i, CORR_PHOTO));
		else
			core_html_appendf(buf, "Photo %lld",
			    (long long)core_db_int(cm, i, CORR_PHOTO));
		core_html_appendf(buf, "</a></td><td>#%s</td><td>%s</td>"
		    "<td>%s</td><td>%s</td><td>%T</td></tr>\n",
		    core_db_value(cm, i, CORR_TAG),
		    !strcmp(core_db_value(cm, i, CORR_ACTION), "add") ?
		    "added" : "removed",
		    *score != '\0' ? score : "nothing",
		    core_db_value(cm, i, CORR_BY),
		    core_db_value(cm, i, CORR_AT));
	}
	core_html_appendf(buf, "</tbody></table></div></section>\n");
}
