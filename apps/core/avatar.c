/*
 * The default avatar, until people upload their own: the name's first
 * letter on one of eight colours picked by a hash of the name (FNV-1a),
 * so a person looks the same everywhere.  Classes, not inline style: the
 * site's content security policy admits none.
 */

#include "core/core.h"

#define AVATAR_COLOURS	8

/* `name` as the site's avatar (NULL or empty: nothing). */
void
core_html_avatar(struct kore_buf *buf, const char *name)
{
	const unsigned char	*p;
	u_int32_t		 h;
	char			 initial[2];

	if (name == NULL || *name == '\0')
		return;
	h = 2166136261u;
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	initial[0] = (*name >= 'a' && *name <= 'z') ? *name - 'a' + 'A' :
	    *name;
	initial[1] = '\0';
	core_html_appendf(buf, "<span class=\"avatar av-%u\" "
	    "aria-hidden=\"true\">%s</span>", (unsigned int)(h % AVATAR_COLOURS),
	    initial);
}
