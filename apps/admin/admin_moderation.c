/*
 * The moderation queue: items of every app waiting for a decision
 * (posts to review, flagged or reported content), oldest first, each
 * named in words with a preview (a photo's thumbnail), why it is there
 * (the rule that flagged it, who reported it and how often) and its
 * author's standing.  Filter by app and by why; approve, reject with a
 * reason, or approve or reject several at once (one reason for all).
 * The decision is applied by the owning app's SQL function (see
 * sql/004_blog.sql) in the same statement, and the emails it causes are
 * pushed right after.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin.h"

#define REASON_MAX	500

/* Oldest first, a page at a time: ?after={the last id seen}&limit=. */
#define QUEUE_PAGE		50
#define QUEUE_LIMIT_MAX		200

static void	queue_item(struct http_request *, struct kore_buf *,
		    struct core_db *, int);
static json_t	*queue_item_json(struct core_db *, int);
static int	decide_bulk(struct http_request *, struct core_ctx *);
static int	decide_one(struct http_request *, struct core_ctx *);
static int	reason_check(struct http_request *, const char *, const char *);
static int	ids_from_form(struct http_request *, struct kore_buf *);
static int	queue_load(struct http_request *, struct core_db *, int, int *,
		    struct admin_queue_filter *);
static void	queue_filters(struct kore_buf *, struct admin_queue_filter *);
static const char *source_words(const char *);

CORE_HANDLER_NEED(admin_moderation_page, CORE_NEED_ADMIN)
{
	struct core_db			*db = &ctx->db[0];
	struct admin_queue_filter	 f;
	struct kore_buf			*buf;
	int64_t				 total;
	int				 i, n, limit;

	CORE_TRY(queue_load(req, db, QUEUE_PAGE, &limit, &f));

	n = core_db_rows(db);
	total = n > 0 ? core_db_int(db, 0, ADMIN_Q_TOTAL) : 0;
	buf = core_page_open(req, "Moderation");
	core_html_appendf(buf, "<h1>Moderation</h1>\n<p>%lld item%s waiting, "
	    "oldest first.</p>\n", (long long)total, total == 1 ? "" : "s");
	queue_filters(buf, &f);

	/* The checkboxes join this form by id: core_form_open() has none. */
	if (n > 0) {
		core_html_appendf(buf, "<form method=\"post\" "
		    "action=\"/admin/moderation/bulk\" id=\"bulk\">");
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<fieldset role=\"group\">"
		    "<button type=\"submit\" name=\"decision\" "
		    "value=\"approve\">Approve the selected</button>"
		    "<input name=\"reason\" maxlength=\"500\" "
		    "placeholder=\"One reason for every rejection\" "
		    "aria-label=\"Reason for rejecting the selected\">"
		    "<button type=\"submit\" name=\"decision\" "
		    "value=\"reject\" class=\"secondary\">Reject the "
		    "selected</button></fieldset></form>\n");
	} else
		core_html_appendf(buf, "<p>Nothing %s.</p>\n",
		    *f.app != '\0' || *f.why != '\0' ? "matches these filters" :
		    "is waiting");
	for (i = 0; i < n; i++)
		queue_item(req, buf, db, i);
	if (n == limit)
		core_html_appendf(buf, "<nav class=\"pager\"><a href=\"/admin/"
		    "moderation?after=%lld&amp;app=%U&amp;why=%U\">Later items "
		    "→</a></nav>\n",
		    (long long)core_db_int(db, n - 1, ADMIN_Q_ID), f.app, f.why);

	return (core_page_close(req, 200, buf));
}

/* POST /admin/moderation/{id}/{approve,reject} and /admin/moderation/bulk */
CORE_HANDLER_NEED(admin_moderation_action, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	if (!strcmp(req->path, "/admin/moderation/bulk"))
		CORE_TRY(decide_bulk(req, ctx));
	else
		CORE_TRY(decide_one(req, ctx));

	core_redirect(req, "/admin/moderation");
	return (CORE_DONE);
}

CORE_HANDLER_NEED(admin_api_moderation, CORE_NEED_ADMIN)
{
	struct core_db			*db = &ctx->db[0];
	struct admin_queue_filter	 f;
	json_t				*list;
	int				 i, n, limit;

	CORE_TRY(queue_load(req, db, QUEUE_LIMIT_MAX, &limit, &f));

	list = json_array();
	n = core_db_rows(db);
	for (i = 0; i < n; i++)
		json_array_append_new(list, queue_item_json(db, i));

	return (core_json_send(req, 200, json_pack("{s:o, s:I, s:o}",
	    "items", list, "total", (json_int_t)(n > 0 ?
	    core_db_int(db, 0, ADMIN_Q_TOTAL) : 0), "next_after",
	    n > 0 && n == limit ?
	    json_integer(core_db_int(db, n - 1, ADMIN_Q_ID)) : json_null())));
}

/* POST /api/v1/admin/moderation/{kind}/{id}/{approve,reject} {reason} */
CORE_HANDLER_NEED(admin_api_moderation_action,
    CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	json_t			*body;
	const char		*p, *slash, *reason;
	char			 kind[33], item[24];
	size_t			 n;
	int			 approve;

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
		CORE_TRY(core_json_body(req, ctx, &body));
		reason = core_json_str(body, "reason");
	}
	if (!approve)
		CORE_TRY(reason_check(req, "/reject", reason));

	CORE_TRY(admin_decide(req, ctx, &ctx->db[0], kind, item,
	    approve ? "approved" : "rejected", reason));

	return (core_json_send(req, 200, json_pack("{s:s, s:s, s:s}",
	    "kind", kind, "item_id", item, "decision", approve ? "approved" :
	    "rejected")));
}

/* The filter form: by app, by why the items are there. */
static void
queue_filters(struct kore_buf *buf, struct admin_queue_filter *f)
{
	static const char *const apps[][2] = {
		{ "", "Every app" }, { "blog", "Blog" },
		{ "photos", "Photos" }, { "chat", "Chat" }
	};
	static const char *const whys[][2] = {
		{ "", "Any reason" },
		{ "auto", "Flagged by the automatic check" },
		{ "report", "Reported by readers" },
		{ "review", "Waiting for review" },
		{ "new", "By new users" }
	};
	size_t		i;

	core_html_appendf(buf, "<form method=\"get\" action=\"/admin/"
	    "moderation\" class=\"filters\"><fieldset role=\"group\">"
	    "<select name=\"app\" aria-label=\"App\">");
	for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++)
		core_html_appendf(buf, "<option value=\"%s\"%R>%s</option>",
		    apps[i][0], !strcmp(f->app, apps[i][0]) ? " selected" : "",
		    apps[i][1]);
	core_html_appendf(buf, "</select><select name=\"why\" "
	    "aria-label=\"Why it is here\">");
	for (i = 0; i < sizeof(whys) / sizeof(whys[0]); i++)
		core_html_appendf(buf, "<option value=\"%s\"%R>%s</option>",
		    whys[i][0], !strcmp(f->why, whys[i][0]) ? " selected" : "",
		    whys[i][1]);
	core_html_appendf(buf, "</select><button type=\"submit\" "
	    "class=\"secondary\">Filter</button></fieldset></form>\n");
}

static const char *
source_words(const char *source)
{
	if (!strcmp(source, "auto"))
		return ("flagged by the automatic check");
	if (!strcmp(source, "report"))
		return ("reported");
	if (!strcmp(source, "review"))
		return ("waiting for review");

	return (source);
}

/*
 * Queue row `i`: what it is in words, why it is here, its author's
 * standing, its preview as readers will see it (a photo's thumbnail),
 * approve and reject.
 */
static void
queue_item(struct http_request *req, struct kore_buf *buf,
    struct core_db *db, int i)
{
	struct core_num	 n;
	char		 path[64], *html;
	const char	*author;
	int64_t		 id, reports;

	id = core_db_int(db, i, ADMIN_Q_ID);
	core_num(&n, id);
	author = core_db_value(db, i, ADMIN_Q_AUTHOR);
	core_html_appendf(buf, "<article class=\"mod-item\" id=\"q%lld\" "
	    "data-kind=\"%s\" data-item=\"%lld\" data-app=\"%s\">\n"
	    "<header><label><input type=\"checkbox\" name=\"id\" "
	    "value=\"%lld\" form=\"bulk\"> <strong>%s</strong></label> · "
	    "%T · <mark>%s</mark></header>\n", (long long)id,
	    core_db_value(db, i, ADMIN_Q_KIND),
	    (long long)core_db_int(db, i, ADMIN_Q_ITEM),
	    core_db_value(db, i, ADMIN_Q_APP), (long long)id,
	    core_db_value(db, i, ADMIN_Q_LABEL),
	    core_db_value(db, i, ADMIN_Q_CREATED),
	    source_words(core_db_value(db, i, ADMIN_Q_SOURCE)));
	if (*author != '\0')
		core_html_appendf(buf, "<p class=\"standing\"><small>%s is "
		    "<strong class=\"trust\">%s</strong> · %s approved "
		    "item%s · %s rejected before</small></p>\n", author,
		    core_db_value(db, i, ADMIN_Q_TRUST),
		    core_db_value(db, i, ADMIN_Q_ITEMS),
		    core_db_int(db, i, ADMIN_Q_ITEMS) == 1 ? "" : "s",
		    core_db_value(db, i, ADMIN_Q_REJECTED));
	core_html_appendf(buf, "<p><em>%s</em></p>\n",
	    core_db_value(db, i, ADMIN_Q_REASON));
	reports = core_db_int(db, i, ADMIN_Q_REPORTS);
	if (reports > 0)
		core_html_appendf(buf, "<p class=\"reports\">Reported %lld "
		    "time%s by %s.</p>\n", (long long)reports,
		    reports == 1 ? "" : "s",
		    core_db_value(db, i, ADMIN_Q_REPORTERS));
	if (*core_db_value(db, i, ADMIN_Q_THUMB) != '\0')
		core_html_appendf(buf, "<img class=\"mod-thumb\" "
		    "src=\"/media/thumb/%s.jpg\" alt=\"The photo\" "
		    "loading=\"lazy\">\n", core_db_value(db, i, ADMIN_Q_THUMB));
	if (*core_db_value(db, i, ADMIN_Q_TITLE) != '\0')
		core_html_appendf(buf, "<h3>%s</h3>\n",
		    core_db_value(db, i, ADMIN_Q_TITLE));
	if ((html = core_preview_html(core_db_value(db, i, ADMIN_Q_KIND),
	    core_db_value(db, i, ADMIN_Q_BODY))) != NULL) {
		core_html_appendf(buf, "<div class=\"preview-html\">%R</div>\n"
		    "<details class=\"source\"><summary>Source</summary>"
		    "<blockquote class=\"preview\">%s</blockquote></details>\n",
		    html,
		    core_db_value(db, i, ADMIN_Q_BODY));
		free(html);
	} else
		core_html_appendf(buf, "<blockquote class=\"preview\">%s"
		    "</blockquote>\n", core_db_value(db, i, ADMIN_Q_BODY));
	if (*core_db_value(db, i, ADMIN_Q_LINK) == '/')
		core_html_appendf(buf, "<p><a href=\"%s\">Open</a></p>\n",
		    core_db_value(db, i, ADMIN_Q_LINK));

	core_html_appendf(buf, "<footer class=\"actions\">");
	(void)snprintf(path, sizeof(path), "/admin/moderation/%s/approve",
	    n.s);
	core_form_button(req, buf, path, "inline", NULL, "Approve");
	core_html_appendf(buf, " ");
	(void)snprintf(path, sizeof(path), "/admin/moderation/%s/reject",
	    n.s);
	core_form_open(req, buf, path, "inline reject");
	core_html_appendf(buf, "<input name=\"reason\" maxlength=\"500\" "
	    "placeholder=\"Reason\" required> <button type=\"submit\" "
	    "class=\"secondary\">Reject</button></form></footer>\n"
	    "</article>\n");
}

static json_t *
queue_item_json(struct core_db *db, int i)
{
	json_t	*o;

	o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "id", (json_int_t)core_db_int(db, i, ADMIN_Q_ID),
	    "kind", core_db_value(db, i, ADMIN_Q_KIND),
	    "item_id", (json_int_t)core_db_int(db, i, ADMIN_Q_ITEM),
	    "reason", core_db_value(db, i, ADMIN_Q_REASON),
	    "source", core_db_value(db, i, ADMIN_Q_SOURCE),
	    "author", core_db_value(db, i, ADMIN_Q_AUTHOR),
	    "preview_title", core_db_value(db, i, ADMIN_Q_TITLE),
	    "preview_body", core_db_value(db, i, ADMIN_Q_BODY),
	    "link", core_db_value(db, i, ADMIN_Q_LINK),
	    "created_at", core_db_value(db, i, ADMIN_Q_CREATED));
	json_object_set_new(o, "label",
	    json_string(core_db_value(db, i, ADMIN_Q_LABEL)));
	json_object_set_new(o, "app",
	    json_string(core_db_value(db, i, ADMIN_Q_APP)));
	json_object_set_new(o, "thumbnail",
	    *core_db_value(db, i, ADMIN_Q_THUMB) != '\0' ?
	    json_sprintf("/media/thumb/%s.jpg",
	    core_db_value(db, i, ADMIN_Q_THUMB)) : json_null());
	json_object_set_new(o, "reports",
	    json_integer(core_db_int(db, i, ADMIN_Q_REPORTS)));
	json_object_set_new(o, "reporters",
	    json_string(core_db_value(db, i, ADMIN_Q_REPORTERS)));
	json_object_set_new(o, "author_standing", json_pack("{s:s, s:I, s:I}",
	    "trust", core_db_value(db, i, ADMIN_Q_TRUST),
	    "items", (json_int_t)core_db_int(db, i, ADMIN_Q_ITEMS),
	    "rejected", (json_int_t)core_db_int(db, i, ADMIN_Q_REJECTED)));

	return (o);
}

/*
 * Approve, or reject with the one reason given, every checked item;
 * none checked is no decision at all.
 */
static int
decide_bulk(struct http_request *req, struct core_ctx *ctx)
{
	struct kore_buf		 ids;
	const char		*decision, *reason;
	int			 rc, reject;

	decision = core_form_get(req, "decision");
	reject = decision != NULL && !strcmp(decision, "reject");
	reason = reject ? core_form_get(req, "reason") : NULL;

	rc = CORE_OK;
	kore_buf_init(&ids, 128);
	if (ids_from_form(req, &ids) > 0) {
		if (reject)
			rc = reason_check(req, "/reject", reason);
		if (rc == CORE_OK)
			rc = admin_decide(req, ctx, &ctx->db[0],
			    kore_buf_stringify(&ids, NULL), NULL,
			    reject ? "rejected" : "approved", reason);
	}
	kore_buf_cleanup(&ids);

	return (rc);
}

/* Approve, or reject with a reason, the queue item in the path. */
static int
decide_one(struct http_request *req, struct core_ctx *ctx)
{
	struct core_num		 n;
	const char		*rest, *reason;
	char			 one[32];
	int64_t			 id;
	int			 approve;

	reason = core_form_get(req, "reason");
	if (core_path_id(req, "/admin/moderation/", &id, &rest) == -1)
		return (core_error(req, 404, NULL));
	approve = !strcmp(rest, "/approve");
	if (!approve)
		CORE_TRY(reason_check(req, rest, reason));

	(void)snprintf(one, sizeof(one), "{%s}", core_num(&n, id));
	return (admin_decide(req, ctx, &ctx->db[0], one, NULL,
	    approve ? "approved" : "rejected", reason));
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
 * Run the queue query for ?after= (a queue id, default 0), ?limit= (1 to
 * `max`, default `max`), ?app= and ?why= (the filters, into `f`).  Bad
 * values answer 400.
 */
static int
queue_load(struct http_request *req, struct core_db *db, int max,
    int *limitp, struct admin_queue_filter *f)
{
	const char	*v;
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
	if ((f->app = core_form_get(req, "app")) == NULL)
		f->app = "";
	if (*f->app != '\0' && strcmp(f->app, "blog") &&
	    strcmp(f->app, "photos") && strcmp(f->app, "chat"))
		return (core_bad_param(req, "app", "blog, photos or chat."));
	if ((f->why = core_form_get(req, "why")) == NULL)
		f->why = "";
	if (*f->why != '\0' && strcmp(f->why, "auto") &&
	    strcmp(f->why, "report") && strcmp(f->why, "review") &&
	    strcmp(f->why, "new"))
		return (core_bad_param(req, "why",
		    "auto, report, review or new."));

	*limitp = (int)l;
	return (admin_queue_load(req, db, a, (int)l, f));
}
