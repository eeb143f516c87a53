/*
 * User management for admins: list users, ban and unban, promote and
 * demote.  A ban deletes the user's sessions and API tokens in the same
 * statement, so it takes effect on their next request, and then closes
 * their open WebSockets on every instance (core_revoke_user).
 */

#include <stdio.h>
#include <string.h>

#include "admin/admin.h"

#define USERS_PAGE_MAX	200

static const char sql_users_list[] =
	"SELECT " CORE_SQL_USER_COLS " FROM users u"
	"  WHERE starts_with(u.username, $1)"
	"  ORDER BY u.id LIMIT 200";

static const char sql_user_ban[] =
	"WITH u AS ("
	"  UPDATE users SET banned = true WHERE id = $1 RETURNING *"
	"), s AS ("
	"  DELETE FROM sessions WHERE user_id = (SELECT id FROM u)"
	"), t AS ("
	"  DELETE FROM api_tokens WHERE user_id = (SELECT id FROM u)"
	")"
	"SELECT " CORE_SQL_USER_COLS " FROM u";

static const char sql_user_unban[] =
	"UPDATE users AS u SET banned = false WHERE id = $1"
	"  RETURNING " CORE_SQL_USER_COLS;

static const char sql_user_promote[] =
	"UPDATE users AS u SET role = 'admin' WHERE id = $1"
	"  RETURNING " CORE_SQL_USER_COLS;

static const char sql_user_demote[] =
	"UPDATE users AS u SET role = 'user' WHERE id = $1"
	"  RETURNING " CORE_SQL_USER_COLS;

static int	user_action(struct http_request *, struct core_ctx *,
		    const char *);
static int	action_parse(const char *);

int
admin_index(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_admin(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	kore_buf_init(&buf, 2048);
	core_page_begin(req, &buf, "Admin");
	core_html_appendf(&buf, "<h1>Admin</h1>\n<div class=\"grid\">\n"
	    "<article><header><h2><a href=\"/admin/users\">Users</a></h2>"
	    "</header><p>Find accounts, ban or unban them, make or unmake "
	    "admins.</p></article>\n"
	    "<article><header><h2><a href=\"/admin/moderation\">Moderation"
	    "</a></h2></header><p>Posts to review, flagged and reported "
	    "content.</p></article>\n"
	    "<article><header><h2><a href=\"/admin/jobs\">Jobs</a></h2>"
	    "</header><p>The background queue: depth, failures, retries."
	    "</p></article>\n");
	if (core_cfg.dev)
		core_html_appendf(&buf, "<article><header><h2><a href=\""
		    "/admin/mail\">Mail</a></h2></header><p>What the "
		    "development mail sink received.</p></article>\n");
	core_html_appendf(&buf, "</div>\n");
	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

int
admin_users_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct core_db		*db;
	struct kore_buf		 buf;
	const char		*params[1], *q;
	char			 id[24];
	int			 rc, i, admin, banned;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_admin(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	http_populate_get(req);
	if ((q = core_form_get(req, "q")) == NULL)
		q = "";
	params[0] = q;
	db = &ctx->db[0];
	if ((rc = core_db_run(req, db, sql_users_list, 1, params)) != CORE_OK)
		return (core_yield(rc));

	kore_buf_init(&buf, 8192);
	core_page_begin(req, &buf, "Users");
	core_html_appendf(&buf, "<h1>Users</h1>\n"
	    "<form method=\"get\" action=\"/admin/users\" role=\"search\">"
	    "<input type=\"search\" name=\"q\" value=\"%s\" "
	    "placeholder=\"Username starts with\">"
	    "<button type=\"submit\">Search</button></form>\n"
	    "<div class=\"overflow-auto\"><table class=\"striped\">\n"
	    "<thead><tr><th>User</th><th>Email</th><th>Role</th>"
	    "<th>Status</th><th>Joined</th><th>Actions</th></tr></thead>\n"
	    "<tbody>\n", q);

	for (i = 0; i < core_db_rows(db); i++) {
		admin = !strcmp(core_db_value(db, i, 3), "admin");
		banned = !strcmp(core_db_value(db, i, 4), "t");
		(void)snprintf(id, sizeof(id), "%lld",
		    (long long)core_db_int(db, i, 0));
		core_html_appendf(&buf, "<tr><td>%s</td><td>%s</td><td>%s</td>"
		    "<td>%s</td><td>%s</td><td class=\"actions\">",
		    core_db_value(db, i, 1), core_db_value(db, i, 2),
		    core_db_value(db, i, 3), banned ? "banned" : "active",
		    core_db_value(db, i, 5));
		if (core_db_int(db, i, 0) != ctx->user.id) {
			core_html_appendf(&buf, "<form method=\"post\" "
			    "action=\"/admin/users/%s/%s\" class=\"inline\">",
			    id, banned ? "unban" : "ban");
			core_form_csrf(req, &buf);
			core_html_appendf(&buf, "<button type=\"submit\" "
			    "class=\"secondary outline\">%s</button></form> ",
			    banned ? "Unban" : "Ban");
			core_html_appendf(&buf, "<form method=\"post\" "
			    "action=\"/admin/users/%s/%s\" class=\"inline\">",
			    id, admin ? "demote" : "promote");
			core_form_csrf(req, &buf);
			core_html_appendf(&buf, "<button type=\"submit\" "
			    "class=\"secondary outline\">%s</button></form>",
			    admin ? "Demote" : "Make admin");
		} else {
			core_html_appendf(&buf, "<small>you</small>");
		}
		core_html_appendf(&buf, "</td></tr>\n");
	}

	core_html_appendf(&buf, "</tbody></table></div>\n");
	if (core_db_rows(db) == USERS_PAGE_MAX)
		core_html_appendf(&buf, "<p><small>Showing the first 200; "
		    "search to narrow down.</small></p>\n");
	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

/* POST /admin/users/{id}/{ban,unban,promote,demote} from the list. */
int
admin_user_action_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_ADMIN)) != CORE_OK)
		return (core_yield(rc));

	if ((rc = user_action(req, ctx, "/admin/users/")) != CORE_OK)
		return (core_yield(rc));

	core_redirect(req, "/admin/users");
	return (KORE_RESULT_OK);
}

int
admin_api_users(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct core_db		*db;
	const char		*params[1];
	json_t			*list;
	int			 rc, i;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_admin(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	params[0] = "";
	db = &ctx->db[0];
	if ((rc = core_db_run(req, db, sql_users_list, 1, params)) != CORE_OK)
		return (core_yield(rc));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, core_json_user(db, i));

	return (core_yield(core_json_send(req, 200,
	    json_pack("{s:o}", "users", list))));
}

int
admin_api_user_action(struct http_request *req)
{
	struct core_ctx		*ctx;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_ADMIN)) != CORE_OK)
		return (core_yield(rc));

	if ((rc = user_action(req, ctx, "/api/v1/admin/users/")) != CORE_OK)
		return (core_yield(rc));

	return (core_yield(core_json_send(req, 200,
	    json_pack("{s:o}", "user", core_json_user(&ctx->db[0], 0)))));
}

/*
 * Apply the action named at the end of the path to the user whose id
 * follows `prefix`.  CORE_OK leaves the updated user in ctx->db[0].
 * Admins cannot ban or demote themselves, so an admin always remains.
 */
static int
user_action(struct http_request *req, struct core_ctx *ctx,
    const char *prefix)
{
	const char	*rest, *sql, *params[1];
	char		 id[24];
	int64_t		 uid;
	int		 act, rc;

	if (core_path_id(req, prefix, &uid, &rest) == -1 || *rest != '/' ||
	    (act = action_parse(rest + 1)) == 0)
		return (core_error(req, 404, NULL));

	if (uid == ctx->user.id &&
	    (act == ADMIN_ACT_BAN || act == ADMIN_ACT_DEMOTE))
		return (core_error(req, 409,
		    "You cannot ban or demote yourself."));

	switch (act) {
	case ADMIN_ACT_BAN:
		sql = sql_user_ban;
		break;
	case ADMIN_ACT_UNBAN:
		sql = sql_user_unban;
		break;
	case ADMIN_ACT_PROMOTE:
		sql = sql_user_promote;
		break;
	default:
		sql = sql_user_demote;
		break;
	}

	(void)snprintf(id, sizeof(id), "%lld", (long long)uid);
	params[0] = id;
	if ((rc = core_db_run(req, &ctx->db[0], sql, 1, params)) != CORE_OK)
		return (rc);

	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 404, "No such user."));
	if (act == ADMIN_ACT_BAN)
		core_revoke_user(uid);

	return (CORE_OK);
}

static int
action_parse(const char *s)
{
	if (!strcmp(s, "ban"))
		return (ADMIN_ACT_BAN);
	if (!strcmp(s, "unban"))
		return (ADMIN_ACT_UNBAN);
	if (!strcmp(s, "promote"))
		return (ADMIN_ACT_PROMOTE);
	if (!strcmp(s, "demote"))
		return (ADMIN_ACT_DEMOTE);

	return (0);
}
