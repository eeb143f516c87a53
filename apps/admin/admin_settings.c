/*
 * Settings admins change at run time: whether admins need two-factor
 * sign-in on to use the admin area, whether what accounts with an
 * unverified email address post waits for a moderator and whether new
 * accounts' photos and comments do (site_settings;
 * require_verified_email and hold_new_accounts are on unless turned off,
 * and the database applies them, sql/024 and sql/033), and the
 * thresholds of the
 * trust levels (trust_settings, sql/026).  Turning two-factor on
 * needs it on for oneself first, so nobody locks themselves out.  Every
 * worker sees a change within the credential cache's age.  A change is
 * written to the audit log by the statement that makes it.
 */

#include <string.h>

#include "admin/admin.h"

#define TRUST_ITEMS_MAX		10000
#define TRUST_DAYS_MAX		3650

/*
 * $1 require_2fa_admins (NULL: kept), $2 admin, $3..$6 member_items,
 * member_days, trusted_items, trusted_days (NULL: kept), $7 request id,
 * $8 require_verified_email, $9 hold_new_accounts (NULL: kept).
 */
static const char sql_set[] =
	"WITH s AS ("
	"  INSERT INTO site_settings (name, value, changed_by)"
	"  SELECT 'require_2fa_admins', $1::bool, $2 WHERE $1 IS NOT NULL"
	"  ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
	"     changed_by = excluded.changed_by, changed_at = now()"
	"  RETURNING value"
	"), v AS ("
	"  INSERT INTO site_settings (name, value, changed_by)"
	"  SELECT 'require_verified_email', $8::bool, $2 WHERE $8 IS NOT NULL"
	"  ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
	"     changed_by = excluded.changed_by, changed_at = now()"
	"  RETURNING value"
	"), h AS ("
	"  INSERT INTO site_settings (name, value, changed_by)"
	"  SELECT 'hold_new_accounts', $9::bool, $2 WHERE $9 IS NOT NULL"
	"  ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
	"     changed_by = excluded.changed_by, changed_at = now()"
	"  RETURNING value"
	"), t AS ("
	"  UPDATE trust_settings SET"
	"         member_items = coalesce($3::int, member_items),"
	"         member_days = coalesce($4::int, member_days),"
	"         trusted_items = coalesce($5::int, trusted_items),"
	"         trusted_days = coalesce($6::int, trusted_days),"
	"         changed_by = $2, changed_at = now()"
	"  RETURNING *"
	"), a AS ("
	"  SELECT audit_log($2, 'settings', NULL, 'settings', '',"
	"      jsonb_strip_nulls(jsonb_build_object("
	"      'require_2fa_admins', $1::bool, 'member_items', $3::int,"
	"      'member_days', $4::int, 'trusted_items', $5::int,"
	"      'trusted_days', $6::int, 'require_verified_email', $8::bool,"
	"      'hold_new_accounts', $9::bool)), $7) FROM t"
	")"
	"SELECT coalesce((SELECT value FROM s), (SELECT value FROM"
	"       site_settings WHERE name = 'require_2fa_admins'), false),"
	"       t.member_items, t.member_days, t.trusted_items, t.trusted_days,"
	"       coalesce((SELECT value FROM v), (SELECT value FROM"
	"       site_settings WHERE name = 'require_verified_email'), true),"
	"       coalesce((SELECT value FROM h), (SELECT value FROM"
	"       site_settings WHERE name = 'hold_new_accounts'), true)"
	"  FROM t, a";

static const char sql_get[] =
	"SELECT coalesce((SELECT value FROM site_settings"
	"  WHERE name = 'require_2fa_admins'), false),"
	"       member_items, member_days, trusted_items, trusted_days,"
	"       coalesce((SELECT value FROM site_settings"
	"  WHERE name = 'require_verified_email'), true),"
	"       coalesce((SELECT value FROM site_settings"
	"  WHERE name = 'hold_new_accounts'), true)"
	"  FROM trust_settings";

/* What both statements answer. */
enum settings_col {
	SET_2FA,
	SET_MEMBER_ITEMS,
	SET_MEMBER_DAYS,
	SET_TRUSTED_ITEMS,
	SET_TRUSTED_DAYS,
	SET_VERIFIED,
	SET_HOLD_NEW
};

/* The numbers, in the order of $3..$6, and their names in forms and JSON. */
static const char *const trust_keys[4] = {
	"member_items", "member_days", "trusted_items", "trusted_days"
};

struct settings_in {
	const char	*twofa;		/* "true", "false" or NULL */
	const char	*verified;	/* the same */
	const char	*hold_new;	/* the same */
	char		 num[4][12];
	int		 has[4];
};

static int	settings_set(struct http_request *, struct core_ctx *,
		    struct settings_in *, int *);
static int	number_in(struct settings_in *, int, long long);
static json_t	*settings_json(struct core_db *);

/* The settings the form on /admin shows, in ctx->db[2]. */
int
admin_settings_load(struct http_request *req, struct core_ctx *ctx)
{
	return (core_db_run(req, &ctx->db[2], sql_get, 0, NULL));
}

/* The form on /admin, from admin_settings_load(). */
void
admin_render_settings(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx)
{
	struct core_db	*db = &ctx->db[2];
	int		 i;

	core_html_appendf(buf, "<section id=\"settings\">\n<h2>Settings</h2>\n");
	core_form_open(req, buf, "/admin/settings", NULL);
	core_html_appendf(buf, "\n<label><input type=\"checkbox\" "
	    "name=\"require_2fa_admins\" value=\"1\" role=\"switch\"%R%R> "
	    "Admins need two-factor sign-in to use the admin area</label>\n"
	    "<small>%s</small>\n",
	    ctx->user.require_2fa ? " checked" : "",
	    core_cfg.require_2fa_admins ? " disabled" : "",
	    core_cfg.require_2fa_admins ? "On for good: the server's "
	    "AGORA_REQUIRE_2FA_ADMINS=1 says so." : ctx->user.totp ?
	    "Admins without it are sent to their settings to set it up." :
	    "Turn on two-factor sign-in for yourself first (Settings).");

	core_html_appendf(buf, "<fieldset><legend>Trust levels</legend>"
	    "<small>New users' posts wait for review (their photos and "
	    "comments too, unless turned off below). A member's posts and "
	    "edits publish at once and are checked afterwards. "
	    "Approved items count posts, photos and comments that "
	    "stand.</small><div class=\"grid\">\n");
	for (i = 0; i < 4; i++)
		core_html_appendf(buf, "<label>%s <input type=\"number\" "
		    "name=\"%s\" min=\"0\" max=\"%d\" value=\"%s\" required>"
		    "</label>\n", i == 0 ? "Member after approved items" :
		    i == 1 ? "and days since signing up" : i == 2 ?
		    "Trusted after approved items" : "and days", trust_keys[i],
		    i % 2 ? TRUST_DAYS_MAX : TRUST_ITEMS_MAX,
		    core_db_rows(db) == 1 ?
		    core_db_value(db, 0, SET_MEMBER_ITEMS + i) : "");
	core_html_appendf(buf, "</div></fieldset>\n<button type=\"submit\">"
	    "Save settings</button>\n</form>\n");

	/* Its own form: saving the other cannot turn it off by accident. */
	core_form_open(req, buf, "/admin/settings/email", NULL);
	core_html_appendf(buf, "\n<label><input type=\"checkbox\" "
	    "name=\"require_verified_email\" value=\"1\" role=\"switch\"%R> "
	    "Photos and comments of accounts whose email address is not "
	    "verified wait for a moderator</label>\n<small>They leave the "
	    "queue when the address is verified.</small>\n<button "
	    "type=\"submit\">Save</button>\n</form>\n",
	    core_db_rows(db) == 1 && core_db_bool(db, 0, SET_VERIFIED) ?
	    " checked" : "");

	core_form_open(req, buf, "/admin/settings/holds", NULL);
	core_html_appendf(buf, "\n<label><input type=\"checkbox\" "
	    "name=\"hold_new_accounts\" value=\"1\" role=\"switch\"%R> "
	    "Photos and comments of new accounts wait for a moderator"
	    "</label>\n<small>Until the account is a member (the trust "
	    "levels above). Off: they appear at once and the automatic "
	    "check looks at them afterwards.</small>\n<button "
	    "type=\"submit\">Save</button>\n</form>\n</section>\n",
	    core_db_rows(db) == 1 && core_db_bool(db, 0, SET_HOLD_NEW) ?
	    " checked" : "");
}

/*
 * POST /admin/settings: require_2fa_admins (a checkbox) and the four
 * trust thresholds (numbers; a field left out keeps its value).
 */
CORE_HANDLER_NEED(admin_settings_page, CORE_NEED_ADMIN | CORE_NEED_CSRF)
{
	struct settings_in	 in;
	const char		*v;
	long long		 n;
	int			 i, err, status;

	memset(&in, 0, sizeof(in));
	in.twofa = core_form_get(req, "require_2fa_admins") != NULL ?
	    "true" : "false";
	for (i = 0; i < 4; i++) {
		if ((v = core_form_get(req, trust_keys[i])) == NULL)
			continue;
		n = kore_strtonum(v, 10, 0, i % 2 ? TRUST_DAYS_MAX :
		    TRUST_ITEMS_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_error(req, 422, "The thresholds are whole "
			    "numbers from 0 (items up to 10000, days up to "
			    "3650)."));
		number_in(&in, i, n);
	}
	CORE_TRY(settings_set(req, ctx, &in, &status));
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
	struct settings_in	 in;
	int			 status;

	memset(&in, 0, sizeof(in));
	in.verified = core_form_get(req, "require_verified_email") != NULL ?
	    "true" : "false";
	CORE_TRY(settings_set(req, ctx, &in, &status));
	core_redirect(req, "/admin#settings");
	return (CORE_DONE);
}

/* POST /admin/settings/holds: hold_new_accounts (a checkbox). */
CORE_HANDLER_NEED(admin_settings_holds_page, CORE_NEED_ADMIN |
    CORE_NEED_CSRF)
{
	struct settings_in	 in;
	int			 status;

	memset(&in, 0, sizeof(in));
	in.hold_new = core_form_get(req, "hold_new_accounts") != NULL ?
	    "true" : "false";
	CORE_TRY(settings_set(req, ctx, &in, &status));
	core_redirect(req, "/admin#settings");
	return (CORE_DONE);
}

/*
 * GET /api/v1/admin/settings: {"settings": {"require_2fa_admins",
 * "forced", "require_verified_email", "hold_new_accounts",
 * "member_items", "member_days",
 * "trusted_items", "trusted_days"}}; PATCH with any of them but
 * "forced" sets those (409 while turning two-factor on and the caller
 * has none).
 */
CORE_HANDLER_NEED(admin_api_settings, CORE_NEED_ADMIN)
{
	struct settings_in	 in;
	json_t			*body, *v;
	json_int_t		 n;
	int			 i, status;

	if (req->method != HTTP_METHOD_PATCH) {
		CORE_TRY(core_db_run(req, &ctx->db[0], sql_get, 0, NULL));
		return (core_json_send(req, 200, settings_json(&ctx->db[0])));
	}

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));
	memset(&in, 0, sizeof(in));
	if ((v = json_object_get(body, "require_2fa_admins")) != NULL) {
		if (!json_is_boolean(v))
			return (core_problem(req, 422, "Invalid input",
			    "require_2fa_admins is true or false.",
			    json_pack("{s:s}", "require_2fa_admins",
			    "true or false.")));
		in.twofa = json_is_true(v) ? "true" : "false";
	}
	if ((v = json_object_get(body, "require_verified_email")) != NULL) {
		if (!json_is_boolean(v))
			return (core_problem(req, 422, "Invalid input",
			    "require_verified_email is true or false.",
			    json_pack("{s:s}", "require_verified_email",
			    "true or false.")));
		in.verified = json_is_true(v) ? "true" : "false";
	}
	if ((v = json_object_get(body, "hold_new_accounts")) != NULL) {
		if (!json_is_boolean(v))
			return (core_problem(req, 422, "Invalid input",
			    "hold_new_accounts is true or false.",
			    json_pack("{s:s}", "hold_new_accounts",
			    "true or false.")));
		in.hold_new = json_is_true(v) ? "true" : "false";
	}
	for (i = 0; i < 4; i++) {
		if ((v = json_object_get(body, trust_keys[i])) == NULL)
			continue;
		n = json_is_integer(v) ? json_integer_value(v) : -1;
		if (n < 0 || n > (i % 2 ? TRUST_DAYS_MAX : TRUST_ITEMS_MAX))
			return (core_problem(req, 422, "Invalid input",
			    "The thresholds are whole numbers from 0.",
			    json_pack("{s:s}", trust_keys[i], i % 2 ?
			    "0 to 3650 days." : "0 to 10000 items.")));
		number_in(&in, i, n);
	}
	CORE_TRY(settings_set(req, ctx, &in, &status));
	if (status == 409)
		return (core_problem(req, 409, "Two-factor sign-in "
		    "needed first", "Turn on two-factor sign-in for "
		    "yourself before requiring it of every admin.", NULL));

	return (core_json_send(req, 200, settings_json(&ctx->db[0])));
}

static json_t *
settings_json(struct core_db *db)
{
	json_t	*s;
	int	 i;

	s = json_pack("{s:b, s:b, s:b, s:b}", "require_2fa_admins",
	    core_cfg.require_2fa_admins || core_db_bool(db, 0, SET_2FA),
	    "forced", core_cfg.require_2fa_admins, "require_verified_email",
	    core_db_bool(db, 0, SET_VERIFIED), "hold_new_accounts",
	    core_db_bool(db, 0, SET_HOLD_NEW));
	for (i = 0; i < 4; i++)
		json_object_set_new(s, trust_keys[i], json_integer(
		    core_db_int(db, 0, SET_MEMBER_ITEMS + i)));

	return (json_pack("{s:o}", "settings", s));
}

static int
number_in(struct settings_in *in, int i, long long n)
{
	in->has[i] = 1;
	return (snprintf(in->num[i], sizeof(in->num[i]), "%lld", n));
}

static int
settings_set(struct http_request *req, struct core_ctx *ctx,
    struct settings_in *in, int *status)
{
	struct core_num	 uid;
	const char	*params[9];
	int		 i;

	if (in->twofa != NULL && !strcmp(in->twofa, "true") &&
	    !ctx->user.totp) {
		*status = 409;
		return (CORE_OK);
	}
	params[0] = in->twofa;
	params[1] = core_num(&uid, ctx->user.id);
	for (i = 0; i < 4; i++)
		params[2 + i] = in->has[i] ? in->num[i] : NULL;
	params[6] = ctx->request_id;
	params[7] = in->verified;
	params[8] = in->hold_new;
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_set, 9, params));
	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 500, NULL));
	*status = 200;
	return (CORE_OK);
}
