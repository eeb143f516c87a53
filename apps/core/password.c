/*
 * Argon2id password hashing and verification, always on a Kore task
 * thread: one hash takes about 100 ms and 64 MiB, which would stall every
 * connection of the worker if it ran on the event loop.
 */

#include <string.h>

#include <sodium.h>

#include "core/core.h"

#define PW_OP_HASH	1
#define PW_OP_VERIFY	2

#define PW_TASK_RUNNING	1
#define PW_TASK_DONE	2

/* A valid hash of a random password, verified against when the user is
 * unknown so that a login takes as long whether or not the name exists. */
static char	pw_dummy_hash[crypto_pwhash_STRBYTES];

static int	pw_task(struct kore_task *);
static int	pw_start(struct http_request *, struct core_ctx *, int,
		    const char *, const char *);

/* Called once in the parent: prepares the dummy hash. */
void
core_password_init(void)
{
	u_int8_t	raw[16];
	char		pw[33];

	randombytes_buf(raw, sizeof(raw));
	core_hex(raw, sizeof(raw), pw);
	if (crypto_pwhash_str(pw_dummy_hash, pw, strlen(pw),
	    core_cfg.pwhash_ops, core_cfg.pwhash_mem) != 0)
		fatal("crypto_pwhash_str: out of memory");
	sodium_memzero(pw, sizeof(pw));
}

/*
 * Hash `password` in a task.  CORE_WAIT until done; then CORE_OK with the
 * hash in ctx->pw.hash, or CORE_DONE after a 500 (out of memory).
 */
int
core_password_hash(struct http_request *req, struct core_ctx *ctx,
    const char *password)
{
	return (pw_start(req, ctx, PW_OP_HASH, password, NULL));
}

/*
 * Verify `password` against `hash` (NULL: unknown user, verify against
 * the dummy).  CORE_WAIT until done; then CORE_OK with ctx->pw.ok set.
 */
int
core_password_verify(struct http_request *req, struct core_ctx *ctx,
    const char *password, const char *hash)
{
	return (pw_start(req, ctx, PW_OP_VERIFY, password,
	    hash != NULL ? hash : pw_dummy_hash));
}

static int
pw_start(struct http_request *req, struct core_ctx *ctx, int op,
    const char *password, const char *hash)
{
	if (ctx->task_state == 0) {
		memset(&ctx->pw, 0, sizeof(ctx->pw));
		ctx->pw.op = op;
		ctx->pw.ops = core_cfg.pwhash_ops;
		ctx->pw.mem = core_cfg.pwhash_mem;
		if (kore_strlcpy(ctx->pw.password, password,
		    sizeof(ctx->pw.password)) >= sizeof(ctx->pw.password))
			return (core_error(req, 400, "Password too long."));
		if (hash != NULL && kore_strlcpy(ctx->pw.hash, hash,
		    sizeof(ctx->pw.hash)) >= sizeof(ctx->pw.hash))
			kore_strlcpy(ctx->pw.hash, pw_dummy_hash,
			    sizeof(ctx->pw.hash));

		kore_task_create(&ctx->task, pw_task);
		kore_task_bind_request(&ctx->task, req);
		kore_task_run(&ctx->task);
		/* Only after kore_task_run: the channel needs the thread. */
		kore_task_channel_write(&ctx->task, &ctx->pw, sizeof(ctx->pw));
		sodium_memzero(ctx->pw.password, sizeof(ctx->pw.password));
		ctx->task_state = PW_TASK_RUNNING;
		return (CORE_WAIT);
	}

	if (ctx->task_state == PW_TASK_RUNNING) {
		if (kore_task_state(&ctx->task) != KORE_TASK_STATE_FINISHED) {
			http_request_sleep(req);
			return (CORE_WAIT);
		}
		if (kore_task_channel_read(&ctx->task, &ctx->pw,
		    sizeof(ctx->pw)) != sizeof(ctx->pw)) {
			ctx->task_state = PW_TASK_DONE;
			return (core_error(req, 500, NULL));
		}
		ctx->task_state = PW_TASK_DONE;
		if (op == PW_OP_HASH && !ctx->pw.ok)
			return (core_error(req, 500, NULL));
	}

	return (CORE_OK);
}

/* Runs on a task thread: libsodium only, no Kore calls but the channel. */
static int
pw_task(struct kore_task *t)
{
	struct core_pw_job	job;
	char			hash[crypto_pwhash_STRBYTES];

	if (kore_task_channel_read(t, &job, sizeof(job)) != sizeof(job))
		return (KORE_RESULT_ERROR);

	if (job.op == PW_OP_HASH) {
		job.ok = crypto_pwhash_str(hash, job.password,
		    strlen(job.password), job.ops, job.mem) == 0;
		if (job.ok)
			memcpy(job.hash, hash, sizeof(job.hash));
	} else {
		job.ok = crypto_pwhash_str_verify(job.hash, job.password,
		    strlen(job.password)) == 0;
	}

	sodium_memzero(job.password, sizeof(job.password));
	kore_task_channel_write(t, &job, sizeof(job));
	sodium_memzero(&job, sizeof(job));

	return (KORE_RESULT_OK);
}
