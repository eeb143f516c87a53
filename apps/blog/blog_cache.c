/*
 * A one-second cache of the public post lists, per Kore worker.
 *
 * The index is what everyone reads and nobody personalises: the list of
 * published posts of page N (its HTML, and its JSON for the API) is kept
 * for a second, so a busy worker asks PostgreSQL for each page at most
 * once a second.  When a page expires, one request refreshes it while the
 * others are served the previous copy, so an expiry never sends a crowd
 * of identical queries to the database.  A newly published, edited or
 * deleted post shows in the lists within about a second.
 */

#include <string.h>

#include "blog/blog.h"

#define CACHE_PAGES	50
#define CACHE_TTL_MS	1000
#define CACHE_REFRESH_MS	5000	/* a refresher that died is replaced */

struct cache_entry {
	u_int64_t	 expires;
	u_int64_t	 refreshing;	/* until when someone refreshes it */
	size_t		 len;
	u_int8_t	*data;
};

static struct cache_entry	cache[BLOG_CACHE_KINDS][CACHE_PAGES + 1];

/*
 * The cached bytes of list `kind`, page `page`, with their length in
 * *len, or NULL when the caller must build the page (nothing cached, or
 * it expired and this caller is the one to refresh it).  Valid until the
 * next blog_cache_put() of the same page.
 */
const u_int8_t *
blog_cache_get(int kind, int page, size_t *len)
{
	struct cache_entry	*e;
	u_int64_t		 now;

	if (kind < 0 || kind >= BLOG_CACHE_KINDS || page < 1 ||
	    page > CACHE_PAGES)
		return (NULL);

	e = &cache[kind][page];
	if (e->data == NULL)
		return (NULL);

	now = kore_time_ms();
	if (now >= e->expires && now >= e->refreshing) {
		e->refreshing = now + CACHE_REFRESH_MS;
		return (NULL);
	}

	*len = e->len;
	return (e->data);
}

/* Keep `len` bytes as list `kind`, page `page`, for a second. */
void
blog_cache_put(int kind, int page, const void *data, size_t len)
{
	struct cache_entry	*e;

	if (kind < 0 || kind >= BLOG_CACHE_KINDS || page < 1 ||
	    page > CACHE_PAGES)
		return;

	e = &cache[kind][page];
	kore_free(e->data);
	e->data = kore_malloc(len);
	memcpy(e->data, data, len);
	e->len = len;
	e->expires = kore_time_ms() + CACHE_TTL_MS;
	e->refreshing = 0;
}
