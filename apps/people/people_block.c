/*
 * Blocking and muting: POST and DELETE /api/v1/users/{name}/block and
 * …/mute, GET /api/v1/me/blocks and /api/v1/me/mutes, the profile's
 * buttons (POST /u/{name}/block after the confirmation page GET
 * /u/{name}/block, /u/{name}/unblock, /mute, /unmute) and the settings'
 * lists (people_render_blocks, whose buttons post to
 * /settings/people/{name}/unblock or /unmute).  The rows and what they
 * hide are sql/023_blocks.sql's.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "people/people.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

/*
 * $1 user, $2 username, $3 kind, $4 most rows one may have.  Banned
 * people are nobody; oneself and past the limit insert nothing.  A
 * block also ends the follows both ways and takes back what the
 * blocked person's notifications told the blocker.  The answer says
 * whether the user hides the other's messages now (either kind), for
 * the chat's sockets, and whose inbox changed.
 */
static const char sql_block[] =
	"WITH t AS ("
	"  SELECT id FROM users WHERE username = $2"
	"     AND agora_user_visible(banned, false)"
	"), had AS ("
	"  SELECT count(*) AS n FROM user_blocks WHERE user_id = $1"
	"), ex AS ("
	"  SELECT b.kind FROM user_blocks b, t"
	"   WHERE b.user_id = $1 AND b.other_id = t.id"
	"), i AS ("
	"  INSERT INTO user_blocks (user_id, other_id, kind)"
	"  SELECT $1, t.id, $3 FROM t, had"
	"   WHERE t.id <> $1 AND had.n < $4"
	"     AND NOT EXISTS (SELECT 1 FROM ex WHERE ex.kind = $3)"
	"  ON CONFLICT DO NOTHING RETURNING other_id"
	"), f AS ("
	"  DELETE FROM follows WHERE $3 = 'block'"
	"     AND ((follower_id = $1 AND followee_id IN (SELECT other_id FROM i))"
	"      OR (followee_id = $1 AND follower_id IN (SELECT other_id FROM i)))"
	"  RETURNING followee_id"
	"), d AS ("
	"  DELETE FROM notifications WHERE $3 = 'block' AND user_id = $1"
	"     AND actor_id IN (SELECT other_id FROM i) RETURNING user_id"
	"), n AS ("
	"  SELECT followee_id AS uid FROM f UNION SELECT user_id FROM d"
	")"
	"SELECT coalesce((SELECT id FROM t), 0),"
	"       EXISTS (SELECT 1 FROM ex WHERE ex.kind = $3)"
	"           OR EXISTS (SELECT 1 FROM i),"
	"       EXISTS (SELECT 1 FROM ex) OR EXISTS (SELECT 1 FROM i), "
	CORE_NOTIFY_JSON("n");

/* $1 user, $2 username, $3 kind. */
static const char sql_unblock[] =
	"WITH t AS ("
	"  SELECT id FROM users WHERE username = $2"
	"     AND agora_user_visible(banned, false)"
	"), d AS ("
	"  DELETE FROM user_blocks WHERE user_id = $1 AND kind = $3"
	"     AND other_id IN (SELECT id FROM t) RETURNING 1"
	")"
	"SELECT coalesce((SELECT id FROM t), 0), false,"
	"       EXISTS (SELECT 1 FROM user_blocks b, t WHERE b.user_id = $1"
	"           AND b.other_id = t.id AND b.kind <> $3), '[]'";

enum block_col {
	BLOCK_TARGET,		/* the other user's id, 0: nobody */
	BLOCK_ON,		/* the row of this kind exists now */
	BLOCK_HIDDEN,		/* either kind exists now */
	BLOCK_NOTIFY
};

/*
 * $1 user, $2 kind or NULL for both: whom they blocked or muted, newest
 * first (at most LIMIT_BLOCKS_ALIVE rows of both kinds exist).
 */
static const char sql_blocks[] =
	"SELECT x.username, x.display_name, " CORE_SQL_TS("b.created_at") ","
	"       coalesce(x.avatar_sha, ''), b.kind"
	"  FROM user_blocks b JOIN users x ON x.id = b.other_id"
	" WHERE b.user_id = $1 AND ($2::text IS NULL OR b.kind = $2)"
	"   AND NOT x.banned"
	" ORDER BY b.created_at DESC, b.other_id DESC LIMIT "
	XSTR(LIMIT_BLOCKS_ALIVE);

static int	block(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *, const char *, int);
static int	block_confirm(struct http_request *, struct core_ctx *,
		    const char *);
static void	hides_publish(int64_t, int64_t, int);
static const char *kind_of(const char *);

/*
 * `ctx`'s user blocks or mutes (`kind`, `on`) `name`, or stops, in
 * `db`.  CORE_OK with the BLOCK_* columns in row 0; CORE_DONE after 404
 * (nobody of that name, or banned), 422 (oneself, or at the limit) or
 * 429 (too many changes in an hour).  Doing it again changes nothing.
 */
static int
block(struct http_request *req, struct core_ctx *ctx, struct core_db *db,
    const char *name, const char *kind, int on)
{
	struct core_num	 uid, most;
	const char	*params[4];

	if (!strcmp(name, ctx->user.username))
		return (core_is_api(req) ? core_problem(req, 422,
		    "Invalid input", !strcmp(kind, "block") ?
		    "You cannot block yourself." : "You cannot mute yourself.",
		    NULL) : core_error(req, 422, !strcmp(kind, "block") ?
		    "You cannot block yourself." : "You cannot mute yourself."));

	CORE_TRY(core_limit_user(req, ctx, "blocks", LIMIT_BLOCKS_MAX,
	    LIMIT_BLOCKS_WINDOW, "You have blocked, muted, unblocked and "
	    "unmuted many people in the last hour. Try again later."));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = name;
	params[2] = kind;
	params[3] = core_num(&most, LIMIT_BLOCKS_ALIVE);
	CORE_TRY(core_db_run(req, db, on ? sql_block : sql_unblock,
	    on ? 4 : 3, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));
	if (core_db_int(db, 0, BLOCK_TARGET) == 0)
		return (core_error(req, 404, "No such user."));
	if (on && !core_db_bool(db, 0, BLOCK_ON))
		return (core_is_api(req) ? core_problem(req, 422,
		    "Too many blocks", "You have blocked and muted "
		    XSTR(LIMIT_BLOCKS_ALIVE) " people, the most one can. "
		    "Unblock or unmute someone first.", NULL) :
		    core_error(req, 422, "You have blocked and muted "
		    XSTR(LIMIT_BLOCKS_ALIVE) " people, the most one can. "
		    "Unblock or unmute someone first."));

	core_notify_push(db, 0, BLOCK_NOTIFY);
	hides_publish(ctx->user.id, core_db_int(db, 0, BLOCK_TARGET),
	    core_db_bool(db, 0, BLOCK_HIDDEN));
	/* The session's "hides anyone" (the blog's page cache). */
	core_revoke_changed(ctx->user.id);

	return (CORE_OK);
}

/* POST (block, mute) and DELETE (unblock, unmute) /api/v1/users/{name}/… */
CORE_HANDLER_NEED(people_api_block, CORE_NEED_CHANGE)
{
	const char	*name, *kind;
	char		 buf[CORE_USERNAME_MAX + 1];
	int		 on;

	if (req->method != HTTP_METHOD_POST &&
	    req->method != HTTP_METHOD_DELETE)
		return (core_error(req, 405, NULL));
	if ((name = people_path_name(req->path, strlen("/api/v1/users/"), buf,
	    sizeof(buf))) == NULL || (kind = kind_of(req->path)) == NULL)
		return (core_error(req, 404, NULL));
	on = req->method == HTTP_METHOD_POST;
	CORE_TRY(block(req, ctx, &ctx->db[0], name, kind, on));

	return (core_json_send(req, 200, json_pack("{s:s, s:b}",
	    "username", name, !strcmp(kind, "block") ? "blocked" : "muted",
	    core_db_bool(&ctx->db[0], 0, BLOCK_ON))));
}

/*
 * The forms: POST /u/{name}/block, /unblock, /mute, /unmute (back to
 * the profile) and /settings/people/{name}/unblock, /unmute (back to
 * the settings).  GET /u/{name}/block asks first.
 */
CORE_HANDLER_NEED(people_block_page, CORE_NEED_USER)
{
	struct kore_buf	 loc;
	const char	*name, *end, *kind;
	char		 buf[CORE_USERNAME_MAX + 1];
	int		 settings;

	settings = !strncmp(req->path, "/settings/people/", 17);
	if ((name = people_path_name(req->path, settings ? 17 : 3, buf,
	    sizeof(buf))) == NULL || (kind = kind_of(req->path)) == NULL)
		return (core_error(req, 404, NULL));
	end = strrchr(req->path, '/') + 1;
	if (req->method != HTTP_METHOD_POST) {
		if (settings || strcmp(end, "block"))
			return (core_error(req, 405, NULL));
		return (block_confirm(req, ctx, name));
	}
	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(block(req, ctx, &ctx->db[0], name, kind,
	    strncmp(end, "un", 2) != 0));

	kore_buf_init(&loc, 64);
	if (settings)
		kore_buf_appendf(&loc, "/settings?saved=%s#people", end);
	else
		kore_buf_appendf(&loc, "/u/%s", name);
	core_redirect(req, kore_buf_stringify(&loc, NULL));
	kore_buf_cleanup(&loc);
	return (CORE_DONE);
}

/* GET /u/{name}/block: what blocking does, and the button that does it. */
static int
block_confirm(struct http_request *req, struct core_ctx *ctx,
    const char *name)
{
	struct kore_buf	*buf;
	char		 action[64];

	if (!strcmp(name, ctx->user.username))
		return (core_error(req, 422, "You cannot block yourself."));
	CORE_TRY(core_user_known(req, &ctx->db[0], name));

	buf = core_page_open(req, "Block");
	core_html_appendf(buf, "<article class=\"confirm\">\n<h1>Block %s?"
	    "</h1>\n<p>%s will not be able to message you or mention you, "
	    "and will not see the posts, photos and rooms on your profile. "
	    "You will no longer follow each other, and you will not see "
	    "their posts, photos, comments and chat messages. They are not "
	    "told.</p>\n", name, name);
	(void)snprintf(action, sizeof(action), "/u/%s/block", name);
	core_form_button(req, buf, action, "block-confirm", NULL, "Block");
	core_html_appendf(buf, "<p><a href=\"/u/%U\">Cancel</a></p>\n"
	    "</article>\n", name);

	return (core_page_close(req, 200, buf));
}

/* GET /api/v1/me/blocks and /api/v1/me/mutes */
CORE_HANDLER_NEED(people_api_me_blocks, CORE_NEED_USER)
{
	struct core_db	*db = &ctx->db[0];
	json_t		*list;
	const char	*which;
	int		 i;

	which = !strcmp(req->path, "/api/v1/me/blocks") ? "blocks" : "mutes";
	CORE_TRY(people_blocks_load(req, ctx, db, !strcmp(which, "blocks") ?
	    "block" : "mute"));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "username", core_db_value(db, i, PBLOCK_USERNAME),
		    "display_name", core_db_value(db, i, PBLOCK_DISPLAY_NAME),
		    "since", core_db_value(db, i, PBLOCK_SINCE)));

	return (core_json_send(req, 200, json_pack("{s:o}", which, list)));
}

/*
 * Whom `ctx`'s user blocked (`kind` "block"), muted ("mute") or either
 * (NULL), newest first, into `db` (the people_block_col columns).
 */
int
people_blocks_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *kind)
{
	struct core_num	 uid;
	const char	*params[2];

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = kind;
	return (core_db_run(req, db, sql_blocks, 2, params));
}

/*
 * The settings' section: the blocked and the muted people of `db`
 * (people_blocks_load of both kinds), each with the button that undoes
 * it.
 */
void
people_render_blocks(struct http_request *req, struct kore_buf *buf,
    struct core_db *db)
{
	const char	*shown, *name, *verb, *kind;
	char		 action[96];
	int		 i, k, n;

	core_html_appendf(buf, "<section id=\"people\">\n<h2>Blocked and "
	    "muted people</h2>\n<p>Block or mute someone from their profile. "
	    "Neither is told.</p>\n");
	for (k = 0; k < 2; k++) {
		kind = k == 0 ? "block" : "mute";
		verb = k == 0 ? "unblock" : "unmute";
		core_html_appendf(buf, "<h3>%s</h3>\n<ul class=\"follows %s\">"
		    "\n", k == 0 ? "Blocked" : "Muted", k == 0 ? "blocked" :
		    "muted");
		for (n = i = 0; i < core_db_rows(db); i++) {
			if (strcmp(core_db_value(db, i, PBLOCK_KIND), kind))
				continue;
			n++;
			name = core_db_value(db, i, PBLOCK_USERNAME);
			shown = core_db_value(db, i, PBLOCK_DISPLAY_NAME);
			core_html_appendf(buf, "<li><a href=\"/u/%U\">%A %s</a> "
			    "<small>@%s · since %T</small>", name, name, shown,
			    core_db_value(db, i, PBLOCK_AVATAR),
			    *shown != '\0' ? shown : name, name,
			    core_db_value(db, i, PBLOCK_SINCE));
			(void)snprintf(action, sizeof(action),
			    "/settings/people/%s/%s", name, verb);
			core_form_button(req, buf, action, "inline-form",
			    "secondary outline", k == 0 ? "Unblock" : "Unmute");
			core_html_appendf(buf, "</li>\n");
		}
		core_html_appendf(buf, "</ul>\n");
		if (n == 0)
			core_html_appendf(buf, "<p class=\"empty\">Nobody."
			    "</p>\n");
	}
	core_html_appendf(buf, "</section>\n");
}

/* Tell the chat's sockets of `uid` whether they hide `other` now. */
static void
hides_publish(int64_t uid, int64_t other, int hidden)
{
	json_t		*ev;
	char		*text;

	if ((ev = json_pack("{s:I, s:I, s:b}", "user", (json_int_t)uid,
	    "other", (json_int_t)other, "hidden", hidden)) == NULL)
		return;
	if ((text = json_dumps(ev, JSON_COMPACT)) != NULL) {
		if (core_publish(CORE_HIDES_CHANNEL, text, strlen(text)) == -1)
			kore_log(LOG_WARNING, "blocks: event not published");
		free(text);
	}
	json_decref(ev);
}

/* "block" or "mute" from the path's last part (unblock, unmute…). */
static const char *
kind_of(const char *path)
{
	const char	*end;

	end = strrchr(path, '/') + 1;
	if (!strcmp(end, "block") || !strcmp(end, "unblock"))
		return ("block");
	if (!strcmp(end, "mute") || !strcmp(end, "unmute"))
		return ("mute");

	return (NULL);
}
