/*
 * Two-factor sign-in on the settings: /settings/2fa sets it up (a new
 * secret as a QR code of its otpauth:// address, drawn as inline SVG by
 * the site, and as base32 text), enabling needs a valid code from it and
 * shows ten single-use recovery codes once (only their hashes are kept),
 * and turning it off needs the password and a code.  The steps are
 * people_2fa_setup_run(), _enable_run() and _disable_run(), which the
 * pages here and the API (people_twofactor_api.c) share.  The sign-in's
 * second step is core's (apps/core/twofactor.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "people/people.h"
#include "totp.h"

/* ctx->stage bits of turning it off. */
#define OFF_THROTTLE_CHECKED	0x01
#define OFF_THROTTLED		0x02
#define OFF_VERIFIED		0x04
#define OFF_WRONG		0x08
#define OFF_COUNTED		0x10
#define OFF_TOLD		0x20
/* ctx->stage bits of turning it on. */
#define ON_TOLD			0x40

/* $1 user: the state of two-factor sign-in. */
static const char sql_state[] =
	"SELECT encode(t.secret, 'hex'), t.enabled_at IS NOT NULL, "
	CORE_SQL_TS("t.enabled_at") ", t.last_step,"
	"       (SELECT count(*) FROM user_recovery_codes r"
	"         WHERE r.user_id = $1 AND r.used_at IS NULL)"
	"  FROM user_totp t WHERE t.user_id = $1";
/* Its columns: enum people_2fa_col. */

/* $1 user, $2 secret (hex): a new secret, unless it is on already. */
static const char sql_setup[] =
	"INSERT INTO user_totp (user_id, secret) VALUES ($1, decode($2, 'hex'))"
	" ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,"
	"    last_step = 0, created_at = now()"
	"  WHERE user_totp.enabled_at IS NULL"
	" RETURNING 1";

/*
 * $1 user, $2 the step the code was for, $3 the recovery codes' hashes
 * (a text array of hex): on, if the secret is still the one checked ($4).
 */
static const char sql_enable[] =
	"WITH t AS ("
	"  UPDATE user_totp SET enabled_at = now(), last_step = $2"
	"   WHERE user_id = $1 AND enabled_at IS NULL"
	"     AND secret = decode($4, 'hex') RETURNING user_id"
	"), d AS ("
	"  DELETE FROM user_recovery_codes WHERE user_id IN"
	"    (SELECT user_id FROM t)"
	")"
	"INSERT INTO user_recovery_codes (user_id, code_hash)"
	"  SELECT t.user_id, decode(h, 'hex') FROM t, unnest($3::text[]) h"
	" RETURNING 1";

static const char sql_password_hash[] =
	"SELECT password_hash FROM users WHERE id = $1 AND NOT banned";

static const char sql_disable[] =
	"WITH r AS ("
	"  DELETE FROM user_recovery_codes WHERE user_id = $1"
	")"
	"DELETE FROM user_totp WHERE user_id = $1 RETURNING 1";

static int	page_render(struct http_request *, struct core_ctx *, int,
		    struct core_db *, const char *, const char *);
static void	codes_render(struct kore_buf *, char [][CORE_RECOVERY_LEN + 1]);

/* GET /settings/2fa: the set-up (or the state, when it is on). */
CORE_HANDLER_NEED(people_2fa_page, CORE_NEED_USER)
{
	struct core_num	 uid;
	const char	*params[1];

	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_state, 1, params));

	return (page_render(req, ctx, 200, &ctx->db[0], NULL, NULL));
}

/*
 * A new secret in ctx->db[0], unless two-factor sign-in is on already;
 * `*made` says which.
 */
int
people_2fa_setup_run(struct http_request *req, struct core_ctx *ctx,
    int *made)
{
	struct core_num	 uid;
	u_int8_t	 secret[AGORA_TOTP_SECRET_BYTES];
	const char	*params[2];
	char		 hex[CORE_TOTP_SEALED_HEX];

	randombytes_buf(secret, sizeof(secret));
	core_totp_seal(secret, hex);
	sodium_memzero(secret, sizeof(secret));
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_setup, 2, params));
	sodium_memzero(hex, sizeof(hex));
	*made = core_db_rows(&ctx->db[0]) == 1;

	return (CORE_OK);
}

/* POST /settings/2fa/setup: a new secret, then the set-up page. */
CORE_HANDLER_NEED(people_2fa_setup, CORE_NEED_CHANGE)
{
	int		made;

	CORE_TRY(people_2fa_setup_run(req, ctx, &made));
	core_redirect(req, made ? "/settings/2fa" : "/settings#two-factor");
	return (CORE_DONE);
}

/*
 * The secret of the set-up in progress (`st` holds sql_state, one row)
 * as base32 text into `b32` (AGORA_TOTP_B32_LEN) and as its otpauth://
 * address into `uri` (PEOPLE_2FA_URI_MAX).  -1 when it cannot be read.
 */
int
people_2fa_setup_key(struct core_ctx *ctx, struct core_db *st, char *b32,
    char *uri)
{
	u_int8_t	 key[AGORA_TOTP_SECRET_BYTES];

	if (core_totp_open(core_db_value(st, 0, PEOPLE_2FA_SECRET),
	    key) == -1)
		return (-1);
	agora_base32(key, sizeof(key), b32, AGORA_TOTP_B32_LEN);
	sodium_memzero(key, sizeof(key));
	/* The username is [a-z0-9_]: nothing to encode in the address. */
	(void)snprintf(uri, PEOPLE_2FA_URI_MAX, "otpauth://totp/Agora:%s?"
	    "secret=%s&issuer=Agora&algorithm=SHA1&digits=6&period=30",
	    ctx->user.username, b32);

	return (0);
}

/*
 * Turn it on with `code` from the set-up's secret: `*status` 200 (the
 * ten recovery codes in `*codes`, made once however often this runs,
 * freed with the request), 422 (a wrong or missing code) or 409 (no
 * set-up in progress, or on already).  ctx->db[0] holds sql_state.
 */
int
people_2fa_enable_run(struct http_request *req, struct core_ctx *ctx,
    const char *code, int *status, char (**codes)[CORE_RECOVERY_LEN + 1])
{
	struct core_db	*st = &ctx->db[0];
	struct core_num	 uid, step;
	struct kore_buf	 list;
	json_t		*hashes;
	const char	*params[4];
	char		*arr, hex[CORE_HASH_HEX];
	size_t		 i;
	int		 rc;

	*codes = NULL;
	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, st, sql_state, 1, params));
	if (core_db_rows(st) != 1 ||
	    core_db_bool(st, 0, PEOPLE_2FA_ENABLED)) {
		*status = 409;
		return (CORE_OK);
	}

	if (ctx->totp.state == 0) {
		if (code != NULL && core_totp_match(core_db_value(st, 0,
		    PEOPLE_2FA_SECRET), core_db_int(st, 0,
		    PEOPLE_2FA_LAST_STEP), code, &ctx->totp.step) == 0) {
			ctx->totp.state = 1;
		} else {
			*status = 422;
			return (CORE_OK);
		}
	}

	/* Made once: the codes stay the same however often this runs. */
	if (ctx->app == NULL) {
		ctx->app = kore_calloc(CORE_RECOVERY_CODES,
		    CORE_RECOVERY_LEN + 1);
		ctx->app_free = kore_free;
		for (i = 0; i < CORE_RECOVERY_CODES; i++)
			core_recovery_new(((char (*)[CORE_RECOVERY_LEN + 1])
			    ctx->app)[i], hex);
	}
	*codes = ctx->app;

	hashes = json_array();
	for (i = 0; i < CORE_RECOVERY_CODES; i++) {
		(void)core_recovery_hash((*codes)[i], hex);
		json_array_append_new(hashes, json_string(hex));
	}
	kore_buf_init(&list, 1024);
	kore_buf_append(&list, "{", 1);
	for (i = 0; i < json_array_size(hashes); i++) {
		if (i > 0)
			kore_buf_append(&list, ",", 1);
		kore_buf_appendf(&list, "%s",
		    json_string_value(json_array_get(hashes, i)));
	}
	kore_buf_append(&list, "}", 1);
	json_decref(hashes);
	arr = kore_buf_stringify(&list, NULL);

	params[1] = core_num(&step, (int64_t)ctx->totp.step);
	params[2] = arr;
	params[3] = core_db_value(st, 0, PEOPLE_2FA_SECRET);
	rc = core_db_run(req, &ctx->db[1], sql_enable, 4, params);
	kore_buf_cleanup(&list);
	if (rc != CORE_OK)
		return (rc);
	if (core_db_rows(&ctx->db[1]) != CORE_RECOVERY_CODES) {
		*status = 409;		/* changed meanwhile */
		*codes = NULL;
		return (CORE_OK);
	}
	if (!(ctx->stage & ON_TOLD)) {
		ctx->stage |= ON_TOLD;
		core_revoke_changed(ctx->user.id);
	}
	*status = 200;

	return (CORE_OK);
}

/* POST /settings/2fa/enable: code.  The recovery codes, shown once. */
CORE_HANDLER_NEED(people_2fa_enable, CORE_NEED_CHANGE)
{
	char		(*codes)[CORE_RECOVERY_LEN + 1];
	struct kore_buf	*buf;
	int		 status;

	CORE_TRY(people_2fa_enable_run(req, ctx, core_form_get(req, "code"),
	    &status, &codes));
	if (status == 409) {
		core_redirect(req, "/settings#two-factor");
		return (CORE_DONE);
	}
	if (status == 422)
		return (page_render(req, ctx, 422, &ctx->db[0], "That code is "
		    "not right. Enter the 6-digit code the app shows now.",
		    NULL));

	ctx->no_store = 1;
	buf = core_page_open(req, "Two-factor sign-in");
	core_html_appendf(buf, "<div class=\"settings\">\n<h1>Two-factor "
	    "sign-in is on</h1>\n<p class=\"notice\" role=\"status\">From "
	    "now on, signing in asks for a code from your app after your "
	    "password.</p>\n");
	codes_render(buf, codes);
	core_html_appendf(buf, "<p><a href=\"/settings#two-factor\" "
	    "role=\"button\">Done</a></p>\n</div>\n");

	return (core_page_close(req, 200, buf));
}

/*
 * Turn it off with the password and a code (or a recovery code):
 * `*status` 200, 422 (either missing), 429 (throttled like a login:
 * ctx->retry_after), 403 (`*why`: the password or the code is wrong) or
 * 409 (it is not on).  ctx->db[3] holds sql_state.
 */
int
people_2fa_disable_run(struct http_request *req, struct core_ctx *ctx,
    const char *password, const char *code, int *status, const char **why)
{
	struct core_num	 uid;
	struct core_db	*db;
	const char	*params[1], *hash;
	int		 ok;

	*why = NULL;
	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, &ctx->db[3], sql_state, 1, params));
	if (core_db_rows(&ctx->db[3]) != 1 ||
	    !core_db_bool(&ctx->db[3], 0, PEOPLE_2FA_ENABLED)) {
		*status = 409;
		return (CORE_OK);
	}
	if (password == NULL || *password == '\0' || code == NULL ||
	    *code == '\0' || strlen(password) >= sizeof(ctx->pw.password)) {
		*status = 422;
		return (CORE_OK);
	}

	if (!(ctx->stage & OFF_THROTTLE_CHECKED)) {
		ctx->stage |= OFF_THROTTLE_CHECKED;
		if (core_throttle_login(ctx->user.username,
		    core_client_ip(req), &ctx->retry_after))
			ctx->stage |= OFF_THROTTLED;
	}
	if (ctx->stage & OFF_THROTTLED) {
		*status = 429;
		return (CORE_OK);
	}

	db = &ctx->db[0];
	CORE_TRY(core_db_run(req, db, sql_password_hash, 1, params));
	if (!(ctx->stage & OFF_VERIFIED)) {
		hash = core_db_rows(db) == 1 ? core_db_value(db, 0, 0) : NULL;
		CORE_TRY(core_password_verify(req, ctx, password, hash));
		ctx->stage |= OFF_VERIFIED;
		if (hash == NULL || !ctx->pw.ok)
			ctx->stage |= OFF_WRONG;
	}
	if (ctx->stage & OFF_WRONG) {
		*status = 403;
		*why = "That is not your password.";
		return (CORE_OK);
	}

	CORE_TRY(core_totp_check(req, ctx, &ctx->db[1], &ctx->db[2],
	    ctx->user.id, code, &ok));
	if (!ok) {
		*status = 403;
		*why = "That code is not right, or was used already.";
		return (CORE_OK);
	}
	if (!(ctx->stage & OFF_COUNTED)) {
		ctx->stage |= OFF_COUNTED;
		core_throttle_login_ok(ctx->user.username,
		    core_client_ip(req));
	}

	CORE_TRY(core_db_run(req, &ctx->db[4], sql_disable, 1, params));
	if (!(ctx->stage & OFF_TOLD)) {
		ctx->stage |= OFF_TOLD;
		core_revoke_changed(ctx->user.id);
	}
	*status = 200;

	return (CORE_OK);
}

/* POST /settings/2fa/disable: password and code. */
CORE_HANDLER_NEED(people_2fa_disable, CORE_NEED_CHANGE)
{
	const char	*why;
	int		 status;

	CORE_TRY(people_2fa_disable_run(req, ctx,
	    core_form_get(req, "password"), core_form_get(req, "code"),
	    &status, &why));
	switch (status) {
	case 200:
		core_redirect(req, "/settings?saved=2fa-off#two-factor");
		return (CORE_DONE);
	case 409:
		core_redirect(req, "/settings#two-factor");
		return (CORE_DONE);
	case 422:
		why = "Enter your password and a code.";
		break;
	case 429:
		why = "Too many wrong attempts. Wait a few minutes and try "
		    "again.";
		break;
	}

	return (page_render(req, ctx, status, &ctx->db[3], NULL, why));
}

/*
 * The section of /settings: on (since when, recovery codes left, the
 * form that turns it off) or off (the button that starts the set-up).
 * `st` holds sql_state (no row: never set up).
 */
void
people_render_2fa_section(struct http_request *req, struct kore_buf *buf,
    struct core_db *st)
{
	int	on;

	on = core_db_rows(st) == 1 && core_db_bool(st, 0, PEOPLE_2FA_ENABLED);
	core_html_appendf(buf, "<section id=\"two-factor\">\n<h2>Two-factor "
	    "sign-in</h2>\n");
	if (!on) {
		core_html_appendf(buf, "<p>Off. With it on, signing in also "
		    "asks for a code from an authenticator app on your phone, "
		    "so a stolen password is not enough.</p>\n");
		core_form_button(req, buf, "/settings/2fa/setup", NULL, NULL,
		    "Set up two-factor sign-in");
		core_html_appendf(buf, "</section>\n");
		return;
	}
	core_html_appendf(buf, "<p>On since %T. %lld recovery code%s "
	    "left.</p>\n", core_db_value(st, 0, PEOPLE_2FA_SINCE),
	    (long long)core_db_int(st, 0, PEOPLE_2FA_CODES_LEFT),
	    core_db_int(st, 0, PEOPLE_2FA_CODES_LEFT) == 1 ? "" : "s");
	core_html_appendf(buf, "<details><summary>Turn it off</summary>\n");
	core_form_open(req, buf, "/settings/2fa/disable", NULL);
	core_html_appendf(buf, "\n<label>Password\n<input name=\"password\" "
	    "type=\"password\" required autocomplete=\"current-password\">"
	    "</label>\n<label>Code from your app (or a recovery code)\n"
	    "<input name=\"code\" required inputmode=\"numeric\" "
	    "autocomplete=\"one-time-code\" maxlength=\"32\"></label>\n"
	    "<button type=\"submit\" class=\"secondary\">Turn off two-factor "
	    "sign-in</button>\n</form>\n</details>\n</section>\n");
}

/* Load the state (sql_state) for /settings into `db`. */
int
people_2fa_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num	 uid;
	const char	*params[1];

	params[0] = core_num(&uid, ctx->user.id);
	return (core_db_run(req, db, sql_state, 1, params));
}

/* The set-up page, or the state with `error` / `off_error` said. */
static int
page_render(struct http_request *req, struct core_ctx *ctx, int status,
    struct core_db *st, const char *error, const char *off_error)
{
	struct kore_buf		*buf;
	char			 b32[AGORA_TOTP_B32_LEN];
	char			 uri[PEOPLE_2FA_URI_MAX];
	char			*svg;

	buf = core_page_open(req, "Two-factor sign-in");
	core_html_appendf(buf, "<div class=\"settings\">\n");

	if (core_db_rows(st) != 1 ||
	    core_db_bool(st, 0, PEOPLE_2FA_ENABLED)) {
		core_html_appendf(buf, "<h1>Two-factor sign-in</h1>\n");
		if (off_error != NULL)
			core_html_appendf(buf, "<p class=\"form-error\" "
			    "role=\"alert\">%s</p>\n", off_error);
		people_render_2fa_section(req, buf, st);
		core_html_appendf(buf, "<p><a href=\"/settings\">Back to "
		    "settings</a></p>\n</div>\n");
		return (core_page_close(req, status, buf));
	}

	if (people_2fa_setup_key(ctx, st, b32, uri) == -1) {
		kore_buf_free(buf);
		return (core_error(req, 500, NULL));
	}
	ctx->no_store = 1;
	svg = agora_qr_svg(uri);

	core_html_appendf(buf, "<h1>Set up two-factor sign-in</h1>\n");
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n", error);
	core_html_appendf(buf, "<ol class=\"totp-steps\"><li>Open an "
	    "authenticator app on your phone (FreeOTP, Aegis, Google "
	    "Authenticator, 1Password…) and scan this code.</li>\n"
	    "<li>Or type in this key: <code class=\"totp-secret\" "
	    "id=\"totp-secret\">%s</code></li>\n"
	    "<li>Enter the 6-digit code the app then shows.</li></ol>\n"
	    "<figure class=\"qr-box\" aria-label=\"QR code of the key\">%R"
	    "</figure>\n", b32, svg != NULL ? svg : "");
	free(svg);
	sodium_memzero(b32, sizeof(b32));

	core_form_open(req, buf, "/settings/2fa/enable", NULL);
	core_html_appendf(buf, "\n<label>Code\n<input name=\"code\" "
	    "inputmode=\"numeric\" pattern=\"[0-9]{6}\" maxlength=\"6\" "
	    "autocomplete=\"one-time-code\" required%R></label>\n"
	    "<button type=\"submit\">Turn on two-factor sign-in</button>\n"
	    "</form>\n<p><a href=\"/settings\">Cancel</a></p>\n</div>\n",
	    error != NULL ? " aria-invalid=\"true\"" : "");

	return (core_page_close(req, status, buf));
}

/* The recovery codes, once: each works one time instead of a code. */
static void
codes_render(struct kore_buf *buf, char codes[][CORE_RECOVERY_LEN + 1])
{
	size_t		i;

	core_html_appendf(buf, "<h2>Your recovery codes</h2>\n<p>Keep them "
	    "somewhere safe: each signs you in once if your phone is lost. "
	    "They are shown only now.</p>\n<ul class=\"recovery-codes\">");
	for (i = 0; i < CORE_RECOVERY_CODES; i++)
		core_html_appendf(buf, "<li><code>%s</code></li>", codes[i]);
	core_html_appendf(buf, "</ul>\n");
}
