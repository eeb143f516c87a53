/*
 * Input rules (apps/core/rules.c): UTF-8, usernames, emails, passwords.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

/* What *why holds before a call, to see that the rule set it. */
#define UNSET		"unset"

static int	valid(const char *);
static char	*repeat(char *, size_t, const char *, size_t);
static void	assert_username_ok(const char *, const char *);
static void	assert_username_refused(const char *);
static void	assert_email_ok(const char *);
static void	assert_email_refused(const char *);
static void	assert_password_ok(const char *);
static void	assert_password_refused(const char *);

static void	utf8_ascii(void **);
static void	utf8_multibyte(void **);
static void	utf8_overlong(void **);
static void	utf8_surrogate(void **);
static void	utf8_too_large(void **);
static void	utf8_truncated(void **);
static void	utf8_stray_continuation(void **);
static void	utf8_nul(void **);
static void	utf8_len(void **);
static void	username_length(void **);
static void	username_lower_case(void **);
static void	username_characters(void **);
static void	username_out_buffer(void **);
static void	email_ok(void **);
static void	email_shape(void **);
static void	email_characters(void **);
static void	email_length(void **);
static void	password_length(void **);
static void	password_multibyte(void **);
static void	password_invalid(void **);

/* core_utf8_valid over the whole of a NUL-terminated string. */
static int
valid(const char *s)
{
	return (core_utf8_valid(s, strlen(s)));
}

/* `n` copies of `unit` in `out` (`len` bytes), NUL-terminated. */
static char *
repeat(char *out, size_t len, const char *unit, size_t n)
{
	size_t		ulen, i;

	ulen = strlen(unit);
	assert_true(n * ulen < len);

	for (i = 0; i < n; i++)
		memcpy(out + i * ulen, unit, ulen);
	out[n * ulen] = '\0';

	return (out);
}

static void
assert_username_ok(const char *in, const char *want)
{
	char		 out[CORE_USERNAME_MAX + 1];
	const char	*why = UNSET;

	assert_int_equal(core_rule_username(in, out, sizeof(out), &why), 0);
	assert_null(why);
	assert_string_equal(out, want);
}

static void
assert_username_refused(const char *in)
{
	char		 out[CORE_USERNAME_MAX + 1];
	const char	*why = NULL;

	assert_int_equal(core_rule_username(in, out, sizeof(out), &why), -1);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

static void
assert_email_ok(const char *in)
{
	const char	*why = UNSET;

	assert_int_equal(core_rule_email(in, &why), 0);
	assert_null(why);
}

static void
assert_email_refused(const char *in)
{
	const char	*why = NULL;

	assert_int_equal(core_rule_email(in, &why), -1);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

static void
assert_password_ok(const char *in)
{
	const char	*why = UNSET;

	assert_int_equal(core_rule_password(in, &why), 0);
	assert_null(why);
}

static void
assert_password_refused(const char *in)
{
	const char	*why = NULL;

	assert_int_equal(core_rule_password(in, &why), -1);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

static void
utf8_ascii(void **state)
{
	assert_true(valid("plain text, 100% ASCII ~\x7f"));
	assert_true(valid("\x01\t\n"));
	assert_true(core_utf8_valid("", 0));
	assert_true(core_utf8_valid("abc", 2));
}

static void
utf8_multibyte(void **state)
{
	assert_true(valid("\xc3\xa9"));			/* U+00E9 */
	assert_true(valid("\xc2\x80"));			/* U+0080 */
	assert_true(valid("\xdf\xbf"));			/* U+07FF */
	assert_true(valid("\xe2\x82\xac"));		/* U+20AC */
	assert_true(valid("\xe0\xa0\x80"));		/* U+0800 */
	assert_true(valid("\xed\x9f\xbf"));		/* U+D7FF */
	assert_true(valid("\xee\x80\x80"));		/* U+E000 */
	assert_true(valid("\xef\xbf\xbf"));		/* U+FFFF */
	assert_true(valid("\xf0\x9f\x98\x80"));		/* U+1F600 */
	assert_true(valid("\xf0\x90\x80\x80"));		/* U+10000 */
	assert_true(valid("\xf4\x8f\xbf\xbf"));		/* U+10FFFF */
	assert_true(valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80!"));
}

static void
utf8_overlong(void **state)
{
	assert_false(valid("\xc0\x80"));		/* NUL */
	assert_false(valid("\xc0\xaf"));		/* '/' */
	assert_false(valid("\xc1\xbf"));
	assert_false(valid("\xe0\x80\xaf"));
	assert_false(valid("\xe0\x9f\xbf"));		/* U+07FF */
	assert_false(valid("\xf0\x80\x80\xaf"));
	assert_false(valid("\xf0\x8f\xbf\xbf"));	/* U+FFFF */
	assert_false(valid("ok \xc0\x80 ok"));
}

static void
utf8_surrogate(void **state)
{
	assert_false(valid("\xed\xa0\x80"));		/* U+D800 */
	assert_false(valid("\xed\xaf\xbf"));		/* U+DBFF */
	assert_false(valid("\xed\xb0\x80"));		/* U+DC00 */
	assert_false(valid("\xed\xbf\xbf"));		/* U+DFFF */
	assert_false(valid("\xed\xa0\xbd\xed\xb8\x80"));	/* CESU-8 pair */
}

static void
utf8_too_large(void **state)
{
	assert_false(valid("\xf4\x90\x80\x80"));	/* U+110000 */
	assert_false(valid("\xf5\x80\x80\x80"));
	assert_false(valid("\xf7\xbf\xbf\xbf"));
	assert_false(valid("\xf8\x88\x80\x80\x80"));	/* 5 bytes */
	assert_false(valid("\xfc\x84\x80\x80\x80\x80"));	/* 6 bytes */
	assert_false(valid("\xfe"));
	assert_false(valid("\xff"));
}

static void
utf8_truncated(void **state)
{
	assert_false(valid("\xc3"));
	assert_false(valid("\xe2\x82"));
	assert_false(valid("\xe2"));
	assert_false(valid("\xf0\x9f\x98"));
	assert_false(valid("\xf0\x9f"));
	assert_false(valid("abc\xc3"));

	/* Cut short by the length, or followed by a non-continuation. */
	assert_false(core_utf8_valid("\xc3\xa9", 1));
	assert_false(core_utf8_valid("\xf0\x9f\x98\x80", 3));
	assert_false(valid("\xc3" "a"));
	assert_false(valid("\xe2\x82" "a"));
	assert_false(valid("\xf0\x9f\x98" "a"));
	assert_false(valid("\xe2\xc3\xa9"));
}

static void
utf8_stray_continuation(void **state)
{
	assert_false(valid("\x80"));
	assert_false(valid("\xbf"));
	assert_false(valid("a\x80" "b"));
	assert_false(valid("\xc3\xa9\xa9"));
	assert_false(valid("\xe2\x82\xac\x80"));
}

static void
utf8_nul(void **state)
{
	assert_false(core_utf8_valid("a\0b", 3));
	assert_false(core_utf8_valid("\0", 1));
	assert_false(core_utf8_valid("abc\0", 4));
	assert_false(core_utf8_valid("\xc3\0", 2));
	assert_false(core_utf8_valid("\xe2\x82\0", 3));
}

static void
utf8_len(void **state)
{
	assert_int_equal(core_utf8_len(""), 0);
	assert_int_equal(core_utf8_len("abc"), 3);
	assert_int_equal(core_utf8_len("\xc3\xa9"), 1);
	assert_int_equal(core_utf8_len("\xc3\xa9t\xc3\xa9"), 3);
	assert_int_equal(core_utf8_len("\xe2\x82\xac"), 1);
	assert_int_equal(core_utf8_len("\xf0\x9f\x98\x80"), 1);
	assert_int_equal(core_utf8_len("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	    4);
}

static void
text_clean(void **state)
{
	char	c[2];
	int	i;

	assert_true(core_text_clean("", 0));
	assert_true(core_text_clean("Plain title \xc3\xa9\xf0\x9f\x98\x80", 0));
	assert_true(core_text_clean("tab\tis fine", 0));
	assert_false(core_text_clean("line\nbreak", 0));
	assert_false(core_text_clean("carriage\rreturn", 0));
	assert_true(core_text_clean("line\nbreak\r\n\ttab", 1));

	c[1] = '\0';
	for (i = 1; i < 0x20; i++) {
		c[0] = (char)i;
		if (i == '\t' || i == '\n' || i == '\r')
			continue;
		assert_false(core_text_clean(c, 1));
	}
	assert_false(core_text_clean("\x7f", 1));
	assert_false(core_text_clean("esc \x1b[31m red", 1));
	/* U+FFFE and U+FFFF are not characters; U+FFFD is. */
	assert_false(core_text_clean("\xef\xbf\xbe", 1));
	assert_false(core_text_clean("a\xef\xbf\xbf", 1));
	assert_true(core_text_clean("\xef\xbf\xbd", 1));
	/* A truncated sequence at the end is not read past the NUL. */
	assert_true(core_text_clean("\xef\xbf", 1));
}

static void
username_length(void **state)
{
	char	s[64];

	assert_username_ok("abc", "abc");
	assert_username_ok(repeat(s, sizeof(s), "x", 32), s);
	assert_username_ok("abcdefghijabcdefghijabcdefghij12",
	    "abcdefghijabcdefghijabcdefghij12");

	assert_username_refused("ab");
	assert_username_refused("a");
	assert_username_refused(repeat(s, sizeof(s), "x", 33));
	assert_username_refused(repeat(s, sizeof(s), "x", 60));
	assert_username_refused("");
	assert_username_refused(NULL);
}

static void
username_lower_case(void **state)
{
	assert_username_ok("Alice_01", "alice_01");
	assert_username_ok("ABC", "abc");
	assert_username_ok("MiXeD_CaSe_2024", "mixed_case_2024");
	assert_username_ok("123", "123");
	assert_username_ok("___", "___");
}

static void
username_characters(void **state)
{
	const char	*bad[] = {
		"a-b", "a b", " abc", "abc ", "a.b", "a@b", "a/b", "a'b",
		"<script>", "a\tb", "abc\n",
		"caf\xc3\xa9",			/* é */
		"\xc3\xa9\xc3\xa9\xc3\xa9",
		"abc\xff",
		"\xef\xbd\x81\xef\xbd\x82\xef\xbd\x83",	/* fullwidth abc */
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_username_refused(bad[i]);
}

static void
username_out_buffer(void **state)
{
	char		 out[8];
	const char	*why;

	/* The name and its NUL must fit: 4 bytes for "abc". */
	why = UNSET;
	assert_int_equal(core_rule_username("ABC", out, 4, &why), 0);
	assert_null(why);
	assert_string_equal(out, "abc");

	why = NULL;
	assert_int_equal(core_rule_username("abc", out, 3, &why), -1);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(core_rule_username("abcd", out, 4, &why), -1);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(core_rule_username("abcdefghij", out, sizeof(out),
	    &why), -1);
	assert_non_null(why);
}

static void
email_ok(void **state)
{
	assert_email_ok("a@b.co");
	assert_email_ok("first.last+tag@sub.example.org");
	assert_email_ok("x_y-z@example-mail.example");
	assert_email_ok("UPPER@EXAMPLE.ORG");
}

static void
email_shape(void **state)
{
	const char	*bad[] = {
		"",
		"nope",
		"nope.example.org",
		"a@b@c.d",
		"a@@b.co",
		"@b.co",
		"@",
		"a@",
		"a@b",
		"a@.b",
		"a@.b.co",
		"a@b.",
		"a@b.co.",
		"a@b..c",
		"a@b.co..",
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_email_refused(bad[i]);
	assert_email_refused(NULL);
}

static void
email_characters(void **state)
{
	const char	*bad[] = {
		"a b@c.d",
		" a@b.co",
		"a@b.co ",
		"a@b .co",
		"a\t@b.co",
		"a\n@b.co",
		"a\r\nBcc: x@y.z@b.co",
		"a\x7f@b.co",
		"a\x01@b.co",
		"a<b@c.d",
		"a>b@c.d",
		"<a@b.co>",
		"\"a\"@b.co",
		"a,b@c.d",
		"a;b@c.d",
		"a@c.d\xff",			/* invalid UTF-8 */
		"a\xc0\x80@b.co",		/* overlong NUL */
		"a\xed\xa0\x80@b.co",		/* surrogate */
		"a@b.c\xc3",			/* truncated */
	};
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_email_refused(bad[i]);
}

static void
email_length(void **state)
{
	char	s[300];

	/* 254 bytes is the most; 255 is refused. */
	repeat(s, sizeof(s), "a", 242);
	memcpy(s + 242, "@example.org", 13);
	assert_int_equal(strlen(s), 254);
	assert_email_ok(s);

	repeat(s, sizeof(s), "a", 243);
	memcpy(s + 243, "@example.org", 13);
	assert_int_equal(strlen(s), 255);
	assert_email_refused(s);

	repeat(s, sizeof(s), "a", 280);
	memcpy(s + 280, "@b.co", 6);
	assert_email_refused(s);
}

static void
password_length(void **state)
{
	char	s[700];

	assert_password_ok("12345678");
	assert_password_ok("a long passphrase with spaces");
	assert_password_refused("1234567");
	assert_password_refused("a");

	assert_password_ok(repeat(s, sizeof(s), "x", 128));
	assert_password_refused(repeat(s, sizeof(s), "x", 129));
	assert_password_refused(repeat(s, sizeof(s), "x", 600));

	assert_password_refused("");
	assert_password_refused(NULL);
}

static void
password_multibyte(void **state)
{
	char	s[700];

	/* Counted in characters, not bytes: 8 x é is 16 bytes. */
	assert_password_ok("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	assert_password_ok(repeat(s, sizeof(s), "\xc3\xa9", 8));
	assert_password_refused(repeat(s, sizeof(s), "\xc3\xa9", 7));
	assert_password_refused(repeat(s, sizeof(s), "\xe2\x82\xac", 7));
	assert_password_ok(repeat(s, sizeof(s), "\xe2\x82\xac", 8));

	/* 128 four-byte characters (512 bytes) are fine, 129 are not. */
	assert_password_ok(repeat(s, sizeof(s), "\xf0\x9f\x98\x80", 128));
	assert_password_refused(repeat(s, sizeof(s), "\xf0\x9f\x98\x80",
	    129));
}

static void
password_invalid(void **state)
{
	assert_password_refused("abcdefg\xff");
	assert_password_refused("abcdefgh\xff");
	assert_password_refused("\xff\xff\xff\xff\xff\xff\xff\xff");
	assert_password_refused("abcdefgh\xc0\x80");
	assert_password_refused("abcdefgh\xed\xa0\x80");
	assert_password_refused("abcdefgh\xc3");
	assert_password_refused("\x80\x80\x80\x80\x80\x80\x80\x80\x80");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_ascii),
		cmocka_unit_test(utf8_multibyte),
		cmocka_unit_test(utf8_overlong),
		cmocka_unit_test(utf8_surrogate),
		cmocka_unit_test(utf8_too_large),
		cmocka_unit_test(utf8_truncated),
		cmocka_unit_test(utf8_stray_continuation),
		cmocka_unit_test(utf8_nul),
		cmocka_unit_test(utf8_len),
		cmocka_unit_test(username_length),
		cmocka_unit_test(username_lower_case),
		cmocka_unit_test(username_characters),
		cmocka_unit_test(username_out_buffer),
		cmocka_unit_test(email_ok),
		cmocka_unit_test(email_shape),
		cmocka_unit_test(text_clean),
		cmocka_unit_test(email_characters),
		cmocka_unit_test(email_length),
		cmocka_unit_test(password_length),
		cmocka_unit_test(password_multibyte),
		cmocka_unit_test(password_invalid),
	};

	return (cmocka_run_group_tests_name("rules", tests, NULL, NULL));
}
