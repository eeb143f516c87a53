/*
 * Times in pages, in one format: <time datetime="ISO 8601 UTC"> with the
 * exact UTC time as its text, which /static/time.js turns into relative
 * text in the reader's language and time zone, the exact local time on
 * hover.  Readers without scripts keep the exact UTC time.
 */

#include <stdio.h>

#include "core/core.h"

static const char *months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec"
};

/* `iso` as CORE_SQL_TS writes it ("2026-12-02T03:27:16Z"). */
void
core_html_time(struct kore_buf *buf, const char *iso)
{
	char	text[64];
	int	y, mo, d, h, mi, s;

	if (iso == NULL || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d,
	    &h, &mi, &s) != 6 || mo < 1 || mo > 12) {
		core_html_appendf(buf, "<time>%s</time>", iso);
		return;
	}
	(void)snprintf(text, sizeof(text), "%d %s %d, %02d:%02d UTC", d,
	    months[mo - 1], y, h, mi);
	core_html_appendf(buf, "<time datetime=\"%s\">%s</time>", iso, text);
}
