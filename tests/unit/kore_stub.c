/*
 * The few Kore functions the pure core modules call, so unit tests can
 * link those modules without the Kore runtime.
 *
 * Memory comes from plain malloc, so AddressSanitizer sees every block.
 * The kore_buf functions keep Kore 4.1.0's behaviour (src/buf.c): a
 * buffer grows to exactly what it holds, with no slack byte that could
 * hide a read past the end, and kore_buf_stringify counts its NUL in
 * the buffer's offset.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kore/kore.h>

void
fatal(const char *fmt, ...)
{
	va_list		args;

	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);

	abort();
}

void *
kore_malloc(size_t len)
{
	void	*ptr;

	if ((ptr = malloc(len)) == NULL)
		fatal("kore_malloc: %zu bytes", len);

	return (ptr);
}

void *
kore_realloc(void *ptr, size_t len)
{
	void	*nptr;

	if ((nptr = realloc(ptr, len)) == NULL)
		fatal("kore_realloc: %zu bytes", len);

	return (nptr);
}

void
kore_free(void *ptr)
{
	free(ptr);
}

void
kore_buf_init(struct kore_buf *buf, size_t initial)
{
	if (initial > 0)
		buf->data = kore_malloc(initial);
	else
		buf->data = NULL;

	buf->length = initial;
	buf->offset = 0;
	buf->flags = 0;
}

struct kore_buf *
kore_buf_alloc(size_t initial)
{
	struct kore_buf		*buf;

	buf = kore_malloc(sizeof(*buf));
	kore_buf_init(buf, initial);
	buf->flags = KORE_BUF_OWNER_API;

	return (buf);
}

void
kore_buf_append(struct kore_buf *buf, const void *data, size_t len)
{
	if ((buf->offset + len) < len)
		fatal("overflow in kore_buf_append");

	if ((buf->offset + len) > buf->length) {
		buf->length += len;
		buf->data = kore_realloc(buf->data, buf->length);
	}

	/*
	 * Kore copies even zero bytes; skipping that keeps UBSan from
	 * blaming the code under test for memcpy on an empty buffer's NULL.
	 */
	if (len > 0)
		memcpy(buf->data + buf->offset, data, len);
	buf->offset += len;
}

char *
kore_buf_stringify(struct kore_buf *buf, size_t *len)
{
	char		c;

	if (len != NULL)
		*len = buf->offset;

	c = '\0';
	kore_buf_append(buf, &c, sizeof(c));

	return ((char *)buf->data);
}

void
kore_buf_cleanup(struct kore_buf *buf)
{
	kore_free(buf->data);
	buf->data = NULL;
	buf->offset = 0;
	buf->length = 0;
}

void
kore_buf_free(struct kore_buf *buf)
{
	kore_buf_cleanup(buf);
	if (buf->flags & KORE_BUF_OWNER_API)
		kore_free(buf);
}
