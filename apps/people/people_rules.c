/*
 * What a profile's fields may hold.  Each rule returns 0, or -1 with
 * `why` set to a sentence the form and the problem+json show.  The
 * database checks the same limits (sql/014_people.sql).
 */

#include <string.h>

#include "people/people.h"

static int	text_rule(const char *, size_t, int, const char *,
		    const char **);

/* One line of at most PEOPLE_DISPLAY_NAME_MAX characters, or empty. */
int
people_rule_display_name(const char *s, const char **why)
{
	if (text_rule(s, PEOPLE_DISPLAY_NAME_MAX, 0,
	    "At most 50 characters.", why) == -1)
		return (-1);
	if (*s == ' ' || (*s != '\0' && s[strlen(s) - 1] == ' ')) {
		*why = "No spaces at the start or the end of the name.";
		return (-1);
	}
	return (0);
}

/* Plain text of at most PEOPLE_BIO_MAX characters, lines allowed. */
int
people_rule_bio(const char *s, const char **why)
{
	return (text_rule(s, PEOPLE_BIO_MAX, 1, "At most 500 characters.",
	    why));
}

/*
 * An http or https address of at most PEOPLE_WEBSITE_MAX characters
 * with a host and no spaces or quotes, or empty.  Anything else
 * (javascript:, data:, a relative path) is refused, not rewritten.
 */
int
people_rule_website(const char *s, const char **why)
{
	const char	*host, *p;

	if (*s == '\0')
		return (0);
	if (text_rule(s, PEOPLE_WEBSITE_MAX, 0,
	    "At most 200 characters.", why) == -1)
		return (-1);
	if (!strncasecmp(s, "https://", 8))
		host = s + 8;
	else if (!strncasecmp(s, "http://", 7))
		host = s + 7;
	else {
		*why = "The website must start with https:// or http://.";
		return (-1);
	}
	if (*host == '\0' || *host == '/' || *host == ':' || *host == '@') {
		*why = "The website needs a host name after https://.";
		return (-1);
	}
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || strchr("\"'<>\\`", *p) != NULL) {
			*why = "The website may not contain spaces, quotes or "
			    "angle brackets.";
			return (-1);
		}
	}
	return (0);
}

static int
text_rule(const char *s, size_t max, int multiline, const char *too_long,
    const char **why)
{
	if (!core_utf8_valid(s, strlen(s)) || !core_text_clean(s, multiline)) {
		*why = multiline ? "Use text without control characters." :
		    "Use one line of text without control characters.";
		return (-1);
	}
	if (core_utf8_len(s) > max) {
		*why = too_long;
		return (-1);
	}
	return (0);
}
