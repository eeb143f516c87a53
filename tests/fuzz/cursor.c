/*
 * core_cursor_parse (apps/core/cursor.c): a keyset cursor as a client
 * sends it back (?cursor=...), into output buffers of every size from 1
 * to what the callers use, each exactly that big.
 */

#include <errno.h>

#include "core/core.h"
#include "fuzz.h"

#define CALLER_LEN	24		/* blog_api.c, photos_store.c */

static int
all_digits(const char *s)
{
	return (*s != '\0' && strspn(s, "0123456789") == strlen(s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*c, *us, *id, *back;
	size_t		 uslen, idlen;
	long long	 v;
	int		 rc;

	if (len < 1)
		return (0);
	uslen = 1 + data[0] % CALLER_LEN;
	idlen = 1 + (data[0] / CALLER_LEN) % CALLER_LEN;
	if (data[0] >= 0xf0)
		uslen = idlen = CALLER_LEN;
	c = fuzz_string(data + 1, len - 1);
	if ((us = malloc(uslen)) == NULL || (id = malloc(idlen)) == NULL)
		abort();

	rc = core_cursor_parse(c, us, uslen, id, idlen);
	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	if (rc == 0) {
		FUZZ_CHECK(all_digits(us) && all_digits(id),
		    "\"%s\" gave %s and %s", c, us, id);
		FUZZ_CHECK(strlen(us) < uslen && strlen(id) < idlen,
		    "lengths %zu/%zu in %zu/%zu", strlen(us), strlen(id),
		    uslen, idlen);
		errno = 0;
		v = strtoll(us, NULL, 10);
		FUZZ_CHECK(errno == 0 && v <= 253402300799999999LL,
		    "time %s", us);
		errno = 0;
		v = strtoll(id, NULL, 10);
		FUZZ_CHECK(errno == 0 && v >= 0, "id %s", id);

		/* Nothing dropped or added: the cursor is exactly us.id. */
		if ((back = malloc(strlen(us) + strlen(id) + 2)) == NULL)
			abort();
		sprintf(back, "%s.%s", us, id);
		FUZZ_CHECK(!strcmp(back, c), "\"%s\" read as \"%s\"", c, back);
		free(back);
	}

	free(id);
	free(us);
	free(c);
	return (0);
}
