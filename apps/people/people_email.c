/*
 * One's email address, in /settings and the API: whether it is verified
 * (a new link on request, a few an hour), and changing it.  A change
 * needs the current password (throttled like a login, checked in a
 * task), mails a link to the new address and a notice to the old one;
 * the address changes only when the link is used (apps/core/verify.c).
 * An address in use is refused as the sign-up refuses it (409), and
 * again when the link is used.  Both mails are transactional.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "people/people.h"

/* ctx->stage bits of a change of address. */
#define EM_THROTTLE_CHECKED	0x01
#define EM_THROTTLED		0x02
#define EM_VERIFIED		0x04
#define EM_WRONG		0x08

static const char sql_email_state[] =
	"SELECT u.email, u.email_verified_at IS NOT NULL,"
	"       (SELECT t.email FROM email_tokens t WHERE t.user_id = u.id"
	"         AND t.kind = 'change' AND t.used_at IS NULL"
	"         AND t.expires_at > now() ORDER BY t.id DESC LIMIT 1),"
	"       email_hold(u.id), new_hold(u.id)"
	"  FROM users u WHERE u.id = $1";

static const char sql_password_hash[] =
	"SELECT password_hash FROM users WHERE id = $1 AND NOT banned";

/*
 * $1 user, $2 the new address, $3 request id.  Unless the address is
 * taken: the older change links end, the new one is stored (the email
 * job makes its token) and both mails are queued.
 */
static const char sql_change_request[] =
	"WITH me AS ("
	"  SELECT id, username, email FROM users WHERE id = $1 AND NOT banned"
	"), taken AS ("
	"  SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($2))"
	"         AS yes"
	"), old AS ("
	"  UPDATE email_tokens SET expires_at = now()"
	"   WHERE user_id = $1 AND kind = 'change' AND used_at IS NULL"
	"     AND expires_at > now() AND NOT (SELECT yes FROM taken)"
	"), t AS ("
	"  INSERT INTO email_tokens (user_id, kind, email, expires_at)"
	"  SELECT id, 'change', $2, now() + " CORE_CHANGE_TTL " FROM me"
	"   WHERE NOT (SELECT yes FROM taken) RETURNING id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'email', 'critical', jsonb_build_object('template',"
	"         'email_change', 'to', $2::text, 'username', me.username,"
	"         'email_token_id', t.id), $3 FROM me, t"
	"  UNION ALL"
	"  SELECT 'email', 'critical', jsonb_build_object('template',"
	"         'email_change_notice', 'to', me.email, 'username',"
	"         me.username, 'new_email', $2::text, 'path',"
	"         '/settings#password'), $3 FROM me, t"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT yes FROM taken), (SELECT count(*) FROM me),"
	"       " CORE_JOBS_JSON("j");
enum { CHANGE_TAKEN, CHANGE_ME, CHANGE_JOBS };

/* $1 user, $2 request id: a new link, the older ones ended. */
static const char sql_resend[] =
	"WITH me AS ("
	"  SELECT id, username, email FROM users"
	"   WHERE id = $1 AND NOT banned AND email_verified_at IS NULL"
	"), old AS ("
	"  UPDATE email_tokens SET expires_at = now()"
	"   WHERE user_id = (SELECT id FROM me) AND kind = 'verify'"
	"     AND used_at IS NULL AND expires_at > now()"
	"), t AS ("
	"  INSERT INTO email_tokens (user_id, kind, email, expires_at)"
	"  SELECT id, 'verify', email, now() + " CORE_VERIFY_TTL " FROM me"
	"  RETURNING id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'email', 'critical', jsonb_build_object('template',"
	"         'email_verify', 'to', me.email, 'username', me.username,"
	"         'email_token_id', t.id), $2 FROM me, t"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT count(*) FROM t), " CORE_JOBS_JSON("j");
enum { RESEND_SENT, RESEND_JOBS };

/* Load the user's address state (people_email_col) into `db`. */
int
people_email_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num	 uid;
	const char	*params[1];

	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_email_state, 1, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, NULL));
	return (CORE_OK);
}

/*
 * Ask to change the signed-in user's address to `email`, confirmed with
 * `password`, in statement slots 0 and 1.  CORE_OK with *status 200 (the
 * mails are queued), 422 (*errors: a field is missing or not valid),
 * 403 (wrong password), 409 (the address is in use) or 429 (too many
 * wrong passwords, or too many requests: ctx->retry_after).  *errors is
 * the caller's.
 */
int
people_email_change(struct http_request *req, struct core_ctx *ctx,
    const char *email, const char *password, int *status, json_t **errors)
{
	struct core_num	 uid;
	struct core_db	*db;
	const char	*params[3], *why, *hash;

	*errors = NULL;
	if (core_rule_email(email, &why) == -1) {
		*errors = json_object();
		json_object_set_new(*errors, "email", json_string(why));
	} else if (!strcasecmp(email, ctx->user.email)) {
		*errors = json_pack("{s:s}", "email",
		    "That is already your address.");
	}
	if (password == NULL || *password == '\0' ||
	    strlen(password) >= sizeof(ctx->pw.password)) {
		if (*errors == NULL)
			*errors = json_object();
		json_object_set_new(*errors, "password",
		    json_string("Enter your current password."));
	}
	if (*errors != NULL) {
		*status = 422;
		return (CORE_OK);
	}

	/* Guessing through a stolen session is throttled like a login. */
	if (!(ctx->stage & EM_THROTTLE_CHECKED)) {
		ctx->stage |= EM_THROTTLE_CHECKED;
		if (core_throttle_login(ctx->user.username,
		    core_client_ip(req), &ctx->retry_after))
			ctx->stage |= EM_THROTTLED;
	}
	if (ctx->stage & EM_THROTTLED) {
		*status = 429;
		return (CORE_OK);
	}

	db = &ctx->db[0];
	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_password_hash, 1, params));
	if (!(ctx->stage & EM_VERIFIED)) {
		hash = core_db_rows(db) == 1 ? core_db_value(db, 0, 0) : NULL;
		CORE_TRY(core_password_verify(req, ctx, password, hash));
		ctx->stage |= EM_VERIFIED;
		if (hash == NULL || !ctx->pw.ok)
			ctx->stage |= EM_WRONG;
		else
			core_throttle_login_ok(ctx->user.username,
			    core_client_ip(req));
	}
	if (ctx->stage & EM_WRONG) {
		*errors = json_pack("{s:s}", "password",
		    "That is not your current password.");
		*status = 403;
		return (CORE_OK);
	}

	/* Mails to addresses of one's choosing: a few an hour. */
	if (!ctx->limit_taken) {
		if (core_throttle_user("email_change", ctx->user.id,
		    LIMIT_EMAIL_CHANGE_MAX, LIMIT_EMAIL_CHANGE_WINDOW,
		    &ctx->retry_after)) {
			*status = 429;
			return (CORE_OK);
		}
		ctx->limit_taken = 1;
	}

	db = &ctx->db[1];
	params[1] = email;
	params[2] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_change_request, 3, params));
	if (core_db_sqlstate(db)[0] != '\0' || core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));
	if (core_db_bool(db, 0, CHANGE_TAKEN)) {
		*errors = json_pack("{s:s}", "email",
		    "An account with this email address exists.");
		*status = 409;
		return (CORE_OK);
	}
	if (core_db_int(db, 0, CHANGE_ME) != 1)
		return (core_error(req, 403, NULL));

	core_jobs_push(db, 0, CHANGE_JOBS);
	*status = 200;
	return (CORE_OK);
}

/*
 * Mail the signed-in user a new verification link, in slot 0.  CORE_OK
 * with *status 200 (sent), 409 (the address is verified already) or 429
 * (LIMIT_VERIFY_RESEND_MAX an hour: ctx->retry_after).
 */
int
people_email_resend(struct http_request *req, struct core_ctx *ctx,
    int *status)
{
	struct core_num	 uid;
	struct core_db	*db = &ctx->db[0];
	const char	*params[2];

	if (!ctx->limit_taken) {
		if (core_throttle_user("verify_resend", ctx->user.id,
		    LIMIT_VERIFY_RESEND_MAX, LIMIT_VERIFY_RESEND_WINDOW,
		    &ctx->retry_after)) {
			*status = 429;
			return (CORE_OK);
		}
		ctx->limit_taken = 1;
	}

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_resend, 2, params));
	if (core_db_sqlstate(db)[0] != '\0' || core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));
	if (core_db_int(db, 0, RESEND_SENT) != 1) {
		*status = 409;
		return (CORE_OK);
	}

	core_jobs_push(db, 0, RESEND_JOBS);
	*status = 200;
	return (CORE_OK);
}

/* The address state of people_email_load() as JSON. */
json_t *
people_json_email(struct core_db *db)
{
	return (json_pack("{s:s, s:b, s:o, s:b}",
	    "email", core_db_value(db, 0, EMAIL_ADDRESS),
	    "verified", core_db_bool(db, 0, EMAIL_VERIFIED),
	    "pending_email", core_db_isnull(db, 0, EMAIL_PENDING) ?
	    json_null() : json_string(core_db_value(db, 0, EMAIL_PENDING)),
	    "posts_held", core_db_bool(db, 0, EMAIL_HELD)));
}

/*
 * The settings' notice for an unverified address, with the button that
 * mails a new link; nothing for a verified one.
 */
void
people_render_email_notice(struct http_request *req, struct kore_buf *buf,
    struct core_db *db)
{
	if (core_db_bool(db, 0, EMAIL_VERIFIED))
		return;
	core_html_appendf(buf, "<div class=\"notice verify-notice\" "
	    "role=\"status\"><p>Your email address <strong>%s</strong> is not "
	    "verified yet. Open the link we mailed you%s.</p>\n",
	    core_db_value(db, 0, EMAIL_ADDRESS),
	    core_db_bool(db, 0, EMAIL_HELD) ? ": until then the photos and "
	    "comments you post wait for a moderator" : "");
	core_form_button(req, buf, "/settings/email/resend", NULL,
	    "secondary outline", "Resend the link");
	core_html_appendf(buf, "</div>\n");
}

/* The settings' section that changes the address. */
void
people_render_email_section(struct http_request *req, struct kore_buf *buf,
    struct core_db *db, json_t *errors, const char *typed)
{
	const char	*msg;

	core_html_appendf(buf, "<section id=\"email\">\n<h2>Email address</h2>"
	    "\n<p>Your address is <strong>%s</strong> (%s).</p>\n",
	    core_db_value(db, 0, EMAIL_ADDRESS),
	    core_db_bool(db, 0, EMAIL_VERIFIED) ? "verified" : "not verified");
	if (!core_db_isnull(db, 0, EMAIL_PENDING))
		core_html_appendf(buf, "<p class=\"pending-email\">We sent a "
		    "link to <strong>%s</strong>: your address changes when "
		    "you open it.</p>\n", core_db_value(db, 0, EMAIL_PENDING));

	core_form_open(req, buf, "/settings/email", NULL);
	core_html_appendf(buf, "\n<label>New email address\n<input "
	    "name=\"email\" type=\"email\" required maxlength=\"%d\" "
	    "autocomplete=\"email\" value=\"%s\"%R>\n", CORE_EMAIL_MAX,
	    typed != NULL ? typed : "",
	    json_object_get(errors, "email") != NULL ?
	    " aria-invalid=\"true\"" : "");
	if ((msg = json_string_value(json_object_get(errors, "email"))) != NULL)
		core_html_appendf(buf, "<small class=\"field-error\">%s"
		    "</small>\n", msg);
	core_html_appendf(buf, "<small>We mail a link to the new address; "
	    "the old one is told.</small></label>\n<label>Current password\n"
	    "<input name=\"password\" type=\"password\" required "
	    "autocomplete=\"current-password\"%R>\n",
	    json_object_get(errors, "password") != NULL ?
	    " aria-invalid=\"true\"" : "");
	if ((msg = json_string_value(json_object_get(errors,
	    "password"))) != NULL)
		core_html_appendf(buf, "<small class=\"field-error\">%s"
		    "</small>\n", msg);
	core_html_appendf(buf, "</label>\n<button type=\"submit\">Change "
	    "email address</button>\n</form>\n</section>\n");
}

/* POST /settings/email: email, password. */
CORE_HANDLER_NEED(people_settings_email, CORE_NEED_CHANGE)
{
	json_t		*errors;
	const char	*email, *why;
	int		 status, rc;

	email = core_form_get(req, "email");
	CORE_TRY(people_email_change(req, ctx, email,
	    core_form_get(req, "password"), &status, &errors));
	if (status == 200) {
		core_redirect(req, "/settings?saved=email-sent#email");
		return (CORE_DONE);
	}

	why = status == 409 ? "That email address is in use." :
	    "Please correct the marked fields.";
	if (status == 429) {
		why = "Too many attempts. Wait a while and try again.";
		rc = core_throttled(req, ctx->retry_after, why);
		json_decref(errors);
		return (rc);
	}
	rc = people_settings_again(req, ctx, status, errors, email, why);
	json_decref(errors);
	return (rc);
}

/* POST /settings/email/resend: a new verification link. */
CORE_HANDLER_NEED(people_settings_email_resend, CORE_NEED_CHANGE)
{
	int	status;

	CORE_TRY(people_email_resend(req, ctx, &status));
	if (status == 429)
		return (core_throttled(req, ctx->retry_after, "We sent you "
		    "several links in the last hour. Wait a while before "
		    "asking for another."));
	core_redirect(req, status == 409 ? "/settings?saved=verified" :
	    "/settings?saved=verify-sent");
	return (CORE_DONE);
}

/*
 * GET /api/v1/me/email: {"email", "verified", "pending_email",
 * "posts_held"}.  POST {"email", "password"}: 202 {"pending_email"} once
 * the mails are queued; 422, 403, 409, 429 as problems.
 */
CORE_HANDLER_NEED(people_api_me_email, CORE_NEED_USER)
{
	json_t		*body, *errors;
	const char	*email;
	char		 retry[16];
	int		 status;

	if (req->method == HTTP_METHOD_GET) {
		CORE_TRY(people_email_load(req, ctx, &ctx->db[0]));
		return (core_json_send(req, 200,
		    people_json_email(&ctx->db[0])));
	}

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));
	email = core_json_str(body, "email");
	CORE_TRY(people_email_change(req, ctx, email,
	    core_json_str(body, "password"), &status, &errors));

	switch (status) {
	case 200:
		return (core_json_send(req, 202, json_pack("{s:s}",
		    "pending_email", email)));
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d",
		    ctx->retry_after > 0 ? ctx->retry_after : 1);
		http_response_header(req, "retry-after", retry);
		return (core_problem(req, 429, "Too many attempts",
		    "Too many attempts. Wait and try again.", errors));
	case 403:
		return (core_problem(req, 403, "Wrong password",
		    "That is not your current password.", errors));
	case 409:
		return (core_problem(req, 409, "Address in use",
		    "An account with this email address exists.", errors));
	default:
		return (core_problem(req, 422, "Invalid input",
		    "Some fields were refused.", errors));
	}
}

/* POST /api/v1/me/email/resend: 202, 409 (verified already), 429. */
CORE_HANDLER_NEED(people_api_me_email_resend, CORE_NEED_USER)
{
	int	status;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(people_email_resend(req, ctx, &status));
	switch (status) {
	case 200:
		return (core_json_send(req, 202, json_pack("{s:b}", "sent",
		    1)));
	case 409:
		return (core_problem(req, 409, "Already verified",
		    "Your email address is verified already.", NULL));
	default:
		return (core_throttled(req, ctx->retry_after, "We sent you "
		    "several links in the last hour. Wait a while before "
		    "asking for another."));
	}
}
