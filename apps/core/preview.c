/*
 * How an app's queue items read once published: an app registers, from
 * its own code (a constructor), the renderer of its kind of item, and
 * the admin area's moderation queue shows the preview as readers will
 * see it (the blog's Markdown as HTML) without knowing the app.
 */

#include <string.h>

#include "core/core.h"

#define PREVIEW_KINDS	4

static struct {
	const char	*kind;
	char		*(*html)(const char *, size_t);
} previews[PREVIEW_KINDS];
static int	npreviews;

/* Items of `kind` render with `html` (returns malloc'd HTML or NULL). */
void
core_preview_register(const char *kind, char *(*html)(const char *, size_t))
{
	if (npreviews == PREVIEW_KINDS)
		fatal("preview: more than %d kinds", PREVIEW_KINDS);
	previews[npreviews].kind = kind;
	previews[npreviews].html = html;
	npreviews++;
}

/*
 * `text` of an item of `kind` as its app renders it: HTML the caller
 * frees with free(3), or NULL when the kind has no renderer (show the
 * text escaped) or it failed.
 */
char *
core_preview_html(const char *kind, const char *text)
{
	int	i;

	for (i = 0; i < npreviews; i++) {
		if (!strcmp(previews[i].kind, kind))
			return (previews[i].html(text, strlen(text)));
	}

	return (NULL);
}
