/*
 * Markdown to safe HTML with cmark.
 *
 * Raw HTML in the source is shown as text (escaped), not dropped or
 * passed through; links and images keep only http:, https: and relative
 * URLs (javascript:, data:, vbscript: and every other scheme become an
 * empty link).  cmark's safe mode is on as a second fence.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "blog/markdown.h"

#define FIX_MAX		4096

static int	url_allowed(const char *);
static void	html_to_text(cmark_node *);

/*
 * Render `len` bytes of Markdown.  Returns a NUL-terminated string to
 * free() with free(), or NULL when out of memory.
 */
char *
blog_markdown_html(const char *md, size_t len)
{
	cmark_node	*doc, *node, *fix[FIX_MAX];
	cmark_iter	*it;
	cmark_event_type ev;
	const char	*url;
	char		*html;
	size_t		 nfix, i;

	if ((doc = cmark_parse_document(md, len, CMARK_OPT_VALIDATE_UTF8)) ==
	    NULL)
		return (NULL);

	/* Collect first, change after: the iterator must not see edits. */
	nfix = 0;
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		node = cmark_iter_get_node(it);
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE:
			if (nfix < FIX_MAX)
				fix[nfix++] = node;
			else
				cmark_node_set_literal(node, "");
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			url = cmark_node_get_url(node);
			if (url != NULL && !url_allowed(url))
				cmark_node_set_url(node, "");
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);

	for (i = 0; i < nfix; i++)
		html_to_text(fix[i]);

	html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	cmark_node_free(doc);

	return (html);
}

/*
 * http(s) URLs and relative ones (no scheme before the first /, ? or #).
 * cmark has already decoded entities, so "jav&#x61;script:" arrives here
 * as "javascript:".
 */
static int
url_allowed(const char *url)
{
	size_t		n;

	n = strcspn(url, ":/?#");
	if (url[n] != ':')
		return (1);

	if ((n == 4 && strncasecmp(url, "http", 4) == 0) ||
	    (n == 5 && strncasecmp(url, "https", 5) == 0))
		return (1);

	return (0);
}

/* Replace a raw HTML node with text showing the same characters. */
static void
html_to_text(cmark_node *node)
{
	cmark_node	*text, *para;
	const char	*lit;

	lit = cmark_node_get_literal(node);
	if ((text = cmark_node_new(CMARK_NODE_TEXT)) == NULL)
		return;
	cmark_node_set_literal(text, lit != NULL ? lit : "");

	if (cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE) {
		cmark_node_replace(node, text);
		cmark_node_free(node);
		return;
	}

	if ((para = cmark_node_new(CMARK_NODE_PARAGRAPH)) == NULL) {
		cmark_node_free(text);
		return;
	}
	cmark_node_append_child(para, text);
	cmark_node_replace(node, para);
	cmark_node_free(node);
}
