/*
 * Deleting one's account: /settings/delete (a confirmation page that
 * asks for the password and what becomes of the content) and
 * POST /api/v1/me/delete {password, content}.  Kore 4.1.0 reads no body
 * on DELETE, so the API's deletion is a POST to its own address.
 *
 * content "delete" removes what the user made; "anonymise" keeps it,
 * written by "deleted user" (the placeholder row of
 * sql/025_export_delete.sql).  Either way account_delete() ends every
 * session and token with the row (published here as revoked, so open
 * sockets close), leaves the other side of each direct conversation its
 * messages, queues media_purge for images nobody uses any more and holds
 * the username for PEOPLE_USERNAME_HOLD.
 */

#include <string.h>

#include "people/people.h"

/* ctx->stage bits. */
#define DEL_THROTTLE_CHECKED	0x01
#define DEL_THROTTLED		0x02
#define DEL_VERIFIED		0x04
#define DEL_WRONG		0x08

static const char sql_delete_hash[] =
	"SELECT password_hash FROM users WHERE id = $1 AND id > 0";

/* $1 user, $2 mode, $3 how long the username is held, $4 request id. */
static const char sql_delete[] =
	"WITH j AS ("
	"  SELECT id, type, queue, args,"
	"         (extract(epoch FROM run_at) * 1000)::bigint AS run_at,"
	"         (extract(epoch FROM created_at) * 1000)::bigint AS created_at,"
	"         request_id"
	"    FROM account_delete($1, $2, $3::interval, $4)"
	")"
	"SELECT " CORE_JOBS_JSON("j");

static int	account_delete(struct http_request *, struct core_ctx *,
		    const char *, const char *, int *, json_t **);
static int	delete_form(struct http_request *, struct core_ctx *, int,
		    const char *, json_t *);

/* The section of /settings that leads to the confirmation. */
void
people_render_delete(struct http_request *req, struct kore_buf *buf)
{
	(void)req;
	core_html_appendf(buf, "<section id=\"delete\">\n<h2>Delete your "
	    "account</h2>\n<p>Your account, sessions and API tokens end at "
	    "once. You choose whether what you wrote and uploaded goes too "
	    "or stays without your name.</p>\n<p><a href=\"/settings/delete\" "
	    "role=\"button\" class=\"secondary outline\">Delete my account"
	    "</a></p>\n</section>\n");
}

/* GET /settings/delete: the confirmation; POST: delete. */
CORE_HANDLER_NEED(people_settings_delete, CORE_NEED_USER)
{
	struct kore_buf	*buf;
	json_t		*errors;
	int		 status, rc;

	if (req->method != HTTP_METHOD_POST)
		return (delete_form(req, ctx, 200, NULL, NULL));

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(account_delete(req, ctx, core_form_get(req, "password"),
	    core_form_get(req, "content"), &status, &errors));
	if (status != 200) {
		rc = delete_form(req, ctx, status, status == 429 ?
		    "Too many wrong passwords. Wait a few minutes and try "
		    "again." : "Your account was not deleted.", errors);
		json_decref(errors);
		return (rc);
	}

	core_session_cookie(req, "", 0);
	buf = core_page_open(req, "Account deleted");
	core_html_appendf(buf, "<article class=\"auth\">\n<h1>Your account "
	    "is deleted</h1>\n<p>Every session and API token of it has ended. "
	    "Thank you for being here.</p>\n<p><a href=\"/\">Home</a></p>\n"
	    "</article>\n");
	return (core_page_close(req, 200, buf));
}

/*
 * POST /api/v1/me/delete {password, content: "delete"|"anonymise"}:
 * 200 {"deleted": true}, or 403, 422, 429 as problem+json.
 */
CORE_HANDLER_NEED(people_api_me_delete, CORE_NEED_USER)
{
	json_t		*body, *errors;
	char		 retry[16];
	int		 status;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));
	CORE_TRY(account_delete(req, ctx, core_json_str(body, "password"),
	    core_json_str(body, "content"), &status, &errors));

	switch (status) {
	case 200:
		return (core_json_send(req, 200, json_pack("{s:b}", "deleted",
		    1)));
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		return (core_problem(req, 429, "Too many attempts",
		    "Too many wrong passwords. Wait and try again.", errors));
	case 403:
		return (core_problem(req, 403, "Wrong password",
		    "That is not your password; nothing was deleted.",
		    errors));
	default:
		return (core_problem(req, 422, "Invalid input",
		    "Some fields were refused; nothing was deleted.", errors));
	}
}

/*
 * Delete the signed-in user's account once `password` is theirs, with
 * `content` "delete" or "anonymise".  CORE_OK with *status 200 (done,
 * revocations published), 422 (*errors), 403 (wrong password) or 429
 * (the login throttle: ctx->retry_after).  Slots 0 and 1.
 */
static int
account_delete(struct http_request *req, struct core_ctx *ctx,
    const char *password, const char *content, int *status, json_t **errors)
{
	struct core_num	 uid;
	struct core_db	*db;
	const char	*params[4], *hash;

	*errors = NULL;
	if (password == NULL || *password == '\0' ||
	    strlen(password) >= sizeof(ctx->pw.password)) {
		*errors = json_object();
		json_object_set_new(*errors, "password",
		    json_string("Enter your password."));
	}
	if (content == NULL || (strcmp(content, "delete") &&
	    strcmp(content, "anonymise"))) {
		if (*errors == NULL)
			*errors = json_object();
		json_object_set_new(*errors, "content", json_string("Choose "
		    "\"delete\" or \"anonymise\"."));
	}
	if (*errors != NULL) {
		*status = 422;
		return (CORE_OK);
	}

	/* Guessing through a stolen session is throttled like a login. */
	if (!(ctx->stage & DEL_THROTTLE_CHECKED)) {
		ctx->stage |= DEL_THROTTLE_CHECKED;
		if (core_throttle_login(ctx->user.username,
		    core_client_ip(req), &ctx->retry_after))
			ctx->stage |= DEL_THROTTLED;
	}
	if (ctx->stage & DEL_THROTTLED) {
		*status = 429;
		return (CORE_OK);
	}

	db = &ctx->db[0];
	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_delete_hash, 1, params));
	if (!(ctx->stage & DEL_VERIFIED)) {
		hash = core_db_rows(db) == 1 ? core_db_value(db, 0, 0) : NULL;
		CORE_TRY(core_password_verify(req, ctx, password, hash));
		ctx->stage |= DEL_VERIFIED;
		if (hash == NULL || !ctx->pw.ok)
			ctx->stage |= DEL_WRONG;
		else
			core_throttle_login_ok(ctx->user.username,
			    core_client_ip(req));
	}
	if (ctx->stage & DEL_WRONG) {
		*errors = json_pack("{s:s}", "password",
		    "That is not your password.");
		*status = 403;
		return (CORE_OK);
	}

	db = &ctx->db[1];
	params[1] = content;
	params[2] = PEOPLE_USERNAME_HOLD;
	params[3] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_delete, 4, params));
	if (core_db_sqlstate(db)[0] != '\0' || core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));
	core_jobs_push(db, 0, 0);
	core_revoke_user(ctx->user.id);

	*status = 200;
	return (CORE_OK);
}

/* The confirmation page, with `error` and the fields' `errors`. */
static int
delete_form(struct http_request *req, struct core_ctx *ctx, int status,
    const char *error, json_t *errors)
{
	struct kore_buf	*buf;
	const char	*msg;

	buf = core_page_open(req, "Delete your account");
	core_html_appendf(buf, "<div class=\"settings\">\n<h1>Delete your "
	    "account</h1>\n");
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n", error);
	core_html_appendf(buf, "<p>This deletes the account <strong>%s"
	    "</strong> at once and cannot be undone. Nobody can take the "
	    "username for %s. The other side of your direct conversations "
	    "keeps their messages.</p>\n", ctx->user.username,
	    PEOPLE_USERNAME_HOLD);
	core_form_open(req, buf, "/settings/delete", NULL);
	core_html_appendf(buf, "\n<fieldset><legend>What you made</legend>\n"
	    "<label><input type=\"radio\" name=\"content\" value=\"anonymise\""
	    " checked> Keep it, written by \"deleted user\" (your posts, "
	    "comments, photos and messages stay, without your name, avatar "
	    "or profile)</label>\n<label><input type=\"radio\" "
	    "name=\"content\" value=\"delete\"> Delete it (your posts, "
	    "comments, photos and chat messages go)</label>\n");
	if ((msg = json_string_value(json_object_get(errors, "content"))) !=
	    NULL)
		core_html_appendf(buf, "<small class=\"field-error\">%s</small>"
		    "\n", msg);
	core_html_appendf(buf, "</fieldset>\n<label>Your password\n<input "
	    "name=\"password\" type=\"password\" required "
	    "autocomplete=\"current-password\"%R>\n",
	    json_object_get(errors, "password") != NULL ?
	    " aria-invalid=\"true\"" : "");
	if ((msg = json_string_value(json_object_get(errors, "password"))) !=
	    NULL)
		core_html_appendf(buf, "<small class=\"field-error\">%s</small>"
		    "\n", msg);
	core_html_appendf(buf, "</label>\n<button type=\"submit\" "
	    "class=\"contrast\">Delete my account</button>\n</form>\n"
	    "<p><a href=\"/settings\">Back to settings</a></p>\n</div>\n");

	return (core_page_close(req, status, buf));
}
