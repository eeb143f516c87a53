/*
 * HTML and URL escaping (apps/core/escape.c).
 *
 * Each test gets a fresh kore_buf in *state, allocated small so that
 * appends have to grow it.
 */

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static int		buf_setup(void **);
static int		buf_teardown(void **);
static void		reset(void **);
static const char	*run(void **, void (*)(struct kore_buf *,
			    const char *), const char *);
static const char	*text(void **);

static void	html_escape_specials(void **);
static void	html_escape_plain(void **);
static void	html_escape_null(void **);
static void	html_escape_long(void **);
static void	html_escape_xss(void **);
static void	url_escape_reserved(void **);
static void	url_escape_unicode(void **);
static void	url_escape_unreserved(void **);
static void	appendf_numbers(void **);
static void	appendf_strings(void **);
static void	appendf_percent(void **);
static void	appendf_unknown(void **);
static void	appendf_time(void **);
static void	appendf_avatar(void **);
static void	appendf_avatar_display(void **);
static void	appendf_avatar_image(void **);

static int
buf_setup(void **state)
{
	*state = kore_buf_alloc(4);
	return (0);
}

static int
buf_teardown(void **state)
{
	kore_buf_free(*state);
	*state = NULL;
	return (0);
}

/* Start again from an empty, small buffer. */
static void
reset(void **state)
{
	kore_buf_free(*state);
	*state = kore_buf_alloc(4);
}

/* Run `fn` on `in` into a fresh buffer and return the result as a string. */
static const char *
run(void **state, void (*fn)(struct kore_buf *, const char *), const char *in)
{
	reset(state);
	fn(*state, in);

	return (text(state));
}

/* The buffer's contents as a string; what is in it so far stays. */
static const char *
text(void **state)
{
	struct kore_buf		*buf = *state;
	const char		*s;

	s = kore_buf_stringify(buf, NULL);
	buf->offset--;		/* drop the NUL again: more may be appended */

	return (s);
}

static void
html_escape_specials(void **state)
{
	assert_string_equal(run(state, core_html_escape, "&"), "&amp;");
	assert_string_equal(run(state, core_html_escape, "<"), "&lt;");
	assert_string_equal(run(state, core_html_escape, ">"), "&gt;");
	assert_string_equal(run(state, core_html_escape, "\""), "&quot;");
	assert_string_equal(run(state, core_html_escape, "'"), "&#39;");
	assert_string_equal(run(state, core_html_escape, "a&b<c>d\"e'f"),
	    "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	assert_string_equal(run(state, core_html_escape, "<<>>"),
	    "&lt;&lt;&gt;&gt;");

	/* Already escaped text is escaped again, never trusted. */
	assert_string_equal(run(state, core_html_escape, "&lt;"),
	    "&amp;lt;");
}

static void
html_escape_plain(void **state)
{
	assert_string_equal(run(state, core_html_escape, "plain text"),
	    "plain text");
	assert_string_equal(run(state, core_html_escape, "x"), "x");
	assert_string_equal(run(state, core_html_escape, ""), "");
	assert_string_equal(run(state, core_html_escape,
	    "caf\xc3\xa9 \xe2\x82\xac 100/2 = 50%; a=b"),
	    "caf\xc3\xa9 \xe2\x82\xac 100/2 = 50%; a=b");
}

static void
html_escape_null(void **state)
{
	assert_string_equal(run(state, core_html_escape, NULL), "");

	/* NULL appends nothing to what is already there. */
	core_html_escape(*state, "a<");
	core_html_escape(*state, NULL);
	core_html_escape(*state, "b");
	assert_string_equal(text(state), "a&lt;b");
}

static void
html_escape_long(void **state)
{
	char		in[1001];
	const char	*out;
	size_t		i, len;

	/* Runs of plain text between specials, far past the first size. */
	for (i = 0; i < sizeof(in) - 1; i++)
		in[i] = (i % 10 == 9) ? '<' : 'a';
	in[sizeof(in) - 1] = '\0';

	reset(state);
	core_html_escape(*state, in);
	out = kore_buf_stringify(*state, &len);

	assert_int_equal(len, 900 + 100 * strlen("&lt;"));
	assert_int_equal(strlen(out), len);
	assert_null(strchr(out, '<'));
	assert_memory_equal(out, "aaaaaaaaa&lt;aaaaaaaaa&lt;", 26);
}

static void
html_escape_xss(void **state)
{
	static const char	*payloads[] = {
		"<script>alert(1)</script>",
		"\" onmouseover=\"alert(1)",
		"\" onmouseover=",
		"'><img src=x onerror=alert(1)>",
		"<svg/onload=alert(1)>",
		"javascript:alert('x')",
		"</textarea><script>alert(1)</script>",
	};
	const char		*out;
	size_t			 i;

	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		out = run(state, core_html_escape, payloads[i]);
		assert_null(strpbrk(out, "<>\"'"));
	}

	assert_string_equal(run(state, core_html_escape,
	    "'><img src=x onerror=alert(1)>"),
	    "&#39;&gt;&lt;img src=x onerror=alert(1)&gt;");
	assert_string_equal(run(state, core_html_escape, "\" onmouseover="),
	    "&quot; onmouseover=");
}

static void
url_escape_reserved(void **state)
{
	assert_string_equal(run(state, core_url_escape, " "), "%20");
	assert_string_equal(run(state, core_url_escape, "/"), "%2F");
	assert_string_equal(run(state, core_url_escape, "?"), "%3F");
	assert_string_equal(run(state, core_url_escape, "&"), "%26");
	assert_string_equal(run(state, core_url_escape, "=#%+:@"),
	    "%3D%23%25%2B%3A%40");
	assert_string_equal(run(state, core_url_escape, "<\">'"),
	    "%3C%22%3E%27");
	assert_string_equal(run(state, core_url_escape, "a b/c?d&e=f"),
	    "a%20b%2Fc%3Fd%26e%3Df");
	assert_string_equal(run(state, core_url_escape, "\t\n\x7f"),
	    "%09%0A%7F");
	assert_string_equal(run(state, core_url_escape, ""), "");
	assert_string_equal(run(state, core_url_escape, NULL), "");
}

static void
url_escape_unicode(void **state)
{
	/* Every byte of a multibyte character, upper-case hex. */
	assert_string_equal(run(state, core_url_escape, "\xc3\xa9"),
	    "%C3%A9");
	assert_string_equal(run(state, core_url_escape, "\xe2\x82\xac"),
	    "%E2%82%AC");
	assert_string_equal(run(state, core_url_escape, "\xf0\x9f\x98\x80"),
	    "%F0%9F%98%80");
	assert_string_equal(run(state, core_url_escape, "caf\xc3\xa9"),
	    "caf%C3%A9");
	assert_string_equal(run(state, core_url_escape, "\x80\xff"),
	    "%80%FF");
}

static void
url_escape_unreserved(void **state)
{
	const char	*unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-_.~";

	assert_string_equal(run(state, core_url_escape, unreserved),
	    unreserved);
}

static void
appendf_numbers(void **state)
{
	core_html_appendf(*state, "%d|%d|%d|%d", 0, -42, INT_MIN, INT_MAX);
	assert_string_equal(text(state),
	    "0|-42|-2147483648|2147483647");

	reset(state);
	core_html_appendf(*state, "%u|%u", 42U, UINT_MAX);
	assert_string_equal(text(state), "42|4294967295");

	reset(state);
	core_html_appendf(*state, "%lld|%lld|%lld", LLONG_MIN, LLONG_MAX,
	    -1LL);
	assert_string_equal(text(state),
	    "-9223372036854775808|9223372036854775807|-1");
}

static void
appendf_strings(void **state)
{
	core_html_appendf(*state, "<p title=\"%s\">%s</p>%R|%U",
	    "\" onmouseover=", "<b>&", "<i>raw</i>", "a b/c");
	assert_string_equal(text(state),
	    "<p title=\"&quot; onmouseover=\">&lt;b&gt;&amp;</p>"
	    "<i>raw</i>|a%20b%2Fc");

	/* NULL prints nothing for every string conversion. */
	reset(state);
	core_html_appendf(*state, "[%s][%R][%U]", NULL, NULL, NULL);
	assert_string_equal(text(state), "[][][]");

	/* Everything at once, in order, with no argument skipped. */
	reset(state);
	core_html_appendf(*state, "<p>%s</p>%R|%U|%d|%u|%lld|%%|",
	    "<b>", "<i>raw</i>", "a b", -42, 42U, LLONG_MIN);
	assert_string_equal(text(state),
	    "<p>&lt;b&gt;</p><i>raw</i>|a%20b|-42|42|"
	    "-9223372036854775808|%|");

	/* Appends to what is already in the buffer. */
	core_html_appendf(*state, "%s", "'");
	assert_string_equal(text(state),
	    "<p>&lt;b&gt;</p><i>raw</i>|a%20b|-42|42|"
	    "-9223372036854775808|%|&#39;");
}

static void
appendf_percent(void **state)
{
	core_html_appendf(*state, "%%");
	assert_string_equal(text(state), "%");

	reset(state);
	core_html_appendf(*state, "100%");
	assert_string_equal(text(state), "100%");

	reset(state);
	core_html_appendf(*state, "%");
	assert_string_equal(text(state), "%");

	reset(state);
	core_html_appendf(*state, "a%%b%d%", 7);
	assert_string_equal(text(state), "a%b7%");

	reset(state);
	core_html_appendf(*state, "");
	assert_string_equal(text(state), "");
}

static void
appendf_unknown(void **state)
{
	/* Unknown conversions are written out and take no argument. */
	core_html_appendf(*state, "%x %s", "<");
	assert_string_equal(text(state), "%x &lt;");

	reset(state);
	core_html_appendf(*state, "%l|%ld|%ll|%s", "y");
	assert_string_equal(text(state), "%l|%ld|%ll|y");

	reset(state);
	core_html_appendf(*state, "%ll");
	assert_string_equal(text(state), "%ll");
}

/* %T: the site's one time format, with anything else kept escaped. */
static void
appendf_time(void **state)
{
	core_html_appendf(*state, "at %T.", "2026-12-02T03:07:16Z");
	assert_string_equal(text(state), "at <time datetime="
	    "\"2026-12-02T03:07:16Z\">2 Dec 2026, 03:07 UTC</time>.");

	reset(state);
	core_html_appendf(*state, "%T", "2026-01-31T23:59:59Z");
	assert_string_equal(text(state), "<time datetime="
	    "\"2026-01-31T23:59:59Z\">31 Jan 2026, 23:59 UTC</time>");

	/* Not a time: written as text, escaped, with no datetime. */
	reset(state);
	core_html_appendf(*state, "%T", "<b>2026-13-02T00:00:00Z");
	assert_string_equal(text(state),
	    "<time>&lt;b&gt;2026-13-02T00:00:00Z</time>");
	reset(state);
	core_html_appendf(*state, "%T", "2026-13-02T00:00:00Z");
	assert_string_equal(text(state), "<time>2026-13-02T00:00:00Z</time>");
	reset(state);
	core_html_appendf(*state, "%T", NULL);
	assert_string_equal(text(state), "<time></time>");
}

/* %A: the same colour for the same name, the initial upper-cased. */
static void
appendf_avatar(void **state)
{
	char	first[128];

	core_html_appendf(*state, "%A", "alice", "", "");
	assert_non_null(strstr(text(state), ">A</span>"));
	assert_non_null(strstr(text(state), "aria-hidden=\"true\""));
	assert_int_equal(strncmp(text(state), "<span class=\"avatar av-", 23),
	    0);
	assert_true(text(state)[23] >= '0' && text(state)[23] <= '7');
	(void)snprintf(first, sizeof(first), "%s", text(state));
	reset(state);
	core_html_appendf(*state, "%A", "alice", NULL, NULL);
	assert_string_equal(text(state), first);
	reset(state);
	core_html_appendf(*state, "%A", "_x9", "", "");
	assert_non_null(strstr(text(state), ">_</span>"));
	reset(state);
	core_html_appendf(*state, "a%Ab", NULL, NULL, NULL);
	assert_string_equal(text(state), "ab");
	/* The arguments after %A are still read in order. */
	reset(state);
	core_html_appendf(*state, "%A%s", "bob", "", "", "<");
	assert_non_null(strstr(text(state), ">B</span>&lt;"));
}

/*
 * The display name's initials (first and last word), the colour still
 * the username's; a hostile display name escaped; whole UTF-8 sequences.
 */
static void
appendf_avatar_display(void **state)
{
	char	plain[128];

	core_html_appendf(*state, "%A", "alice", "", "");
	(void)snprintf(plain, sizeof(plain), "%.25s", text(state));
	reset(state);
	core_html_appendf(*state, "%A", "alice", "ada lovelace king", "");
	assert_non_null(strstr(text(state), ">AK</span>"));
	assert_int_equal(strncmp(text(state), plain, 25), 0);
	reset(state);
	core_html_appendf(*state, "%A", "alice", "  Zoë  ", "");
	assert_non_null(strstr(text(state), ">Z</span>"));
	reset(state);
	core_html_appendf(*state, "%A", "mallory", "<script> \"x", "");
	assert_non_null(strstr(text(state), ">&lt;&quot;</span>"));
	assert_null(strstr(text(state), "<script"));
	reset(state);
	core_html_appendf(*state, "%A", "eve", "\xc3\xa9mile \xf0\x9f\x98\x80", "");
	assert_non_null(strstr(text(state), ">\xc3\xa9\xf0\x9f\x98\x80</span>"));
	/* A broken sequence gives nothing rather than half a character. */
	reset(state);
	core_html_appendf(*state, "%A", "eve", "\xc3", "");
	assert_non_null(strstr(text(state), "\"></span>"));
}

/* An uploaded avatar is an <img> of its copy; anything else is refused. */
static void
appendf_avatar_image(void **state)
{
	const char	*sha =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	core_html_appendf(*state, "%A", "alice", "Alice", sha);
	assert_non_null(strstr(text(state), "<img class=\"avatar av-img\" "
	    "src=\"/media/avatar64/0123456789abcdef"));
	assert_non_null(strstr(text(state), "alt=\"\""));
	reset(state);
	core_html_avatar_sized(*state, "alice", "Alice", sha, 1);
	assert_non_null(strstr(text(state), "/media/avatar256/"));
	reset(state);
	core_html_appendf(*state, "%A", "alice", "", "../../etc/passwd\"");
	assert_null(strstr(text(state), "<img"));
	assert_null(strstr(text(state), "passwd"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(html_escape_specials,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(html_escape_plain,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(html_escape_null,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(html_escape_long,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(html_escape_xss,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(url_escape_reserved,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(url_escape_unicode,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(url_escape_unreserved,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_numbers,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_strings,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_percent,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_unknown,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_time,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_avatar,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_avatar_display,
		    buf_setup, buf_teardown),
		cmocka_unit_test_setup_teardown(appendf_avatar_image,
		    buf_setup, buf_teardown),
	};

	return (cmocka_run_group_tests_name("escape", tests, NULL, NULL));
}
