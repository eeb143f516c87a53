/*
 * core_envfile_read (lib/envfile.c): a settings file of any bytes,
 * read as the site and the worker read agora.env, with every pair it
 * hands over checked.  The first input byte decides which pair, if any,
 * the receiver refuses.
 */

#include <ctype.h>

#include "envfile.h"
#include "fuzz.h"

struct seen {
	int	pairs;
	int	refuse;
};

static int
take(const char *key, const char *value, void *arg, char *why, size_t len)
{
	struct seen	*s = arg;

	FUZZ_CHECK(*key != '\0', "empty key");
	FUZZ_CHECK(!isspace((unsigned char)*key), "key \"%s\" starts blank",
	    key);
	FUZZ_CHECK(strchr(key, '=') == NULL, "key \"%s\" holds =", key);
	FUZZ_CHECK(*key != '#', "comment \"%s\" taken as a key", key);
	FUZZ_CHECK(strpbrk(key, "\r\n") == NULL &&
	    strpbrk(value, "\r\n") == NULL, "line break in %s", key);
	FUZZ_CHECK(strlen(key) + strlen(value) < 1024, "pair too long");

	if (++s->pairs == s->refuse) {
		snprintf(why, len, "refused");
		return (-1);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct seen	 s;
	FILE		*fp;
	char		*copy, err[256];
	int		 rc;

	if (len < 1)
		return (0);
	s.pairs = 0;
	s.refuse = data[0] % 8;		/* 0: take them all */

	/* fmemopen wants a buffer it may own for "r"; give it a copy. */
	if ((copy = malloc(len)) == NULL)
		abort();
	memcpy(copy, data + 1, len - 1);
	if (len == 1)
		copy[0] = '\n';	/* fmemopen wants a byte: a blank line */
	if ((fp = fmemopen(copy, len > 1 ? len - 1 : 1, "r")) == NULL)
		abort();

	err[0] = '\0';
	rc = core_envfile_read(fp, "fuzz.env", take, &s, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	FUZZ_CHECK(rc == 0 || !strncmp(err, "fuzz.env", 8),
	    "error without a message: \"%s\"", err);
	FUZZ_CHECK(s.refuse == 0 || s.pairs < s.refuse || rc == -1,
	    "a refused pair did not stop the read");

	fclose(fp);
	free(copy);
	return (0);
}
