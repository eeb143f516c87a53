/*
 * The moderation queue: items of every app waiting for a decision
 * (posts to review, flagged or reported content), oldest first, with a
 * preview.  Approve, reject with a reason, or approve several at once.
 * The decision is applied by the owning app's SQL function (see
 * sql/004_blog.sql) in the same statement, and the emails it causes are
 * pushed right after.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"

#define REASON_MAX	500

/* Oldest first, a page at a time: ?after={the last id seen}&limit=. */
#define QUEUE_PAGE		50
#define QUEUE_LIMIT_MAX		200

static const char sql_queue[] =
	"SELECT q.id, q.kind, q.item_id, q.reason, q.source,"
	"       coalesce(u.username, ''), coalesce(q.preview_title, ''),"
	"       coalesce(q.preview_body, ''), coalesce(q.link, ''),"
	"       " CORE_SQL_TS("q.created_at") ","
	"       (SELECT count(*) FROM moderation_queue WHERE decided_at IS NULL)"
	"  FROM moderation_queue q LEFT JOIN users u ON u.id = q.author_id"
	" WHERE q.decided_at IS NULL AND q.id > $1"
	" ORDER BY q.id LIMIT $2";

/* $1 queue ids (array), $2 decision, $3 reason, $4 admin, $5 request. */
static const char sql_decide_ids[] =
	"SELECT moderation_decide(q.id, $2, $3, $4, $5)"
	"  FROM moderation_queue q"
	" WHERE q.id = ANY($1::bigint[]) AND q.decided_at IS NULL";

/* $1 kind, $2 item, then as above. */
static const char sql_decide_item[] =
	"SELECT moderation_decide(q.id, $3, $4, $5, $6)"
	"  FROM moderation_queue q"
	" WHERE q.kind = $1 AND q.item_id = $2 AND q.decided_at IS NULL";

static int	decide(struct http_request *, struct core_ctx *, const char *,
		    const char *, const char *, const char *);
static int	reason_check(struct http_request *, const char *, const char *);
static int	ids_from_form(struct http_request *, struct kore_buf *);
static int	queue_load(struct http_request *, struct core_db *, int, int *);

int
admin_moderation_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct core_db		*db;
	struct kore_buf		 buf;
	int64_t			 total;
	int			 rc, i, n, limit;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_admin(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	db = &ctx->db[0];
	if ((rc = queue_load(req, db, QUEUE_PAGE, &limit)) != CORE_OK)
		return (core_yield(rc));

	n = core_db_rows(db);
	total = n > 0 ? core_db_int(db, 0, 10) : 0;
	kore_buf_init(&buf, 16384);
	core_page_begin(req, &buf, "Moderation");
	core_html_appendf(&buf, "<h1>Moderation</h1>\n<p>%lld item%s waiting, "
	    "oldest first.</p>\n", (long long)total, total == 1 ? "" : "s");

	if (n > 0) {
		core_html_appendf(&buf, "<form method=\"post\" "
		    "action=\"/admin/moderation/bulk\" id=\"bulk\">");
		core_form_csrf(req, &buf);
		core_html_appendf(&buf, "<button type=\"submit\">Approve the "
		    "selected</button></form>\n");
	}

	for (i = 0; i < n; i++) {
		core_html_appendf(&buf, "<article class=\"mod-item\" "
		    "id=\"q%lld\">\n<header><label><input type=\"checkbox\" "
		    "name=\"id\" value=\"%lld\" form=\"bulk\"> "
		    "<strong>%s</strong> #%lld</label> by %s · %s · <mark>%s"
		    "</mark></header>\n",
		    (long long)core_db_int(db, i, 0),
		    (long long)core_db_int(db, i, 0), core_db_value(db, i, 1),
		    (long long)core_db_int(db, i, 2), core_db_value(db, i, 5),
		    core_db_value(db, i, 9), core_db_value(db, i, 4));
		core_html_appendf(&buf, "<p><em>%s</em></p>\n",
		    core_db_value(db, i, 3));
		if (*core_db_value(db, i, 6) != '\0')
			core_html_appendf(&buf, "<h3>%s</h3>\n",
			    core_db_value(db, i, 6));
		core_html_appendf(&buf, "<blockquote class=\"preview\">%s"
		    "</blockquote>\n", core_db_value(db, i, 7));
		if (*core_db_value(db, i, 8) == '/')
			core_html_appendf(&buf, "<p><a href=\"%s\">Open</a></p>\n",
			    core_db_value(db, i, 8));
		core_html_appendf(&buf, "<footer class=\"actions\"><form "
		    "method=\"post\" action=\"/admin/moderation/%lld/approve\" "
		    "class=\"inline\">", (long long)core_db_int(db, i, 0));
		core_form_csrf(req, &buf);
		core_html_appendf(&buf, "<button type=\"submit\">Approve</button>"
		    "</form> <form method=\"post\" action=\"/admin/moderation/"
		    "%lld/reject\" class=\"inline reject\">",
		    (long long)core_db_int(db, i, 0));
		core_form_csrf(req, &buf);
		core_html_appendf(&buf, "<input name=\"reason\" maxlength=\"500\" "
		    "placeholder=\"Reason\" required> <button type=\"submit\" "
		    "class=\"secondary\">Reject</button></form></footer>\n"
		    "</article>\n");
	}

	if (n == limit)
		core_html_appendf(&buf, "<nav class=\"pager\"><a href=\"/admin/"
		    "moderation?after=%lld\">Later items →</a></nav>\n",
		    (long long)core_db_int(db, n - 1, 0));

	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

/* POST /admin/moderation/{id}/{approve,reject} and /admin/moderation/bulk */
int
admin_moderation_action(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 ids;
	const char		*rest, *reason;
	char			 one[32];
	int64_t			 id;
	int			 rc, approve;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_ADMIN)) != CORE_OK)
		return (core_yield(rc));

	reason = core_form_get(req, "reason");
	if (!strcmp(req->path, "/admin/moderation/bulk")) {
		kore_buf_init(&ids, 128);
		if (ids_from_form(req, &ids) == 0) {
			kore_buf_cleanup(&ids);
			core_redirect(req, "/admin/moderation");
			return (KORE_RESULT_OK);
		}
		rc = decide(req, ctx, kore_buf_stringify(&ids, NULL), NULL,
		    "approved", NULL);
		kore_buf_cleanup(&ids);
	} else {
		if (core_path_id(req, "/admin/moderation/", &id, &rest) == -1)
			return (core_yield(core_error(req, 404, NULL)));
		approve = !strcmp(rest, "/approve");
		if (!approve && (rc = reason_check(req, rest, reason)) !=
		    CORE_OK)
			return (core_yield(rc));
		(void)snprintf(one, sizeof(one), "{%lld}", (long long)id);
		rc = decide(req, ctx, one, NULL, approve ? "approved" :
		    "rejected", reason);
	}
	if (rc != CORE_OK)
		return (core_yield(rc));

	core_redirect(req, "/admin/moderation");
	return (KORE_RESULT_OK);
}

int
admin_api_moderation(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct core_db		*db;
	json_t			*list;
	int			 rc, i, n, limit;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_admin(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	db = &ctx->db[0];
	if ((rc = queue_load(req, db, QUEUE_LIMIT_MAX, &limit)) != CORE_OK)
		return (core_yield(rc));

	list = json_array();
	n = core_db_rows(db);
	for (i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:s, "
		    "s:s, s:s, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)core_db_int(db, i, 0),
		    "kind", core_db_value(db, i, 1),
		    "item_id", (json_int_t)core_db_int(db, i, 2),
		    "reason", core_db_value(db, i, 3),
		    "source", core_db_value(db, i, 4),
		    "author", core_db_value(db, i, 5),
		    "preview_title", core_db_value(db, i, 6),
		    "preview_body", core_db_value(db, i, 7),
		    "link", core_db_value(db, i, 8),
		    "created_at", core_db_value(db, i, 9)));

	return (core_yield(core_json_send(req, 200, json_pack("{s:o, s:I, s:o}",
	    "items", list, "total", (json_int_t)(n > 0 ?
	    core_db_int(db, 0, 10) : 0), "next_after", n > 0 && n == limit ?
	    json_integer(core_db_int(db, n - 1, 0)) : json_null()))));
}

/* POST /api/v1/admin/moderation/{kind}/{id}/{approve,reject} {reason} */
int
admin_api_moderation_action(struct http_request *req)
{
	struct core_ctx		*ctx;
	json_t			*body;
	const char		*p, *slash, *reason;
	char			 kind[33], item[24];
	size_t			 n;
	int			 rc, approve;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_ADMIN)) != CORE_OK)
		return (core_yield(rc));

	/* The route allows only [a-z_]{1,32}/[0-9]{1,18}/(approve|reject). */
	p = req->path + strlen("/api/v1/admin/moderation/");
	slash = strchr(p, '/');
	n = slash - p;
	memcpy(kind, p, n);
	kind[n] = '\0';
	p = slash + 1;
	slash = strchr(p, '/');
	n = slash - p;
	memcpy(item, p, n);
	item[n] = '\0';
	approve = !strcmp(slash, "/approve");

	reason = NULL;
	if (req->content_length > 0) {
		if ((rc = core_json_body(req, ctx, &body)) != CORE_OK)
			return (core_yield(rc));
		reason = core_json_str(body, "reason");
	}
	if (!approve && (rc = reason_check(req, "/reject", reason)) != CORE_OK)
		return (core_yield(rc));

	if ((rc = decide(req, ctx, kind, item, approve ? "approved" :
	    "rejected", reason)) != CORE_OK)
		return (core_yield(rc));

	return (core_yield(core_json_send(req, 200, json_pack("{s:s, s:s, s:s}",
	    "kind", kind, "item_id", item, "decision", approve ? "approved" :
	    "rejected"))));
}

/*
 * Record the decision: for the queue ids in `a` (array literal) when `b`
 * is NULL, else for item `b` of kind `a`.  404 when nothing was open.
 */
static int
decide(struct http_request *req, struct core_ctx *ctx, const char *a,
    const char *b, const char *decision, const char *reason)
{
	const char	*params[6];
	char		 uid[24];
	int		 rc;

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	if (b == NULL) {
		params[0] = a;
		params[1] = decision;
		params[2] = reason;
		params[3] = uid;
		params[4] = ctx->request_id;
		rc = core_db_run(req, &ctx->db[0], sql_decide_ids, 5, params);
	} else {
		params[0] = a;
		params[1] = b;
		params[2] = decision;
		params[3] = reason;
		params[4] = uid;
		params[5] = ctx->request_id;
		rc = core_db_run(req, &ctx->db[0], sql_decide_item, 6, params);
	}
	if (rc != CORE_OK)
		return (rc);

	if (core_db_rows(&ctx->db[0]) == 0)
		return (core_error(req, 404, "Nothing is waiting for a decision "
		    "there."));

	core_jobs_push(&ctx->db[0], -1, 0);
	return (CORE_OK);
}

static int
reason_check(struct http_request *req, const char *rest, const char *reason)
{
	if (strcmp(rest, "/reject"))
		return (core_error(req, 404, NULL));

	if (reason == NULL || strspn(reason, " \t\r\n") == strlen(reason))
		return (core_is_api(req) ? core_problem(req, 422,
		    "Invalid input", "A rejection needs a reason.",
		    json_pack("{s:s}", "reason", "Give a reason.")) :
		    core_error(req, 422, "A rejection needs a reason."));

	if (core_utf8_len(reason) > REASON_MAX)
		return (core_is_api(req) ? core_problem(req, 422,
		    "Invalid input", "The reason is too long.",
		    json_pack("{s:s}", "reason", "At most 500 characters.")) :
		    core_error(req, 422, "The reason is too long."));

	if (!core_text_clean(reason, 1))
		return (core_is_api(req) ? core_problem(req, 422,
		    "Invalid input", "The reason holds control characters.",
		    json_pack("{s:s}", "reason", "No control characters.")) :
		    core_error(req, 422, "The reason holds control characters."));

	return (CORE_OK);
}

/* Every numeric "id" field of the form, as a PostgreSQL array literal. */
static int
ids_from_form(struct http_request *req, struct kore_buf *ids)
{
	const char	*v;
	int		 i, n;

	n = 0;
	kore_buf_appendf(ids, "{");
	for (i = 0; i < 60 && (v = core_form_get_nth(req, "id", i)) != NULL;
	    i++) {
		if (*v == '\0' || strlen(v) > 18 ||
		    strspn(v, "0123456789") != strlen(v))
			continue;
		kore_buf_appendf(ids, "%s%s", n > 0 ? "," : "", v);
		n++;
	}
	kore_buf_appendf(ids, "}");

	return (n);
}

/*
 * Run the queue query for ?after= (a queue id, default 0) and ?limit=
 * (1 to `max`, default `max`).  Bad values answer 400.
 */
static int
queue_load(struct http_request *req, struct core_db *db, int max, int *limitp)
{
	const char	*v, *params[2];
	char		 after[24], limit[16];
	long long	 a, l;
	int		 err;

	http_populate_get(req);
	a = 0;
	if ((v = core_form_get(req, "after")) != NULL) {
		a = kore_strtonum(v, 10, 0, INT64_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, "after", "Use an item id."));
	}
	l = max;
	if ((v = core_form_get(req, "limit")) != NULL) {
		l = kore_strtonum(v, 10, 1, max, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, "limit",
			    "Use a number from 1 to 200."));
	}

	*limitp = (int)l;
	(void)snprintf(after, sizeof(after), "%lld", a);
	(void)snprintf(limit, sizeof(limit), "%lld", l);
	params[0] = after;
	params[1] = limit;

	return (core_db_run(req, db, sql_queue, 2, params));
}
