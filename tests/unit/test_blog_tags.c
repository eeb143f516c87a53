/*
 * Tags as writers type them (apps/blog/tags.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "blog/tags.h"

static void
parses_and_lowers(void **state)
{
	struct blog_tags	 t;
	const char		*err = NULL;

	blog_tags_init(&t);
	assert_int_equal(blog_tags_parse(&t, " Travel, north-ridge  #Walks,,"
	    "travel\n", &err), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.tag[0], "travel");
	assert_string_equal(t.tag[1], "north-ridge");
	assert_string_equal(t.tag[2], "walks");
	assert_string_equal(blog_tags_sql(&t), "{travel,north-ridge,walks}");

	blog_tags_init(&t);
	assert_int_equal(blog_tags_parse(&t, "  ", &err), 0);
	assert_int_equal(t.n, 0);
	assert_string_equal(blog_tags_sql(&t), "{}");
}

static void
refuses_bad_tags(void **state)
{
	const char	*bad[] = { "a\"b", "-x", "x-", "a--b", "<script>",
	    "caf\xc3\xa9", "a_b", "x}", "{y", "#",
	    "0123456789012345678901234567890" };
	struct blog_tags t;
	const char	*err;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		blog_tags_init(&t);
		err = NULL;
		assert_int_equal(blog_tags_parse(&t, bad[i], &err), -1);
		assert_non_null(err);
		assert_int_equal(t.n, 0);
	}
	assert_true(blog_tag_valid("a-1"));
	assert_true(blog_tag_valid("012345678901234567890123456789"));
	assert_false(blog_tag_valid(""));
	assert_false(blog_tag_valid("A"));
}

static void
at_most_five(void **state)
{
	struct blog_tags	 t;
	const char		*err = NULL;

	blog_tags_init(&t);
	assert_int_equal(blog_tags_parse(&t, "a b c d e a b", &err), 0);
	assert_int_equal(t.n, 5);
	assert_int_equal(blog_tags_parse(&t, "f", &err), -1);
	assert_string_equal(err, "A post has at most 5 tags.");
	assert_int_equal(t.n, 5);

	/* Five of the longest fit the SQL literal. */
	blog_tags_init(&t);
	assert_int_equal(blog_tags_parse(&t,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb "
	    "cccccccccccccccccccccccccccccc dddddddddddddddddddddddddddddd "
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee", &err), 0);
	assert_int_equal(strlen(blog_tags_sql(&t)), 5 * 30 + 4 + 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_lowers),
		cmocka_unit_test(refuses_bad_tags),
		cmocka_unit_test(at_most_five),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
