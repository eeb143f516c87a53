/*
 * Avatars: the square copies of the image a person uploaded (made by the
 * worker's avatar job, served under /media/avatar64 and /media/avatar256)
 * or, until then and for everyone without one, a default drawn by the
 * site: the initials of the display name (or the username's first
 * letter) on one of eight colours picked by a hash of the username
 * (FNV-1a), so a person looks the same everywhere.  Classes, not inline
 * style: the site's content security policy admits none.
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

#define AVATAR_COLOURS	8

static size_t	avatar_char(const char *, char *);

/* The colour class of `name` (0 to AVATAR_COLOURS - 1). */
unsigned int
core_avatar_colour(const char *name)
{
	const unsigned char	*p;
	u_int32_t		 h;

	h = 2166136261u;
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return ((unsigned int)(h % AVATAR_COLOURS));
}

/*
 * The initials into `out` (at least CORE_AVATAR_INITIALS bytes): the
 * first character of the display name's first and last words, or the
 * username's first letter when there is no display name; ASCII letters
 * in upper case.  Not escaped.
 */
void
core_avatar_initials(const char *name, const char *display, char *out)
{
	const char	*p, *last;
	size_t		 n;

	out[0] = '\0';
	p = display != NULL ? display : "";
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		if (name != NULL)
			(void)avatar_char(name, out);
		return;
	}

	n = avatar_char(p, out);
	last = NULL;
	for (; *p != '\0'; p++) {
		if ((*p == ' ' || *p == '\t') && p[1] != ' ' && p[1] != '\t' &&
		    p[1] != '\0')
			last = p + 1;
	}
	if (last != NULL)
		(void)avatar_char(last, out + n);
}

/*
 * The avatar of user `name` (display name `display`, uploaded avatar
 * `sha`: NULL or empty for none), at the small size or (`large`) the
 * profile's.  NULL or empty `name`: nothing.
 */
void
core_html_avatar_sized(struct kore_buf *buf, const char *name,
    const char *display, const char *sha, int large)
{
	char		initials[CORE_AVATAR_INITIALS];

	if (name == NULL || *name == '\0')
		return;

	if (sha != NULL && strlen(sha) == 64 &&
	    strspn(sha, "0123456789abcdef") == 64) {
		core_html_appendf(buf, "<img class=\"avatar av-img\" "
		    "src=\"/media/%s/%s.jpg\" alt=\"\" width=\"%d\" "
		    "height=\"%d\" loading=\"lazy\" decoding=\"async\">",
		    large ? "avatar256" : "avatar64", sha,
		    large ? 256 : 64, large ? 256 : 64);
		return;
	}

	core_avatar_initials(name, display, initials);
	core_html_appendf(buf, "<span class=\"avatar av-%u\" "
	    "aria-hidden=\"true\">%s</span>", core_avatar_colour(name),
	    initials);
}

/* The small avatar (%A in core_html_appendf). */
void
core_html_avatar(struct kore_buf *buf, const char *name, const char *display,
    const char *sha)
{
	core_html_avatar_sized(buf, name, display, sha, 0);
}

/*
 * A person where they wrote something (%P in core_html_appendf): the
 * small avatar and the username linked to their profile, in <strong>
 * when `strong`.  Content of a deleted account belongs to the
 * placeholder CORE_USER_DELETED, which has no profile: its name is
 * written out, not linked.
 */
void
core_html_person(struct kore_buf *buf, const char *name, const char *display,
    const char *sha, int strong)
{
	if (name != NULL && !strcmp(name, CORE_USER_DELETED)) {
		core_html_appendf(buf, "%A<span class=\"deleted-user\">%R"
		    "deleted user%R</span>", name, "deleted user", "",
		    strong ? "<strong>" : "", strong ? "</strong>" : "");
		return;
	}
	core_html_appendf(buf, "%A<a href=\"/u/%U\">%R%s%R</a>", name,
	    display, sha, name, strong ? "<strong>" : "", name,
	    strong ? "</strong>" : "");
}

/* The address of avatar `sha`'s small or (`large`) large copy, or "". */
void
core_avatar_url(const char *sha, int large, char *url, size_t len)
{
	if (sha == NULL || strlen(sha) != 64) {
		url[0] = '\0';
		return;
	}
	(void)snprintf(url, len, "/media/%s/%s.jpg",
	    large ? "avatar256" : "avatar64", sha);
}

/*
 * The first character of `s` into `out` and a NUL after it: a whole
 * UTF-8 sequence (at most 4 bytes, only if well formed), an ASCII letter
 * in upper case.  Returns the bytes written, without the NUL.
 */
static size_t
avatar_char(const char *s, char *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;

	if (p[0] < 0x80) {
		out[0] = (p[0] >= 'a' && p[0] <= 'z') ? p[0] - 'a' + 'A' :
		    (char)p[0];
		out[1] = '\0';
		return (p[0] == '\0' ? 0 : 1);
	}
	if ((p[0] & 0xe0) == 0xc0)
		n = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4;
	else
		n = 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			n = 0;
			break;
		}
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return (n);
}
