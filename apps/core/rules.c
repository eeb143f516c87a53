/*
 * Input rules shared by every app: UTF-8, usernames, emails, passwords.
 * Each rule returns 0 when the input is acceptable, or -1 with a message
 * for the user in *why.
 */

#include <ctype.h>
#include <string.h>

#include "core/core.h"

/*
 * Returns 1 when `len` bytes at `s` are well-formed UTF-8 with no NUL, no
 * overlong forms, no surrogates and nothing above U+10FFFF.
 */
int
core_utf8_valid(const char *s, size_t len)
{
	const u_int8_t	*p = (const u_int8_t *)s;
	size_t		 i, n, k;
	u_int32_t	 cp, min;

	for (i = 0; i < len; i += n) {
		if (p[i] == 0)
			return (0);
		if (p[i] < 0x80) {
			n = 1;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else {
			return (0);
		}
		if (len - i < n)
			return (0);
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
	}

	return (1);
}

/* Number of code points in a valid UTF-8 string. */
size_t
core_utf8_len(const char *s)
{
	size_t		n;

	for (n = 0; *s != '\0'; s++) {
		if (((u_int8_t)*s & 0xc0) != 0x80)
			n++;
	}

	return (n);
}

/*
 * Returns 1 when valid UTF-8 text `s` has no control characters that
 * XML 1.0 and terminals choke on: C0 controls but tab (and CR and LF when
 * `multiline`), DEL, and the non-characters U+FFFE and U+FFFF.
 */
int
core_text_clean(const char *s, int multiline)
{
	const u_int8_t	*p;

	for (p = (const u_int8_t *)s; *p != '\0'; p++) {
		if (*p == '\t')
			continue;
		if ((*p == '\n' || *p == '\r') && multiline)
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return (0);
		if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))
			return (0);
	}

	return (1);
}

/*
 * Usernames are 3 to 32 of [a-z0-9_] and compared without case: the
 * lower-cased form goes to `out` (`outlen` bytes).
 */
int
core_rule_username(const char *in, char *out, size_t outlen,
    const char **why)
{
	size_t		len, i;

	*why = NULL;
	if (in == NULL || (len = strlen(in)) == 0) {
		*why = "Choose a username.";
		return (-1);
	}

	if (len < CORE_USERNAME_MIN || len > CORE_USERNAME_MAX) {
		*why = "A username has 3 to 32 characters.";
		return (-1);
	}

	if (outlen <= len) {
		*why = "A username has 3 to 32 characters.";
		return (-1);
	}

	for (i = 0; i < len; i++) {
		if (!isascii((unsigned char)in[i]) ||
		    !(isalnum((unsigned char)in[i]) || in[i] == '_')) {
			*why = "Use only letters a-z, digits and _.";
			return (-1);
		}
		out[i] = tolower((unsigned char)in[i]);
	}
	out[len] = '\0';

	return (0);
}

/*
 * A pragmatic address check: one @, a non-empty local part, a domain with
 * a dot and no empty label, no spaces or control characters, at most 254
 * bytes.  Delivery is what proves an address; this catches typing errors.
 */
int
core_rule_email(const char *in, const char **why)
{
	const char	*at, *p;
	size_t		 len;

	*why = NULL;
	if (in == NULL || (len = strlen(in)) == 0) {
		*why = "Enter your email address.";
		return (-1);
	}

	if (len > CORE_EMAIL_MAX || !core_utf8_valid(in, len)) {
		*why = "That email address is too long or not valid.";
		return (-1);
	}

	for (p = in; *p != '\0'; p++) {
		if ((u_int8_t)*p <= 0x20 || *p == 0x7f || *p == '<' ||
		    *p == '>' || *p == '"' || *p == ',' || *p == ';') {
			*why = "An email address has no spaces or symbols "
			    "like < > \" , ;.";
			return (-1);
		}
	}

	at = strchr(in, '@');
	if (at == NULL || at == in || strchr(at + 1, '@') != NULL) {
		*why = "An email address looks like name@example.org.";
		return (-1);
	}

	p = at + 1;
	if (*p == '\0' || *p == '.' || strchr(p, '.') == NULL ||
	    strstr(p, "..") != NULL || p[strlen(p) - 1] == '.') {
		*why = "An email address looks like name@example.org.";
		return (-1);
	}

	return (0);
}

/*
 * Passwords: 8 to 128 characters (code points) of valid UTF-8, no other
 * composition rule (OWASP ASVS 2.1).
 */
int
core_rule_password(const char *in, const char **why)
{
	size_t		len, chars;

	*why = NULL;
	if (in == NULL || (len = strlen(in)) == 0) {
		*why = "Choose a password.";
		return (-1);
	}

	if (!core_utf8_valid(in, len)) {
		*why = "The password is not valid text.";
		return (-1);
	}

	chars = core_utf8_len(in);
	if (chars < CORE_PASSWORD_MIN) {
		*why = "A password has at least 8 characters.";
		return (-1);
	}

	if (chars > CORE_PASSWORD_MAX) {
		*why = "A password has at most 128 characters.";
		return (-1);
	}

	return (0);
}

/*
 * Validator for query-string and multipart fields: at most 16 KiB of valid UTF-8.
 * Anything else is dropped by Kore and treated as missing.
 */
int
v_text(struct http_request *req, char *data)
{
	size_t		len;

	len = strlen(data);
	if (len > 16 * 1024)
		return (KORE_RESULT_ERROR);

	return (core_utf8_valid(data, len) ? KORE_RESULT_OK :
	    KORE_RESULT_ERROR);
}
