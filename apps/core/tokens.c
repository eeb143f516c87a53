/*
 * API tokens: list, create and revoke (/api/v1/tokens).
 */

#include <string.h>

#include "core/core.h"

#define TOKEN_NAME_MAX		100

static int	tokens_list(struct http_request *, struct core_ctx *);
static int	tokens_create(struct http_request *, struct core_ctx *);

static const char sql_tokens_list[] =
	"SELECT id, name, " CORE_SQL_TS("created_at") ", "
	"       " CORE_SQL_TS("last_used_at") ", "
	"       token_hash = decode($2, 'hex')"
	"  FROM api_tokens WHERE user_id = $1 ORDER BY id";
enum { LIST_ID, LIST_NAME, LIST_CREATED_AT, LIST_LAST_USED_AT, LIST_CURRENT };

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
enum { CREATE_ID, CREATE_CREATED_AT };

static const char sql_token_revoke[] =
	"DELETE FROM api_tokens WHERE id = $1 AND user_id = $2"
	"  RETURNING id, encode(token_hash, 'hex')";
enum { REVOKE_ID, REVOKE_HASH };

/* GET lists the caller's tokens; POST {name} creates one. */
CORE_HANDLER_NEED(core_api_tokens, CORE_NEED_USER)
{
	if (req->method == HTTP_METHOD_POST)
		return (tokens_create(req, ctx));

	return (tokens_list(req, ctx));
}

/* DELETE /api/v1/tokens/{id}: revoke one of the caller's tokens. */
CORE_HANDLER_NEED(core_api_token, CORE_NEED_USER)
{
	struct core_num		 tid, uid;
	struct core_db		*db;
	const char		*params[2], *rest;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/tokens/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));

	/* After the path: an unknown address is 404 whatever the token. */
	CORE_TRY(core_csrf_check(req, ctx));

	db = &ctx->db[0];
	params[0] = core_num(&tid, id);
	params[1] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_token_revoke, 2, params));

	if (core_db_rows(db) != 1)
		return (core_problem(req, 404, "Not found",
		    "You have no token with this id.", NULL));
	core_revoke_credential(core_db_value(db, 0, REVOKE_HASH));

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}

static int
tokens_list(struct http_request *req, struct core_ctx *ctx)
{
	struct core_num	 uid;
	struct core_db	*db;
	const char	*params[2];
	char		 hex[CORE_HASH_HEX];
	json_t		*list;
	int		 i;

	db = &ctx->db[0];
	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	CORE_TRY(core_db_run(req, db, sql_tokens_list, 2, params));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++) {
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o, "
		    "s:b}",
		    "id", (json_int_t)core_db_int(db, i, LIST_ID),
		    "name", core_db_value(db, i, LIST_NAME),
		    "created_at", core_db_value(db, i, LIST_CREATED_AT),
		    "last_used_at", core_db_isnull(db, i, LIST_LAST_USED_AT) ?
		    json_null() :
		    json_string(core_db_value(db, i, LIST_LAST_USED_AT)),
		    "current", core_db_bool(db, i, LIST_CURRENT)));
	}

	return (core_json_send(req, 200, json_pack("{s:o}", "tokens", list)));
}

static int
tokens_create(struct http_request *req, struct core_ctx *ctx)
{
	struct core_num	 uid, cap;
	struct core_db	*db;
	const char	*params[4], *name;
	char		 hex[CORE_HASH_HEX];
	json_t		*body;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));

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
	db = &ctx->db[0];
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	params[2] = name;
	params[3] = core_num(&cap, LIMIT_TOKENS_ALIVE);
	CORE_TRY(core_db_run(req, db, sql_token_create, 4, params));
	if (core_db_rows(db) != 1)
		return (core_throttled(req, LIMIT_TOKENS_RETRY, "You have "
		    "too many API tokens. Revoke one you no longer use "
		    "first."));

	return (core_json_send(req, 201, json_pack("{s:s, s:I, s:s, s:s}",
	    "token", ctx->new_token,
	    "id", (json_int_t)core_db_int(db, 0, CREATE_ID),
	    "name", name,
	    "created_at", core_db_value(db, 0, CREATE_CREATED_AT))));
}
