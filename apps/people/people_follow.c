/*
 * Following: POST and DELETE /api/v1/users/{name}/follow, the profile's
 * Follow/Unfollow form (POST /u/{name}/follow and /u/{name}/unfollow),
 * and who follows whom (/u/{name}/followers, /u/{name}/following and
 * the same under /api/v1/users/).  The rows are sql/021_follows.sql's;
 * apps/photos reads them for its Following feed.
 */

#include <stdio.h>
#include <string.h>

#include "people/people.h"

#define STR(x)		#x
#define XSTR(x)		STR(x)

/*
 * $1 follower, $2 username, $3 most one may follow.  Banned people are
 * nobody; following oneself, past the limit or across a block
 * (sql/023_blocks.sql) inserts nothing.  The followed user is told in
 * the same statement (notify_follow).
 */
static const char sql_follow[] =
	"WITH t AS ("
	"  SELECT id, agora_blocked(id, $1) AS blocked FROM users"
	"   WHERE username = $2"
	"     AND id > 0 AND agora_user_visible(banned, false)"
	"), had AS ("
	"  SELECT count(*) AS n FROM follows WHERE follower_id = $1"
	"), ex AS ("
	"  SELECT 1 FROM follows f, t"
	"   WHERE f.follower_id = $1 AND f.followee_id = t.id"
	"), i AS ("
	"  INSERT INTO follows (follower_id, followee_id)"
	"  SELECT $1, t.id FROM t, had"
	"   WHERE t.id <> $1 AND had.n < $3 AND NOT t.blocked"
	"     AND NOT EXISTS (SELECT 1 FROM ex)"
	"  ON CONFLICT DO NOTHING RETURNING followee_id"
	"), n AS ("
	"  SELECT notify_follow(i.followee_id, $1) AS uid FROM i"
	")"
	"SELECT coalesce((SELECT id FROM t), 0),"
	"       EXISTS (SELECT 1 FROM ex) OR EXISTS (SELECT 1 FROM i),"
	"       (SELECT count(*) FROM follows f JOIN users x"
	"           ON x.id = f.follower_id AND NOT x.banned"
	"         WHERE f.followee_id = (SELECT id FROM t))"
	"       + (SELECT count(*) FROM i), "
	CORE_NOTIFY_JSON("n") ", coalesce((SELECT blocked FROM t), false)";

/* $1 follower, $2 username. */
static const char sql_unfollow[] =
	"WITH t AS ("
	"  SELECT id FROM users WHERE username = $2"
	"     AND id > 0 AND agora_user_visible(banned, false)"
	"), d AS ("
	"  DELETE FROM follows WHERE follower_id = $1"
	"     AND followee_id IN (SELECT id FROM t) RETURNING 1"
	")"
	"SELECT coalesce((SELECT id FROM t), 0), false,"
	"       (SELECT count(*) FROM follows f JOIN users x"
	"           ON x.id = f.follower_id AND NOT x.banned"
	"         WHERE f.followee_id = (SELECT id FROM t))"
	"       - (SELECT count(*) FROM d), '[]', false";

enum follow_col {
	FOLLOW_TARGET,		/* the followed user's id, 0: nobody */
	FOLLOW_FOLLOWING,	/* the viewer follows them now */
	FOLLOW_FOLLOWERS,	/* their followers now */
	FOLLOW_NOTIFY,
	FOLLOW_BLOCKED		/* one of the two blocked the other */
};

/*
 * $1 username, $2 cursor time (microseconds) or NULL, $3 cursor id:
 * a page of `x` (the other side of the follows f of `t`) newest first,
 * and one more row to know there is more.
 */
#define FOLLOWS_SQL(mine, theirs)					\
	"SELECT x.username, x.display_name, " CORE_SQL_TS("f.created_at") \
	",      coalesce(x.avatar_sha, ''),"				\
	"       (extract(epoch FROM f.created_at) * 1000000)::bigint"	\
	"       || '.' || x.id"						\
	"  FROM users t JOIN follows f ON f." mine " = t.id"		\
	"  JOIN users x ON x.id = f." theirs				\
	" WHERE t.username = $1 AND NOT t.banned AND NOT x.banned"	\
	"   AND ($2::bigint IS NULL OR (f.created_at, f." theirs ") <"	\
	"       (timestamptz 'epoch' + $2::bigint * interval '1 microsecond'," \
	"       $3::bigint))"						\
	" ORDER BY f.created_at DESC, f." theirs " DESC LIMIT "		\
	XSTR(PEOPLE_FOLLOWS_SHOWN) " + 1"

/* Who follows them; whom they follow. */
static const char sql_followers[] =
	FOLLOWS_SQL("followee_id", "follower_id");
static const char sql_following[] =
	FOLLOWS_SQL("follower_id", "followee_id");

enum follows_col {
	FOLLOWS_USERNAME,
	FOLLOWS_DISPLAY_NAME,
	FOLLOWS_SINCE,
	FOLLOWS_AVATAR,
	FOLLOWS_CURSOR
};

static int	follow(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *, int);
static int	follows_load(struct http_request *, struct core_ctx *,
		    const char *, const char **, const char **);

/*
 * `ctx`'s user follows (`on`) or stops following `name`, in `db`.
 * CORE_OK with the FOLLOW_* columns in row 0; CORE_DONE after 404
 * (nobody of that name, or banned), 403 (a block between the two), 422
 * (oneself, or at the limit) or
 * 429 (too many follows and unfollows in an hour).  Following again,
 * or unfollowing someone one does not follow, changes nothing.
 */
static int
follow(struct http_request *req, struct core_ctx *ctx, struct core_db *db,
    const char *name, int on)
{
	struct core_num	 uid, most;
	const char	*params[3];

	if (!strcmp(name, ctx->user.username))
		return (core_is_api(req) ? core_problem(req, 422,
		    "Invalid input", "You cannot follow yourself.", NULL) :
		    core_error(req, 422, "You cannot follow yourself."));

	CORE_TRY(core_limit_user(req, ctx, "follows", LIMIT_FOLLOWS_MAX,
	    LIMIT_FOLLOWS_WINDOW, "You have followed and unfollowed many "
	    "people in the last hour. Try again later."));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = name;
	params[2] = core_num(&most, LIMIT_FOLLOWS_ALIVE);
	CORE_TRY(core_db_run(req, db, on ? sql_follow : sql_unfollow,
	    on ? 3 : 2, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));
	if (core_db_int(db, 0, FOLLOW_TARGET) == 0)
		return (core_error(req, 404, "No such user."));
	if (on && core_db_bool(db, 0, FOLLOW_BLOCKED))
		return (core_is_api(req) ? core_problem(req, 403, "Blocked",
		    "You cannot follow this person.", NULL) :
		    core_error(req, 403, "You cannot follow this person."));
	if (on && core_db_bool(db, 0, FOLLOW_FOLLOWING) == 0)
		return (core_is_api(req) ? core_problem(req, 422,
		    "Too many follows", "You follow " XSTR(
		    LIMIT_FOLLOWS_ALIVE) " people, the most one can. "
		    "Unfollow someone first.", NULL) :
		    core_error(req, 422, "You follow " XSTR(
		    LIMIT_FOLLOWS_ALIVE) " people, the most one can. "
		    "Unfollow someone first."));
	if (on)
		core_notify_push(db, 0, FOLLOW_NOTIFY);

	return (CORE_OK);
}

/* POST (follow) and DELETE (unfollow) /api/v1/users/{name}/follow */
CORE_HANDLER_NEED(people_api_follow, CORE_NEED_CHANGE)
{
	const char	*name;
	char		 buf[CORE_USERNAME_MAX + 1];
	int		 on;

	if (req->method != HTTP_METHOD_POST &&
	    req->method != HTTP_METHOD_DELETE)
		return (core_error(req, 405, NULL));
	if ((name = people_path_name(req->path, strlen("/api/v1/users/"), buf,
	    sizeof(buf))) == NULL)
		return (core_error(req, 404, NULL));
	on = req->method == HTTP_METHOD_POST;
	CORE_TRY(follow(req, ctx, &ctx->db[0], name, on));

	return (core_json_send(req, 200, json_pack("{s:s, s:b, s:I}",
	    "username", name, "following",
	    core_db_bool(&ctx->db[0], 0, FOLLOW_FOLLOWING),
	    "followers", (json_int_t)core_db_int(&ctx->db[0], 0,
	    FOLLOW_FOLLOWERS))));
}

/* The profile's form: POST /u/{name}/follow or /u/{name}/unfollow. */
CORE_HANDLER_NEED(people_follow_page, CORE_NEED_CHANGE)
{
	struct kore_buf	 loc;
	const char	*name, *end;
	char		 buf[CORE_USERNAME_MAX + 1];

	if ((name = people_path_name(req->path, strlen("/u/"), buf,
	    sizeof(buf))) == NULL)
		return (core_error(req, 404, NULL));
	end = strrchr(req->path, '/');
	CORE_TRY(follow(req, ctx, &ctx->db[0], name,
	    !strcmp(end, "/follow")));

	kore_buf_init(&loc, 64);
	kore_buf_appendf(&loc, "/u/%s", name);
	core_redirect(req, kore_buf_stringify(&loc, NULL));
	kore_buf_cleanup(&loc);
	return (CORE_DONE);
}

/* GET /u/{name}/followers and /u/{name}/following */
CORE_HANDLER(people_follows_page)
{
	struct core_db	*db = &ctx->db[1];
	struct kore_buf	*buf;
	const char	*name, *which, *shown, *next;
	char		 nbuf[CORE_USERNAME_MAX + 1];
	int		 i;

	if ((name = people_path_name(req->path, strlen("/u/"), nbuf,
	    sizeof(nbuf))) == NULL)
		return (core_error(req, 404, NULL));
	CORE_TRY(follows_load(req, ctx, name, &which, &next));

	buf = core_page_open(req, which);
	if (!strcmp(which, "followers"))
		core_html_appendf(buf, "<h1>Followers of %s</h1>\n", name);
	else
		core_html_appendf(buf, "<h1>%s follows</h1>\n", name);
	core_html_appendf(buf, "<p><a href=\"/u/%U\">Back to %s's profile"
	    "</a></p>\n", name, name);
	if (core_db_rows(db) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">Nobody yet.</p>\n");
		return (core_page_close(req, 200, buf));
	}
	core_html_appendf(buf, "<ul class=\"follows\">\n");
	for (i = 0; i < core_db_rows(db) && i < PEOPLE_FOLLOWS_SHOWN; i++) {
		shown = core_db_value(db, i, FOLLOWS_DISPLAY_NAME);
		core_html_appendf(buf, "<li><a href=\"/u/%U\">%A %s</a> "
		    "<small>@%s · since %T</small></li>\n",
		    core_db_value(db, i, FOLLOWS_USERNAME),
		    core_db_value(db, i, FOLLOWS_USERNAME), shown,
		    core_db_value(db, i, FOLLOWS_AVATAR),
		    *shown != '\0' ? shown :
		    core_db_value(db, i, FOLLOWS_USERNAME),
		    core_db_value(db, i, FOLLOWS_USERNAME),
		    core_db_value(db, i, FOLLOWS_SINCE));
	}
	core_html_appendf(buf, "</ul>\n");
	if (next != NULL)
		core_html_appendf(buf, "<p><a href=\"/u/%U/%R?cursor=%U\" "
		    "rel=\"next\" role=\"button\" class=\"secondary\">Older"
		    "</a></p>\n", name, which, next);

	return (core_page_close(req, 200, buf));
}

/* GET /api/v1/users/{name}/followers and …/following */
CORE_HANDLER(people_api_follows)
{
	struct core_db	*db = &ctx->db[1];
	const char	*name, *which, *next;
	char		 nbuf[CORE_USERNAME_MAX + 1];
	json_t		*list;
	int		 i;

	if ((name = people_path_name(req->path, strlen("/api/v1/users/"), nbuf,
	    sizeof(nbuf))) == NULL)
		return (core_error(req, 404, NULL));
	CORE_TRY(follows_load(req, ctx, name, &which, &next));

	list = json_array();
	for (i = 0; i < core_db_rows(db) && i < PEOPLE_FOLLOWS_SHOWN; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "username", core_db_value(db, i, FOLLOWS_USERNAME),
		    "display_name", core_db_value(db, i, FOLLOWS_DISPLAY_NAME),
		    "since", core_db_value(db, i, FOLLOWS_SINCE)));

	return (core_json_send(req, 200, json_pack("{s:s, s:o, s:s?}",
	    "username", name, which, list, "next_cursor", next)));
}

/*
 * A page of the followers or following (the path's last part) of
 * `name` from the query's cursor into ctx->db[1], *which named after
 * the list, *next the next page's cursor or NULL; 404 for nobody or
 * banned, 400 for a cursor this did not make.
 */
static int
follows_load(struct http_request *req, struct core_ctx *ctx,
    const char *name, const char **which, const char **next)
{
	const char	*params[3], *cursor;
	char		 us[24], id[24];
	struct core_db	*db = &ctx->db[1];

	*next = NULL;
	*which = strcmp(strrchr(req->path, '/'), "/followers") ? "following" :
	    "followers";
	http_populate_get(req);
	params[0] = name;
	params[1] = NULL;
	params[2] = NULL;
	if ((cursor = core_form_get(req, "cursor")) != NULL) {
		if (core_cursor_parse(cursor, us, sizeof(us), id,
		    sizeof(id)) == -1)
			return (core_bad_param(req, "cursor", "Use the "
			    "next_cursor of a previous answer."));
		params[1] = us;
		params[2] = id;
	}
	CORE_TRY(core_user_known(req, &ctx->db[0], name));
	CORE_TRY(core_db_run(req, db, !strcmp(*which, "followers") ?
	    sql_followers : sql_following, 3, params));
	if (core_db_rows(db) > PEOPLE_FOLLOWS_SHOWN)
		*next = core_db_value(db, PEOPLE_FOLLOWS_SHOWN - 1,
		    FOLLOWS_CURSOR);

	return (CORE_OK);
}
