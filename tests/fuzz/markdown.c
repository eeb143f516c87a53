/*
 * blog_markdown_html (apps/blog/markdown.c): user Markdown to HTML, and
 * what may never come out of it; and blog_markdown_text, the excerpt,
 * never longer than asked.  The output is read as a browser would
 * read its tags: only the elements cmark itself writes, no event handler
 * attribute (on...=), no <script, and every href and src relative or
 * http, https or mailto once entities are decoded and the characters a
 * browser ignores in a URL are dropped.
 */

#include <ctype.h>
#include <strings.h>

#include "blog/markdown.h"
#include "fuzz.h"

static const char *const tags[] = {
	"a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5",
	"h6", "hr", "img", "li", "ol", "p", "pre", "strong", "ul", NULL
};

static void	check_html(const char *);
static const char *check_tag(const char *, const char *);
static void	check_url(const char *, size_t, const char *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*html;
	char		*text;
	size_t		 max, n;
	int		 more;

	if ((html = blog_markdown_html((const char *)data, len)) == NULL)
		return (0);
	check_html(html);
	free(html);

	/* The excerpt: at most `max` bytes, no space at either end. */
	max = len > 0 ? data[0] : 0;
	if ((text = blog_markdown_text((const char *)data, len, max,
	    &more)) == NULL)
		return (0);
	n = strlen(text);
	FUZZ_CHECK(n <= max, "excerpt of %zu bytes over %zu", n, max);
	FUZZ_CHECK(n == 0 || (text[0] != ' ' && text[n - 1] != ' '),
	    "excerpt with a space at an end: '%s'", text);
	free(text);

	return (0);
}

static void
check_html(const char *html)
{
	const char	*p;

	p = html;
	while (*p != '\0') {
		FUZZ_CHECK(strncasecmp(p, "<script", 7) != 0,
		    "<script in %s", html);
		if (*p == '<') {
			p = check_tag(p, html);
			continue;
		}
		FUZZ_CHECK(*p != '>', "stray > at %zu in %s",
		    (size_t)(p - html), html);
		p++;
	}
}

/* The tag at `p`; returns what follows its '>'. */
static const char *
check_tag(const char *p, const char *html)
{
	const char	*name, *val;
	size_t		 n, vlen, i;
	int		 known;
	char		 q;

	p++;
	if (!strncmp(p, "!-- raw HTML omitted -->", 24))
		return (p + 24);
	if (*p == '/')
		p++;
	name = p;
	while (isalnum((unsigned char)*p))
		p++;
	n = p - name;
	for (known = 0, i = 0; tags[i] != NULL; i++)
		known |= strlen(tags[i]) == n && !strncmp(tags[i], name, n);
	FUZZ_CHECK(known, "tag <%.*s> in %s", (int)n, name, html);

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '>')
			return (p + 1);
		if (*p == '/' && p[1] == '>')
			return (p + 2);
		FUZZ_CHECK(*p != '\0', "unclosed tag in %s", html);
		name = p;
		while (*p != '\0' && *p != '=' && *p != ' ' && *p != '>' &&
		    *p != '/')
			p++;
		n = p - name;
		FUZZ_CHECK(n > 0, "empty attribute name in %s", html);
		FUZZ_CHECK(n < 2 || strncasecmp(name, "on", 2) != 0,
		    "handler %.*s in %s", (int)n, name, html);
		if (*p != '=')
			continue;
		p++;
		FUZZ_CHECK(*p == '"', "unquoted value in %s", html);
		q = *p++;
		val = p;
		while (*p != '\0' && *p != q) {
			FUZZ_CHECK(*p != '<' && *p != '>',
			    "%c in an attribute in %s", *p, html);
			p++;
		}
		FUZZ_CHECK(*p == q, "unterminated value in %s", html);
		vlen = p - val;
		p++;
		if ((n == 4 && !strncasecmp(name, "href", 4)) ||
		    (n == 3 && !strncasecmp(name, "src", 3)))
			check_url(val, vlen, html);
	}
}

/*
 * A URL as the browser sees it: entities decoded, tab and line breaks
 * removed, leading controls and spaces stripped.  Then its scheme, if it
 * has one, is http, https or mailto.
 */
static void
check_url(const char *v, size_t len, const char *html)
{
	char		 url[4096];
	size_t		 i, o, n;
	unsigned long	 cp;
	char		*end;

	for (i = o = 0; i < len && o < sizeof(url) - 8; i++) {
		if (v[i] == '&') {
			if (v[i + 1] == '#') {
				cp = (v[i + 2] == 'x' || v[i + 2] == 'X') ?
				    strtoul(v + i + 3, &end, 16) :
				    strtoul(v + i + 2, &end, 10);
				FUZZ_CHECK(*end == ';', "entity in %s", html);
				i = end - v;
				if (cp < 0x80) {
					url[o++] = (char)cp;
					continue;
				}
				url[o++] = '?';		/* not ASCII */
				continue;
			}
			n = strcspn(v + i, ";");
			if (!strncmp(v + i, "&amp;", 5))
				url[o++] = '&';
			else if (!strncmp(v + i, "&quot;", 6))
				url[o++] = '"';
			else if (!strncmp(v + i, "&lt;", 4))
				url[o++] = '<';
			else if (!strncmp(v + i, "&gt;", 4))
				url[o++] = '>';
			else
				FUZZ_CHECK(0, "entity %.*s in %s", (int)n,
				    v + i, html);
			i += n;
			continue;
		}
		if (v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
			continue;
		if (o == 0 && (unsigned char)v[i] <= 0x20)
			continue;
		url[o++] = v[i];
	}
	url[o] = '\0';

	n = strcspn(url, ":/?#");
	if (url[n] != ':')
		return;
	FUZZ_CHECK((n == 4 && !strncasecmp(url, "http", 4)) ||
	    (n == 5 && !strncasecmp(url, "https", 5)) ||
	    (n == 6 && !strncasecmp(url, "mailto", 6)),
	    "link to \"%s\" in %s", url, html);
}
