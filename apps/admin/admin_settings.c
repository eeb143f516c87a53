/*
 * Settings admins change at run time (site_settings): whether admins
 * need two-factor sign-in on to use the admin area, and whether what
 * accounts with an unverified email address post waits for a moderator
 * (require_verified_email, on unless turned off; the database applies
 * it, sql/024_email_verify.sql).  Turning the first on needs it on for
 * oneself first, so nobody locks themselves out.  Every worker sees a
 * change within the credential cache's age.
 */

#include <string.h>

#include "admin/admin.h"

/* $1 value, $2 admin, $3 the setting. */
static const char sql_set[] =
	"INSERT INTO site_settings (name, value, changed_by)"
	"  VALUES ($3, $1::bool, $2)"
	" ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
	"    changed_by = excluded.changed_by, changed_at = now()"
	" RETURNING value";

static const char sql_get[] =
	"SELECT coalesce((SELECT value FROM site_settings"
	"  WHERE name = 'require_2fa_admins'), false),"
	"       coalesce((SELECT value FROM site_settings"
	"  WHERE name = 'require_verified_email'), true)";
enum { GET_2FA, GET_VERIFIED };

static int	settings_set(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *, int, int *);

/* Load the settings for admin_render_settings() into `db`. */
int
admin_settings_load(struct http_request *req, struct core_db *db)
{
	return (core_db_run(req, db, sql_get, 0, NULL));
}

/* The forms on /admin; `db` as admin_settings_load() left it. */
void
admin_render_settings(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db)
{
	core_html_appendf(buf, "<section id=\"settings\">\n<h2>Settings</h2>\n");
	core_form_open(req, buf, "/admin/settings", NULL);
	core_html_appendf(buf, "\n<label><input type=\"checkbox\" "
	    "name=\"require_2fa_admins\" value=\"1\" role=\"switch\"%R%R> "
	    "Admins need two-factor sign-in to use the admin area</label>\n"
	    "<small>%s</small>\n<button type=\"submit\">Save settings"
	    "</button>\n</form>\n",
	    ctx->user.require_2fa ? " checked" : "",
	    core_cfg.require_2fa_admins ? " disabled" : "",
	    core_cfg.require_2fa_admins ? "On for good: the server's "
	    "AGORA_REQUIRE_2FA_ADMINS=1 says so." : ctx->user.totp ?
	    "Admins without it are sent to their settings to set it up." :
	    "Turn on two-factor sign-in for yourself first (Settings).");
	core_form_open(req, buf, "/admin/settings/email", NULL);
	core_html_appendf(buf, "\n<label><input type=\"checkbox\" "
	    "name=\"require_verified_email\" value=\"1\" role=\"switch\"%R> "
	    "Photos and comments of accounts whose email address is not "
	    "verified wait for a moderator</label>\n<small>They leave the "
	    "queue when the address is verified.</small>\n<button "
	    "type=\"submit\">Save</button>\n</form>\n",
	    core_db_bool(db, 0, GET_VERIFIED) ? " checked" : "");
	core_html_appendf(buf, "</section>\n");
}

/* POST /admin/settings: require_2fa_admins (a checkbox). */
CORE_HANDLER_NEED(admin_settings_page, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	int	on, status;

	on = core_form_get(req, "require_2fa_admins") != NULL;
	CORE_TRY(settings_set(req, ctx, &ctx->db[0], "require_2fa_admins", on,
	    &status));
	if (status == 409)
		return (core_error(req, 409, "Turn on two-factor sign-in for "
		    "yourself first (Settings), then require it of every "
		    "admin."));
	core_redirect(req, "/admin#settings");
	return (CORE_DONE);
}

/* POST /admin/settings/email: require_verified_email (a checkbox). */
CORE_HANDLER_NEED(admin_settings_email_page, CORE_NEED_ADMIN |
    CORE_NEED_CSRF)
{
	int	status;

	CORE_TRY(settings_set(req, ctx, &ctx->db[0], "require_verified_email",
	    core_form_get(req, "require_verified_email") != NULL, &status));
	core_redirect(req, "/admin#settings");
	return (CORE_DONE);
}

/*
 * GET /api/v1/admin/settings: {"require_2fa_admins", "forced",
 * "require_verified_email"}; PATCH with either boolean sets it (409 for
 * require_2fa_admins while the caller has no two-factor sign-in).
 */
CORE_HANDLER_NEED(admin_api_settings, CORE_NEED_ADMIN)
{
	json_t		*body, *v, *e;
	int		 status;

	if (req->method == HTTP_METHOD_PATCH) {
		CORE_TRY(core_csrf_check(req, ctx));
		CORE_TRY(core_json_body(req, ctx, &body));
		v = json_object_get(body, "require_2fa_admins");
		e = json_object_get(body, "require_verified_email");
		if ((v == NULL && e == NULL) ||
		    (v != NULL && !json_is_boolean(v)) ||
		    (e != NULL && !json_is_boolean(e)))
			return (core_problem(req, 422, "Invalid input",
			    "require_2fa_admins and require_verified_email "
			    "are true or false.", json_pack("{s:s}",
			    v != NULL && !json_is_boolean(v) ?
			    "require_2fa_admins" : "require_verified_email",
			    "true or false.")));
		if (v != NULL) {
			CORE_TRY(settings_set(req, ctx, &ctx->db[1],
			    "require_2fa_admins", json_is_true(v), &status));
			if (status == 409)
				return (core_problem(req, 409, "Two-factor "
				    "sign-in needed first", "Turn on "
				    "two-factor sign-in for yourself before "
				    "requiring it of every admin.", NULL));
		}
		if (e != NULL)
			CORE_TRY(settings_set(req, ctx, &ctx->db[2],
			    "require_verified_email", json_is_true(e),
			    &status));
	}
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_get, 0, NULL));

	return (core_json_send(req, 200, json_pack("{s:{s:b, s:b, s:b}}",
	    "settings", "require_2fa_admins", core_cfg.require_2fa_admins ||
	    core_db_bool(&ctx->db[0], 0, GET_2FA),
	    "forced", core_cfg.require_2fa_admins,
	    "require_verified_email",
	    core_db_bool(&ctx->db[0], 0, GET_VERIFIED))));
}

static int
settings_set(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *name, int on, int *status)
{
	struct core_num	 uid;
	const char	*params[3];

	if (!strcmp(name, "require_2fa_admins") && on && !ctx->user.totp) {
		*status = 409;
		return (CORE_OK);
	}
	params[0] = on ? "true" : "false";
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = name;
	CORE_TRY(core_db_run(req, db, sql_set, 3, params));
	*status = 200;
	return (CORE_OK);
}
