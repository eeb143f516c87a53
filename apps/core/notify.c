/*
 * Notifications (sql/015_notifications.sql): the inbox page
 * (/notifications), its API (/api/v1/notifications) and the live event
 * that tells a user's open pages their inbox changed.
 *
 * Rows are made by the statements that store the events; those return
 * the recipients as a JSON array, which core_notify_push() publishes on
 * CORE_NOTIFY_CHANNEL ({"user":N}).  The chat's WebSocket hands the
 * event to that user's connections (every worker of every instance
 * hears it), and /static/notify.js fetches the new count.  A user reads
 * only their own notifications: every statement here is bound to the
 * signed-in user.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define NOTIFY_PAGE		30
#define NOTIFY_LIMIT_MAX	100
#define BELL_NONE		"{\"unread\":0,\"newest\":null}"

/*
 * $1 user, $2 unread only, $3 cursor time (microseconds) or NULL, $4
 * cursor id, $5 rows.  A photo's likes are one entry (its newest like
 * speaks for them); everything else is its own.
 */
static const char sql_list[] =
	"WITH g AS ("
	"  SELECT max(n.id) AS id, max(n.created_at) AS created_at,"
	"         count(*) AS actors, bool_or(n.read_at IS NULL) AS unread"
	"    FROM notifications n"
	"   WHERE n.user_id = $1 AND (NOT $2::bool OR n.read_at IS NULL)"
	"   GROUP BY CASE WHEN n.kind = 'like' THEN -n.like_photo_id"
	"            ELSE n.id END"
	")"
	"SELECT g.id, n.kind, n.app, coalesce(a.username, ''), g.actors,"
	"       n.subject, n.excerpt, n.link, coalesce(n.decision, ''),"
	"       g.unread, " CORE_SQL_TS("g.created_at") ","
	"       (extract(epoch FROM g.created_at) * 1000000)::bigint"
	"       || '.' || g.id, notify_unread($1)"
	"  FROM g JOIN notifications n ON n.id = g.id"
	"  LEFT JOIN users a ON a.id = n.actor_id"
	" WHERE $3::bigint IS NULL OR (g.created_at, g.id) <"
	"       (timestamptz 'epoch' + $3::bigint * interval '1 microsecond',"
	"       $4::bigint)"
	" ORDER BY g.created_at DESC, g.id DESC LIMIT $5";

/*
 * $1 user: the newest unread notification (a like as itself), in the
 * columns of sql_list, with the count; no row when all is read.  Two
 * index probes however many notifications the user has
 * (sql/030_notify_bell.sql): what the bell asks after every event.
 */
static const char sql_newest[] =
	"SELECT n.id, n.kind, n.app, coalesce(a.username, ''), 1::bigint,"
	"       n.subject, n.excerpt, n.link, coalesce(n.decision, ''), true,"
	"       " CORE_SQL_TS("n.created_at") ", '', notify_unread($1)"
	"  FROM notifications n LEFT JOIN users a ON a.id = n.actor_id"
	" WHERE n.user_id = $1 AND n.read_at IS NULL"
	" ORDER BY n.created_at DESC, n.id DESC LIMIT 1";

enum list_col {
	LIST_ID,
	LIST_KIND,
	LIST_APP,
	LIST_ACTOR,
	LIST_ACTORS,
	LIST_SUBJECT,
	LIST_EXCERPT,
	LIST_LINK,
	LIST_DECISION,
	LIST_UNREAD,
	LIST_CREATED,
	LIST_CURSOR,
	LIST_COUNT
};

/*
 * $1 notification (0: all), $2 user.  One of a photo's likes marks them
 * all.  The notification's existence (404 otherwise) and the count left.
 */
static const char sql_read[] =
	"WITH t AS ("
	"  SELECT id, kind, like_photo_id FROM notifications"
	"   WHERE id = $1 AND user_id = $2"
	"), u AS ("
	"  UPDATE notifications n SET read_at = now()"
	"   WHERE n.user_id = $2 AND n.read_at IS NULL AND ($1 = 0 OR"
	"         n.id = $1 OR (n.kind = 'like' AND n.like_photo_id ="
	"         (SELECT like_photo_id FROM t WHERE kind = 'like')))"
	"  RETURNING n.id, n.kind, n.like_photo_id"
	")"
	"SELECT $1 = 0 OR EXISTS (SELECT 1 FROM t),"
	"       CASE WHEN $1 = 0 THEN 0 ELSE notify_unread($2) -"
	"       (SELECT count(DISTINCT CASE WHEN kind = 'like' THEN"
	"        -like_photo_id ELSE id END) FROM u) END";

enum read_col {
	READ_FOUND,
	READ_UNREAD
};

static int	list_load(struct http_request *, struct core_ctx *,
		    struct core_db *, int, int);
static json_t	*list_json(struct core_db *, int);
static void	render_item(struct http_request *, struct kore_buf *,
		    struct core_db *, int);
static void	render_text(struct kore_buf *, struct core_db *, int);
static int	mark_read(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
static void	publish_user(int64_t);

/*
 * Publish the live event for every user id in the JSON array of column
 * `col` of row `row` of `db` (-1: every row), each user once.  Nothing
 * is published for a column that is NULL or not an array.
 */
void
core_notify_push(struct core_db *db, int row, int col)
{
	json_t		*list, *v;
	json_error_t	 err;
	int64_t		 seen[64];
	size_t		 i, k, nseen;
	int		 r, first, last, dup;

	if (db->notified)
		return;
	db->notified = 1;
	first = row == -1 ? 0 : row;
	last = row == -1 ? core_db_rows(db) : row + 1;
	nseen = 0;
	for (r = first; r < last; r++) {
		if (core_db_isnull(db, r, col))
			continue;
		list = json_loads(core_db_value(db, r, col), 0, &err);
		if (!json_is_array(list)) {
			json_decref(list);
			continue;
		}
		json_array_foreach(list, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				continue;
			for (dup = 0, k = 0; k < nseen; k++)
				dup |= seen[k] == json_integer_value(v);
			if (dup)
				continue;
			if (nseen < sizeof(seen) / sizeof(seen[0]))
				seen[nseen++] = json_integer_value(v);
			publish_user(json_integer_value(v));
		}
		json_decref(list);
	}
}

/*
 * User `uid`'s count changed: their open pages hear it (agora:notify,
 * through their sockets), and no worker answers from a cached
 * credential that still carries the old count (core_revoke_changed).
 */
static void
publish_user(int64_t uid)
{
	char	ev[48];
	int	n;

	core_revoke_changed(uid);

	n = snprintf(ev, sizeof(ev), "{\"user\":%lld}", (long long)uid);
	if (n > 0 && (size_t)n < sizeof(ev) &&
	    core_publish(CORE_NOTIFY_CHANNEL, ev, n) == -1)
		kore_log(LOG_NOTICE, "notify: event not published");
}

/* GET /notifications (?cursor=, ?unread=1); POST marks read. */
CORE_HANDLER_NEED(core_notifications_page, CORE_NEED_USER)
{
	struct core_db		*db = &ctx->db[0];
	struct kore_buf		*buf;
	const char		*v, *next;
	int			 unread, rows, i, err;
	int64_t			 id;
	char			 href[96], count[48];

	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_need(req, ctx, CORE_NEED_CSRF));
		id = 0;
		if ((v = core_form_get(req, "id")) != NULL) {
			id = kore_strtonum64(v, 0, &err);
			if (err != KORE_RESULT_OK || id <= 0)
				return (core_error(req, 400,
				    "That is not a notification."));
		}
		CORE_TRY(mark_read(req, ctx, db, id));
		if (!core_db_bool(db, 0, READ_FOUND))
			return (core_error(req, 404,
			    "You have no notification with this number."));
		publish_user(ctx->user.id);
		v = core_form_get(req, "unread");
		core_redirect(req, v != NULL && !strcmp(v, "1") ?
		    "/notifications?unread=1" : "/notifications");
		return (CORE_DONE);
	}

	http_populate_get(req);
	v = core_form_get(req, "unread");
	unread = v != NULL && !strcmp(v, "1");
	CORE_TRY(list_load(req, ctx, db, unread, NOTIFY_PAGE));

	rows = core_db_rows(db);
	/* What the session lookup counted may be older than this. */
	if (rows > 0)
		ctx->user.unread = core_db_int(db, 0, LIST_COUNT);
	buf = core_page_open(req, "Notifications");
	if (ctx->user.unread == 0)
		(void)snprintf(count, sizeof(count), "All read.");
	else
		(void)snprintf(count, sizeof(count), "%lld unread.",
		    (long long)ctx->user.unread);
	core_html_appendf(buf, "<hgroup class=\"notify-head\">"
	    "<h1>Notifications</h1><p id=\"notify-count\">%s</p></hgroup>\n",
	    count);

	core_html_appendf(buf, "<div class=\"notify-tools\">"
	    "<nav aria-label=\"Show\"><a href=\"/notifications\"%R>All</a> "
	    "<a href=\"/notifications?unread=1\"%R>Unread</a></nav>",
	    unread ? "" : " aria-current=\"page\"",
	    unread ? " aria-current=\"page\"" : "");
	if (ctx->user.unread > 0) {
		core_form_open(req, buf, "/notifications", "inline");
		core_html_appendf(buf, "<input type=\"hidden\" name=\"unread\" "
		    "value=\"%s\"><button type=\"submit\" class=\"secondary\">"
		    "Mark all read</button></form>", unread ? "1" : "0");
	}
	core_html_appendf(buf, "<a href=\"/settings/notifications\">"
	    "Settings</a></div>\n");

	if (rows == 0) {
		core_html_appendf(buf, "<section class=\"empty-state\">"
		    "<p>%s</p><p>When someone comments on your posts or "
		    "photos, likes a photo, mentions you or sends you a "
		    "message, it shows up here.</p>"
		    "<p><a href=\"/chat\" role=\"button\">Say hello in the "
		    "chat</a> <a href=\"/blog/new\" role=\"button\" "
		    "class=\"secondary\">Write a post</a></p></section>\n",
		    unread ? "Nothing unread." : "No notifications yet.");
	} else {
		core_html_appendf(buf, "<ol class=\"notifications\">\n");
		for (i = 0; i < rows && i < NOTIFY_PAGE; i++)
			render_item(req, buf, db, i);
		core_html_appendf(buf, "</ol>\n");
		if (rows > NOTIFY_PAGE) {
			next = core_db_value(db, NOTIFY_PAGE - 1, LIST_CURSOR);
			(void)snprintf(href, sizeof(href), "/notifications?%s"
			    "cursor=", unread ? "unread=1&" : "");
			core_html_appendf(buf, "<p><a href=\"%s%U\" "
			    "rel=\"next\">Older notifications</a></p>\n",
			    href, next);
		}
	}

	return (core_page_close(req, 200, buf));
}

/*
 * GET /api/v1/notifications (?cursor=, ?unread=1|true, ?limit=):
 * {"notifications":[...],"unread":N,"next_cursor":...}.
 */
CORE_HANDLER_NEED(core_api_notifications, CORE_NEED_USER)
{
	struct core_db		*db = &ctx->db[0];
	json_t			*list;
	const char		*v, *next;
	int			 unread, limit, rows, i, err;
	int64_t			 count;

	http_populate_get(req);
	limit = NOTIFY_PAGE;
	if ((v = core_form_get(req, "limit")) != NULL) {
		limit = kore_strtonum(v, 10, 1, NOTIFY_LIMIT_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, "limit", "From 1 to 100."));
	}
	unread = 0;
	if ((v = core_form_get(req, "unread")) != NULL) {
		if (!strcmp(v, "1") || !strcmp(v, "true"))
			unread = 1;
		else if (strcmp(v, "0") && strcmp(v, "false"))
			return (core_bad_param(req, "unread",
			    "true or false (1 or 0)."));
	}
	CORE_TRY(list_load(req, ctx, db, unread, limit));

	rows = core_db_rows(db);
	count = rows > 0 ? core_db_int(db, 0, LIST_COUNT) : ctx->user.unread;
	list = json_array();
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(list, list_json(db, i));
	next = rows > limit ? core_db_value(db, limit - 1, LIST_CURSOR) : NULL;

	return (core_json_send(req, 200, json_pack("{s:o, s:I, s:s?}",
	    "notifications", list, "unread", (json_int_t)count,
	    "next_cursor", next)));
}

/*
 * GET /api/v1/notifications/unread: {"unread":N, "newest":{...} or
 * null}, the bell's question.  Answered from the credential when
 * nothing is unread, from the worker's bell cache (bellcache.c) when it
 * is known, and otherwise from two index probes.
 */
CORE_HANDLER_NEED(core_api_notifications_unread, CORE_NEED_USER)
{
	struct core_db		*db = &ctx->db[0];
	struct core_num		 uid;
	const char		*params[1], *cached;
	json_t			*bell;
	char			*text;
	size_t			 len;
	int			 any;

	if (ctx->stage == 0) {
		if (ctx->user.unread == 0)
			return (core_json_send_raw(req, BELL_NONE,
			    sizeof(BELL_NONE) - 1));
		if (core_bellcache_get(ctx->user.id, &cached, &len))
			return (core_json_send_raw(req, cached, len));
		ctx->cache_gen = core_credcache_generation();
		ctx->stage = 1;
	}

	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_newest, 1, params));
	any = core_db_rows(db) == 1;

	bell = json_pack("{s:I, s:o}", "unread",
	    (json_int_t)(any ? core_db_int(db, 0, LIST_COUNT) : 0),
	    "newest", any ? list_json(db, 0) : json_null());
	text = json_dumps(bell, JSON_COMPACT);
	json_decref(bell);
	if (text == NULL)
		return (core_error(req, 500, NULL));
	core_bellcache_put(ctx->user.id, text, strlen(text), ctx->cache_gen);
	(void)core_json_send_raw(req, text, strlen(text));
	free(text);

	return (CORE_DONE);
}

/*
 * POST /api/v1/notifications/read (all) and
 * POST /api/v1/notifications/{id}/read: {"unread":N}.
 */
CORE_HANDLER_NEED(core_api_notification_read, CORE_NEED_CHANGE)
{
	struct core_db		*db = &ctx->db[0];
	const char		*rest;
	int64_t			 id;

	if (!strcmp(req->path, "/api/v1/notifications/read"))
		id = 0;
	else if (core_path_id(req, "/api/v1/notifications/", &id,
	    &rest) == -1 || strcmp(rest, "/read"))
		return (core_error(req, 404, NULL));

	CORE_TRY(mark_read(req, ctx, db, id));
	if (!core_db_bool(db, 0, READ_FOUND))
		return (core_problem(req, 404, "Not found",
		    "You have no notification with this id.", NULL));
	publish_user(ctx->user.id);

	return (core_json_send(req, 200, json_pack("{s:I}", "unread",
	    (json_int_t)core_db_int(db, 0, READ_UNREAD))));
}

static int
list_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int unread, int limit)
{
	struct core_num		 uid, rows;
	const char		*params[5], *cursor;
	char			 us[24], id[24];

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = unread ? "true" : "false";
	params[2] = NULL;
	params[3] = NULL;
	if ((cursor = core_form_get(req, "cursor")) != NULL) {
		if (core_cursor_parse(cursor, us, sizeof(us), id,
		    sizeof(id)) == -1)
			return (core_is_api(req) ? core_problem(req, 400,
			    "Invalid cursor", "Use the next_cursor of a "
			    "previous answer.", json_pack("{s:s}", "cursor",
			    "Not a cursor from this API.")) :
			    core_error(req, 400, "That page does not exist."));
		params[2] = us;
		params[3] = id;
	}
	params[4] = core_num(&rows, limit + 1);

	return (core_db_run(req, db, sql_list, 5, params));
}

static int
mark_read(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num		 nid, uid;
	const char		*params[2];

	params[0] = core_num(&nid, id);
	params[1] = core_num(&uid, ctx->user.id);

	return (core_db_run(req, db, sql_read, 2, params));
}

static json_t *
list_json(struct core_db *db, int i)
{
	const char	*actor, *decision;

	actor = core_db_value(db, i, LIST_ACTOR);
	decision = core_db_value(db, i, LIST_DECISION);

	return (json_pack("{s:I, s:s, s:s, s:s?, s:I, s:s, s:s, s:s, s:s?, "
	    "s:b, s:s}",
	    "id", (json_int_t)core_db_int(db, i, LIST_ID),
	    "kind", core_db_value(db, i, LIST_KIND),
	    "app", core_db_value(db, i, LIST_APP),
	    "actor", *actor != '\0' ? actor : NULL,
	    "actors", (json_int_t)core_db_int(db, i, LIST_ACTORS),
	    "subject", core_db_value(db, i, LIST_SUBJECT),
	    "excerpt", core_db_value(db, i, LIST_EXCERPT),
	    "link", core_db_value(db, i, LIST_LINK),
	    "decision", *decision != '\0' ? decision : NULL,
	    "unread", core_db_bool(db, i, LIST_UNREAD),
	    "created_at", core_db_value(db, i, LIST_CREATED)));
}

static void
render_item(struct http_request *req, struct kore_buf *buf,
    struct core_db *db, int i)
{
	const char	*actor;
	int		 unread;
	char		 id[24];

	unread = core_db_bool(db, i, LIST_UNREAD);
	actor = core_db_value(db, i, LIST_ACTOR);
	core_html_appendf(buf, "<li class=\"notification%R\" id=\"n%lld\">",
	    unread ? " unread" : "", (long long)core_db_int(db, i, LIST_ID));
	if (*actor != '\0')
		core_html_avatar(buf, actor, NULL, NULL);
	core_html_appendf(buf, "<div class=\"notification-body\">"
	    "<a href=\"%s\">", core_db_value(db, i, LIST_LINK));
	if (unread)
		core_html_appendf(buf, "<span class=\"visually-hidden\">"
		    "Unread: </span>");
	render_text(buf, db, i);
	core_html_appendf(buf, "</a>");
	if (*core_db_value(db, i, LIST_EXCERPT) != '\0')
		core_html_appendf(buf, "<p class=\"excerpt\">%s</p>",
		    core_db_value(db, i, LIST_EXCERPT));
	core_html_appendf(buf, "<small>");
	core_html_time(buf, core_db_value(db, i, LIST_CREATED));
	core_html_appendf(buf, "</small></div>");
	if (unread) {
		core_form_open(req, buf, "/notifications", "inline");
		(void)snprintf(id, sizeof(id), "%lld",
		    (long long)core_db_int(db, i, LIST_ID));
		core_html_appendf(buf, "<input type=\"hidden\" name=\"id\" "
		    "value=\"%s\"><button type=\"submit\" class=\"secondary "
		    "outline\">Mark read</button></form>", id);
	}
	core_html_appendf(buf, "</li>\n");
}

/* "bob commented on your post “Title”", escaped. */
static void
render_text(struct kore_buf *buf, struct core_db *db, int i)
{
	const char	*kind, *actor, *subject, *app, *decision;
	long long	 others;

	kind = core_db_value(db, i, LIST_KIND);
	app = core_db_value(db, i, LIST_APP);
	actor = core_db_value(db, i, LIST_ACTOR);
	subject = core_db_value(db, i, LIST_SUBJECT);
	decision = core_db_value(db, i, LIST_DECISION);
	others = core_db_int(db, i, LIST_ACTORS) - 1;

	if (!strcmp(kind, "moderation")) {
		core_html_appendf(buf, "The moderators %s %s",
		    !strcmp(decision, "approved") ? "approved" : "rejected",
		    subject);
		return;
	}
	if (!strcmp(kind, "report")) {
		core_html_appendf(buf, "The moderators reviewed your report "
		    "of %s: %s", subject, !strcmp(decision, "approved") ?
		    "it stays up" : "they removed it");
		return;
	}

	core_html_appendf(buf, "<strong>%s</strong>", actor);
	if (!strcmp(kind, "like")) {
		if (others == 1)
			core_html_appendf(buf, " and 1 other");
		else if (others > 1)
			core_html_appendf(buf, " and %lld others", others);
		core_html_appendf(buf, " liked your photo");
	} else if (!strcmp(kind, "comment") && !strcmp(app, "blog")) {
		core_html_appendf(buf, " commented on your post “%s”", subject);
	} else if (!strcmp(kind, "comment")) {
		core_html_appendf(buf, " commented on your photo");
	} else if (!strcmp(kind, "reply")) {
		core_html_appendf(buf, " replied to your comment on “%s”",
		    subject);
	} else if (!strcmp(kind, "follow")) {
		core_html_appendf(buf, " started following you");
	} else if (!strcmp(kind, "tag")) {
		core_html_appendf(buf, " tagged you in a photo");
	} else if (!strcmp(kind, "dm")) {
		core_html_appendf(buf, " sent you a message");
	} else if (!strcmp(app, "chat")) {
		core_html_appendf(buf, " mentioned you in %s", subject);
	} else if (!strcmp(app, "blog")) {
		core_html_appendf(buf, " mentioned you on “%s”", subject);
	} else {
		core_html_appendf(buf, " mentioned you on a photo");
	}
}
