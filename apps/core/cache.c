/*
 * A one-second cache of public pages, per Kore worker, for any app.
 *
 * Some pages are what everyone reads and nobody personalises (the blog's
 * lists, the photo feed): their bytes are kept under a key for a second,
 * so a busy worker asks PostgreSQL for each at most once a second.  When
 * an entry expires, one request refreshes it while the others are served
 * the previous copy, so an expiry never sends a crowd of identical
 * queries to the database.  Changes show within about a second (the
 * age is AGORA_PAGE_CACHE_MS; 0 turns the cache off).  The
 * table is small and fixed; when it is full the entry closest to expiry
 * makes room.
 */

#include <string.h>

#include "core/core.h"

#define CACHE_SLOTS		128
#define CACHE_REFRESH_MS	5000	/* a refresher that died is replaced */

struct cache_entry {
	char		 key[CORE_CACHE_KEY_MAX];
	u_int64_t	 expires;
	u_int64_t	 refreshing;	/* until when someone refreshes it */
	size_t		 len;
	u_int8_t	*data;
};

static struct cache_entry	cache[CACHE_SLOTS];

static struct cache_entry	*cache_find(const char *, int);

/*
 * The cached bytes under `key`, with their length in *len, or NULL when
 * the caller must build them (nothing cached, or it expired and this
 * caller is the one to refresh it).  Valid until the next
 * core_cache_put() of the same key.
 */
const u_int8_t *
core_cache_get(const char *key, size_t *len)
{
	struct cache_entry	*e;
	u_int64_t		 now;

	if (core_cfg.page_cache_ms == 0 ||
	    (e = cache_find(key, 0)) == NULL || e->data == NULL)
		return (NULL);

	now = kore_time_ms();
	if (now >= e->expires && now >= e->refreshing) {
		e->refreshing = now + CACHE_REFRESH_MS;
		return (NULL);
	}

	*len = e->len;
	return (e->data);
}

/* Keep `len` bytes under `key` for a second (core_cfg.page_cache_ms). */
void
core_cache_put(const char *key, const void *data, size_t len)
{
	struct cache_entry	*e;

	if (core_cfg.page_cache_ms == 0 || (e = cache_find(key, 1)) == NULL)
		return;

	kore_free(e->data);
	e->data = kore_malloc(len);
	memcpy(e->data, data, len);
	e->len = len;
	e->expires = kore_time_ms() + core_cfg.page_cache_ms;
	e->refreshing = 0;
}

/*
 * The entry of `key`; with `make`, a free or reclaimed one for it.  Keys
 * longer than CORE_CACHE_KEY_MAX - 1 are never cached.
 */
static struct cache_entry *
cache_find(const char *key, int make)
{
	struct cache_entry	*e, *oldest;
	u_int32_t		 h;
	size_t			 i, len;

	if ((len = strlen(key)) >= CORE_CACHE_KEY_MAX)
		return (NULL);

	/* FNV-1a, then probe. */
	for (h = 2166136261u, i = 0; i < len; i++)
		h = (h ^ (u_int8_t)key[i]) * 16777619u;

	oldest = NULL;
	for (i = 0; i < CACHE_SLOTS; i++) {
		e = &cache[(h + i) % CACHE_SLOTS];
		if (!strcmp(e->key, key))
			return (e);
		if (e->key[0] == '\0') {
			if (!make)
				return (NULL);
			memcpy(e->key, key, len + 1);
			return (e);
		}
		if (oldest == NULL || e->expires < oldest->expires)
			oldest = e;
	}
	if (!make || oldest == NULL)
		return (NULL);

	/* Full: the entry closest to expiry gives way. */
	memcpy(oldest->key, key, len + 1);
	return (oldest);
}
