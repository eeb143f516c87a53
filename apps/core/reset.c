/*
 * Forgotten passwords: /forgot mails a single-use link valid for an hour,
 * /reset sets a new password with it.  The answer to /forgot is the same
 * whether or not the address has an account.  The site stores only the
 * request: the email job makes the token and stores its hash
 * (workers/mail_link.c), so the link is in the mail and nowhere else.
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

static const char sql_reset_request[] =
	"WITH u AS ("
	"  SELECT id, username, email FROM users"
	"   WHERE lower(email) = lower($1) AND NOT banned"
	"), r AS ("
	"  INSERT INTO password_resets (user_id, expires_at)"
	"  SELECT id, now() + interval '1 hour' FROM u RETURNING id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'email', 'critical', jsonb_build_object('template',"
	"         'password_reset', 'to', u.email, 'username', u.username,"
	"         'reset_id', r.id), $2 FROM u, r"
	   CORE_JOB_RETURNING
	")"
	"SELECT " CORE_JOBS_JSON("j");
enum { REQUEST_JOBS };

static const char sql_reset_valid[] =
	"SELECT 1 FROM password_resets"
	" WHERE token_hash = decode($1, 'hex') AND used_at IS NULL"
	"   AND expires_at > now()";
enum { VALID_ONE };

/*
 * Use the link once, set the password, end every session of the user and
 * revoke every API token: whoever knew the old password may have made one.
 */
static const char sql_reset_apply[] =
	"WITH r AS ("
	"  UPDATE password_resets SET used_at = now()"
	"   WHERE token_hash = decode($1, 'hex') AND used_at IS NULL"
	"     AND expires_at > now() RETURNING user_id"
	"), u AS ("
	"  UPDATE users SET password_hash = $2"
	"   WHERE id = (SELECT user_id FROM r) AND NOT banned RETURNING id"
	"), s AS ("
	"  DELETE FROM sessions WHERE user_id = (SELECT id FROM u)"
	"), t AS ("
	"  DELETE FROM api_tokens WHERE user_id = (SELECT id FROM u)"
	")"
	"SELECT id FROM u";
enum { APPLY_USER_ID };

static int	forgot_render(struct http_request *, int, const char *,
		    const char *, int);
static int	reset_render(struct http_request *, int, const char *,
		    const char *);

CORE_HANDLER(core_forgot_page)
{
	const char		*email, *why, *params[2];
	char			 hex[CORE_HASH_HEX];
	int			 retry;

	if (req->method != HTTP_METHOD_POST)
		return (forgot_render(req, 200, NULL, NULL, 0));

	CORE_TRY(core_csrf_check(req, ctx));

	email = core_form_get(req, "email");
	if (core_rule_email(email, &why) == -1)
		return (forgot_render(req, 422, email, why, 0));

	/*
	 * A few mails per address (lower-cased) and client, and per address
	 * whoever asks, counted before anything is sent.
	 */
	if (ctx->stage == 0) {
		if (core_throttle_forgot(email, core_client_ip(req), &retry)) {
			(void)snprintf(hex, sizeof(hex), "%d", retry);
			http_response_header(req, "retry-after", hex);
			return (forgot_render(req, 429, email,
			    "Too many requests for this address. Try again "
			    "later.", 0));
		}
		ctx->stage = 1;
	}

	params[0] = email;
	params[1] = ctx->request_id;
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_reset_request, 2, params));

	core_jobs_push(&ctx->db[0], 0, REQUEST_JOBS);
	return (forgot_render(req, 200, NULL, NULL, 1));
}

CORE_HANDLER(core_reset_page)
{
	struct core_db		*db;
	const char		*token, *password, *why, *params[2];
	char			 hex[CORE_HASH_HEX];
	u_int8_t		 hash[CORE_HASH_BYTES];

	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
	} else if (!ctx->form_loaded) {
		ctx->form_loaded = 1;
		http_populate_get(req);
	}

	token = core_form_get(req, "token");
	if (core_token_hash(token, hash) == -1)
		return (reset_render(req, 400, NULL,
		    "This reset link is not valid."));
	core_hex(hash, sizeof(hash), hex);
	params[0] = hex;
	db = &ctx->db[0];

	if (req->method != HTTP_METHOD_POST) {
		CORE_TRY(core_db_run(req, db, sql_reset_valid, 1, params));
		if (core_db_rows(db) != 1)
			return (reset_render(req, 410, NULL,
			    "This reset link has expired or was already used. "
			    "Ask for a new one."));
		return (reset_render(req, 200, token, NULL));
	}

	password = core_form_get(req, "password");
	if (core_rule_password(password, &why) == -1)
		return (reset_render(req, 422, token, why));

	CORE_TRY(core_password_hash(req, ctx, password));

	params[1] = ctx->pw.hash;
	CORE_TRY(core_db_run(req, db, sql_reset_apply, 2, params));

	if (core_db_rows(db) != 1)
		return (reset_render(req, 410, NULL,
		    "This reset link has expired or was already used. Ask "
		    "for a new one."));

	core_revoke_user(core_db_int(db, 0, APPLY_USER_ID));
	core_redirect(req, "/login?reset=1");
	return (CORE_DONE);
}

static int
forgot_render(struct http_request *req, int status, const char *email,
    const char *error, int sent)
{
	struct kore_buf		*buf;

	buf = core_page_open(req, "Forgot your password");
	core_html_appendf(buf, "<article class=\"auth\">\n"
	    "<h1>Forgot your password?</h1>\n");

	if (sent) {
		core_html_appendf(buf, "<p role=\"status\">If an account uses "
		    "that address, we sent it a link to choose a new password. "
		    "The link works once, within an hour.</p>\n"
		    "<p><a href=\"/login\">Back to log in</a></p>\n"
		    "</article>\n");
		goto done;
	}

	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n", error);
	core_html_appendf(buf, "<p>Enter the email address of your account "
	    "and we will send you a link to choose a new password.</p>\n");
	core_form_open(req, buf, "/forgot", NULL);
	core_html_appendf(buf, "\n");
	core_html_appendf(buf, "<label>Email\n<input name=\"email\" "
	    "type=\"email\" value=\"%s\" autocomplete=\"email\" required>"
	    "</label>\n<button type=\"submit\">Send the link</button>\n"
	    "</form>\n</article>\n", email);

done:
	return (core_page_close(req, status, buf));
}

static int
reset_render(struct http_request *req, int status, const char *token,
    const char *error)
{
	struct kore_buf		*buf;

	buf = core_page_open(req, "Choose a new password");
	core_html_appendf(buf, "<article class=\"auth\">\n"
	    "<h1>Choose a new password</h1>\n");
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n", error);

	if (token != NULL) {
		core_form_open(req, buf, "/reset", NULL);
		core_html_appendf(buf, "\n");
		core_html_appendf(buf, "<input type=\"hidden\" name=\"token\" "
		    "value=\"%s\">\n<label>New password\n<input name=\"password\" "
		    "type=\"password\" autocomplete=\"new-password\" required "
		    "minlength=\"8\" maxlength=\"128\"></label>\n"
		    "<button type=\"submit\">Set the password</button>\n"
		    "</form>\n", token);
	} else {
		core_html_appendf(buf, "<p><a href=\"/forgot\">Ask for a new "
		    "link</a></p>\n");
	}

	core_html_appendf(buf, "</article>\n");
	return (core_page_close(req, status, buf));
}
