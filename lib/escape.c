/*
 * The one HTML escaper: the site's core_html_escape and the worker's
 * mail templates both write through it.
 */

#include <string.h>

#include "escape.h"

/*
 * Pass `s` to `put` escaped for HTML text and for quoted attribute
 * values: & < > " ' become entities, everything else goes in runs.
 * NULL passes nothing.
 */
void
agora_html_escape(const char *s, void (*put)(void *, const char *, size_t),
    void *arg)
{
	const char	*p, *run;
	const char	*ent;

	if (s == NULL)
		return;

	for (run = p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			continue;
		}
		if (p > run)
			put(arg, run, p - run);
		put(arg, ent, strlen(ent));
		run = p + 1;
	}

	if (p > run)
		put(arg, run, p - run);
}
