/*
 * The sign-up, sign-in and sign-out pages.
 */

#include <string.h>

#include "core/core.h"

static int	register_render(struct http_request *, int,
		    struct core_signup *, json_t *);
static int	login_render(struct http_request *, int, const char *,
		    const char *, const char *, const char *);
static int	login_page(struct http_request *, int, const char *,
		    const char *, const char *, const char *);
static int	refused_render(struct http_request *, struct core_ctx *,
		    const char *, const char *);
static int	second_render(struct http_request *, int, const char *,
		    const char *, const char *);
static void	field_error(struct kore_buf *, json_t *, const char *);
static const char *safe_next(const char *);

CORE_HANDLER(core_register_page)
{
	struct core_signup	 in;
	json_t			*errors;
	int			 rc, status;

	memset(&in, 0, sizeof(in));
	if (req->method != HTTP_METHOD_POST)
		return (register_render(req, 200, &in, NULL));

	CORE_TRY(core_csrf_check(req, ctx));

	in.username_in = core_form_get(req, "username");
	in.email = core_form_get(req, "email");
	in.password = core_form_get(req, "password");

	CORE_TRY(core_auth_register(req, ctx, &in, &errors, &status));

	if (errors != NULL) {
		rc = register_render(req, status, &in, errors);
		json_decref(errors);
		return (rc);
	}

	CORE_TRY(core_session_start(req, ctx, &ctx->db[1],
	    core_db_int(&ctx->db[0], 0, CORE_USER_COL_ID)));

	core_redirect(req, "/");
	return (CORE_DONE);
}

CORE_HANDLER(core_login_page)
{
	struct core_signup	 in;
	const char		*next;
	char			 retry[16];
	int			 status;

	memset(&in, 0, sizeof(in));
	if (req->method != HTTP_METHOD_POST) {
		http_populate_get(req);
		return (login_render(req, 200, NULL,
		    safe_next(core_form_get(req, "next")), NULL,
		    core_form_get(req, "reset") != NULL ?
		    "Your password was changed. Log in with the new one." :
		    NULL));
	}

	CORE_TRY(core_csrf_check(req, ctx));

	in.username_in = core_form_get(req, "username");
	in.password = core_form_get(req, "password");
	next = safe_next(core_form_get(req, "next"));

	CORE_TRY(core_auth_login(req, ctx, &in, &status));

	switch (status) {
	case 200:
		break;
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		return (login_render(req, 429, in.username_in, next,
		    "Too many failed attempts. Wait a few minutes and try "
		    "again.", NULL));
	case 403:
		return (refused_render(req, ctx, in.username_in, next));
	default:
		return (login_render(req, 401, in.username_in, next,
		    "Invalid username or password.", NULL));
	}

	if (core_auth_needs_2fa(ctx)) {
		CORE_TRY(core_login_challenge(req, ctx, &ctx->db[1],
		    core_db_int(&ctx->db[0], 0, CORE_USER_COL_ID)));
		return (second_render(req, 200, ctx->totp.challenge, next,
		    NULL));
	}

	CORE_TRY(core_session_start(req, ctx, &ctx->db[1],
	    core_db_int(&ctx->db[0], 0, CORE_USER_COL_ID)));

	core_redirect(req, next != NULL ? next : "/");
	return (CORE_DONE);
}

/*
 * POST /login/2fa: challenge, code, next.  The second step of a sign-in
 * with two-factor sign-in on (twofactor.c).
 */
CORE_HANDLER_NEED(core_login_2fa_page, CORE_NEED_CSRF)
{
	const char	*challenge, *code, *next;
	char		 retry[16];
	int		 status;

	challenge = core_form_get(req, "challenge");
	code = core_form_get(req, "code");
	next = safe_next(core_form_get(req, "next"));

	CORE_TRY(core_login_second(req, ctx, challenge, code, &status));

	switch (status) {
	case 200:
		break;
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		return (second_render(req, 429, challenge, next,
		    "Too many failed attempts. Wait a few minutes and try "
		    "again."));
	case 403:
		return (login_render(req, 403, NULL, next,
		    "This account is suspended.", NULL));
	case 410:
		return (login_render(req, 401, NULL, next,
		    "That sign-in took too long or had too many wrong codes. "
		    "Log in again.", NULL));
	default:
		return (second_render(req, 401, challenge, next,
		    "That code is not right, or was used already. Try the "
		    "newest code from your app."));
	}

	CORE_TRY(core_session_start(req, ctx, &ctx->db[4],
	    core_db_int(&ctx->db[0], 0, CORE_USER_COL_ID)));

	core_redirect(req, next != NULL ? next : "/");
	return (CORE_DONE);
}

CORE_HANDLER_NEED(core_logout_page, CORE_NEED_CSRF)
{
	CORE_TRY(core_session_end(req, ctx, &ctx->db[0]));

	core_redirect(req, "/");
	return (CORE_DONE);
}

static int
register_render(struct http_request *req, int status, struct core_signup *in,
    json_t *errors)
{
	struct kore_buf		*buf;

	buf = core_page_open(req, "Create an account");
	core_html_appendf(buf, "<article class=\"auth\">\n"
	    "<h1>Create an account</h1>\n");
	if (errors != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "Please correct the marked fields.</p>\n");

	core_html_appendf(buf, "<form method=\"post\" action=\"/register\" "
	    "novalidate>\n");
	core_form_csrf(req, buf);

	core_html_appendf(buf, "<label>Username\n<input name=\"username\" "
	    "value=\"%s\" autocomplete=\"username\" required minlength=\"3\" "
	    "maxlength=\"32\" pattern=\"[A-Za-z0-9_]{3,32}\"%R>\n",
	    in->username_in, json_object_get(errors, "username") != NULL ?
	    " aria-invalid=\"true\"" : "");
	field_error(buf, errors, "username");
	core_html_appendf(buf, "<small>3 to 32 letters, digits or _."
	    "</small></label>\n");

	core_html_appendf(buf, "<label>Email\n<input name=\"email\" "
	    "type=\"email\" value=\"%s\" autocomplete=\"email\" required "
	    "maxlength=\"254\"%R>\n", in->email,
	    json_object_get(errors, "email") != NULL ?
	    " aria-invalid=\"true\"" : "");
	field_error(buf, errors, "email");
	core_html_appendf(buf, "</label>\n");

	core_html_appendf(buf, "<label>Password\n<input name=\"password\" "
	    "type=\"password\" autocomplete=\"new-password\" required "
	    "minlength=\"8\" maxlength=\"128\"%R>\n",
	    json_object_get(errors, "password") != NULL ?
	    " aria-invalid=\"true\"" : "");
	field_error(buf, errors, "password");
	core_html_appendf(buf, "<small>At least 8 characters. A few words "
	    "make a good password.</small></label>\n"
	    "<button type=\"submit\">Create account</button>\n</form>\n"
	    "<p>Already have an account? <a href=\"/login\">Log in</a>.</p>\n"
	    "</article>\n");

	return (core_page_close(req, status, buf));
}

/*
 * A refused sign-in: a suspension says until when and why (the time as
 * the site shows times, the reason as the admin wrote it), a ban only
 * that the account is closed.
 */
static int
refused_render(struct http_request *req, struct core_ctx *ctx,
    const char *username, const char *next)
{
	struct kore_buf		 msg;
	const char		*until, *reason;
	int			 rc;

	if (!core_auth_suspension(ctx, &until, &reason))
		return (login_render(req, 403, username, next,
		    "This account is suspended.", NULL));

	kore_buf_init(&msg, 256);
	core_html_appendf(&msg, "This account is suspended until %T.", until);
	if (*reason != '\0')
		core_html_appendf(&msg, " Reason: %s", reason);
	rc = login_page(req, 403, username, next,
	    kore_buf_stringify(&msg, NULL), NULL);
	kore_buf_cleanup(&msg);

	return (rc);
}

static int
login_render(struct http_request *req, int status, const char *username,
    const char *next, const char *error, const char *notice)
{
	struct kore_buf		 msg;
	int			 rc;

	if (error == NULL)
		return (login_page(req, status, username, next, NULL, notice));

	kore_buf_init(&msg, 128);
	core_html_appendf(&msg, "%s", error);
	rc = login_page(req, status, username, next,
	    kore_buf_stringify(&msg, NULL), notice);
	kore_buf_cleanup(&msg);

	return (rc);
}

/* The sign-in form; `error_html` is markup already escaped, or NULL. */
static int
login_page(struct http_request *req, int status, const char *username,
    const char *next, const char *error_html, const char *notice)
{
	struct kore_buf		*buf;

	buf = core_page_open(req, "Log in");
	core_html_appendf(buf, "<article class=\"auth\">\n<h1>Log in</h1>\n");
	if (error_html != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%R</p>\n", error_html);
	if (notice != NULL)
		core_html_appendf(buf, "<p class=\"notice\" role=\"status\">"
		    "%s</p>\n", notice);

	core_form_open(req, buf, "/login", NULL);
	core_html_appendf(buf, "\n");
	if (next != NULL)
		core_html_appendf(buf, "<input type=\"hidden\" name=\"next\" "
		    "value=\"%s\">\n", next);
	core_html_appendf(buf, "<label>Username\n<input name=\"username\" "
	    "value=\"%s\" autocomplete=\"username\" required></label>\n"
	    "<label>Password\n<input name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required></label>\n"
	    "<button type=\"submit\">Log in</button>\n</form>\n"
	    "<p><a href=\"/forgot\">Forgot your password?</a> · New here? "
	    "<a href=\"/register\">Create an account</a>.</p>\n"
	    "</article>\n", username);

	return (core_page_close(req, status, buf));
}

/* The second step: a code from the authenticator app, or a recovery code. */
static int
second_render(struct http_request *req, int status, const char *challenge,
    const char *next, const char *error)
{
	struct kore_buf		*buf;
	struct core_ctx		*ctx = http_state_get(req);

	if (ctx != NULL)
		ctx->no_store = 1;
	buf = core_page_open(req, "Two-factor sign-in");
	core_html_appendf(buf, "<article class=\"auth\">\n"
	    "<h1>Two-factor sign-in</h1>\n");
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n", error);
	core_html_appendf(buf, "<p>Enter the 6-digit code your authenticator "
	    "app shows for Agora.</p>\n");
	core_form_open(req, buf, "/login/2fa", NULL);
	core_html_appendf(buf, "\n<input type=\"hidden\" name=\"challenge\" "
	    "value=\"%s\">\n", challenge);
	if (next != NULL)
		core_html_appendf(buf, "<input type=\"hidden\" name=\"next\" "
		    "value=\"%s\">\n", next);
	core_html_appendf(buf, "<label>Code\n<input name=\"code\" "
	    "inputmode=\"numeric\" autocomplete=\"one-time-code\" required "
	    "maxlength=\"32\" autofocus%R></label>\n"
	    "<small>No phone at hand? A recovery code (xxxxx-xxxxx) works "
	    "once instead.</small>\n"
	    "<button type=\"submit\">Sign in</button>\n</form>\n"
	    "<p><a href=\"/login\">Start again</a></p>\n</article>\n",
	    error != NULL ? " aria-invalid=\"true\"" : "");

	return (core_page_close(req, status, buf));
}

static void
field_error(struct kore_buf *buf, json_t *errors, const char *field)
{
	const char	*msg;

	if ((msg = json_string_value(json_object_get(errors, field))) == NULL)
		return;

	core_html_appendf(buf, "<small class=\"field-error\">%s</small>\n", msg);
}

/*
 * Where to go after logging in: only a local path.  "//host", "/\host"
 * and paths with whitespace or controls (browsers drop tabs and newlines,
 * so "/\t/host" would become "//host") are refused.
 */
static const char *
safe_next(const char *next)
{
	const char	*p;

	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    strlen(next) > 512)
		return (NULL);

	for (p = next; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '\\')
			return (NULL);
	}

	return (next);
}
