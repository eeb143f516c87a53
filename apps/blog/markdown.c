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
static int	lead_url(const char *, char *);

/* The plain text being gathered by blog_markdown_text. */
struct text_out {
	char		*s;
	size_t		 len;
	size_t		 max;
	int		 space;		/* a space is owed before more text */
	int		 full;
};

static void	text_add(struct text_out *, const char *);

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

/*
 * The text of `len` bytes of Markdown as a reader sees it, without its
 * markup (headings, emphasis, links, list marks, code fences): the
 * words of every block, runs of white space and the breaks between
 * blocks as one space.  Raw HTML is text, as blog_markdown_html shows
 * it.  At most `max` bytes, cut after the last whole word that fits
 * (whole UTF-8 characters); `*more` says whether anything was cut.
 * Returns a NUL-terminated string to free() with free(), or NULL when
 * out of memory.
 */
char *
blog_markdown_text(const char *md, size_t len, size_t max, int *more)
{
	return (blog_markdown_summary(md, len, max, more, NULL));
}

/*
 * As blog_markdown_text, and when `lead` is not NULL the first image of
 * the text that is one of the site's own (/media/display/<sha256>.jpg,
 * as the editor inserts them) in `lead`: its hash, and its alt text
 * (the image's words, at most BLOG_LEAD_ALT_MAX bytes, whole words).
 * lead->sha is "" when there is none.  One parse for both.
 */
char *
blog_markdown_summary(const char *md, size_t len, size_t max, int *more,
    struct blog_lead *lead)
{
	struct text_out		 out, alt;
	cmark_node		*doc, *node, *img;
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node_type		 type;
	const char		*lit;

	*more = 0;
	if (lead != NULL) {
		lead->sha[0] = '\0';
		lead->alt[0] = '\0';
	}
	if ((doc = cmark_parse_document(md, len, CMARK_OPT_VALIDATE_UTF8)) ==
	    NULL)
		return (NULL);
	if ((out.s = malloc(max + 1)) == NULL) {
		cmark_node_free(doc);
		return (NULL);
	}
	out.len = 0;
	out.max = max;
	out.space = 0;
	out.full = 0;
	alt.s = lead != NULL ? lead->alt : NULL;
	alt.len = 0;
	alt.max = BLOG_LEAD_ALT_MAX;
	alt.space = 0;
	alt.full = 0;
	img = NULL;

	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		type = cmark_node_get_type(node);
		if (out.full && (lead == NULL ||
		    (lead->sha[0] != '\0' && img == NULL)))
			break;
		if (ev == CMARK_EVENT_EXIT) {
			if (type >= CMARK_NODE_FIRST_BLOCK &&
			    type <= CMARK_NODE_LAST_BLOCK)
				out.space = 1;
			if (node == img) {
				img = NULL;
				lead->alt[alt.len] = '\0';
			}
			continue;
		}
		if (type == CMARK_NODE_IMAGE && lead != NULL &&
		    lead->sha[0] == '\0' && lead_url(cmark_node_get_url(node),
		    lead->sha))
			img = node;
		switch (type) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_INLINE:
		case CMARK_NODE_HTML_BLOCK:
			if ((lit = cmark_node_get_literal(node)) == NULL)
				break;
			if (!out.full)
				text_add(&out, lit);
			if (img != NULL && !alt.full)
				text_add(&alt, lit);
			if (type == CMARK_NODE_CODE_BLOCK ||
			    type == CMARK_NODE_HTML_BLOCK)
				out.space = 1;
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			out.space = 1;
			alt.space = 1;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	if (img != NULL)
		lead->alt[alt.len] = '\0';

	*more = out.full;
	out.s[out.len] = '\0';
	return (out.s);
}

/*
 * Whether `url` is /media/display/<64 hex>.jpg; the hash into `sha`
 * (BLOG_LEAD_SHA_MAX bytes) when it is.
 */
static int
lead_url(const char *url, char *sha)
{
	static const char	prefix[] = "/media/display/";
	size_t			i;

	if (url == NULL || strncmp(url, prefix, sizeof(prefix) - 1))
		return (0);
	url += sizeof(prefix) - 1;
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)url[i]) ||
		    isupper((unsigned char)url[i]))
			return (0);
	}
	if (strcmp(url + 64, ".jpg"))
		return (0);
	memcpy(sha, url, 64);
	sha[64] = '\0';

	return (1);
}

/*
 * Append `t` with its white space collapsed; once the next character
 * does not fit, cut back to the end of the last whole word and stop.
 */
static void
text_add(struct text_out *out, const char *t)
{
	size_t		 k, need;
	int		 starts;
	unsigned char	 lead;

	for (; *t != '\0'; t++) {
		if (isspace((unsigned char)*t)) {
			out->space = 1;
			continue;
		}
		starts = out->space || out->len == 0;
		if (out->space && out->len > 0) {
			if (out->len + 1 > out->max)
				goto full;
			out->s[out->len++] = ' ';
		}
		out->space = 0;
		if (out->len + 1 > out->max) {
			if (!starts)
				goto cut;
			goto full;
		}
		out->s[out->len++] = *t;
	}
	return;

cut:
	/* In the middle of a word: back to the space before it. */
	for (k = out->len; k > 0 && out->s[k - 1] != ' '; k--)
		;
	if (k > 0) {
		out->len = k;
	} else {
		/* One word longer than `max`: whole characters of it. */
		for (k = out->len; k > 0 &&
		    ((unsigned char)out->s[k - 1] & 0xc0) == 0x80; k--)
			;
		if (k > 0) {
			lead = (unsigned char)out->s[k - 1];
			need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 :
			    lead >= 0xc0 ? 2 : 1;
			if (k - 1 + need > out->len)
				out->len = k - 1;
		}
	}
full:
	out->full = 1;
	while (out->len > 0 && out->s[out->len - 1] == ' ')
		out->len--;
}
