/*
 * The few Kore functions the pure core modules call, for unit tests that
 * link those modules without the Kore runtime: kore_buf on plain malloc.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

void *
kore_malloc(size_t len)
{
	void	*p;

	if ((p = malloc(len)) == NULL)
		abort();
	return (p);
}

void *
kore_realloc(void *ptr, size_t len)
{
	void	*p;

	if ((p = realloc(ptr, len)) == NULL)
		abort();
	return (p);
}

void
kore_free(void *ptr)
{
	free(ptr);
}

void
kore_buf_init(struct kore_buf *buf, size_t initial)
{
	buf->data = kore_malloc(initial);
	buf->length = initial;
	buf->offset = 0;
}

struct kore_buf *
kore_buf_alloc(size_t initial)
{
	struct kore_buf	*buf;

	buf = kore_malloc(sizeof(*buf));
	kore_buf_init(buf, initial);
	return (buf);
}

void
kore_buf_append(struct kore_buf *buf, const void *d, size_t len)
{
	if (buf->offset + len + 1 > buf->length) {
		buf->length = (buf->offset + len + 1) * 2;
		buf->data = kore_realloc(buf->data, buf->length);
	}
	memcpy(buf->data + buf->offset, d, len);
	buf->offset += len;
}

char *
kore_buf_stringify(struct kore_buf *buf, size_t *len)
{
	kore_buf_append(buf, "", 1);
	buf->offset--;
	if (len != NULL)
		*len = buf->offset;
	return ((char *)buf->data);
}

void
kore_buf_cleanup(struct kore_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->offset = buf->length = 0;
}

void
kore_buf_free(struct kore_buf *buf)
{
	kore_buf_cleanup(buf);
	free(buf);
}
