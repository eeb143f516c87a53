/*
 * Keyset cursors "<microseconds>.<id>" (plain C, no Kore), as the blog
 * and photo lists hand them out and read them back from the client.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* 9999-12-31 23:59:59.999999 UTC in microseconds since the epoch. */
#define CURSOR_US_MAX		253402300799999999LL

static int	cursor_number(const char *, size_t, char *, size_t, long long);

/*
 * A keyset cursor "<microseconds>.<id>" as the lists hand them out: a
 * time no later than the year 9999 and a bigint id, both plain decimals
 * that may be 0 ("0.0" is before everything: an empty last page), copied
 * into `us` and `id`.  Returns 0, or -1 when it is not one.
 */
int
core_cursor_parse(const char *c, char *us, size_t uslen, char *id,
    size_t idlen)
{
	const char	*dot;

	if ((dot = strchr(c, '.')) == NULL)
		return (-1);
	if (cursor_number(c, dot - c, us, uslen, CURSOR_US_MAX) == -1)
		return (-1);

	return (cursor_number(dot + 1, strlen(dot + 1), id, idlen,
	    INT64_MAX));
}

static int
cursor_number(const char *s, size_t n, char *out, size_t outlen,
    long long max)
{
	long long	v;

	if (n == 0 || n >= outlen || n > 19 || strspn(s, "0123456789") < n)
		return (-1);
	memcpy(out, s, n);
	out[n] = '\0';

	errno = 0;
	v = strtoll(out, NULL, 10);
	if (errno != 0 || v < 0 || v > max)
		return (-1);

	return (0);
}
