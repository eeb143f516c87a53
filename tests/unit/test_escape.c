/*
 * HTML and URL escaping (apps/core/escape.c).
 */

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static char	*render(void (*)(struct kore_buf *, const char *),
		    const char *);

static struct kore_buf	out;

static char *
render(void (*fn)(struct kore_buf *, const char *), const char *in)
{
	kore_buf_cleanup(&out);
	kore_buf_init(&out, 16);
	fn(&out, in);
	return (kore_buf_stringify(&out, NULL));
}

static void
escape_specials(void **state)
{
	assert_string_equal(render(core_html_escape, "a&b<c>d\"e'f"),
	    "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	assert_string_equal(render(core_html_escape, "plain text"),
	    "plain text");
	assert_string_equal(render(core_html_escape, ""), "");
	assert_string_equal(render(core_html_escape, NULL), "");
	assert_string_equal(render(core_html_escape, "ünïcødé"), "ünïcødé");
}

static void
escape_xss_payloads(void **state)
{
	const char	*payloads[] = {
		"<script>alert(1)</script>",
		"\" onmouseover=\"alert(1)",
		"'><img src=x onerror=alert(1)>",
		"<svg/onload=alert(1)>",
		"&lt;script&gt;",
	};
	const char	*s;
	size_t		 i;

	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		s = render(core_html_escape, payloads[i]);
		assert_null(strpbrk(s, "<>\"'"));
	}
	/* Already-escaped text is escaped again, not trusted. */
	assert_string_equal(render(core_html_escape, "&lt;"), "&amp;lt;");
}

static void
url_escape(void **state)
{
	assert_string_equal(render(core_url_escape, "a b/c?d&e=f"),
	    "a%20b%2Fc%3Fd%26e%3Df");
	assert_string_equal(render(core_url_escape, "AZaz09-_.~"),
	    "AZaz09-_.~");
	assert_string_equal(render(core_url_escape, "é"), "%C3%A9");
	assert_string_equal(render(core_url_escape, NULL), "");
}

static void
appendf(void **state)
{
	kore_buf_cleanup(&out);
	kore_buf_init(&out, 8);
	core_html_appendf(&out, "<p>%s</p>%R|%U|%d|%u|%lld|%%|",
	    "<b>", "<i>raw</i>", "a b", -42, 42U, LLONG_MIN);
	assert_string_equal(kore_buf_stringify(&out, NULL),
	    "<p>&lt;b&gt;</p><i>raw</i>|a%20b|-42|42|"
	    "-9223372036854775808|%|");

	kore_buf_cleanup(&out);
	kore_buf_init(&out, 8);
	core_html_appendf(&out, "100%");
	assert_string_equal(kore_buf_stringify(&out, NULL), "100%");

	kore_buf_cleanup(&out);
	kore_buf_init(&out, 8);
	core_html_appendf(&out, "%s and %s", NULL, "x");
	assert_string_equal(kore_buf_stringify(&out, NULL), " and x");
}

static int
teardown(void **state)
{
	kore_buf_cleanup(&out);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_specials),
		cmocka_unit_test(escape_xss_payloads),
		cmocka_unit_test(url_escape),
		cmocka_unit_test(appendf),
	};

	kore_buf_init(&out, 8);
	return (cmocka_run_group_tests_name("escape", tests, NULL, teardown));
}
