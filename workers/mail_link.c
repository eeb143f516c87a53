/*
 * The single-use links of transactional mail, made where they are
 * mailed: a password reset (password_resets, "reset_id" in the job's
 * args) and an address to verify or confirm (email_tokens,
 * "email_token_id").
 *
 * The site records the request (no hash yet) and queues an email job
 * that names it by id; the token is made here, only its BLAKE2b-256 hash
 * is stored, and the link lives in the message alone: not in the outbox,
 * the Redis payload, the admin's view of the jobs, the logs or a backup.
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

#define LINK_TOKEN_BYTES	32
#define LINK_HASH_BYTES		32

/*
 * arg: the request's id in the args; what: its name in the log; mint
 * ($1 id, $2 hash) answers a row while the request is usable; forget
 * ($1 id, $2 hash); path: the link's, before the token.
 */
struct mail_link {
	const char	*arg;
	const char	*what;
	const char	*mint;
	const char	*forget;
	const char	*path;
};

static const struct mail_link links[] = {
	{
		"reset_id", "password reset",
		"UPDATE password_resets SET token_hash = decode($2, 'hex')"
		" WHERE id = $1 AND used_at IS NULL AND expires_at > now()"
		" RETURNING id",
		"UPDATE password_resets SET token_hash = NULL"
		" WHERE id = $1 AND token_hash = decode($2, 'hex')",
		"/reset?token="
	},
	{
		"email_token_id", "email address link",
		"UPDATE email_tokens SET token_hash = decode($2, 'hex')"
		" WHERE id = $1 AND used_at IS NULL AND expires_at > now()"
		" RETURNING id",
		"UPDATE email_tokens SET token_hash = NULL"
		" WHERE id = $1 AND token_hash = decode($2, 'hex')",
		"/verify?token="
	},
	{ NULL, NULL, NULL, NULL, NULL }
};

static const struct mail_link	*link_of(json_t *);

/* Whether the job's args name a request whose link is made here. */
int
mail_link_wanted(json_t *args)
{
	return (link_of(args) != NULL);
}

/*
 * For a job whose args name a request (mail_link_wanted): make the
 * token, store its hash and set args.path to the link's path.  Returns
 * JOB_OK (and 1 in *skip when the request is no longer usable: nothing
 * to send), or JOB_RETRY / JOB_FAIL with the reason in err.  The hash
 * (hex) goes to `hash_hex` (LINK_HASH_BYTES * 2 + 1 bytes) for
 * mail_link_forget().
 */
int
mail_link_mint(struct worker *w, json_t *args, int *skip, char *hash_hex,
    size_t hash_len, char *err, size_t len)
{
	const struct mail_link	*l;
	PGresult		*res;
	json_t			*v;
	const char		*params[2];
	u_int8_t		 raw[LINK_TOKEN_BYTES], hash[LINK_HASH_BYTES];
	char			 id[24], path[128];
	char			 token[LINK_TOKEN_BYTES * 2 + 1];
	int			 rows;

	*skip = 0;
	l = link_of(args);
	v = l != NULL ? json_object_get(args, l->arg) : NULL;
	if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
	    hash_len < sizeof(hash) * 2 + 1) {
		(void)snprintf(err, len, "args.%s missing",
		    l != NULL ? l->arg : "reset_id");
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
	if ((res = worker_db_exec(w, l->mint, 2, params)) == NULL) {
		sodium_memzero(token, sizeof(token));
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	rows = PQntuples(res);
	PQclear(res);

	if (rows != 1) {
		sodium_memzero(token, sizeof(token));
		worker_log("info", "%s %s: used or expired, nothing sent",
		    l->what, id);
		*skip = 1;
		return (JOB_OK);
	}

	(void)snprintf(path, sizeof(path), "%s%s", l->path, token);
	json_object_set_new(args, "path", json_string(path));
	sodium_memzero(token, sizeof(token));
	sodium_memzero(path, sizeof(path));

	return (JOB_OK);
}

/* The mail was refused for good: its link must not stay valid. */
void
mail_link_forget(struct worker *w, json_t *args, const char *hash_hex)
{
	const struct mail_link	*l;
	PGresult		*res;
	const char		*params[2];
	char			 id[24];

	if ((l = link_of(args)) == NULL)
		return;
	(void)snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(json_object_get(args, l->arg)));
	params[0] = id;
	params[1] = hash_hex;
	if ((res = worker_db_exec(w, l->forget, 2, params)) != NULL)
		PQclear(res);
}

static const struct mail_link *
link_of(json_t *args)
{
	const struct mail_link	*l;

	for (l = links; l->arg != NULL; l++) {
		if (json_object_get(args, l->arg) != NULL)
			return (l);
	}
	return (NULL);
}
