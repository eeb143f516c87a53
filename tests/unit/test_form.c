/*
 * Form field decoding (apps/core/urlencode.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static int
decode(const char *in, char *out, size_t len)
{
	snprintf(out, len, "%s", in);
	return (core_form_decode(out));
}

static void
decodes(void **state)
{
	char	b[128];

	assert_int_equal(decode("a+b%20c", b, sizeof(b)), 0);
	assert_string_equal(b, "a b c");
	assert_int_equal(decode("%C3%A9t%C3%A9", b, sizeof(b)), 0);
	assert_string_equal(b, "\xc3\xa9t\xc3\xa9");
	assert_int_equal(decode("%3Cscript%3E", b, sizeof(b)), 0);
	assert_string_equal(b, "<script>");
	assert_int_equal(decode("", b, sizeof(b)), 0);
	assert_string_equal(b, "");
}

static void
keeps_lines(void **state)
{
	char	b[128];

	/* Textareas: CR LF and lone CR become LF, tabs stay. */
	assert_int_equal(decode("one%0D%0Atwo%0Athree%0Dfour%09x", b,
	    sizeof(b)), 0);
	assert_string_equal(b, "one\ntwo\nthree\nfour\tx");
}

static void
refuses(void **state)
{
	char	b[128];

	assert_int_equal(decode("a%00b", b, sizeof(b)), -1);
	assert_int_equal(decode("a%1Bb", b, sizeof(b)), -1);
	assert_int_equal(decode("a%7Fb", b, sizeof(b)), -1);
	assert_int_equal(decode("a%", b, sizeof(b)), -1);
	assert_int_equal(decode("a%4", b, sizeof(b)), -1);
	assert_int_equal(decode("a%zz", b, sizeof(b)), -1);
	assert_int_equal(decode("%C3", b, sizeof(b)), -1);	/* cut UTF-8 */
	assert_int_equal(decode("%FF", b, sizeof(b)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes),
		cmocka_unit_test(keeps_lines),
		cmocka_unit_test(refuses),
	};

	return (cmocka_run_group_tests_name("form", tests, NULL, NULL));
}
