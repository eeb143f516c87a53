/*
 * The authentication API: /api/v1/auth/register, /login, /logout and
 * /api/v1/me.  Logging in through the API issues a bearer token.
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

static const char sql_token_insert[] =
	"INSERT INTO api_tokens (user_id, token_hash, name)"
	"  VALUES ($1, decode($2, 'hex'), $3)";

#define SECOND_FACTOR_TYPE	"/problems/second-factor-needed"

static int	api_login_token(struct http_request *, struct core_ctx *,
		    struct core_db *);
static int	api_login_second(struct http_request *, struct core_ctx *,
		    json_t *);

static const char sql_token_delete[] =
	"DELETE FROM api_tokens WHERE token_hash = decode($1, 'hex')";

CORE_HANDLER(core_api_register)
{
	struct core_signup	 in;
	json_t			*body, *errors;
	char			 loc[64];
	int			 status;

	CORE_TRY(core_json_body(req, ctx, &body));

	memset(&in, 0, sizeof(in));
	in.username_in = core_json_str(body, "username");
	in.email = core_json_str(body, "email");
	in.password = core_json_str(body, "password");

	CORE_TRY(core_auth_register(req, ctx, &in, &errors, &status));

	if (errors != NULL)
		return (core_problem(req, status,
		    status == 409 ? "Already registered" : "Invalid input",
		    status == 409 ? "The username or email is in use." :
		    "Some fields are missing or not valid.", errors));

	(void)snprintf(loc, sizeof(loc), "/api/v1/users/%lld",
	    (long long)core_db_int(&ctx->db[0], 0, CORE_USER_COL_ID));
	http_response_header(req, "location", loc);

	return (core_json_send(req, 201,
	    json_pack("{s:o}", "user", core_json_user(&ctx->db[0], 0))));
}

CORE_HANDLER(core_api_login)
{
	struct core_signup	 in;
	json_t			*body;
	const char		*until, *why;
	char			 retry[16];
	int			 status;

	CORE_TRY(core_json_body(req, ctx, &body));

	/* The second call of a sign-in with two-factor sign-in on. */
	if (json_object_get(body, "challenge") != NULL)
		return (api_login_second(req, ctx, body));

	memset(&in, 0, sizeof(in));
	in.username_in = core_json_str(body, "username");
	in.password = core_json_str(body, "password");

	CORE_TRY(core_auth_login(req, ctx, &in, &status));

	switch (status) {
	case 200:
		break;
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		return (core_problem(req, 429, "Too many attempts",
		    "Too many failed logins for this account from your "
		    "address. Try again later.", NULL));
	case 403:
		if (core_auth_suspension(ctx, &until, &why))
			return (core_problem_extra(req, 403, "about:blank",
			    "Account suspended", "This account is suspended "
			    "for a while.", json_pack("{s:s, s:s}",
			    "until", until, "reason", why)));
		return (core_problem(req, 403, "Account suspended",
		    "This account is suspended.", NULL));
	default:
		return (core_problem(req, 401, "Login failed",
		    "Invalid username or password.", NULL));
	}

	if (core_auth_needs_2fa(ctx)) {
		CORE_TRY(core_login_challenge(req, ctx, &ctx->db[1],
		    core_db_int(&ctx->db[0], 0, CORE_USER_COL_ID)));
		return (core_problem_extra(req, 401, SECOND_FACTOR_TYPE,
		    "Second factor needed", "The password is right; this "
		    "account also needs a code from its authenticator app (or "
		    "a recovery code). POST {\"challenge\", \"code\"} to this "
		    "address within the challenge's life.", json_pack(
		    "{s:s, s:i, s:[s,s]}", "challenge", ctx->totp.challenge,
		    "expires_in", CORE_TOTP_CHALLENGE_S, "factors", "totp",
		    "recovery_code")));
	}

	return (api_login_token(req, ctx, &ctx->db[1]));
}

/* A bearer token for the user of ctx->db[0], stored in `db`. */
static int
api_login_token(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num		 id;
	const char		*params[3];
	char			 hex[CORE_HASH_HEX];

	if (ctx->new_token[0] == '\0')
		core_token_new(ctx->new_token, ctx->new_hash);
	core_hex(ctx->new_hash, sizeof(ctx->new_hash), hex);
	params[0] = core_num(&id,
	    core_db_int(&ctx->db[0], 0, CORE_USER_COL_ID));
	params[1] = hex;
	params[2] = "login";
	CORE_TRY(core_db_run(req, db, sql_token_insert, 3, params));

	return (core_json_send(req, 200, json_pack("{s:s, s:o}",
	    "token", ctx->new_token,
	    "user", core_json_user(&ctx->db[0], 0))));
}

/* {challenge, code}: the second step; a token as the first step gives. */
static int
api_login_second(struct http_request *req, struct core_ctx *ctx,
    json_t *body)
{
	const char	*challenge, *code;
	char		 retry[16];
	int		 status;

	challenge = core_json_str(body, "challenge");
	code = core_json_str(body, "code");
	if (challenge == NULL || code == NULL)
		return (core_problem(req, 422, "Invalid input",
		    "challenge and code are strings.", json_pack("{s:s}",
		    challenge == NULL ? "challenge" : "code", "A string.")));

	CORE_TRY(core_login_second(req, ctx, challenge, code, &status));

	switch (status) {
	case 200:
		break;
	case 429:
		(void)snprintf(retry, sizeof(retry), "%d", ctx->retry_after);
		http_response_header(req, "retry-after", retry);
		return (core_problem(req, 429, "Too many attempts",
		    "Too many failed logins for this account from your "
		    "address. Try again later.", NULL));
	case 403:
		return (core_problem(req, 403, "Account suspended",
		    "This account is suspended.", NULL));
	case 410:
		return (core_problem(req, 401, "Challenge expired",
		    "The challenge is unknown, used, expired or had too many "
		    "wrong codes: log in with the password again.", NULL));
	default:
		return (core_problem(req, 401, "Wrong code",
		    "The code is not right or was used already; the "
		    "challenge may be tried again.", json_pack("{s:s}",
		    "code", "Not right, or used already.")));
	}

	return (api_login_token(req, ctx, &ctx->db[4]));
}

/*
 * Bearer: revoke the token used.  Cookie: end the session (with the CSRF
 * header, like every cookie-authenticated API change).
 */
CORE_HANDLER_NEED(core_api_logout, CORE_NEED_CHANGE)
{
	const char		*params[1];
	char			 hex[CORE_HASH_HEX];

	if (ctx->auth == CORE_AUTH_BEARER) {
		core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
		params[0] = hex;
		CORE_TRY(core_db_run(req, &ctx->db[0], sql_token_delete, 1,
		    params));
		core_revoke_credential(hex);
	} else {
		CORE_TRY(core_session_end(req, ctx, &ctx->db[0]));
	}

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}

/* Who the credential belongs to, as its lookup (or the cache) found. */
CORE_HANDLER_NEED(core_api_me, CORE_NEED_USER)
{
	return (core_json_send(req, 200, json_pack("{s:{s:I,s:s,s:s,s:s,"
	    "s:b,s:s,s:s}}", "user", "id", (json_int_t)ctx->user.id,
	    "username", ctx->user.username, "email", ctx->user.email,
	    "role", ctx->user.role == CORE_ROLE_ADMIN ? "admin" : "user",
	    "banned", 0, "created_at", ctx->user.created_at,
	    "trust", ctx->user.trust)));
}
