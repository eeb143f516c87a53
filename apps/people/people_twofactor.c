/*
 * Two-factor sign-in on the settings: /settings/2fa sets it up (a new
 * secret as a QR code of its otpauth:// address, drawn as inline SVG by
 * the site, and as base32 text), enabling needs a valid code from it and
 * shows ten single-use recovery codes once (only their hashes are kept),
 * and turning it off needs the password and a code.  The sign-in's
 * second step is core's (apps/core/twofactor.c).
 */

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

/* $1 user: the state of two-factor sign-in. */
static const char sql_state[] =
	"SELECT encode(t.secret, 'hex'), t.enabled_at IS NOT NULL, "
	CORE_SQL_TS("t.enabled_at") ", t.last_step,"
	"       (SELECT count(*) FROM user_recovery_codes r"
	"         WHERE r.user_id = $1 AND r.used_at IS NULL)"
	"  FROM user_totp t WHERE t.user_id = $1";
enum { ST_SECRET, ST_ENABLED, ST_SINCE, ST_LAST_STEP, ST_CODES_LEFT };

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

/* POST /settings/2fa/setup: a new secret, then the set-up page. */
CORE_HANDLER_NEED(people_2fa_setup, CORE_NEED_CHANGE)
{
	struct core_num	 uid;
	u_int8_t	 secret[AGORA_TOTP_SECRET_BYTES];
	const char	*params[2];
	char		 hex[AGORA_TOTP_SECRET_BYTES * 2 + 1];

	randombytes_buf(secret, sizeof(secret));
	core_hex(secret, sizeof(secret), hex);
	sodium_memzero(secret, sizeof(secret));
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_setup, 2, params));
	if (core_db_rows(&ctx->db[0]) != 1) {
		core_redirect(req, "/settings#two-factor");
		return (CORE_DONE);
	}
	core_redirect(req, "/settings/2fa");
	return (CORE_DONE);
}

/* POST /settings/2fa/enable: code.  The recovery codes, shown once. */
CORE_HANDLER_NEED(people_2fa_enable, CORE_NEED_CHANGE)
{
	struct core_db	*st = &ctx->db[0];
	struct core_num	 uid, step;
	struct kore_buf	 list;
	json_t		*hashes;
	const char	*params[4], *code;
	char		*arr, hex[CORE_HASH_HEX];
	char		 codes[CORE_RECOVERY_CODES][CORE_RECOVERY_LEN + 1];
	struct kore_buf	*buf;
	size_t		 i;
	int		 rc;

	code = core_form_get(req, "code");
	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, st, sql_state, 1, params));
	if (core_db_rows(st) != 1 || core_db_bool(st, 0, ST_ENABLED)) {
		core_redirect(req, "/settings#two-factor");
		return (CORE_DONE);
	}

	if (ctx->totp.state == 0) {
		if (code != NULL && core_totp_match(core_db_value(st, 0,
		    ST_SECRET), core_db_int(st, 0, ST_LAST_STEP), code,
		    &ctx->totp.step) == 0)
			ctx->totp.state = 1;
		else
			return (page_render(req, ctx, 422, st, "That code is "
			    "not right. Enter the 6-digit code the app shows "
			    "now.", NULL));
	}

	/* Made once: the codes stay the same however often this runs. */
	if (ctx->app == NULL) {
		ctx->app = kore_calloc(1, sizeof(codes));
		ctx->app_free = kore_free;
		for (i = 0; i < CORE_RECOVERY_CODES; i++)
			core_recovery_new(((char (*)[CORE_RECOVERY_LEN + 1])
			    ctx->app)[i], hex);
	}
	memcpy(codes, ctx->app, sizeof(codes));

	hashes = json_array();
	for (i = 0; i < CORE_RECOVERY_CODES; i++) {
		(void)core_recovery_hash(codes[i], hex);
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
	params[3] = core_db_value(st, 0, ST_SECRET);
	rc = core_db_run(req, &ctx->db[1], sql_enable, 4, params);
	kore_buf_cleanup(&list);
	if (rc != CORE_OK)
		return (rc);
	if (core_db_rows(&ctx->db[1]) != CORE_RECOVERY_CODES) {
		core_redirect(req, "/settings#two-factor");
		return (CORE_DONE);
	}
	core_revoke_changed(ctx->user.id);

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

/* POST /settings/2fa/disable: password and code. */
CORE_HANDLER_NEED(people_2fa_disable, CORE_NEED_CHANGE)
{
	struct core_num	 uid;
	struct core_db	*db;
	const char	*params[1], *password, *code, *hash;
	int		 ok;

	password = core_form_get(req, "password");
	code = core_form_get(req, "code");
	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, &ctx->db[3], sql_state, 1, params));
	if (password == NULL || *password == '\0' || code == NULL ||
	    strlen(password) >= sizeof(ctx->pw.password))
		return (page_render(req, ctx, 422, &ctx->db[3],
		    NULL, "Enter your password and a code."));

	if (!(ctx->stage & OFF_THROTTLE_CHECKED)) {
		ctx->stage |= OFF_THROTTLE_CHECKED;
		if (core_throttle_login(ctx->user.username,
		    core_client_ip(req), &ctx->retry_after))
			ctx->stage |= OFF_THROTTLED;
	}
	if (ctx->stage & OFF_THROTTLED)
		return (page_render(req, ctx, 429, &ctx->db[3], NULL,
		    "Too many wrong attempts. Wait a few minutes and try "
		    "again."));

	db = &ctx->db[0];
	CORE_TRY(core_db_run(req, db, sql_password_hash, 1, params));
	if (!(ctx->stage & OFF_VERIFIED)) {
		hash = core_db_rows(db) == 1 ? core_db_value(db, 0, 0) : NULL;
		CORE_TRY(core_password_verify(req, ctx, password, hash));
		ctx->stage |= OFF_VERIFIED;
		if (hash == NULL || !ctx->pw.ok)
			ctx->stage |= OFF_WRONG;
	}
	if (ctx->stage & OFF_WRONG)
		return (page_render(req, ctx, 403, &ctx->db[3], NULL,
		    "That is not your password."));

	CORE_TRY(core_totp_check(req, ctx, &ctx->db[1], &ctx->db[2],
	    ctx->user.id, code, &ok));
	if (!ok)
		return (page_render(req, ctx, 403, &ctx->db[3], NULL,
		    "That code is not right, or was used already."));
	if (!(ctx->stage & OFF_COUNTED)) {
		ctx->stage |= OFF_COUNTED;
		core_throttle_login_ok(ctx->user.username,
		    core_client_ip(req));
	}

	CORE_TRY(core_db_run(req, &ctx->db[4], sql_disable, 1, params));
	core_revoke_changed(ctx->user.id);
	core_redirect(req, "/settings?saved=2fa-off#two-factor");
	return (CORE_DONE);
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

	on = core_db_rows(st) == 1 && core_db_bool(st, 0, ST_ENABLED);
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
	    "left.</p>\n", core_db_value(st, 0, ST_SINCE),
	    (long long)core_db_int(st, 0, ST_CODES_LEFT),
	    core_db_int(st, 0, ST_CODES_LEFT) == 1 ? "" : "s");
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
	u_int8_t		 key[AGORA_TOTP_SECRET_BYTES];
	char			 b32[AGORA_TOTP_B32_LEN], uri[256];
	char			*svg;
	size_t			 len;

	buf = core_page_open(req, "Two-factor sign-in");
	core_html_appendf(buf, "<div class=\"settings\">\n");

	if (core_db_rows(st) != 1 || core_db_bool(st, 0, ST_ENABLED)) {
		core_html_appendf(buf, "<h1>Two-factor sign-in</h1>\n");
		if (off_error != NULL)
			core_html_appendf(buf, "<p class=\"form-error\" "
			    "role=\"alert\">%s</p>\n", off_error);
		people_render_2fa_section(req, buf, st);
		core_html_appendf(buf, "<p><a href=\"/settings\">Back to "
		    "settings</a></p>\n</div>\n");
		return (core_page_close(req, status, buf));
	}

	if (sodium_hex2bin(key, sizeof(key), core_db_value(st, 0, ST_SECRET),
	    AGORA_TOTP_SECRET_BYTES * 2, NULL, &len, NULL) != 0 ||
	    len != sizeof(key)) {
		kore_buf_free(buf);
		return (core_error(req, 500, NULL));
	}
	agora_base32(key, sizeof(key), b32, sizeof(b32));
	sodium_memzero(key, sizeof(key));
	ctx->no_store = 1;
	/* The username is [a-z0-9_]: nothing to encode in the address. */
	(void)snprintf(uri, sizeof(uri), "otpauth://totp/Agora:%s?secret=%s"
	    "&issuer=Agora&algorithm=SHA1&digits=6&period=30",
	    ctx->user.username, b32);
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
