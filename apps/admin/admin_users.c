/*
 * User management for admins: list users, ban and unban, promote and
 * demote.  A ban deletes the user's sessions and API tokens in the same
 * statement, so it takes effect on their next request, and then closes
 * their open WebSockets on every instance (core_revoke_user).
 */

#include <string.h>

#include "admin/admin.h"

#define USERS_PAGE_MAX	200

static void	user_row(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *, int);
static int	user_action(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *);
static int	action_parse(const char *);

CORE_HANDLER_NEED(admin_index, CORE_NEED_ADMIN)
{
	struct kore_buf		*buf;

	CORE_TRY(admin_settings_load(req, &ctx->db[0]));
	buf = core_page_open(req, "Admin");
	core_html_appendf(buf, "<h1>Admin</h1>\n<div class=\"grid\">\n"
	    "<article><header><h2><a href=\"/admin/users\">Users</a></h2>"
	    "</header><p>Find accounts, ban or unban them, make or unmake "
	    "admins.</p></article>\n"
	    "<article><header><h2><a href=\"/admin/moderation\">Moderation"
	    "</a></h2></header><p>Posts to review, flagged and reported "
	    "content.</p></article>\n"
	    "<article><header><h2><a href=\"/admin/jobs\">Jobs</a></h2>"
	    "</header><p>The background queue: depth, failures, retries."
	    "</p></article>\n"
	    "<article><header><h2><a href=\"/admin/photos/detection\">"
	    "Photo detection</a></h2></header><p>Owners' corrections of the "
	    "object detector; run it again on every photo.</p></article>\n"
	    "<article><header><h2><a href=\"/search?held=1\">Search</a>"
	    "</h2></header><p>Everything, held items included: drafts, "
	    "items in review, hidden ones, banned users.</p>"
	    "<form role=\"search\" action=\"/search\" method=\"get\">"
	    "<input type=\"search\" name=\"q\" maxlength=\"256\" "
	    "aria-label=\"Search with held items\">"
	    "<label><input type=\"checkbox\" name=\"held\" value=\"1\" "
	    "role=\"switch\" checked> Include held items</label>"
	    "<button type=\"submit\">Search</button></form></article>\n");
	if (core_cfg.dev)
		core_html_appendf(buf, "<article><header><h2><a href=\""
		    "/admin/mail\">Mail</a></h2></header><p>What the "
		    "development mail sink received.</p></article>\n");
	core_html_appendf(buf, "</div>\n");
	admin_render_settings(req, buf, ctx, &ctx->db[0]);

	return (core_page_close(req, 200, buf));
}

CORE_HANDLER_NEED(admin_users_page, CORE_NEED_ADMIN)
{
	struct core_db		*db = &ctx->db[0];
	struct kore_buf		*buf;
	const char		*q;
	int			 i;

	http_populate_get(req);
	if ((q = core_form_get(req, "q")) == NULL)
		q = "";
	CORE_TRY(admin_users_list(req, db, q));

	buf = core_page_open(req, "Users");
	core_html_appendf(buf, "<h1>Users</h1>\n"
	    "<form method=\"get\" action=\"/admin/users\" role=\"search\">"
	    "<input type=\"search\" name=\"q\" value=\"%s\" "
	    "placeholder=\"Username starts with\">"
	    "<button type=\"submit\">Search</button></form>\n"
	    "<div class=\"overflow-auto\"><table class=\"striped\">\n"
	    "<thead><tr><th>User</th><th>Email</th><th>Role</th>"
	    "<th>Status</th><th>Joined</th><th>Actions</th></tr></thead>\n"
	    "<tbody>\n", q);
	for (i = 0; i < core_db_rows(db); i++)
		user_row(req, buf, ctx, db, i);
	core_html_appendf(buf, "</tbody></table></div>\n");
	if (core_db_rows(db) == USERS_PAGE_MAX)
		core_html_appendf(buf, "<p><small>Showing the first 200; "
		    "search to narrow down.</small></p>\n");

	return (core_page_close(req, 200, buf));
}

/* POST /admin/users/{id}/{ban,unban,promote,demote} from the list. */
CORE_HANDLER_NEED(admin_user_action_page, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	CORE_TRY(user_action(req, ctx, &ctx->db[0], "/admin/users/"));

	core_redirect(req, "/admin/users");
	return (CORE_DONE);
}

CORE_HANDLER_NEED(admin_api_users, CORE_NEED_ADMIN)
{
	struct core_db		*db = &ctx->db[0];
	json_t			*list, *user;
	int			 i;

	CORE_TRY(admin_users_list(req, db, ""));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++) {
		user = core_json_user(db, i);
		json_object_set_new(user, "email_verified",
		    json_boolean(core_db_bool(db, i, ADMIN_USER_VERIFIED)));
		json_array_append_new(list, user);
	}

	return (core_json_send(req, 200, json_pack("{s:o}", "users", list)));
}

CORE_HANDLER_NEED(admin_api_user_action, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	CORE_TRY(user_action(req, ctx, &ctx->db[0], "/api/v1/admin/users/"));

	return (core_json_send(req, 200,
	    json_pack("{s:o}", "user", core_json_user(&ctx->db[0], 0))));
}

/* Row `i` of the users table, with ban and role buttons for others. */
static void
user_row(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, int i)
{
	struct core_num		 id;
	struct kore_buf		 path;
	int			 admin, banned;

	admin = !strcmp(core_db_value(db, i, ADMIN_USER_ROLE), "admin");
	banned = core_db_bool(db, i, ADMIN_USER_BANNED);
	core_html_appendf(buf, "<tr><td>%s</td><td>%s <small class=\""
	    "email-%s\">%s</small></td><td>%s</td>"
	    "<td>%s</td><td>%T</td><td class=\"actions\">",
	    core_db_value(db, i, ADMIN_USER_NAME),
	    core_db_value(db, i, ADMIN_USER_EMAIL),
	    core_db_bool(db, i, ADMIN_USER_VERIFIED) ? "verified" :
	    "unverified",
	    core_db_bool(db, i, ADMIN_USER_VERIFIED) ? "verified" :
	    "not verified",
	    core_db_value(db, i, ADMIN_USER_ROLE), banned ? "banned" : "active",
	    core_db_value(db, i, ADMIN_USER_CREATED));
	if (core_db_int(db, i, ADMIN_USER_ID) == ctx->user.id) {
		core_html_appendf(buf, "<small>you</small></td></tr>\n");
		return;
	}

	core_num(&id, core_db_int(db, i, ADMIN_USER_ID));
	kore_buf_init(&path, 64);
	kore_buf_appendf(&path, "/admin/users/%s/%s", id.s,
	    banned ? "unban" : "ban");
	core_form_button(req, buf, kore_buf_stringify(&path, NULL), "inline",
	    "secondary outline", banned ? "Unban" : "Ban");
	core_html_appendf(buf, " ");
	kore_buf_reset(&path);
	kore_buf_appendf(&path, "/admin/users/%s/%s", id.s,
	    admin ? "demote" : "promote");
	core_form_button(req, buf, kore_buf_stringify(&path, NULL), "inline",
	    "secondary outline", admin ? "Demote" : "Make admin");
	kore_buf_cleanup(&path);
	core_html_appendf(buf, "</td></tr>\n");
}

/*
 * Apply the action named at the end of the path to the user whose id
 * follows `prefix`.  CORE_OK leaves the updated user in `db`.  Admins
 * cannot ban or demote themselves, so an admin always remains.
 */
static int
user_action(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *prefix)
{
	const char	*rest;
	int64_t		 uid;
	int		 act;

	if (core_path_id(req, prefix, &uid, &rest) == -1 || *rest != '/' ||
	    (act = action_parse(rest + 1)) == 0)
		return (core_error(req, 404, NULL));

	if (uid == ctx->user.id &&
	    (act == ADMIN_ACT_BAN || act == ADMIN_ACT_DEMOTE))
		return (core_error(req, 409,
		    "You cannot ban or demote yourself."));

	CORE_TRY(admin_user_apply(req, db, act, uid));
	if (act == ADMIN_ACT_BAN)
		core_revoke_user(uid);
	else if (act == ADMIN_ACT_PROMOTE || act == ADMIN_ACT_DEMOTE)
		core_revoke_changed(uid);

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
