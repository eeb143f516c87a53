/*
 * Registration and sign-in, shared by the HTML forms (auth_pages.c) and
 * the JSON API (auth_api.c), which differ only in how they read input and
 * answer.
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

#define LOGIN_THROTTLE_CHECKED	1
#define LOGIN_VERIFIED		2
#define LOGIN_THROTTLED		4

/*
 * The account and its welcome email, in one statement.  The mail carries
 * the link that verifies the address (verify.c): the request is stored
 * here, the email job makes its token.
 */
static const char sql_user_insert[] =
	"WITH u AS ("
	"  INSERT INTO users (username, email, password_hash)"
	"  VALUES ($1, $2, $3) RETURNING *"
	"), v AS ("
	"  INSERT INTO email_tokens (user_id, kind, email, expires_at)"
	"  SELECT id, 'verify', email, now() + " CORE_VERIFY_TTL " FROM u"
	"  RETURNING id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'email', 'critical', jsonb_build_object('template',"
	"         'welcome', 'to', u.email, 'username', u.username,"
	"         'email_token_id', v.id, 'path', '/'), $4 FROM u, v"
	   CORE_JOB_RETURNING
	")"
	"SELECT " CORE_SQL_USER_COLS ", " CORE_JOBS_JSON("j") " FROM u";

static const char sql_user_by_name[] =
	"SELECT " CORE_SQL_USER_COLS ", u.password_hash,"
	"       EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id"
	"               AND t.enabled_at IS NOT NULL),"
	"       user_suspended(u.suspended_until),"
	"       coalesce(" CORE_SQL_TS("u.suspended_until") ", ''),"
	"       u.suspend_reason"
	"  FROM users u WHERE u.username = $1";

/* After the user's columns (enum core_user_col). */
#define LOGIN_COL_HASH		(CORE_USER_COL_CREATED_AT + 1)
#define LOGIN_COL_TOTP		(CORE_USER_COL_CREATED_AT + 2)
#define LOGIN_COL_SUSPENDED	(CORE_USER_COL_CREATED_AT + 3)
#define LOGIN_COL_UNTIL		(CORE_USER_COL_CREATED_AT + 4)
#define LOGIN_COL_WHY		(CORE_USER_COL_CREATED_AT + 5)

static json_t	*register_check(struct core_signup *);

/*
 * Create an account from `in`.  Returns CORE_WAIT / CORE_DONE as usual;
 * CORE_OK with *errors NULL when the user was created (its row, in
 * CORE_SQL_USER_COLS order, is in ctx->db[0]); CORE_OK with *errors set
 * (field -> message, owned by the caller) and *status 422 or 409 when the
 * input was refused and nothing changed.
 */
int
core_auth_register(struct http_request *req, struct core_ctx *ctx,
    struct core_signup *in, json_t **errors, int *status)
{
	const char	*params[4], *constraint;
	int		 rc;

	*errors = NULL;
	if ((*errors = register_check(in)) != NULL) {
		*status = 422;
		return (CORE_OK);
	}

	if ((rc = core_password_hash(req, ctx, in->password)) != CORE_OK)
		return (rc);

	params[0] = in->username;
	params[1] = in->email;
	params[2] = ctx->pw.hash;
	params[3] = ctx->request_id;
	if ((rc = core_db_run(req, &ctx->db[0], sql_user_insert, 4,
	    params)) != CORE_OK)
		return (rc);

	if (!strcmp(core_db_sqlstate(&ctx->db[0]), "23505")) {
		constraint = PQresultErrorField(ctx->db[0].res,
		    PG_DIAG_CONSTRAINT_NAME);
		*errors = json_object();
		if (constraint != NULL && strstr(constraint, "email") != NULL)
			json_object_set_new(*errors, "email", json_string(
			    "An account with this email address exists."));
		else
			json_object_set_new(*errors, "username", json_string(
			    "This username is taken."));
		*status = 409;
		return (CORE_OK);
	}

	/* users_username_held (sql/025_export_delete.sql). */
	constraint = PQresultErrorField(ctx->db[0].res,
	    PG_DIAG_CONSTRAINT_NAME);
	if (!strcmp(core_db_sqlstate(&ctx->db[0]), "23514") &&
	    constraint != NULL && !strcmp(constraint, "users_username_held")) {
		*errors = json_pack("{s:s}", "username", "This username "
		    "belonged to an account deleted recently and cannot be "
		    "taken yet. Choose another.");
		*status = 422;
		return (CORE_OK);
	}

	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 500, NULL));

	core_jobs_push(&ctx->db[0], 0, 6);
	return (CORE_OK);
}

/*
 * Check a username and password.  Returns CORE_WAIT / CORE_DONE as usual,
 * or CORE_OK with *status: 200 (the user's row is in ctx->db[0]), 401
 * (wrong name or password: the same answer for both, after the same
 * work), 403 (banned, or suspended: core_auth_suspension() says until
 * when and why) or 429 (throttled: ctx->retry_after holds the
 * seconds to wait).  The attempt is counted before the password is
 * checked, so parallel attempts never get more checks than the limit.
 */
int
core_auth_login(struct http_request *req, struct core_ctx *ctx,
    struct core_signup *in, int *status)
{
	const char	*params[1], *why, *hash;
	const char	*ip;
	int		 rc, ok;

	ip = core_client_ip(req);
	if (in->username_in == NULL || in->password == NULL ||
	    core_rule_username(in->username_in, in->username,
	    sizeof(in->username), &why) == -1 ||
	    strlen(in->password) >= sizeof(ctx->pw.password)) {
		*status = 401;
		return (CORE_OK);
	}

	if (!(ctx->stage & LOGIN_THROTTLE_CHECKED)) {
		ctx->stage |= LOGIN_THROTTLE_CHECKED;
		if (core_throttle_login(in->username, ip, &ctx->retry_after))
			ctx->stage |= LOGIN_THROTTLED;
	}
	if (ctx->stage & LOGIN_THROTTLED) {
		*status = 429;
		return (CORE_OK);
	}

	params[0] = in->username;
	if ((rc = core_db_run(req, &ctx->db[0], sql_user_by_name, 1,
	    params)) != CORE_OK)
		return (rc);

	hash = core_db_rows(&ctx->db[0]) == 1 ?
	    core_db_value(&ctx->db[0], 0, LOGIN_COL_HASH) : NULL;
	if ((rc = core_password_verify(req, ctx, in->password, hash)) !=
	    CORE_OK)
		return (rc);

	ok = hash != NULL && ctx->pw.ok;
	if (!(ctx->stage & LOGIN_VERIFIED)) {
		ctx->stage |= LOGIN_VERIFIED;
		if (ok)
			core_throttle_login_ok(in->username, ip);
	}

	if (!ok) {
		*status = 401;
		return (CORE_OK);
	}

	if (core_db_bool(&ctx->db[0], 0, CORE_USER_COL_BANNED) ||
	    core_db_bool(&ctx->db[0], 0, LOGIN_COL_SUSPENDED)) {
		*status = 403;
		return (CORE_OK);
	}

	*status = 200;
	return (CORE_OK);
}

/*
 * After core_auth_login() answered 200: whether the account has
 * two-factor sign-in on, so the password alone signs nobody in.
 */
int
core_auth_needs_2fa(struct core_ctx *ctx)
{
	return (core_db_bool(&ctx->db[0], 0, LOGIN_COL_TOTP));
}

/*
 * After core_auth_login() answered 403: 1 when the account is suspended
 * rather than banned, with *until (ISO 8601) and *reason pointing into
 * ctx->db[0]; 0 for a ban.
 */
int
core_auth_suspension(struct core_ctx *ctx, const char **until,
    const char **reason)
{
	if (core_db_rows(&ctx->db[0]) != 1 ||
	    core_db_bool(&ctx->db[0], 0, CORE_USER_COL_BANNED) ||
	    !core_db_bool(&ctx->db[0], 0, LOGIN_COL_SUSPENDED))
		return (0);

	*until = core_db_value(&ctx->db[0], 0, LOGIN_COL_UNTIL);
	*reason = core_db_value(&ctx->db[0], 0, LOGIN_COL_WHY);
	return (1);
}

/* Field errors for a sign-up, or NULL when everything is acceptable. */
static json_t *
register_check(struct core_signup *in)
{
	json_t		*errors;
	const char	*why;

	errors = json_object();

	if (core_rule_username(in->username_in, in->username,
	    sizeof(in->username), &why) == -1)
		json_object_set_new(errors, "username", json_string(why));
	if (core_rule_email(in->email, &why) == -1)
		json_object_set_new(errors, "email", json_string(why));
	if (core_rule_password(in->password, &why) == -1)
		json_object_set_new(errors, "password", json_string(why));

	if (json_object_size(errors) == 0) {
		json_decref(errors);
		return (NULL);
	}

	return (errors);
}
