/*
 * A per-worker cache of the bell's answer (GET
 * /api/v1/notifications/unread), so that the question every open page
 * asks after each live event needs no statement when nothing changed.
 *
 * An entry maps a user id to the JSON document last answered.  It lives
 * under the credential cache's rules (credcache.c), which call here when
 * they forget: whatever changes a user's notifications publishes the
 * user as changed (core_revoke_changed), and that forgets the user's
 * credentials and bell in this worker at once and in every other when
 * the event arrives.  An entry is trusted for at most
 * core_cfg.cred_cache_ms; after that one request asks the database
 * again while those that arrive meanwhile (at most BELL_REFRESH_MS) are
 * answered from the entry.  An answer whose statement was running while
 * anything was forgotten is not kept (the credential cache's
 * generation).  Off when the credential cache is.
 */

#include <string.h>

#include "core/core.h"

#define BELL_SLOTS		1024		/* a power of two */
#define BELL_REFRESH_MS		1000
#define BELL_MAX		4096		/* bytes of one answer */

struct bell_entry {
	int64_t		 uid;			/* 0: empty */
	char		*json;
	size_t		 len;
	u_int64_t	 cached_at;		/* kore_time_ms() */
	u_int64_t	 refreshing;		/* a statement began; 0: none */
};

static struct bell_entry	*bells;

static void	bell_clear(struct bell_entry *);

void
core_bellcache_init(void)
{
	if (core_cfg.cred_cache_ms == 0 || bells != NULL)
		return;
	bells = kore_calloc(BELL_SLOTS, sizeof(*bells));
}

/*
 * User `uid`'s bell into *json and *len (valid until the worker next
 * returns to its event loop): 1 when it may be answered from here, 0
 * when the database must be asked.  Called after the request's
 * credential was resolved, which read the revocations received so far.
 */
int
core_bellcache_get(int64_t uid, const char **json, size_t *len)
{
	struct bell_entry	*e;
	u_int64_t		 now;

	if (bells == NULL || uid <= 0)
		return (0);

	e = &bells[uid & (BELL_SLOTS - 1)];
	if (e->uid != uid)
		return (0);

	now = kore_time_ms();
	if (now - e->cached_at >= (u_int64_t)core_cfg.cred_cache_ms &&
	    (e->refreshing == 0 || now - e->refreshing >= BELL_REFRESH_MS)) {
		e->refreshing = now;
		return (0);
	}

	*json = e->json;
	*len = e->len;
	return (1);
}

/*
 * Keep `json` (`len` bytes) as user `uid`'s bell, unless something was
 * forgotten since generation `gen` was taken before its statement.
 */
void
core_bellcache_put(int64_t uid, const char *json, size_t len, u_int64_t gen)
{
	struct bell_entry	*e;

	if (bells == NULL || uid <= 0 || len > BELL_MAX ||
	    gen != core_credcache_generation())
		return;

	e = &bells[uid & (BELL_SLOTS - 1)];
	bell_clear(e);
	e->json = kore_malloc(len);
	memcpy(e->json, json, len);
	e->len = len;
	e->uid = uid;
	e->cached_at = kore_time_ms();
	e->refreshing = 0;
}

/* User `uid`'s bell (or, 0, everybody's) is forgotten. */
void
core_bellcache_forget(int64_t uid)
{
	size_t		i;

	if (bells == NULL)
		return;
	if (uid != 0) {
		if (bells[uid & (BELL_SLOTS - 1)].uid == uid)
			bell_clear(&bells[uid & (BELL_SLOTS - 1)]);
		return;
	}
	for (i = 0; i < BELL_SLOTS; i++)
		bell_clear(&bells[i]);
}

static void
bell_clear(struct bell_entry *e)
{
	kore_free(e->json);
	e->json = NULL;
	e->len = 0;
	e->uid = 0;
	e->refreshing = 0;
}
