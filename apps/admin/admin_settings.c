/*
 * Settings admins change at run time (site_settings): whether admins
 * need two-factor sign-in on to use the admin area.  Turning it on needs
 * it on for oneself first, so nobody locks themselves out.  Every
 * worker sees a change within the credential cache's age.
 */

#include <string.h>

#include "admin/admin.h"

/* $1 value, $2 admin. */
static const char sql_set[] =
	"INSERT INTO site_settings (name, value, changed_by)"
	"  VALUES ('require_2fa_admins', $1::bool, $2)"
	" ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
	"    changed_by = excluded.changed_by, changed_at = now()"
	" RETURNING value";

static const char sql_get[] =
	"SELECT coalesce((SELECT value FROM site_settings"
	"  WHERE name = 'require_2fa_admins'), false)";

static int	settings_set(struct http_request *, struct core_ctx *, int,
		    int *);

/* The form on /admin. */
void
admin_render_settings(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx)
{
	core_html_appendf(buf, "<section id=\"settings\">\n<h2>Settings</h2>\n");
	core_form_open(req, buf, "/admin/settings", NULL);
	core_html_appendf(buf, "\n<label><input type=\"checkbox\" "
	    "name=\"require_2fa_admins\" value=\"1\" role=\"switch\"%R%R> "
	    "Admins need two-factor sign-in to use the admin area</label>\n"
	    "<small>%s</small>\n<button type=\"submit\">Save settings"
	    "</button>\n</form>\n</section>\n",
	    ctx->user.require_2fa ? " checked" : "",
	    core_cfg.require_2fa_admins ? " disabled" : "",
	    core_cfg.require_2fa_admins ? "On for good: the server's "
	    "AGORA_REQUIRE_2FA_ADMINS=1 says so." : ctx->user.totp ?
	    "Admins without it are sent to their settings to set it up." :
	    "Turn on two-factor sign-in for yourself first (Settings).");
}

/* POST /admin/settings: require_2fa_admins (a checkbox). */
CORE_HANDLER_NEED(admin_settings_page, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	int	on, status;

	on = core_form_get(req, "require_2fa_admins") != NULL;
	CORE_TRY(settings_set(req, ctx, on, &status));
	if (status == 409)
		return (core_error(req, 409, "Turn on two-factor sign-in for "
		    "yourself first (Settings), then require it of every "
		    "admin."));
	core_redirect(req, "/admin#settings");
	return (CORE_DONE);
}

/*
 * GET /api/v1/admin/settings: {"require_2fa_admins", "forced"}; PATCH
 * {"require_2fa_admins": bool} sets it (409 while the caller has no
 * two-factor sign-in).
 */
CORE_HANDLER_NEED(admin_api_settings, CORE_NEED_ADMIN)
{
	json_t		*body, *v;
	int		 status;

	if (req->method == HTTP_METHOD_PATCH) {
		CORE_TRY(core_csrf_check(req, ctx));
		CORE_TRY(core_json_body(req, ctx, &body));
		v = json_object_get(body, "require_2fa_admins");
		if (!json_is_boolean(v))
			return (core_problem(req, 422, "Invalid input",
			    "require_2fa_admins is true or false.",
			    json_pack("{s:s}", "require_2fa_admins",
			    "true or false.")));
		CORE_TRY(settings_set(req, ctx, json_is_true(v), &status));
		if (status == 409)
			return (core_problem(req, 409, "Two-factor sign-in "
			    "needed first", "Turn on two-factor sign-in for "
			    "yourself before requiring it of every admin.",
			    NULL));
	} else {
		CORE_TRY(core_db_run(req, &ctx->db[0], sql_get, 0, NULL));
	}

	return (core_json_send(req, 200, json_pack("{s:{s:b, s:b}}",
	    "settings", "require_2fa_admins",
	    core_cfg.require_2fa_admins || core_db_bool(&ctx->db[0], 0, 0),
	    "forced", core_cfg.require_2fa_admins)));
}

static int
settings_set(struct http_request *req, struct core_ctx *ctx, int on,
    int *status)
{
	struct core_num	 uid;
	const char	*params[2];

	if (on && !ctx->user.totp) {
		*status = 409;
		return (CORE_OK);
	}
	params[0] = on ? "true" : "false";
	params[1] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_set, 2, params));
	*status = 200;
	return (CORE_OK);
}
