/*
 * The password-reset link, made where it is mailed.
 *
 * The site records a reset request (password_resets, no hash yet) and
 * queues an email job that names the request by id; the token is made
 * here, only its BLAKE2b-256 hash is stored, and the link lives in the
 * message alone: not in the outbox, the Redis payload, the admin's view
 * of the jobs, the logs or a backup.
 *
 * Each attempt makes a new token and replaces the stored hash, so a
 * request never has two valid links: when a job is delivered again after
 * its mail went out (the process died before recording it), the second
 * mail's link is the one that works.  A mail refused for good forgets
 * its hash.  A request already used or expired sends nothing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "worker.h"

#define RESET_TOKEN_BYTES	32
#define RESET_HASH_BYTES	32

static const char sql_reset_mint[] =
	"UPDATE password_resets SET token_hash = decode($2, 'hex')"
	" WHERE id = $1 AND used_at IS NULL AND expires_at > now()"
	" RETURNING id";

static const char sql_reset_forget[] =
	"UPDATE password_resets SET token_hash = NULL"
	" WHERE id = $1 AND token_hash = decode($2, 'hex')";

/*
 * For a job with args.reset_id: make the token, store its hash and set
 * args.path to the link's path.  Returns JOB_OK (and 1 in *skip when the
 * request is no longer usable: nothing to send), or JOB_RETRY / JOB_FAIL
 * with the reason in err.  The hash (hex) goes to `hash_hex`
 * (RESET_HASH_BYTES * 2 + 1 bytes) for mail_reset_forget().
 */
int
mail_reset_mint(struct worker *w, json_t *args, int *skip, char *hash_hex,
    size_t hash_len, char *err, size_t len)
{
	PGresult	*res;
	json_t		*v;
	const char	*params[2];
	u_int8_t	 raw[RESET_TOKEN_BYTES], hash[RESET_HASH_BYTES];
	char		 id[24], path[128];
	char		 token[RESET_TOKEN_BYTES * 2 + 1];
	int		 rows;

	*skip = 0;
	v = json_object_get(args, "reset_id");
	if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
	    hash_len < sizeof(hash) * 2 + 1) {
		(void)snprintf(err, len, "args.reset_id missing");
		return (JOB_FAIL);
	}
	(void)snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(v));

	randombytes_buf(raw, sizeof(raw));
	crypto_generichash(hash, sizeof(hash), raw, sizeof(raw), NULL, 0);
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	sodium_bin2hex(hash_hex, hash_len, hash, sizeof(hash));
	sodium_memzero(raw, sizeof(raw));

	params[0] = id;
	params[1] = hash_hex;
	if ((res = worker_db_exec(w, sql_reset_mint, 2, params)) == NULL) {
		sodium_memzero(token, sizeof(token));
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	rows = PQntuples(res);
	PQclear(res);

	if (rows != 1) {
		sodium_memzero(token, sizeof(token));
		worker_log("info", "password reset %s: used or expired, "
		    "nothing sent", id);
		*skip = 1;
		return (JOB_OK);
	}

	(void)snprintf(path, sizeof(path), "/reset?token=%s", token);
	json_object_set_new(args, "path", json_string(path));
	sodium_memzero(token, sizeof(token));
	sodium_memzero(path, sizeof(path));

	return (JOB_OK);
}

/* The mail was refused for good: its link must not stay valid. */
void
mail_reset_forget(struct worker *w, json_t *args, const char *hash_hex)
{
	PGresult	*res;
	const char	*params[2];
	char		 id[24];

	(void)snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(json_object_get(args, "reset_id")));
	params[0] = id;
	params[1] = hash_hex;
	if ((res = worker_db_exec(w, sql_reset_forget, 2, params)) != NULL)
		PQclear(res);
}
