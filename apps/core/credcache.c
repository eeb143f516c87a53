/*
 * A per-worker cache of resolved credentials, so that a signed-in
 * request needs no database round trip to learn who is asking.
 *
 * An entry maps a credential's hash (a session cookie's or an API
 * token's; the hash is BLAKE2b of 256 random bits, so its first bytes
 * pick the set evenly) to the user, role and the session's expiry.  It
 * is filled by a successful lookup only, and it is trusted for at most
 * core_cfg.cred_cache_ms: a revocation that never reaches this worker
 * (Redis away) still takes effect within that age.  The first request
 * after the age looks the credential up again; the requests that arrive
 * while that lookup runs (at most CRED_REFRESH_MS) are still answered
 * from the entry, rather than all looking it up at once.  A lookup that
 * finds the credential gone drops the entry (core_credcache_drop).
 *
 * Revocations forget entries at once: in the worker that revoked
 * (revoke.c calls here before publishing) and in every other worker
 * when the event arrives.  A hit first reads whatever the subscriber has
 * received (core_pubsub_poll), so an event already delivered is never
 * overtaken by a request.  A lookup that was in flight while anything
 * was forgotten is not cached (the generation counter), and when the
 * subscriber's connection changes (events may have been missed), the
 * whole cache is dropped.
 */

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/core.h"

#define CRED_SETS	1024		/* a power of two */
#define CRED_WAYS	4
#define CRED_REFRESH_MS	1000		/* one lookup refreshes an entry */

struct cred_entry {
	u_int8_t		hash[CORE_HASH_BYTES];
	int			kind;		/* CORE_AUTH_*; 0: empty */
	struct core_user	user;
	u_int64_t		cached_at;	/* kore_time_ms() */
	u_int64_t		expires_at;	/* ms since the epoch; 0: none */
	u_int64_t		refreshing;	/* a lookup began (ms); 0: none */
};

static struct cred_entry	*table;
static u_int64_t		 generation = 1;
static u_int64_t		 epoch_seen;

static struct cred_entry	*cred_set(const u_int8_t *);
static void			 cred_flush(void);

void
core_credcache_init(void)
{
	if (core_cfg.cred_cache_ms == 0 || table != NULL)
		return;
	table = kore_calloc(CRED_SETS * CRED_WAYS, sizeof(*table));
}

/* Taken before a lookup starts; core_credcache_put() compares. */
u_int64_t
core_credcache_generation(void)
{
	return (generation);
}

/*
 * The user of credential `hash` of kind `kind` into `user`: 1 when the
 * cache knows it and may still be trusted, 0 when it must be looked up.
 */
int
core_credcache_get(int kind, const u_int8_t *hash, struct core_user *user)
{
	struct cred_entry	*set, *e;
	u_int64_t		 now;
	int			 i;

	if (table == NULL)
		return (0);

	core_pubsub_poll();
	if (epoch_seen != core_pubsub_epoch()) {
		epoch_seen = core_pubsub_epoch();
		cred_flush();
		core_metrics_cred(0);
		return (0);
	}

	now = kore_time_ms();
	set = cred_set(hash);
	for (i = 0; i < CRED_WAYS; i++) {
		e = &set[i];
		if (e->kind != kind ||
		    sodium_memcmp(e->hash, hash, CORE_HASH_BYTES) != 0)
			continue;
		if (e->expires_at != 0 &&
		    (u_int64_t)time(NULL) * 1000 >= e->expires_at) {
			e->kind = 0;
			break;
		}
		if (now - e->cached_at >= (u_int64_t)core_cfg.cred_cache_ms) {
			/* This one looks it up; those after it use this. */
			if (e->refreshing == 0 || now - e->refreshing >=
			    CRED_REFRESH_MS) {
				e->refreshing = now;
				break;
			}
		}
		*user = e->user;
		core_metrics_cred(1);
		return (1);
	}

	core_metrics_cred(0);
	return (0);
}

/*
 * Remember what a lookup that started at generation `gen` resolved.
 * Refused when something was forgotten since: the lookup may have read
 * the credential just before it was revoked.
 */
void
core_credcache_put(int kind, const u_int8_t *hash,
    const struct core_user *user, u_int64_t expires_at, u_int64_t gen)
{
	struct cred_entry	*set, *e, *victim;
	int			 i;

	if (table == NULL || gen != generation ||
	    epoch_seen != core_pubsub_epoch())
		return;

	set = cred_set(hash);
	victim = &set[0];
	for (i = 0; i < CRED_WAYS; i++) {
		e = &set[i];
		if (e->kind == 0 || (e->kind == kind &&
		    sodium_memcmp(e->hash, hash, CORE_HASH_BYTES) == 0)) {
			victim = e;
			break;
		}
		if (e->cached_at < victim->cached_at)
			victim = e;
	}

	memcpy(victim->hash, hash, CORE_HASH_BYTES);
	victim->kind = kind;
	victim->user = *user;
	victim->cached_at = kore_time_ms();
	victim->expires_at = expires_at;
	victim->refreshing = 0;
}

/* A lookup found credential `hash` of kind `kind` gone: forget it. */
void
core_credcache_drop(int kind, const u_int8_t *hash)
{
	struct cred_entry	*set;
	int			 i;

	if (table == NULL)
		return;
	set = cred_set(hash);
	for (i = 0; i < CRED_WAYS; i++) {
		if (set[i].kind == kind &&
		    sodium_memcmp(set[i].hash, hash, CORE_HASH_BYTES) == 0)
			set[i].kind = 0;
	}
}

/* Every credential of user `uid` (or, 0, of everybody) is forgotten. */
void
core_credcache_forget_user(int64_t uid)
{
	size_t		i;

	generation++;
	if (table == NULL)
		return;
	if (uid == 0) {
		cred_flush();
		return;
	}
	core_bellcache_forget(uid);
	for (i = 0; i < CRED_SETS * CRED_WAYS; i++) {
		if (table[i].kind != 0 && table[i].user.id == uid)
			table[i].kind = 0;
	}
}

/* The credential whose hash is `hex` (CORE_HASH_HEX) is forgotten. */
void
core_credcache_forget(const char *hex)
{
	struct cred_entry	*set;
	u_int8_t		 hash[CORE_HASH_BYTES];
	size_t			 len;
	int			 i;

	generation++;
	if (table == NULL)
		return;
	if (sodium_hex2bin(hash, sizeof(hash), hex, strlen(hex), NULL, &len,
	    NULL) != 0 || len != sizeof(hash))
		return;

	set = cred_set(hash);
	for (i = 0; i < CRED_WAYS; i++) {
		if (sodium_memcmp(set[i].hash, hash, CORE_HASH_BYTES) == 0)
			set[i].kind = 0;
	}
}

static struct cred_entry *
cred_set(const u_int8_t *hash)
{
	u_int32_t	h;

	memcpy(&h, hash, sizeof(h));
	return (&table[(h & (CRED_SETS - 1)) * CRED_WAYS]);
}

static void
cred_flush(void)
{
	generation++;
	memset(table, 0, CRED_SETS * CRED_WAYS * sizeof(*table));
	core_bellcache_forget(0);
}
