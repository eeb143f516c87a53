/*
 * Input rules (apps/core/rules.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void
utf8(void **state)
{
	assert_true(core_utf8_valid("plain", 5));
	assert_true(core_utf8_valid("\xc3\xa9", 2));		/* é */
	assert_true(core_utf8_valid("\xe2\x82\xac", 3));	/* € */
	assert_true(core_utf8_valid("\xf0\x9f\x98\x80", 4));	/* U+1F600 */
	assert_false(core_utf8_valid("\xc0\x80", 2));		/* overlong NUL */
	assert_false(core_utf8_valid("\xe0\x80\xaf", 3));	/* overlong / */
	assert_false(core_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(core_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(core_utf8_valid("\xe2\x82", 2));		/* truncated */
	assert_false(core_utf8_valid("\x80", 1));		/* continuation */
	assert_false(core_utf8_valid("a\0b", 3));		/* NUL */
	assert_false(core_utf8_valid("\xff", 1));

	assert_int_equal(core_utf8_len("abc"), 3);
	assert_int_equal(core_utf8_len("\xc3\xa9t\xc3\xa9"), 3);
	assert_int_equal(core_utf8_len(""), 0);
}

static void
username(void **state)
{
	char		 out[CORE_USERNAME_MAX + 1], small[4];
	const char	*why;

	assert_int_equal(core_rule_username("abc", out, sizeof(out), &why), 0);
	assert_null(why);
	assert_int_equal(core_rule_username(
	    "abcdefghijabcdefghijabcdefghij12", out, sizeof(out), &why), 0);
	assert_int_equal(core_rule_username("Alice_01", out, sizeof(out),
	    &why), 0);
	assert_string_equal(out, "alice_01");

	assert_int_equal(core_rule_username("ab", out, sizeof(out), &why), -1);
	assert_non_null(why);
	assert_int_equal(core_rule_username(
	    "abcdefghijabcdefghijabcdefghij123", out, sizeof(out), &why), -1);
	assert_int_equal(core_rule_username("a-b", out, sizeof(out), &why), -1);
	assert_int_equal(core_rule_username("a b", out, sizeof(out), &why), -1);
	assert_int_equal(core_rule_username("caf\xc3\xa9", out, sizeof(out),
	    &why), -1);
	assert_int_equal(core_rule_username("", out, sizeof(out), &why), -1);
	assert_int_equal(core_rule_username(NULL, out, sizeof(out), &why), -1);
	assert_int_equal(core_rule_username("abcd", small, sizeof(small),
	    &why), -1);
}

static void
email(void **state)
{
	const char	*why;
	char		 longest[300];

	assert_int_equal(core_rule_email("a@b.co", &why), 0);
	assert_null(why);
	assert_int_equal(core_rule_email("first.last+tag@sub.example.org",
	    &why), 0);

	assert_int_equal(core_rule_email("", &why), -1);
	assert_non_null(why);
	assert_int_equal(core_rule_email(NULL, &why), -1);
	assert_int_equal(core_rule_email("nope", &why), -1);
	assert_int_equal(core_rule_email("a@b@c.d", &why), -1);
	assert_int_equal(core_rule_email("@b.co", &why), -1);
	assert_int_equal(core_rule_email("a@", &why), -1);
	assert_int_equal(core_rule_email("a@b", &why), -1);
	assert_int_equal(core_rule_email("a@.b", &why), -1);
	assert_int_equal(core_rule_email("a@b.", &why), -1);
	assert_int_equal(core_rule_email("a@b..c", &why), -1);
	assert_int_equal(core_rule_email("a b@c.d", &why), -1);
	assert_int_equal(core_rule_email("a<b@c.d", &why), -1);
	assert_int_equal(core_rule_email("a@c.d\xff", &why), -1);

	memset(longest, 'a', sizeof(longest));
	memcpy(longest + 243, "@example.org", 13);	/* 255 bytes */
	assert_int_equal(core_rule_email(longest, &why), -1);
}

static void
password(void **state)
{
	const char	*why;
	char		 pw[600];

	assert_int_equal(core_rule_password("12345678", &why), 0);
	assert_null(why);
	assert_int_equal(core_rule_password("1234567", &why), -1);
	assert_non_null(why);

	memset(pw, 'x', 128);
	pw[128] = '\0';
	assert_int_equal(core_rule_password(pw, &why), 0);
	pw[128] = 'x';
	pw[129] = '\0';
	assert_int_equal(core_rule_password(pw, &why), -1);

	/* Counted in characters, not bytes: 8 x é is 16 bytes. */
	assert_int_equal(core_rule_password(
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    &why), 0);
	assert_int_equal(core_rule_password(
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    &why), -1);
	assert_int_equal(core_rule_password("abcdefg\xff", &why), -1);
	assert_int_equal(core_rule_password("", &why), -1);
	assert_int_equal(core_rule_password(NULL, &why), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8),
		cmocka_unit_test(username),
		cmocka_unit_test(email),
		cmocka_unit_test(password),
	};

	return (cmocka_run_group_tests_name("rules", tests, NULL, NULL));
}
