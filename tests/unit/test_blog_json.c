/*
 * The blog API's JSON form of rows (apps/blog/blog_json.c), read from
 * results built in memory with libpq, through the core's accessors
 * (apps/core/db.c).  Under LeakSanitizer: every json_t and PGresult is
 * released, so a leak in the encoders fails the test.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blog/blog.h"

#define POST_COLS	(BLOG_COL_PUBLISH_AT + 1)
#define COMMENT_COLS	(BLOG_CCOL_EDITED + 1)

/* A TUPLES_OK result with `ncols` text columns and no rows, in `db`. */
static void
result_new(struct core_db *db, int ncols)
{
	PGresAttDesc	attrs[POST_COLS];
	char		names[POST_COLS][16];
	int		i;

	assert_true(ncols <= POST_COLS);
	memset(db, 0, sizeof(*db));
	memset(attrs, 0, sizeof(attrs));
	for (i = 0; i < ncols; i++) {
		(void)snprintf(names[i], sizeof(names[i]), "c%d", i);
		attrs[i].name = names[i];
		attrs[i].typid = 25;		/* text */
		attrs[i].typlen = -1;
		attrs[i].atttypmod = -1;
	}
	db->res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	assert_non_null(db->res);
	assert_int_equal(PQsetResultAttrs(db->res, ncols, attrs), 1);
}

/* Row `row` from `values` (NULL: SQL NULL). */
static void
result_row(struct core_db *db, int row, const char **values, int ncols)
{
	int		i;

	for (i = 0; i < ncols; i++)
		assert_int_equal(PQsetvalue(db->res, row, i,
		    (char *)(uintptr_t)values[i], values[i] == NULL ? -1 :
		    (int)strlen(values[i])), 1);
}

static void
post_row(struct core_db *db, int row, const char *id, const char *words,
    const char *published, const char *reason)
{
	const char	*v[POST_COLS];

	v[BLOG_COL_ID] = id;
	v[BLOG_COL_SLUG] = "hello-world";
	v[BLOG_COL_TITLE] = "Hello <world>";
	v[BLOG_COL_BODY] = "Some *text*.";
	v[BLOG_COL_STATUS] = reason != NULL ? "rejected" : "approved";
	v[BLOG_COL_REASON] = reason;
	v[BLOG_COL_CREATED] = "2026-01-02T03:04:05Z";
	v[BLOG_COL_UPDATED] = "";
	v[BLOG_COL_AUTHOR_ID] = "42";
	v[BLOG_COL_AUTHOR] = "alice";
	v[BLOG_COL_WORDS] = words;
	v[BLOG_COL_COMMENTS] = "3";
	v[BLOG_COL_EXCERPT] = "Some *text*.";
	v[BLOG_COL_CURSOR] = "1767323045000000.7";
	v[BLOG_COL_MORE] = "f";
	v[BLOG_COL_PUBLISHED] = published;
	v[BLOG_COL_EDIT_STATE] = "";
	v[BLOG_COL_TAGS] = reason != NULL ? "" : "travel north-ridge";
	v[BLOG_COL_PUBLISH_AT] = reason != NULL ? "2027-01-02T03:04:05Z" : "";
	result_row(db, row, v, POST_COLS);
}

static const char *
str(json_t *o, const char *key)
{
	json_t		*v;

	v = json_object_get(o, key);
	assert_non_null(v);
	assert_true(json_is_string(v));
	return (json_string_value(v));
}

static json_int_t
num(json_t *o, const char *key)
{
	json_t		*v;

	v = json_object_get(o, key);
	assert_non_null(v);
	assert_true(json_is_integer(v));
	return (json_integer_value(v));
}

static void
post_list_fields(void **state)
{
	struct core_db	 db;
	json_t		*list, *p;

	result_new(&db, POST_COLS);
	post_row(&db, 0, "7", "450", "2026-01-03T00:00:00Z", NULL);
	post_row(&db, 1, "6", "10", "", "Off topic.");
	post_row(&db, 2, "5", "10", "", NULL);

	list = blog_posts_json(&db, 2);
	assert_true(json_is_array(list));
	assert_int_equal(json_array_size(list), 2);

	p = json_array_get(list, 0);
	assert_int_equal(num(p, "id"), 7);
	assert_string_equal(str(p, "title"), "Hello <world>");
	assert_string_equal(str(p, "slug"), "hello-world");
	assert_string_equal(str(p, "status"), "approved");
	assert_string_equal(str(p, "created_at"), "2026-01-02T03:04:05Z");
	assert_string_equal(str(p, "author"), "alice");
	assert_int_equal(num(p, "author_id"), 42);
	assert_string_equal(str(p, "url"), "/blog/7-hello-world");
	assert_int_equal(num(p, "reading_minutes"), 3);
	assert_int_equal(num(p, "comment_count"), 3);
	/* Plain text, without its Markdown. */
	assert_string_equal(str(p, "excerpt"), "Some text.");
	assert_string_equal(str(p, "published_at"), "2026-01-03T00:00:00Z");
	assert_int_equal(json_array_size(json_object_get(p, "tags")), 2);
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(p, "tags"), 1)), "north-ridge");
	assert_true(json_is_null(json_object_get(p, "publish_at")));
	assert_null(json_object_get(p, "updated_at"));
	assert_null(json_object_get(p, "reject_reason"));
	assert_null(json_object_get(p, "body"));
	assert_null(json_object_get(p, "html"));

	p = json_array_get(list, 1);
	assert_int_equal(num(p, "id"), 6);
	assert_string_equal(str(p, "status"), "rejected");
	assert_int_equal(num(p, "reading_minutes"), 1);
	assert_true(json_is_null(json_object_get(p, "published_at")));
	assert_string_equal(str(p, "reject_reason"), "Off topic.");
	assert_true(json_is_array(json_object_get(p, "tags")));
	assert_int_equal(json_array_size(json_object_get(p, "tags")), 0);
	assert_string_equal(str(p, "publish_at"), "2027-01-02T03:04:05Z");

	json_decref(list);
	core_db_cleanup(&db);
	assert_null(db.res);
}

static void
post_full_has_text_and_html(void **state)
{
	struct core_db	 db;
	json_t		*p;

	result_new(&db, POST_COLS);
	post_row(&db, 0, "7", "2", "", NULL);

	p = blog_post_json(&db, 0, 1);
	assert_string_equal(str(p, "body"), "Some *text*.");
	assert_non_null(strstr(str(p, "html"), "<em>text</em>"));

	json_decref(p);
	core_db_cleanup(&db);
}

static void
posts_empty(void **state)
{
	struct core_db	 db;
	json_t		*list;

	result_new(&db, POST_COLS);
	list = blog_posts_json(&db, BLOG_PAGE_SIZE);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	core_db_cleanup(&db);

	/* No result at all (a statement that never ran) is no rows. */
	memset(&db, 0, sizeof(db));
	list = blog_posts_json(&db, BLOG_PAGE_SIZE);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
}

static void
comment_rows(void **state)
{
	struct core_db	 db;
	const char	*v[COMMENT_COLS];
	json_t		*list, *c;

	result_new(&db, COMMENT_COLS);
	v[BLOG_CCOL_ID] = "11";
	v[BLOG_CCOL_BODY] = "First!\nSecond line & more";
	v[BLOG_CCOL_CREATED] = "2026-01-02T03:04:05Z";
	v[BLOG_CCOL_AUTHOR] = "bob";
	v[BLOG_CCOL_AUTHOR_ID] = "9";
	v[BLOG_CCOL_HIDDEN] = "f";
	v[BLOG_CCOL_PARENT] = NULL;
	v[BLOG_CCOL_EDITED] = "";
	result_row(&db, 0, v, COMMENT_COLS);
	v[BLOG_CCOL_ID] = "12";
	v[BLOG_CCOL_HIDDEN] = "t";
	v[BLOG_CCOL_PARENT] = "11";
	v[BLOG_CCOL_EDITED] = "2026-01-02T04:00:00Z";
	result_row(&db, 1, v, COMMENT_COLS);

	list = blog_comments_json(&db, 7);
	assert_int_equal(json_array_size(list), 2);

	c = json_array_get(list, 0);
	assert_int_equal(num(c, "id"), 11);
	assert_int_equal(num(c, "post_id"), 7);
	assert_string_equal(str(c, "author"), "bob");
	assert_string_equal(str(c, "body"), "First!\nSecond line & more");
	assert_string_equal(str(c, "created_at"), "2026-01-02T03:04:05Z");
	assert_true(json_is_false(json_object_get(c, "hidden")));
	assert_true(json_is_null(json_object_get(c, "parent_id")));
	assert_true(json_is_null(json_object_get(c, "edited_at")));
	assert_int_equal(json_object_size(c), 8);

	c = json_array_get(list, 1);
	assert_int_equal(num(c, "id"), 12);
	assert_true(json_is_true(json_object_get(c, "hidden")));
	assert_int_equal(num(c, "parent_id"), 11);
	assert_string_equal(str(c, "edited_at"), "2026-01-02T04:00:00Z");

	json_decref(list);
	core_db_cleanup(&db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(post_list_fields),
		cmocka_unit_test(post_full_has_text_and_html),
		cmocka_unit_test(posts_empty),
		cmocka_unit_test(comment_rows),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
