/*
 * Markdown sanitising (apps/blog/markdown.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "blog/markdown.h"

static char	*html;

static const char *
render(const char *md)
{
	free(html);
	html = blog_markdown_html(md, strlen(md));
	assert_non_null(html);
	return (html);
}

static int
contains_ci(const char *hay, const char *needle)
{
	size_t	n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return (1);
	}
	return (0);
}

static void
renders_markdown(void **state)
{
	assert_string_equal(render("# Title\n\n*em* **strong**"),
	    "<h1>Title</h1>\n<p><em>em</em> <strong>strong</strong></p>\n");
	assert_non_null(strstr(render("- a\n- b"), "<li>a</li>"));
	assert_non_null(strstr(render("`<b>`"), "<code>&lt;b&gt;</code>"));
}

static void
raw_html_is_text(void **state)
{
	const char	*out;

	out = render("<script>alert(1)</script>");
	assert_null(strstr(out, "<script"));
	assert_non_null(strstr(out, "&lt;script&gt;"));

	out = render("a <img src=x onerror=alert(1)> b");
	assert_null(strstr(out, "<img"));
	assert_non_null(strstr(out, "&lt;img src=x onerror=alert(1)&gt;"));

	out = render("<div>\n<svg onload=alert(1)>\n</div>");
	assert_null(strstr(out, "<svg"));
	assert_null(strstr(out, "<div"));

	out = render("<iframe src=//evil></iframe>");
	assert_null(strstr(out, "<iframe"));
}

static void
only_safe_urls(void **state)
{
	const char	*bad[] = {
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](jav&#x61;script:alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](data:text/html;base64,PHNjcmlwdD4=)",
		"![x](data:image/png;base64,AAAA)",
		"![x](file:///etc/passwd)",
		"<javascript:alert(1)>",
	};
	size_t		 i;

	/* An unsafe URL may remain as visible text, never as a URL. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		render(bad[i]);
		assert_false(contains_ci(html, "=\"javascript:"));
		assert_false(contains_ci(html, "=\"vbscript:"));
		assert_false(contains_ci(html, "=\"data:"));
		assert_false(contains_ci(html, "=\"file:"));
		assert_false(contains_ci(html, "=\"jav"));
	}

	assert_non_null(strstr(render("[a](https://example.org/x?y=1)"),
	    "href=\"https://example.org/x?y=1\""));
	assert_non_null(strstr(render("[a](http://example.org)"),
	    "href=\"http://example.org\""));
	assert_non_null(strstr(render("[a](/blog/1)"), "href=\"/blog/1\""));
	assert_non_null(strstr(render("[a](#top)"), "href=\"#top\""));
	assert_non_null(strstr(render("![i](/media/display/a.jpg)"),
	    "src=\"/media/display/a.jpg\""));
}

static void
attributes_escaped(void **state)
{
	const char	*out;

	out = render("[x](https://example.org/\"onmouseover=\"alert(1))");
	assert_null(strstr(out, "\"onmouseover"));
	out = render("![\"><script>](https://example.org/i.png)");
	assert_null(strstr(out, "<script"));
}

static char	*text;

static const char *
plain(const char *md, size_t max, int *more)
{
	free(text);
	text = blog_markdown_text(md, strlen(md), max, more);
	assert_non_null(text);
	assert_true(strlen(text) <= max);
	return (text);
}

static void
excerpt_is_plain_text(void **state)
{
	int		more;

	(void)state;
	assert_string_equal(plain("## Why we walk\n\nUp the **north ridge**,"
	    " then [the lake](https://example.org).\n\n- water\n- bread\n",
	    200, &more), "Why we walk Up the north ridge, then the lake. "
	    "water bread");
	assert_false(more);
	assert_string_equal(plain("```\ncode  here\n```\nand `x`  <b>y</b>",
	    200, &more), "code here and x <b>y</b>");
	assert_string_equal(plain("", 10, &more), "");
	assert_false(more);
}

static void
excerpt_cuts_at_a_word(void **state)
{
	int		more;

	(void)state;
	assert_string_equal(plain("one two three", 9, &more), "one two");
	assert_true(more);
	assert_string_equal(plain("one two three", 8, &more), "one two");
	assert_true(more);
	assert_string_equal(plain("one two three", 7, &more), "one two");
	assert_true(more);
	assert_string_equal(plain("one **two** three", 13, &more),
	    "one two three");
	assert_false(more);
	/* One long word: whole characters of it. */
	assert_string_equal(plain("\xc3\xa9\xc3\xa9\xc3\xa9", 5, &more),
	    "\xc3\xa9\xc3\xa9");
	assert_true(more);
	assert_string_equal(plain("a\xe2\x82\xac", 3, &more), "a");
}

#define SHA_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char *
lead_of(const char *md, struct blog_lead *lead, size_t max)
{
	int		more;

	free(text);
	text = blog_markdown_summary(md, strlen(md), max, &more, lead);
	assert_non_null(text);
	return (text);
}

/* The first of the site's own images, with its words, in the same walk. */
static void
lead_picture(void **state)
{
	struct blog_lead	lead;

	(void)state;
	assert_string_equal(lead_of("Intro.\n\n![A *red* fox](https://"
	    "example.org/x.jpg)\n\n![The north\nridge](/media/display/"
	    SHA_B ".jpg)\n\n![Later](/media/display/" SHA_A ".jpg)",
	    &lead, 200), "Intro. A red fox The north ridge Later");
	assert_string_equal(lead.sha, SHA_B);
	assert_string_equal(lead.alt, "The north ridge");

	/* Found after the excerpt is full, alt text whole. */
	lead_of("Words words words words.\n\n![Two words](/media/display/"
	    SHA_A ".jpg)", &lead, 10);
	assert_string_equal(text, "Words");
	assert_string_equal(lead.sha, SHA_A);
	assert_string_equal(lead.alt, "Two words");

	/* Not the site's: upper case, other folders, other endings. */
	lead_of("![x](/media/display/" SHA_A ".png) ![x](/media/thumb/" SHA_A
	    ".jpg) ![x](/media/display/AAAA.jpg) ![x](//evil/media/display/"
	    SHA_A ".jpg)", &lead, 200);
	assert_string_equal(lead.sha, "");
	assert_string_equal(lead.alt, "");

	/* No words: an empty alt, still a lead. */
	lead_of("![](/media/display/" SHA_A ".jpg)", &lead, 200);
	assert_string_equal(lead.sha, SHA_A);
	assert_string_equal(lead.alt, "");
}

static int
teardown(void **state)
{
	(void)state;
	free(html);
	html = NULL;
	free(text);
	text = NULL;
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renders_markdown),
		cmocka_unit_test(raw_html_is_text),
		cmocka_unit_test(only_safe_urls),
		cmocka_unit_test(attributes_escaped),
		cmocka_unit_test(excerpt_is_plain_text),
		cmocka_unit_test(excerpt_cuts_at_a_word),
		cmocka_unit_test(lead_picture),
	};

	return (cmocka_run_group_tests_name("markdown", tests, NULL, teardown));
}
