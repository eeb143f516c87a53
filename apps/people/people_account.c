/*
 * Changes to one's own account, shared by /settings and the API: the
 * profile's fields, and the password (the current one required; every
 * other session ends, and every API token is revoked unless the user
 * keeps them).
 */

#include <string.h>

#include "people/people.h"

/* ctx->stage bits of a password change. */
#define PW_THROTTLE_CHECKED	0x01
#define PW_THROTTLED		0x02
#define PW_VERIFIED		0x04
#define PW_WRONG		0x08

static const char sql_me[] =
	"SELECT username, email, display_name, bio, website,"
	"       coalesce(avatar_sha, ''), avatar_media_id IS NOT NULL"
	"  FROM users WHERE id = $1";

/* $2..$4 NULL: that field is left as it is. */
static const char sql_profile_save[] =
	"UPDATE users SET display_name = coalesce($2, display_name),"
	"       bio = coalesce($3, bio), website = coalesce($4, website)"
	" WHERE id = $1"
	" RETURNING username, email, display_name, bio, website,"
	"           coalesce(avatar_sha, ''), avatar_media_id IS NOT NULL";

static const char sql_password_hash[] =
	"SELECT password_hash FROM users WHERE id = $1 AND NOT banned";

/*
 * $1 user, $2 new hash, $3 the hash (hex) of the credential making the
 * change, which stays; $4 keep API tokens.  The hashes of what ended.
 */
static const char sql_password_apply[] =
	"WITH u AS ("
	"  UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id"
	"), s AS ("
	"  DELETE FROM sessions WHERE user_id = (SELECT id FROM u)"
	"     AND token_hash <> decode($3, 'hex')"
	"  RETURNING encode(token_hash, 'hex') AS h"
	"), t AS ("
	"  DELETE FROM api_tokens WHERE user_id = (SELECT id FROM u)"
	"     AND NOT $4::bool AND token_hash <> decode($3, 'hex')"
	"  RETURNING encode(token_hash, 'hex') AS h"
	")"
	"SELECT h FROM s UNION ALL SELECT h FROM t";

/* Load the signed-in user's own fields (people_me_col) into `db`. */
int
people_me_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num	 uid;
	const char	*params[1];

	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_me, 1, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, NULL));
	return (CORE_OK);
}

/*
 * Check the fields of `in` that are not NULL: with a problem, *errors is
 * an object of field: sentence (the caller's) and nothing is saved.
 * Otherwise save them; `db` then holds the user's fields (people_me_col).
 */
int
people_profile_save(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, struct people_fields *in, json_t **errors)
{
	struct core_num	 uid;
	const char	*params[4], *why;

	*errors = NULL;
	if (in->display_name != NULL &&
	    people_rule_display_name(in->display_name, &why) == -1) {
		*errors = json_object();
		json_object_set_new(*errors, "display_name", json_string(why));
	}
	if (in->bio != NULL && people_rule_bio(in->bio, &why) == -1) {
		if (*errors == NULL)
			*errors = json_object();
		json_object_set_new(*errors, "bio", json_string(why));
	}
	if (in->website != NULL && people_rule_website(in->website, &why) == -1) {
		if (*errors == NULL)
			*errors = json_object();
		json_object_set_new(*errors, "website", json_string(why));
	}
	if (*errors != NULL)
		return (CORE_OK);

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = in->display_name;
	params[2] = in->bio;
	params[3] = in->website;
	CORE_TRY(core_db_run(req, db, sql_profile_save, 4, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));
	/* The nav draws the display name's initials: no stale entry. */
	if (in->display_name != NULL)
		core_revoke_changed(ctx->user.id);
	return (CORE_OK);
}

/*
 * Change the signed-in user's password from `current` to `next`, in
 * statement slots 0 and 1.  CORE_OK with *status 200 (changed: every
 * other session ended, and every API token unless `keep_tokens`, each
 * revocation published so that open sockets close), 422 (*errors: a
 * field is missing or the new password breaks the rules), 403 (the
 * current password is wrong) or 429 (too many wrong ones: the login
 * throttle, ctx->retry_after).
 */
int
people_password_change(struct http_request *req, struct core_ctx *ctx,
    const char *current, const char *next, int keep_tokens, int *status,
    json_t **errors)
{
	struct core_num	 uid;
	struct core_db	*db;
	const char	*params[4], *why, *hash;
	char		 cred[CORE_HASH_HEX];
	int		 i;

	*errors = NULL;
	if (current == NULL || *current == '\0' ||
	    strlen(current) >= sizeof(ctx->pw.password)) {
		*errors = json_object();
		json_object_set_new(*errors, "current_password",
		    json_string("Enter your current password."));
	}
	if (core_rule_password(next, &why) == -1) {
		if (*errors == NULL)
			*errors = json_object();
		json_object_set_new(*errors, "new_password", json_string(why));
	}
	if (*errors != NULL) {
		*status = 422;
		return (CORE_OK);
	}

	/* Guessing through a stolen session is throttled like a login. */
	if (!(ctx->stage & PW_THROTTLE_CHECKED)) {
		ctx->stage |= PW_THROTTLE_CHECKED;
		if (core_throttle_login(ctx->user.username,
		    core_client_ip(req), &ctx->retry_after))
			ctx->stage |= PW_THROTTLED;
	}
	if (ctx->stage & PW_THROTTLED) {
		*status = 429;
		return (CORE_OK);
	}

	db = &ctx->db[0];
	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_password_hash, 1, params));
	if (!(ctx->stage & PW_VERIFIED)) {
		hash = core_db_rows(db) == 1 ? core_db_value(db, 0, 0) : NULL;
		CORE_TRY(core_password_verify(req, ctx, current, hash));
		ctx->stage |= PW_VERIFIED;
		if (hash == NULL || !ctx->pw.ok)
			ctx->stage |= PW_WRONG;
		else
			core_throttle_login_ok(ctx->user.username,
			    core_client_ip(req));
		/* The next task is the new hash. */
		ctx->task_state = 0;
	}
	if (ctx->stage & PW_WRONG) {
		*errors = json_pack("{s:s}", "current_password",
		    "That is not your current password.");
		*status = 403;
		return (CORE_OK);
	}

	CORE_TRY(core_password_hash(req, ctx, next));

	db = &ctx->db[1];
	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), cred);
	params[1] = ctx->pw.hash;
	params[2] = cred;
	params[3] = keep_tokens ? "true" : "false";
	CORE_TRY(core_db_run(req, db, sql_password_apply, 4, params));
	if (core_db_sqlstate(db)[0] != '\0')
		return (core_error(req, 500, NULL));
	for (i = 0; i < core_db_rows(db); i++)
		core_revoke_credential(core_db_value(db, i, 0));

	*status = 200;
	return (CORE_OK);
}
