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

/*
 * The task and its job in one allocation, owned by nobody but itself
 * once started: the thread reads and writes only `job`, the event loop
 * looks at it only after the thread has finished, and whichever of
 * "request gone" and "thread finished" comes second frees it.
 */
struct core_pw_task {
	struct kore_task	 task;
	struct core_pw_job	 job;
	struct http_request	*req;		/* NULL once the request is gone */
};

static void
pw_task_free(struct core_pw_task *pt)
{
	kore_task_destroy(&pt->task);
	sodium_memzero(&pt->job, sizeof(pt->job));
	kore_free(pt);
}

/* Event loop: the task's thread has written or finished. */
static void
pw_task_event(struct kore_task *t)
{
	struct core_pw_task	*pt = (struct core_pw_task *)t;

	if (!kore_task_finished(t))
		return;
	if (pt->req == NULL) {
		pw_task_free(pt);
		return;
	}
	http_request_wakeup(pt->req);
}

/*
 * The request is going away (its context is being freed): a finished
 * task is freed now, a running one is left to free itself.
 */
void
core_password_release(struct core_ctx *ctx)
{
	struct core_pw_task	*pt = ctx->task;

	if (pt == NULL)
		return;
	ctx->task = NULL;
	if (kore_task_finished(&pt->task))
		pw_task_free(pt);
	else
		pt->req = NULL;
}

static int
pw_start(struct http_request *req, struct core_ctx *ctx, int op,
    const char *password, const char *hash)
{
	struct core_pw_task	*pt;

	if (ctx->task_state == 0) {
		pt = kore_calloc(1, sizeof(*pt));
		pt->job.op = op;
		pt->job.ops = core_cfg.pwhash_ops;
		pt->job.mem = core_cfg.pwhash_mem;
		if (kore_strlcpy(pt->job.password, password,
		    sizeof(pt->job.password)) >= sizeof(pt->job.password)) {
			sodium_memzero(&pt->job, sizeof(pt->job));
			kore_free(pt);
			return (core_error(req, 400, "Password too long."));
		}
		if (hash != NULL && kore_strlcpy(pt->job.hash, hash,
		    sizeof(pt->job.hash)) >= sizeof(pt->job.hash))
			kore_strlcpy(pt->job.hash, pw_dummy_hash,
			    sizeof(pt->job.hash));

		kore_task_create(&pt->task, pw_task);
		kore_task_bind_callback(&pt->task, pw_task_event);
		pt->req = req;
		ctx->task = pt;
		ctx->task_state = PW_TASK_RUNNING;
		kore_task_run(&pt->task);
		http_request_sleep(req);
		return (CORE_WAIT);
	}

	if (ctx->task_state == PW_TASK_RUNNING) {
		pt = ctx->task;
		if (!kore_task_finished(&pt->task)) {
			http_request_sleep(req);
			return (CORE_WAIT);
		}
		ctx->task_state = PW_TASK_DONE;
		memcpy(&ctx->pw, &pt->job, sizeof(ctx->pw));
		ctx->task = NULL;
		pw_task_free(pt);
		if (op == PW_OP_HASH && !ctx->pw.ok)
			return (core_error(req, 500, NULL));
	}

	return (CORE_OK);
}

/*
 * Runs on a task thread: libsodium on the task's own job, nothing else.
 * The job is the task's, so nothing here can outlive its memory.
 */
static int
pw_task(struct kore_task *t)
{
	struct core_pw_job	*job = &((struct core_pw_task *)t)->job;
	char			 hash[crypto_pwhash_STRBYTES];

	if (job->op == PW_OP_HASH) {
		job->ok = crypto_pwhash_str(hash, job->password,
		    strlen(job->password), job->ops, job->mem) == 0;
		if (job->ok)
			memcpy(job->hash, hash, sizeof(job->hash));
		sodium_memzero(hash, sizeof(hash));
	} else {
		job->ok = crypto_pwhash_str_verify(job->hash, job->password,
		    strlen(job->password)) == 0;
	}
	sodium_memzero(job->password, sizeof(job->password));

	return (KORE_RESULT_OK);
}
