/*
 * What the fuzz targets share: a check that reports and aborts (libFuzzer
 * then saves the input), and a splitter of one input into NUL-separated
 * fields.
 */

#ifndef __H_AGORA_FUZZ_H
#define __H_AGORA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s: ",	\
			    __FILE__, __LINE__, #cond);			\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

#define FUZZ_FIELDS_MAX		8

struct fuzz_fields {
	int	 n;
	char	*f[FUZZ_FIELDS_MAX];	/* each its own malloc'd string */
};

/*
 * Cut `data` at NUL bytes into `max` strings; what follows the last
 * field's NUL is ignored, missing fields are "".
 */
static inline void
fuzz_split(const uint8_t *data, size_t len, int max, struct fuzz_fields *ff)
{
	const uint8_t	*p, *end, *nul;
	size_t		 n;
	int		 i;

	p = data;
	end = data + len;
	for (i = 0; i < max && i < FUZZ_FIELDS_MAX; i++) {
		nul = p < end ? memchr(p, '\0', end - p) : NULL;
		n = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
		if ((ff->f[i] = malloc(n + 1)) == NULL)
			abort();
		memcpy(ff->f[i], p, n);
		ff->f[i][n] = '\0';
		p = nul != NULL ? nul + 1 : end;
	}
	ff->n = i;
}

static inline void
fuzz_fields_free(struct fuzz_fields *ff)
{
	int	i;

	for (i = 0; i < ff->n; i++)
		free(ff->f[i]);
	ff->n = 0;
}

/* A NUL-terminated copy of the input (cut at its first NUL). */
static inline char *
fuzz_string(const uint8_t *data, size_t len)
{
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';

	return (s);
}

/* A byte that decoded text may hold: not a control but tab or LF. */
static inline int
fuzz_text_byte(char c)
{
	unsigned char	u = (unsigned char)c;

	if (u == 0x7f)
		return (0);
	return (u >= 0x20 || u == '\t' || u == '\n');
}

#endif /* !__H_AGORA_FUZZ_H */
