/*
 * Splitting and decoding application/x-www-form-urlencoded bodies (plain
 * C, no Kore), for the form parser in form.c.
 */

#include <stddef.h>
#include <string.h>

#include "core/core.h"

static int	hex_value(char);

/*
 * Split a urlencoded body in place into at most `max` decoded pairs:
 * `names[i]` and `values[i]` point into `data`.  A pair without '=' or
 * whose name or value does not decode is skipped.  Returns the number
 * of pairs.
 */
int
core_form_split(char *data, char **names, char **values, int max)
{
	char		*pair, *eq, *next;
	int		 n;

	n = 0;
	for (pair = data; pair != NULL && *pair != '\0' && n < max;
	    pair = next) {
		if ((next = strchr(pair, '&')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(pair, '=')) == NULL)
			continue;
		*eq = '\0';
		if (core_form_decode(pair) == -1 ||
		    core_form_decode(eq + 1) == -1)
			continue;
		names[n] = pair;
		values[n] = eq + 1;
		n++;
	}

	return (n);
}

/*
 * Decode one urlencoded token in place: '+' is a space, %XX a byte.
 * CR LF and lone CR become LF.  Returns 0, or -1 for a NUL or a control
 * character other than tab and newline, a broken escape, or invalid
 * UTF-8 (then the token's content is undefined).
 */
int
core_form_decode(char *s)
{
	char		*in, *out;
	int		 hi, lo;
	unsigned char	 c;

	for (in = out = s; *in != '\0'; in++) {
		c = (unsigned char)*in;
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if ((hi = hex_value(in[1])) == -1 ||
			    (lo = hex_value(in[2])) == -1)
				return (-1);
			c = (unsigned char)(hi << 4 | lo);
			in += 2;
		}
		if (c == '\r') {
			if (in[1] == '\n' || (in[1] == '%' && in[2] == '0' &&
			    (in[3] == 'a' || in[3] == 'A')))
				continue;
			c = '\n';
		}
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return (-1);
		*out++ = (char)c;
	}
	*out = '\0';

	return (core_utf8_valid(s, out - s) ? 0 : -1);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}
