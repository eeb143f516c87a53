/*
 * A growable byte string for building mail and SQL array literals.
 * Allocation failure ends the process (the supervisor restarts it).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

void
mbuf_add(struct mbuf *b, const void *data, size_t len)
{
	size_t		need;

	if (len > SIZE_MAX / 2 - b->len - 1) {
		worker_log("fatal", "mbuf: size overflow");
		exit(1);
	}

	need = b->len + len + 1;
	if (need > b->cap) {
		b->cap = need < 256 ? 256 : need * 2;
		if ((b->d = realloc(b->d, b->cap)) == NULL) {
			worker_log("fatal", "out of memory");
			exit(1);
		}
	}

	memcpy(b->d + b->len, data, len);
	b->len += len;
	b->d[b->len] = '\0';
}

void
mbuf_adds(struct mbuf *b, const char *s)
{
	mbuf_add(b, s, strlen(s));
}

void
mbuf_addf(struct mbuf *b, const char *fmt, ...)
{
	va_list		 ap;
	char		 small[256], *big;
	int		 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;

	if ((size_t)n < sizeof(small)) {
		mbuf_add(b, small, n);
		return;
	}

	if ((big = malloc(n + 1)) == NULL) {
		worker_log("fatal", "out of memory");
		exit(1);
	}
	va_start(ap, fmt);
	(void)vsnprintf(big, n + 1, fmt, ap);
	va_end(ap);
	mbuf_add(b, big, n);
	free(big);
}

void
mbuf_free(struct mbuf *b)
{
	free(b->d);
	memset(b, 0, sizeof(*b));
}
