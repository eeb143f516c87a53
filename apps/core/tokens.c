/*
 * API tokens: list, create and revoke (/api/v1/tokens), for the API and
 * for the settings' tokens page.  A token may expire (expires_at); an
 * expired one signs nobody in (session.c, CORE_SQL_CRED_LIVE).
 */

#include <string.h>

#include "core/core.h"

#define TOKEN_NAME_MAX		100

static int	tokens_list(struct http_request *, struct core_ctx *);
static int	tokens_create(struct http_request *, struct core_ctx *);

/* $1 user, $2 the hash (hex) of the request's own credential. */
static const char sql_tokens_list[] =
	"SELECT id, name, " CORE_SQL_TS("created_at") ", "
	"       " CORE_SQL_TS("last_used_at") ", "
	"       token_hash = decode($2, 'hex'), "
	"       " CORE_SQL_TS("expires_at") ", "
	"       expires_at IS NOT NULL AND expires_at <= now()"
	"  FROM api_tokens WHERE user_id = $1 ORDER BY id";

/*
 * Only while the user has fewer than $4 tokens, counted in the same
 * statement (concurrent creations by one user can pass the cap by at
 * most their number, once: the next one sees them all).  $5 days until
 * it expires, NULL for never.
 */
static const char sql_token_create[] =
	"INSERT INTO api_tokens (user_id, token_hash, name, expires_at)"
	"  SELECT $1::bigint, decode($2, 'hex'), $3::text,"
	"         now() + make_interval(days => $5::int)"
	"   WHERE (SELECT count(*) FROM api_tokens"
	"           WHERE user_id = $1::bigint) < $4::int"
	"  RETURNING id, " CORE_SQL_TS("created_at") ", "
	"            " CORE_SQL_TS("expires_at");

static const char sql_token_revoke[] =
	"DELETE FROM api_tokens WHERE id = $1 AND user_id = $2"
	"  RETURNING id, encode(token_hash, 'hex')";
enum { REVOKE_ID, REVOKE_HASH };

/* GET lists the caller's tokens; POST {name, expires_in_days} makes one. */
CORE_HANDLER_NEED(core_api_tokens, CORE_NEED_USER)
{
	if (req->method == HTTP_METHOD_POST)
		return (tokens_create(req, ctx));

	return (tokens_list(req, ctx));
}

/* DELETE /api/v1/tokens/{id}: revoke one of the caller's tokens. */
CORE_HANDLER_NEED(core_api_token, CORE_NEED_USER)
{
	struct core_db		*db;
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/tokens/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));

	/* After the path: an unknown address is 404 whatever the token. */
	CORE_TRY(core_csrf_check(req, ctx));

	db = &ctx->db[0];
	CORE_TRY(core_token_revoke(req, ctx, db, id));
	if (core_db_rows(db) != 1)
		return (core_problem(req, 404, "Not found",
		    "You have no token with this id.", NULL));

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}

/*
 * The signed-in user's tokens into `db`, oldest first, columns as in
 * enum core_token_col.  CORE_OK or CORE_WAIT.
 */
int
core_tokens_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num	 uid;
	const char	*params[2];
	char		 hex[CORE_HASH_HEX];

	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	return (core_db_run(req, db, sql_tokens_list, 2, params));
}

/*
 * Make a token named `name` (checked by the caller) for the signed-in
 * user, expiring in `days` (0: never).  CORE_OK with the secret in
 * ctx->new_token and `db` holding its id, created_at and expires_at;
 * no row when the user is at LIMIT_TOKENS_ALIVE.
 */
int
core_token_create(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *name, int days)
{
	struct core_num	 uid, cap, d;
	const char	*params[5];
	char		 hex[CORE_HASH_HEX];

	if (ctx->new_token[0] == '\0')
		core_token_new(ctx->new_token, ctx->new_hash);
	core_hex(ctx->new_hash, sizeof(ctx->new_hash), hex);
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	params[2] = name;
	params[3] = core_num(&cap, LIMIT_TOKENS_ALIVE);
	params[4] = days > 0 ? core_num(&d, days) : NULL;
	return (core_db_run(req, db, sql_token_create, 5, params));
}

/*
 * Revoke token `id` of the signed-in user's, publishing the revocation
 * so that what it opened closes (once the statement is done: the caller
 * answers then).  `db` has one row when it was theirs.
 */
int
core_token_revoke(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num	 tid, uid;
	const char	*params[2];

	params[0] = core_num(&tid, id);
	params[1] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_token_revoke, 2, params));
	if (core_db_rows(db) == 1)
		core_revoke_credential(core_db_value(db, 0, REVOKE_HASH));
	return (CORE_OK);
}

/* Check a token's name and lifetime; 0, or -1 with `why` and `field`. */
int
core_token_rules(const char *name, int days, const char **field,
    const char **why)
{
	if (core_utf8_len(name) > TOKEN_NAME_MAX || !core_text_clean(name,
	    0)) {
		*field = "name";
		*why = "At most 100 characters, one line.";
		return (-1);
	}
	if (days < 0 || days > CORE_TOKEN_DAYS_MAX) {
		*field = "expires_in_days";
		*why = "From 1 to 3650 days, or none for a token that does "
		    "not expire.";
		return (-1);
	}
	return (0);
}

static int
tokens_list(struct http_request *req, struct core_ctx *ctx)
{
	struct core_db	*db;
	json_t		*list;
	int		 i;

	db = &ctx->db[0];
	CORE_TRY(core_tokens_load(req, ctx, db));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++) {
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o, "
		    "s:b, s:o, s:b}",
		    "id", (json_int_t)core_db_int(db, i, CORE_TOKEN_COL_ID),
		    "name", core_db_value(db, i, CORE_TOKEN_COL_NAME),
		    "created_at", core_db_value(db, i, CORE_TOKEN_COL_CREATED),
		    "last_used_at", core_db_isnull(db, i, CORE_TOKEN_COL_USED) ?
		    json_null() :
		    json_string(core_db_value(db, i, CORE_TOKEN_COL_USED)),
		    "current", core_db_bool(db, i, CORE_TOKEN_COL_CURRENT),
		    "expires_at", core_db_isnull(db, i,
		    CORE_TOKEN_COL_EXPIRES) ? json_null() :
		    json_string(core_db_value(db, i, CORE_TOKEN_COL_EXPIRES)),
		    "expired", core_db_bool(db, i, CORE_TOKEN_COL_EXPIRED)));
	}

	return (core_json_send(req, 200, json_pack("{s:o}", "tokens", list)));
}

static int
tokens_create(struct http_request *req, struct core_ctx *ctx)
{
	struct core_db	*db;
	const char	*name, *field, *why;
	json_t		*body, *v;
	json_int_t	 days;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));

	name = core_json_str(body, "name");
	if (name == NULL)
		name = "";
	days = 0;
	v = json_object_get(body, "expires_in_days");
	if (v != NULL && !json_is_null(v)) {
		days = json_is_integer(v) ? json_integer_value(v) : -1;
		if (days == 0)
			days = -1;
	}
	if (days > CORE_TOKEN_DAYS_MAX)
		days = -1;
	if (core_token_rules(name, (int)days, &field, &why) == -1)
		return (core_problem(req, 422, "Invalid input", why,
		    json_pack("{s:s}", field, why)));

	db = &ctx->db[0];
	CORE_TRY(core_token_create(req, ctx, db, name, (int)days));
	if (core_db_rows(db) != 1)
		return (core_throttled(req, LIMIT_TOKENS_RETRY, "You have "
		    "too many API tokens. Revoke one you no longer use "
		    "first."));

	return (core_json_send(req, 201, json_pack("{s:s, s:I, s:s, s:s, "
	    "s:o}",
	    "token", ctx->new_token,
	    "id", (json_int_t)core_db_int(db, 0, 0),
	    "name", name,
	    "created_at", core_db_value(db, 0, 1),
	    "expires_at", core_db_isnull(db, 0, 2) ? json_null() :
	    json_string(core_db_value(db, 0, 2)))));
}
