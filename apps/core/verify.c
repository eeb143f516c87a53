/*
 * The mailed links that verify an account's address (the welcome mail,
 * a resent link) or confirm a new one (a change of address, requested
 * in apps/people/people_email.c).  Both open /verify?token=..., which
 * only shows what the link does: the address changes with the form's
 * POST, so a mail scanner that follows links changes nothing.  The API
 * takes the token at POST /api/v1/me/email/verify.
 *
 * A link works once and only until it expires; a newer link of the same
 * kind ends the older ones (the statements that make them).  A change
 * is refused when the address was taken meanwhile; a verification when
 * the account's address is no longer the one the link was sent to.
 * Confirming makes the account verified, and what it posted that waits
 * only for that leaves the moderation queue (sql/024_email_verify.sql).
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

static const char sql_link_valid[] =
	"SELECT t.kind, t.email FROM email_tokens t JOIN users u"
	"    ON u.id = t.user_id"
	" WHERE t.token_hash = decode($1, 'hex') AND t.used_at IS NULL"
	"   AND t.expires_at > now() AND NOT u.banned";
enum { VALID_KIND, VALID_EMAIL };

/*
 * $1 the token's hash (hex), $2 request id, $3 the user who must own it
 * (or NULL).  An address taken meanwhile fails the statement (23505) and
 * leaves the link unused.
 */
static const char sql_link_apply[] =
	"WITH t AS ("
	"  UPDATE email_tokens SET used_at = now()"
	"   WHERE token_hash = decode($1, 'hex') AND used_at IS NULL"
	"     AND expires_at > now()"
	"     AND ($3::bigint IS NULL OR user_id = $3::bigint)"
	"  RETURNING user_id, kind, email"
	"), u AS ("
	"  UPDATE users SET email = t.email,"
	"         email_verified_at = coalesce(CASE t.kind WHEN 'verify'"
	"         THEN users.email_verified_at END, now())"
	"    FROM t WHERE users.id = t.user_id AND NOT users.banned"
	"     AND (t.kind = 'change' OR lower(users.email) = lower(t.email))"
	"  RETURNING users.id, users.email, t.kind"
	"), x AS ("
	"  UPDATE email_tokens SET expires_at = now()"
	"   WHERE user_id = (SELECT id FROM u) AND kind = 'verify'"
	"     AND used_at IS NULL AND expires_at > now()"
	"     AND token_hash IS DISTINCT FROM decode($1, 'hex')"
	")"
	"SELECT u.id, u.email, u.kind, r.jobs, r.uids"
	"  FROM u, LATERAL email_verified_release(u.id, $2) r";
enum { APPLY_ID, APPLY_EMAIL, APPLY_KIND, APPLY_JOBS, APPLY_NOTIFY };

static int	verify_render(struct http_request *, int, const char *,
		    const char *, const char *, const char *);

/*
 * Use the link whose token is `token` (hex, as mailed), for user `uid`
 * only unless it is 0, in statement slot 0.  CORE_OK with *status 200
 * (done: the row of sql_link_apply is in ctx->db[0]), 400 (not a token),
 * 410 (unknown, used, expired or for another user) or 409 (the new
 * address was taken meanwhile: nothing changed).
 */
int
core_email_confirm(struct http_request *req, struct core_ctx *ctx,
    const char *token, int64_t uid, int *status)
{
	struct core_db	*db = &ctx->db[0];
	struct core_num	 n;
	const char	*params[3];
	char		 hex[CORE_HASH_HEX];
	u_int8_t	 hash[CORE_HASH_BYTES];

	if (core_token_hash(token, hash) == -1) {
		*status = 400;
		return (CORE_OK);
	}
	core_hex(hash, sizeof(hash), hex);
	params[0] = hex;
	params[1] = ctx->request_id;
	params[2] = uid > 0 ? core_num(&n, uid) : NULL;
	CORE_TRY(core_db_run(req, db, sql_link_apply, 3, params));

	if (!strcmp(core_db_sqlstate(db), "23505")) {
		*status = 409;
		return (CORE_OK);
	}
	if (core_db_sqlstate(db)[0] != '\0')
		return (core_error(req, 500, NULL));
	if (core_db_rows(db) != 1) {
		*status = 410;
		return (CORE_OK);
	}

	core_jobs_push(db, 0, APPLY_JOBS);
	core_notify_push(db, 0, APPLY_NOTIFY);
	/* Sessions carry the user's row: none keeps the old address. */
	core_revoke_changed(core_db_int(db, 0, APPLY_ID));
	*status = 200;
	return (CORE_OK);
}

/* GET /verify?token=: what the link does; POST (CSRF): do it. */
CORE_HANDLER(core_verify_page)
{
	struct core_db		*db;
	const char		*token, *params[1];
	char			 hex[CORE_HASH_HEX];
	u_int8_t		 hash[CORE_HASH_BYTES];
	int			 status;

	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
	} else if (!ctx->form_loaded) {
		ctx->form_loaded = 1;
		http_populate_get(req);
	}

	token = core_form_get(req, "token");
	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_email_confirm(req, ctx, token, 0, &status));
		switch (status) {
		case 200:
			return (verify_render(req, 200, NULL,
			    core_db_value(&ctx->db[0], 0, APPLY_KIND),
			    core_db_value(&ctx->db[0], 0, APPLY_EMAIL), NULL));
		case 409:
			return (verify_render(req, 409, NULL, NULL, NULL,
			    "An account with this email address exists. Your "
			    "address was not changed."));
		case 400:
			return (verify_render(req, 400, NULL, NULL, NULL,
			    "This link is not valid."));
		default:
			return (verify_render(req, 410, NULL, NULL, NULL,
			    "This link has expired or was already used."));
		}
	}

	if (core_token_hash(token, hash) == -1)
		return (verify_render(req, 400, NULL, NULL, NULL,
		    "This link is not valid."));
	core_hex(hash, sizeof(hash), hex);
	params[0] = hex;
	db = &ctx->db[0];
	CORE_TRY(core_db_run(req, db, sql_link_valid, 1, params));
	if (core_db_rows(db) != 1)
		return (verify_render(req, 410, NULL, NULL, NULL,
		    "This link has expired or was already used."));

	/* The page holds the token. */
	ctx->no_store = 1;
	return (verify_render(req, 200, token,
	    core_db_value(db, 0, VALID_KIND),
	    core_db_value(db, 0, VALID_EMAIL), NULL));
}

/*
 * POST /api/v1/me/email/verify {"token"}: the signed-in user's link.
 * 200 {"email", "verified": true}; 400, 410, 409 as problems.
 */
CORE_HANDLER_NEED(core_api_email_verify, CORE_NEED_USER)
{
	json_t		*body;
	int		 status;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));
	CORE_TRY(core_email_confirm(req, ctx, core_json_str(body, "token"),
	    ctx->user.id, &status));

	switch (status) {
	case 200:
		return (core_json_send(req, 200, json_pack("{s:s, s:b}",
		    "email", core_db_value(&ctx->db[0], 0, APPLY_EMAIL),
		    "verified", 1)));
	case 409:
		return (core_problem(req, 409, "Address in use",
		    "An account with this email address exists.",
		    json_pack("{s:s}", "email",
		    "An account with this email address exists.")));
	case 400:
		return (core_problem(req, 400, "Invalid token",
		    "The token is 64 hexadecimal characters.",
		    json_pack("{s:s}", "token", "Not a valid token.")));
	default:
		return (core_problem(req, 410, "Link not valid",
		    "This link is unknown, expired, already used or not "
		    "yours.", NULL));
	}
}

/*
 * The confirmation page: with `token`, what it will do and the button;
 * after it, with `kind` and `email`, what was done; otherwise `error`.
 */
static int
verify_render(struct http_request *req, int status, const char *token,
    const char *kind, const char *email, const char *error)
{
	struct kore_buf		*buf;
	int			 change;

	change = kind != NULL && !strcmp(kind, "change");
	buf = core_page_open(req, change ? "Confirm your new email address" :
	    "Confirm your email address");
	core_html_appendf(buf, "<article class=\"auth\">\n<h1>%s</h1>\n",
	    change ? "Confirm your new email address" :
	    "Confirm your email address");

	if (error != NULL) {
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n<p>Signed in, you can ask for a new link in "
		    "<a href=\"/settings#email\">your settings</a>.</p>\n",
		    error);
	} else if (token != NULL) {
		core_html_appendf(buf, "<p>%s <strong>%s</strong>%s</p>\n",
		    change ? "Use" : "Confirm that", email, change ?
		    " as the email address of your account from now on?" :
		    " is the email address of your account?");
		core_form_open(req, buf, "/verify", NULL);
		core_html_appendf(buf, "\n<input type=\"hidden\" "
		    "name=\"token\" value=\"%s\">\n<button type=\"submit\">"
		    "%s</button>\n</form>\n", token, change ?
		    "Use this address" : "Confirm my address");
	} else {
		core_html_appendf(buf, "<p role=\"status\">%s <strong>%s"
		    "</strong>%s</p>\n<p><a href=\"/\">Go to Agora</a></p>\n",
		    change ? "Your email address is now" : "Thank you:",
		    email, change ? "." : " is verified.");
	}

	core_html_appendf(buf, "</article>\n");
	return (core_page_close(req, status, buf));
}
