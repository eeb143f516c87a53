/*
 * core_form_split (apps/core/urlencode.c): a whole
 * application/x-www-form-urlencoded body, split and decoded in place as
 * form.c does for every POST.
 */

#include "core/core.h"
#include "fuzz.h"

#define FIELDS_MAX	64		/* as form.c */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*body, *names[FIELDS_MAX], *values[FIELDS_MAX];
	const char	*end;
	size_t		 blen, i;
	int		 n, k, pairs, eq;

	body = fuzz_string(data, len);
	blen = strlen(body);
	end = body + blen;

	/* A field comes from an '&'-separated pair that holds an '='. */
	for (pairs = 0, eq = 0, i = 0; i <= blen; i++) {
		if (body[i] == '&' || body[i] == '\0') {
			pairs += eq;
			eq = 0;
		} else if (body[i] == '=') {
			eq = 1;
		}
	}

	n = core_form_split(body, names, values, FIELDS_MAX);
	FUZZ_CHECK(n >= 0 && n <= FIELDS_MAX, "%d fields", n);
	FUZZ_CHECK(n <= pairs, "%d fields from %d pairs", n, pairs);

	for (k = 0; k < n; k++) {
		FUZZ_CHECK(names[k] >= body && names[k] <= end &&
		    values[k] > names[k] && values[k] <= end,
		    "field %d outside the body", k);
		FUZZ_CHECK(k == 0 || names[k] > values[k - 1],
		    "fields %d and %d out of order", k - 1, k);
		FUZZ_CHECK(core_utf8_valid(names[k], strlen(names[k])) &&
		    core_utf8_valid(values[k], strlen(values[k])),
		    "field %d is not UTF-8", k);
		for (i = 0; names[k][i] != '\0'; i++)
			FUZZ_CHECK(fuzz_text_byte(names[k][i]),
			    "name %d: byte 0x%02x", k, names[k][i]);
		for (i = 0; values[k][i] != '\0'; i++)
			FUZZ_CHECK(fuzz_text_byte(values[k][i]),
			    "value %d: byte 0x%02x", k, values[k][i]);
	}

	free(body);
	return (0);
}
