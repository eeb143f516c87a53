/*
 * A one-second cache of the public post lists, per Kore worker.
 *
 * The index is what everyone reads and nobody personalises: the list of
 * published posts of page N (its HTML, and its JSON for the API) is kept
 * for a second, so a busy worker asks PostgreSQL for each page at most
 * once a second.  A newly published, edited or deleted post shows in the
 * lists within that second.
 */

#include <string.h>

#include "blog/blog.h"

#define CACHE_PAGES	50
#define CACHE_TTL_MS	1000

struct cache_entry {
	u_int64_t	 expires;
	size_t		 len;
	u_int8_t	*data;
};

static struct cache_entry	cache[BLOG_CACHE_KINDS][CACHE_PAGES + 1];

/*
 * The cached bytes of list `kind`, page `page`, with their length in
 * *len, or NULL when there is nothing fresh.  Valid until the next
 * blog_cache_put() of the same page.
 */
const u_int8_t *
blog_cache_get(int kind, int page, size_t *len)
{
	struct cache_entry	*e;

	if (kind < 0 || kind >= BLOG_CACHE_KINDS || page < 1 ||
	    page > CACHE_PAGES)
		return (NULL);

	e = &cache[kind][page];
	if (e->data == NULL || kore_time_ms() >= e->expires)
		return (NULL);

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
}
