/*
 * User management for admins: find users by name or email, see their
 * standing (trust level, what they published, reports, rejections, the
 * last use of a session) and their history; ban and unban, suspend for
 * a while, promote and demote, set their trust level by hand.
 *
 * A ban or a suspension deletes the user's sessions (a ban their API
 * tokens too) in the same statement, so it takes effect on their next
 * request, and then closes their open WebSockets on every instance
 * (core_revoke_user).  Every action writes its audit record in its own
 * statement (admin_store.c).  The destructive ones (ban, suspend, make
 * admin) ask first: their button opens a <details> with the confirming
 * form, which needs no script.
 */

#include <stdio.h>
#include <string.h>

#include "admin/admin.h"

#define USERS_PAGE_MAX	200

/* A form of the user's page comes back to it. */
#define BACK_FIELD	"<input type=\"hidden\" name=\"back\" value=\"user\">"

static void	user_row(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *, int);
static void	user_status(struct kore_buf *, struct core_db *, int);
static void	user_forms(struct http_request *, struct kore_buf *,
		    struct core_db *, int);
static void	confirm_form(struct http_request *, struct kore_buf *,
		    const char *, const char *, const char *, const char *,
		    int);
static void	history_render(struct kore_buf *, struct core_db *);
static json_t	*user_json(struct core_db *, int);
static int	user_action(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *);
static int	action_parse(const char *);
static int	action_input(struct http_request *, struct core_ctx *,
		    struct admin_user_act *);
static int	input_fail(struct http_request *, const char *,
		    const char *);

CORE_HANDLER_NEED(admin_index, CORE_NEED_ADMIN)
{
	struct kore_buf		*buf;

	CORE_TRY(admin_settings_load(req, ctx));
	buf = core_page_open(req, "Admin");
	core_html_appendf(buf, "<h1>Admin</h1>\n<div class=\"grid\">\n"
	    "<article><header><h2><a href=\"/admin/users\">Users</a></h2>"
	    "</header><p>Find accounts, their standing and history; ban, "
	    "suspend, trust, make or unmake admins.</p></article>\n"
	    "<article><header><h2><a href=\"/admin/moderation\">Moderation"
	    "</a></h2></header><p>Posts to review, flagged and reported "
	    "content.</p></article>\n"
	    "<article><header><h2><a href=\"/admin/audit\">Audit log</a>"
	    "</h2></header><p>What admins did, when and why.</p>"
	    "</article>\n"
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
	admin_render_settings(req, buf, ctx);

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
	    "<input type=\"search\" name=\"q\" value=\"%s\" maxlength=\"254\" "
	    "placeholder=\"Name or email contains\" aria-label=\"Name or "
	    "email contains\"><button type=\"submit\">Search</button></form>\n"
	    "<div class=\"overflow-auto\"><table class=\"striped\">\n"
	    "<thead><tr><th>User</th><th>Email</th><th>Role</th>"
	    "<th>Trust</th><th>Status</th><th>Items</th><th>Reported</th>"
	    "<th>Rejected</th><th>Last seen</th><th>Joined</th>"
	    "<th>Actions</th></tr></thead>\n<tbody>\n", q);
	for (i = 0; i < core_db_rows(db); i++)
		user_row(req, buf, ctx, db, i);
	core_html_appendf(buf, "</tbody></table></div>\n");
	if (core_db_rows(db) == 0)
		core_html_appendf(buf, "<p>No user matches.</p>\n");
	if (core_db_rows(db) == USERS_PAGE_MAX)
		core_html_appendf(buf, "<p><small>Showing the first 200; "
		    "search to narrow down.</small></p>\n");

	return (core_page_close(req, 200, buf));
}

/* GET /admin/users/{id}: standing, actions, and the history. */
CORE_HANDLER_NEED(admin_user_page, CORE_NEED_ADMIN)
{
	struct core_db		*db = &ctx->db[0];
	struct kore_buf		*buf;
	const char		*rest;
	int64_t			 uid;

	if (core_path_id(req, "/admin/users/", &uid, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));
	CORE_TRY(admin_user_get(req, db, uid));
	CORE_TRY(admin_user_history(req, &ctx->db[1], uid));

	buf = core_page_open(req, core_db_value(db, 0, ADMIN_USER_NAME));
	core_html_appendf(buf, "<p><a href=\"/admin/users\">← Users</a></p>\n"
	    "<h1>%s</h1>\n<dl class=\"standing\">"
	    "<dt>Email</dt><dd>%s</dd><dt>Role</dt><dd>%s</dd>"
	    "<dt>Trust</dt><dd>%s%s</dd><dt>Status</dt><dd>",
	    core_db_value(db, 0, ADMIN_USER_NAME),
	    core_db_value(db, 0, ADMIN_USER_EMAIL),
	    core_db_value(db, 0, ADMIN_USER_ROLE),
	    core_db_value(db, 0, ADMIN_USER_TRUST),
	    core_db_bool(db, 0, ADMIN_USER_OVERRIDE) ? " (set by an admin)" :
	    "");
	user_status(buf, db, 0);
	core_html_appendf(buf, "</dd><dt>Approved items</dt><dd>%s</dd>"
	    "<dt>Items reported</dt><dd>%s</dd><dt>Items rejected</dt>"
	    "<dd>%s</dd><dt>Joined</dt><dd>%T</dd></dl>\n",
	    core_db_value(db, 0, ADMIN_USER_ITEMS),
	    core_db_value(db, 0, ADMIN_USER_REPORTED),
	    core_db_value(db, 0, ADMIN_USER_REJECTED),
	    core_db_value(db, 0, ADMIN_USER_CREATED));
	if (core_db_int(db, 0, ADMIN_USER_ID) != ctx->user.id)
		user_forms(req, buf, db, 0);
	history_render(buf, &ctx->db[1]);

	return (core_page_close(req, 200, buf));
}

/* POST /admin/users/{id}/{action} from the list or a user's page. */
CORE_HANDLER_NEED(admin_user_action_page, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	struct core_num	 id;
	char		 path[64];
	const char	*back;

	CORE_TRY(user_action(req, ctx, &ctx->db[0], "/admin/users/"));

	/* Back where the form was: the list, or the user's page. */
	back = core_form_get(req, "back");
	if (back != NULL && !strcmp(back, "user")) {
		(void)snprintf(path, sizeof(path), "/admin/users/%s",
		    core_num(&id, core_db_int(&ctx->db[0], 0, ADMIN_USER_ID)));
		core_redirect(req, path);
	} else
		core_redirect(req, "/admin/users");
	return (CORE_DONE);
}

/* GET /api/v1/admin/users?q= */
CORE_HANDLER_NEED(admin_api_users, CORE_NEED_ADMIN)
{
	struct core_db		*db = &ctx->db[0];
	json_t			*list;
	const char		*q;
	int			 i;

	http_populate_get(req);
	if ((q = core_form_get(req, "q")) == NULL)
		q = "";
	CORE_TRY(admin_users_list(req, db, q));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, user_json(db, i));

	return (core_json_send(req, 200, json_pack("{s:o}", "users", list)));
}

/* GET /api/v1/admin/users/{id}: the user and their history. */
CORE_HANDLER_NEED(admin_api_user, CORE_NEED_ADMIN)
{
	struct core_db		*h = &ctx->db[1];
	json_t			*list;
	const char		*rest;
	int64_t			 uid;
	int			 i;

	if (core_path_id(req, "/api/v1/admin/users/", &uid, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));
	CORE_TRY(admin_user_get(req, &ctx->db[0], uid));
	CORE_TRY(admin_user_history(req, h, uid));

	list = json_array();
	for (i = 0; i < core_db_rows(h); i++)
		json_array_append_new(list, admin_audit_json(h, i));

	return (core_json_send(req, 200, json_pack("{s:o, s:o}",
	    "user", user_json(&ctx->db[0], 0), "history", list)));
}

CORE_HANDLER_NEED(admin_api_user_action, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	CORE_TRY(user_action(req, ctx, &ctx->db[0], "/api/v1/admin/users/"));

	return (core_json_send(req, 200,
	    json_pack("{s:o}", "user", user_json(&ctx->db[0], 0))));
}

/* The user as the admin API shows it: core_json_user and the standing. */
static json_t *
user_json(struct core_db *db, int i)
{
	json_t		*u;

	u = core_json_user(db, i);
	json_object_set_new(u, "trust",
	    json_string(core_db_value(db, i, ADMIN_USER_TRUST)));
	json_object_set_new(u, "trust_override",
	    json_boolean(core_db_bool(db, i, ADMIN_USER_OVERRIDE)));
	json_object_set_new(u, "suspended",
	    json_boolean(core_db_bool(db, i, ADMIN_USER_SUSPENDED)));
	json_object_set_new(u, "suspended_until",
	    core_db_bool(db, i, ADMIN_USER_SUSPENDED) ?
	    json_string(core_db_value(db, i, ADMIN_USER_UNTIL)) : json_null());
	json_object_set_new(u, "suspend_reason",
	    core_db_bool(db, i, ADMIN_USER_SUSPENDED) ?
	    json_string(core_db_value(db, i, ADMIN_USER_WHY)) : json_null());
	json_object_set_new(u, "last_seen_at",
	    *core_db_value(db, i, ADMIN_USER_SEEN) != '\0' ?
	    json_string(core_db_value(db, i, ADMIN_USER_SEEN)) : json_null());
	json_object_set_new(u, "items",
	    json_integer(core_db_int(db, i, ADMIN_USER_ITEMS)));
	json_object_set_new(u, "reported",
	    json_integer(core_db_int(db, i, ADMIN_USER_REPORTED)));
	json_object_set_new(u, "rejected",
	    json_integer(core_db_int(db, i, ADMIN_USER_REJECTED)));
	json_object_set_new(u, "email_verified",
	    json_boolean(core_db_bool(db, i, ADMIN_USER_VERIFIED)));

	return (u);
}

/* Row `i` of the users table, with the actions for others. */
static void
user_row(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, int i)
{
	struct core_num		 id;
	struct kore_buf		 path;
	const char		*name, *seen;
	int			 admin, banned;

	name = core_db_value(db, i, ADMIN_USER_NAME);
	seen = core_db_value(db, i, ADMIN_USER_SEEN);
	admin = !strcmp(core_db_value(db, i, ADMIN_USER_ROLE), "admin");
	banned = core_db_bool(db, i, ADMIN_USER_BANNED);
	core_num(&id, core_db_int(db, i, ADMIN_USER_ID));
	core_html_appendf(buf, "<tr><td><a href=\"/admin/users/%s\">%s</a>"
	    "</td><td>%s <small class=\"email-%s\">%s</small></td><td>%s</td>"
	    "<td>%s%s</td><td>", id.s, name,
	    core_db_value(db, i, ADMIN_USER_EMAIL),
	    core_db_bool(db, i, ADMIN_USER_VERIFIED) ? "verified" :
	    "unverified",
	    core_db_bool(db, i, ADMIN_USER_VERIFIED) ? "verified" :
	    "not verified",
	    core_db_value(db, i, ADMIN_USER_ROLE),
	    core_db_value(db, i, ADMIN_USER_TRUST),
	    core_db_bool(db, i, ADMIN_USER_OVERRIDE) ? " (set)" : "");
	user_status(buf, db, i);
	core_html_appendf(buf, "</td><td>%s</td><td>%s</td><td>%s</td><td>",
	    core_db_value(db, i, ADMIN_USER_ITEMS),
	    core_db_value(db, i, ADMIN_USER_REPORTED),
	    core_db_value(db, i, ADMIN_USER_REJECTED));
	if (*seen != '\0')
		core_html_appendf(buf, "%T", seen);
	else
		core_html_appendf(buf, "—");
	core_html_appendf(buf, "</td><td>%T</td><td class=\"actions\">",
	    core_db_value(db, i, ADMIN_USER_CREATED));
	if (core_db_int(db, i, ADMIN_USER_ID) == ctx->user.id) {
		core_html_appendf(buf, "<small>you</small></td></tr>\n");
		return;
	}

	kore_buf_init(&path, 64);
	if (banned) {
		kore_buf_appendf(&path, "/admin/users/%s/unban", id.s);
		core_form_button(req, buf, kore_buf_stringify(&path, NULL),
		    "inline", "secondary outline", "Unban");
	} else {
		kore_buf_appendf(&path, "/admin/users/%s/ban", id.s);
		confirm_form(req, buf, kore_buf_stringify(&path, NULL), "Ban",
		    name, "reason", 0);
	}
	core_html_appendf(buf, " ");
	kore_buf_reset(&path);
	if (admin) {
		kore_buf_appendf(&path, "/admin/users/%s/demote", id.s);
		core_form_button(req, buf, kore_buf_stringify(&path, NULL),
		    "inline", "secondary outline", "Demote");
	} else {
		kore_buf_appendf(&path, "/admin/users/%s/promote", id.s);
		confirm_form(req, buf, kore_buf_stringify(&path, NULL),
		    "Make admin", name, NULL, 0);
	}
	kore_buf_cleanup(&path);
	core_html_appendf(buf, " <a href=\"/admin/users/%s\">More…</a>"
	    "</td></tr>\n", id.s);
}

/* banned, suspended until when and why, or active. */
static void
user_status(struct kore_buf *buf, struct core_db *db, int i)
{
	if (core_db_bool(db, i, ADMIN_USER_BANNED))
		core_html_appendf(buf, "banned");
	else if (core_db_bool(db, i, ADMIN_USER_SUSPENDED))
		core_html_appendf(buf, "suspended until %T: %s",
		    core_db_value(db, i, ADMIN_USER_UNTIL),
		    core_db_value(db, i, ADMIN_USER_WHY));
	else
		core_html_appendf(buf, "active");
}

/*
 * The button `label` opens the form that does it: POST to `action`,
 * with a `field` for a reason when not NULL, and a button that names
 * what it does to `who`.
 */
static void
confirm_form(struct http_request *req, struct kore_buf *buf,
    const char *action, const char *label, const char *who,
    const char *field, int back)
{
	core_html_appendf(buf, "<details class=\"confirm inline\"><summary "
	    "role=\"button\" class=\"secondary outline\">%s…</summary>",
	    label);
	core_form_open(req, buf, action, "inline");
	if (back)
		core_html_appendf(buf, "<input type=\"hidden\" name=\"back\" "
		    "value=\"user\">");
	if (field != NULL)
		core_html_appendf(buf, "<input name=\"%s\" maxlength=\"500\" "
		    "placeholder=\"Reason\" aria-label=\"Reason\"> ", field);
	core_html_appendf(buf, "<button type=\"submit\" class=\"contrast\">"
	    "%s: %s</button></form></details>", label, who);
}

/* The forms of a user's page: ban, suspend, trust, role. */
static void
user_forms(struct http_request *req, struct kore_buf *buf,
    struct core_db *db, int i)
{
	struct core_num		 id;
	char			 path[96];
	const char		*name;

	name = core_db_value(db, i, ADMIN_USER_NAME);
	core_num(&id, core_db_int(db, i, ADMIN_USER_ID));
	core_html_appendf(buf, "<section id=\"actions\"><h2>Actions</h2>\n");

	if (core_db_bool(db, i, ADMIN_USER_SUSPENDED)) {
		(void)snprintf(path, sizeof(path), "/admin/users/%s/unsuspend",
		    id.s);
		core_form_button(req, buf, path, NULL, "secondary",
		    "End the suspension now");
	} else {
		(void)snprintf(path, sizeof(path), "/admin/users/%s/suspend",
		    id.s);
		core_html_appendf(buf, "<details class=\"confirm\"><summary "
		    "role=\"button\" class=\"secondary outline\">Suspend…"
		    "</summary>");
		core_form_open(req, buf, path, NULL);
		core_html_appendf(buf, BACK_FIELD "<label>For <select "
		    "name=\"seconds\">"
		    "<option value=\"3600\">an hour</option>"
		    "<option value=\"86400\" selected>a day</option>"
		    "<option value=\"604800\">a week</option>"
		    "<option value=\"2592000\">30 days</option>"
		    "<option value=\"31536000\">a year</option></select>"
		    "</label><label>Reason (they will see it) <input "
		    "name=\"reason\" maxlength=\"500\" required></label>"
		    "<button type=\"submit\" class=\"contrast\">Suspend %s"
		    "</button></form></details>\n", name);
	}

	(void)snprintf(path, sizeof(path), "/admin/users/%s/trust", id.s);
	core_form_open(req, buf, path, NULL);
	core_html_appendf(buf, BACK_FIELD "<fieldset role=\"group\"><select "
	    "name=\"level\" aria-label=\"Trust level\">"
	    "<option value=\"auto\">Trust: by their record</option>"
	    "<option value=\"new\">Trust: new (posts wait for review)</option>"
	    "<option value=\"member\">Trust: member</option>"
	    "<option value=\"trusted\">Trust: trusted</option></select>"
	    "<input name=\"reason\" maxlength=\"500\" placeholder=\"Why\" "
	    "aria-label=\"Why\"><button type=\"submit\">Set</button>"
	    "</fieldset></form>\n");

	(void)snprintf(path, sizeof(path), "/admin/users/%s/%s", id.s,
	    core_db_bool(db, i, ADMIN_USER_BANNED) ? "unban" : "ban");
	if (core_db_bool(db, i, ADMIN_USER_BANNED))
		core_form_button(req, buf, path, "inline", "secondary outline",
		    "Unban");
	else
		confirm_form(req, buf, path, "Ban", name, "reason", 1);
	core_html_appendf(buf, "</section>\n");
}

/* The audit records about the user (admin_user_history). */
static void
history_render(struct kore_buf *buf, struct core_db *h)
{
	int	i;

	core_html_appendf(buf, "<section id=\"history\"><h2>History</h2>\n");
	if (core_db_rows(h) == 0) {
		core_html_appendf(buf, "<p>No decisions about them yet.</p>"
		    "</section>\n");
		return;
	}
	core_html_appendf(buf, "<table class=\"striped\"><thead><tr><th>When"
	    "</th><th>What</th><th>On</th><th>By</th><th>Why</th></tr>"
	    "</thead><tbody>\n");
	for (i = 0; i < core_db_rows(h); i++)
		core_html_appendf(buf, "<tr><td>%T</td><td>%s</td><td>%s</td>"
		    "<td>%s</td><td>%s</td></tr>\n",
		    core_db_value(h, i, ADMIN_H_CREATED),
		    core_db_value(h, i, ADMIN_H_ACTION),
		    core_db_value(h, i, ADMIN_H_SUBJECT),
		    core_db_value(h, i, ADMIN_H_ADMIN),
		    core_db_value(h, i, ADMIN_H_REASON));
	core_html_appendf(buf, "</tbody></table></section>\n");
}

/*
 * Apply the action named at the end of the path to the user whose id
 * follows `prefix`.  CORE_OK leaves the updated user in `db`.  Admins
 * cannot ban, suspend or demote themselves, so an admin always remains.
 */
static int
user_action(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *prefix)
{
	struct admin_user_act	 a;
	const char		*rest;
	int64_t			 uid;

	if (core_path_id(req, prefix, &uid, &rest) == -1 || *rest != '/' ||
	    (a.act = action_parse(rest + 1)) == 0)
		return (core_error(req, 404, NULL));

	if (uid == ctx->user.id && (a.act == ADMIN_ACT_BAN ||
	    a.act == ADMIN_ACT_DEMOTE || a.act == ADMIN_ACT_SUSPEND))
		return (core_error(req, 409,
		    "You cannot ban, suspend or demote yourself."));

	CORE_TRY(action_input(req, ctx, &a));
	CORE_TRY(admin_user_apply(req, ctx, db, &a, uid));
	if (a.act == ADMIN_ACT_BAN || a.act == ADMIN_ACT_SUSPEND)
		core_revoke_user(uid);
	else
		core_revoke_changed(uid);

	return (CORE_OK);
}

/*
 * The action's input, from the form or the JSON body: reason (every
 * action, at most 500 characters; a suspension needs one), seconds (a
 * suspension, 1 to a year) and level (trust: new, member, trusted or
 * auto).  Bad input answers 422 and changes nothing.
 */
static int
action_input(struct http_request *req, struct core_ctx *ctx,
    struct admin_user_act *a)
{
	json_t		*body, *v;
	const char	*secs;
	long long	 n;
	int		 err;

	a->reason = NULL;
	a->level = NULL;
	a->seconds = 0;
	secs = NULL;
	v = NULL;
	if (core_is_api(req)) {
		if (req->content_length > 0) {
			CORE_TRY(core_json_body(req, ctx, &body));
			a->reason = core_json_str(body, "reason");
			a->level = core_json_str(body, "level");
			v = json_object_get(body, "seconds");
		}
	} else {
		a->reason = core_form_get(req, "reason");
		a->level = core_form_get(req, "level");
		secs = core_form_get(req, "seconds");
	}
	if (a->reason == NULL)
		a->reason = "";
	if (core_utf8_len(a->reason) > ADMIN_REASON_MAX)
		return (input_fail(req, "reason", "At most 500 characters."));
	if (!core_text_clean(a->reason, 1))
		return (input_fail(req, "reason", "No control characters."));

	switch (a->act) {
	case ADMIN_ACT_SUSPEND:
		if (strspn(a->reason, " \t\r\n") == strlen(a->reason))
			return (input_fail(req, "reason", "Say why: the user "
			    "will see it."));
		if (v != NULL && json_is_integer(v))
			n = json_integer_value(v);
		else if (secs != NULL) {
			n = kore_strtonum(secs, 10, 1, ADMIN_SUSPEND_MAX, &err);
			if (err != KORE_RESULT_OK)
				n = 0;
		} else
			n = 0;
		if (n < 1 || n > ADMIN_SUSPEND_MAX)
			return (input_fail(req, "seconds", "A whole number of "
			    "seconds, from 1 to a year."));
		a->seconds = n;
		break;
	case ADMIN_ACT_TRUST:
		if (a->level == NULL || (strcmp(a->level, "new") &&
		    strcmp(a->level, "member") && strcmp(a->level, "trusted") &&
		    strcmp(a->level, "auto")))
			return (input_fail(req, "level", "new, member, trusted "
			    "or auto."));
		break;
	}

	return (CORE_OK);
}

static int
input_fail(struct http_request *req, const char *field, const char *why)
{
	if (core_is_api(req))
		return (core_problem(req, 422, "Invalid input", why,
		    json_pack("{s:s}", field, why)));

	return (core_error(req, 422, why));
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
	if (!strcmp(s, "suspend"))
		return (ADMIN_ACT_SUSPEND);
	if (!strcmp(s, "unsuspend"))
		return (ADMIN_ACT_UNSUSPEND);
	if (!strcmp(s, "trust"))
		return (ADMIN_ACT_TRUST);

	return (0);
}
