/*
 * API tokens: list, create and revoke (/api/v1/tokens), and the public
 * profile of a user (/api/v1/users/{id}).
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

#define TOKEN_NAME_MAX		100

int	core_api_tokens(struct http_request *);
int	core_api_token(struct http_request *);
int	core_api_user(struct http_request *);

static int	tokens_list(struct http_request *, struct core_ctx *);
static int	tokens_create(struct http_request *, struct core_ctx *);

static const char sql_tokens_list[] =
	"SELECT id, name, " CORE_SQL_TS("created_at") ", "
	"       " CORE_SQL_TS("last_used_at") ", "
	"       token_hash = decode($2, 'hex')"
	"  FROM api_tokens WHERE user_id = $1 ORDER BY id";

/*
 * Only while the user has fewer than $4 tokens, counted in the same
 * statement (concurrent creations by one user can pass the cap by at
 * most their number, once: the next one sees them all).
 */
static const char sql_token_create[] =
	"INSERT INTO api_tokens (user_id, token_hash, name)"
	"  SELECT $1::bigint, decode($2, 'hex'), $3::text"
	"   WHERE (SELECT count(*) FROM api_tokens"
	"           WHERE user_id = $1::bigint) < $4::int"
	"  RETURNING id, " CORE_SQL_TS("created_at");

static const char sql_token_revoke[] =
	"DELETE FROM api_tokens WHERE id = $1 AND user_id = $2"
	"  RETURNING id, encode(token_hash, 'hex')";

static const char sql_user_public[] =
	"SELECT u.id, u.username, " CORE_SQL_TS("u.created_at")
	"  FROM users u WHERE u.id = $1 AND NOT u.banned";

/* GET lists the caller's tokens; POST {name} creates one. */
int
core_api_tokens(struct http_request *req)
{
	struct core_ctx		*ctx;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	if ((rc = core_require_user(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	if (req->method == HTTP_METHOD_POST)
		return (core_yield(tokens_create(req, ctx)));

	return (core_yield(tokens_list(req, ctx)));
}

/* DELETE /api/v1/tokens/{id}: revoke one of the caller's tokens. */
int
core_api_token(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*params[2], *rest;
	char			 uid[24], tid[24];
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	if ((rc = core_require_user(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	if (core_path_id(req, "/api/v1/tokens/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_yield(core_error(req, 404, NULL)));

	if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	(void)snprintf(tid, sizeof(tid), "%lld", (long long)id);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = tid;
	params[1] = uid;
	if ((rc = core_db_run(req, &ctx->db[0], sql_token_revoke, 2,
	    params)) != CORE_OK)
		return (core_yield(rc));

	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_yield(core_problem(req, 404, "Not found",
		    "You have no token with this id.", NULL)));
	core_revoke_credential(core_db_value(&ctx->db[0], 0, 1));

	http_response(req, 204, NULL, 0);
	return (KORE_RESULT_OK);
}

/* GET /api/v1/users/{id}: what anyone may know about an account. */
int
core_api_user(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*params[1], *rest;
	char			 uid[24];
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	if (core_path_id(req, "/api/v1/users/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_yield(core_error(req, 404, NULL)));

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)id);
	params[0] = uid;
	if ((rc = core_db_run(req, &ctx->db[0], sql_user_public, 1,
	    params)) != CORE_OK)
		return (core_yield(rc));

	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_yield(core_error(req, 404, "No such user.")));

	return (core_yield(core_json_send(req, 200, json_pack(
	    "{s:{s:I, s:s, s:s}}", "user",
	    "id", (json_int_t)core_db_int(&ctx->db[0], 0, 0),
	    "username", core_db_value(&ctx->db[0], 0, 1),
	    "created_at", core_db_value(&ctx->db[0], 0, 2)))));
}

static int
tokens_list(struct http_request *req, struct core_ctx *ctx)
{
	const char	*params[2];
	char		 uid[24], hex[CORE_HASH_HEX];
	json_t		*list;
	int		 rc, i;

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
	params[0] = uid;
	params[1] = hex;
	if ((rc = core_db_run(req, &ctx->db[0], sql_tokens_list, 2,
	    params)) != CORE_OK)
		return (rc);

	list = json_array();
	for (i = 0; i < core_db_rows(&ctx->db[0]); i++) {
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o, "
		    "s:b}",
		    "id", (json_int_t)core_db_int(&ctx->db[0], i, 0),
		    "name", core_db_value(&ctx->db[0], i, 1),
		    "created_at", core_db_value(&ctx->db[0], i, 2),
		    "last_used_at", core_db_isnull(&ctx->db[0], i, 3) ?
		    json_null() : json_string(core_db_value(&ctx->db[0], i, 3)),
		    "current", !strcmp(core_db_value(&ctx->db[0], i, 4), "t")));
	}

	return (core_json_send(req, 200, json_pack("{s:o}", "tokens", list)));
}

static int
tokens_create(struct http_request *req, struct core_ctx *ctx)
{
	const char	*params[4], *name;
	char		 uid[24], hex[CORE_HASH_HEX], cap[16];
	json_t		*body;
	int		 rc;

	if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
		return (rc);

	if ((rc = core_json_body(req, ctx, &body)) != CORE_OK)
		return (rc);

	name = core_json_str(body, "name");
	if (name == NULL)
		name = "";
	if (core_utf8_len(name) > TOKEN_NAME_MAX)
		return (core_problem(req, 422, "Invalid input",
		    "The token name is too long.", json_pack("{s:s}", "name",
		    "At most 100 characters.")));

	if (ctx->new_token[0] == '\0')
		core_token_new(ctx->new_token, ctx->new_hash);
	core_hex(ctx->new_hash, sizeof(ctx->new_hash), hex);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = uid;
	params[1] = hex;
	params[2] = name;
	(void)snprintf(cap, sizeof(cap), "%d", LIMIT_TOKENS_ALIVE);
	params[3] = cap;
	if ((rc = core_db_run(req, &ctx->db[0], sql_token_create, 4,
	    params)) != CORE_OK)
		return (rc);
	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_throttled(req, LIMIT_TOKENS_RETRY, "You have "
		    "too many API tokens. Revoke one you no longer use "
		    "first."));

	return (core_json_send(req, 201, json_pack("{s:s, s:I, s:s, s:s}",
	    "token", ctx->new_token,
	    "id", (json_int_t)core_db_int(&ctx->db[0], 0, 0),
	    "name", name,
	    "created_at", core_db_value(&ctx->db[0], 0, 1))));
}
