/*
 * core_form_decode (apps/core/urlencode.c): one urlencoded token, decoded
 * in place, checked against a plain reference decoder written from the
 * rules in its comment.
 */

#include "core/core.h"
#include "fuzz.h"

static int	ref_hex(int);
static int	ref_decode(const char *, char *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*s, *ref;
	size_t		 i;
	int		 rc, want;

	s = fuzz_string(data, len);
	if ((ref = malloc(strlen(s) + 1)) == NULL)
		abort();

	want = ref_decode(s, ref);
	rc = core_form_decode(s);
	FUZZ_CHECK(rc == want, "decode says %d, reference %d", rc, want);

	if (rc == 0) {
		FUZZ_CHECK(!strcmp(s, ref), "decoded \"%s\", reference \"%s\"",
		    s, ref);
		FUZZ_CHECK(core_utf8_valid(s, strlen(s)), "invalid UTF-8");
		for (i = 0; s[i] != '\0'; i++) {
			FUZZ_CHECK(fuzz_text_byte(s[i]),
			    "control byte 0x%02x at %zu", s[i], i);
		}
	}

	free(ref);
	free(s);
	return (0);
}

static int
ref_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Bytes first ('+' a space, %XX a byte, a broken escape an error), then
 * line ends (CR LF and a lone CR are LF), then what may not be there
 * (NUL, controls other than tab and LF, DEL, invalid UTF-8).
 */
static int
ref_decode(const char *in, char *out)
{
	unsigned char	*raw;
	size_t		 i, n, o;
	int		 hi, lo;

	if ((raw = malloc(strlen(in) + 1)) == NULL)
		abort();
	for (i = n = 0; in[i] != '\0'; i++) {
		if (in[i] == '+') {
			raw[n++] = ' ';
		} else if (in[i] == '%') {
			if ((hi = ref_hex(in[i + 1])) == -1 ||
			    (lo = ref_hex(in[i + 2])) == -1) {
				free(raw);
				return (-1);
			}
			raw[n++] = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else {
			raw[n++] = (unsigned char)in[i];
		}
	}

	for (i = o = 0; i < n; i++) {
		if (raw[i] == '\r') {
			if (i + 1 < n && raw[i + 1] == '\n')
				continue;
			raw[i] = '\n';
		}
		if ((raw[i] < 0x20 && raw[i] != '\t' && raw[i] != '\n') ||
		    raw[i] == 0x7f) {
			free(raw);
			return (-1);
		}
		out[o++] = (char)raw[i];
	}
	out[o] = '\0';
	free(raw);

	return (core_utf8_valid(out, o) ? 0 : -1);
}
