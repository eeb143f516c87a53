/*
 * The blog's public lists (HTML and JSON, pages 1 to 50) in the core's
 * one-second cache (apps/core/cache.c).
 */

#include <stdio.h>

#include "blog/blog.h"

static int	cache_key(int, int, char *, size_t);

const u_int8_t *
blog_cache_get(int kind, int page, size_t *len)
{
	char		key[CORE_CACHE_KEY_MAX];

	if (cache_key(kind, page, key, sizeof(key)) == -1)
		return (NULL);

	return (core_cache_get(key, len));
}

void
blog_cache_put(int kind, int page, const void *data, size_t len)
{
	char		key[CORE_CACHE_KEY_MAX];

	if (cache_key(kind, page, key, sizeof(key)) == 0)
		core_cache_put(key, data, len);
}

static int
cache_key(int kind, int page, char *key, size_t len)
{
	if (kind < 0 || kind >= BLOG_CACHE_KINDS || page < 1 ||
	    page > BLOG_CACHE_PAGES)
		return (-1);

	(void)snprintf(key, len, "blog:%s:%d",
	    kind == BLOG_CACHE_HTML ? "html" : "json", page);
	return (0);
}
