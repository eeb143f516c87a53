/*
 * The search box's language (apps/search/search_query.c): the query
 * syntax, its limits, the cursor, the dates, the suggestion prefix and
 * the highlighted excerpt.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search/search_query.h"

struct out {
	char	s[4096];
	size_t	len;
};

static void	put(void *, const char *, size_t);
static const char *excerpt(struct out *, const char *, int);
static void	parse_ok(const char *, struct search_query *);

static void	query_words(void **);
static void	query_phrase(void **);
static void	query_exclusion(void **);
static void	query_from(void **);
static void	query_room(void **);
static void	query_tags(void **);
static void	query_bad_filters_are_words(void **);
static void	query_length(void **);
static void	query_invalid(void **);
static void	query_controls(void **);
static void	query_sql_looking(void **);
static void	cursor_ok(void **);
static void	cursor_refused(void **);
static void	date_rules(void **);
static void	prefix_rules(void **);
static void	excerpt_marks(void **);
static void	excerpt_xss(void **);
static void	excerpt_unbalanced(void **);

static void
put(void *arg, const char *s, size_t n)
{
	struct out	*o = arg;

	assert_true(o->len + n < sizeof(o->s));
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static const char *
excerpt(struct out *o, const char *s, int html)
{
	o->len = 0;
	o->s[0] = '\0';
	search_excerpt(s, html, put, o);

	return (o->s);
}

static void
parse_ok(const char *s, struct search_query *q)
{
	assert_int_equal(search_query_parse(s, strlen(s), q), SEARCH_Q_OK);
}

static void
query_words(void **state)
{
	struct search_query	q;

	parse_ok("  garden   party ", &q);
	assert_string_equal(q.text, "garden party");
	assert_int_equal(q.words, 2);
	assert_int_equal(search_query_filtered(&q), 0);

	parse_ok("", &q);
	assert_string_equal(q.text, "");
	assert_int_equal(q.words, 0);

	parse_ok("cats OR dogs", &q);
	assert_string_equal(q.text, "cats OR dogs");
	assert_int_equal(q.words, 2);
}

static void
query_phrase(void **state)
{
	struct search_query	q;

	parse_ok("\"garden party\" tonight", &q);
	assert_string_equal(q.text, "\"garden party\" tonight");
	assert_int_equal(q.words, 2);

	/* An unclosed quote runs to the end. */
	parse_ok("say \"hello there", &q);
	assert_string_equal(q.text, "say \"hello there\"");

	/* An empty phrase is nothing. */
	parse_ok("\"\" \"  \"", &q);
	assert_int_equal(q.words, 0);
	assert_string_equal(q.text, "");
}

static void
query_exclusion(void **state)
{
	struct search_query	q;

	parse_ok("garden -party -\"big dog\"", &q);
	assert_string_equal(q.text, "garden -party -\"big dog\"");
	assert_int_equal(q.words, 1);

	parse_ok("-party", &q);
	assert_int_equal(q.words, 0);

	/* A lone dash is a word, not an exclusion. */
	parse_ok("a - b", &q);
	assert_int_equal(q.words, 3);
}

static void
query_from(void **state)
{
	struct search_query	q;

	parse_ok("from:Alice garden", &q);
	assert_string_equal(q.from, "alice");
	assert_string_equal(q.text, "garden");
	assert_int_equal(q.words, 1);
	assert_int_equal(search_query_filtered(&q), 1);

	parse_ok("FROM:@bob_2", &q);
	assert_string_equal(q.from, "bob_2");
	assert_int_equal(q.words, 0);
}

static void
query_room(void **state)
{
	struct search_query	q;

	parse_ok("in:#general hello", &q);
	assert_string_equal(q.room, "general");
	assert_string_equal(q.text, "hello");

	parse_ok("in:Café", &q);
	assert_string_equal(q.room, "Café");
}

static void
query_tags(void **state)
{
	struct search_query	q;

	parse_ok("#Cat #dog #cat sunny", &q);
	assert_int_equal(q.ntags, 2);
	assert_string_equal(q.tags[0], "cat");
	assert_string_equal(q.tags[1], "dog");
	assert_string_equal(q.text, "sunny");

	/* Past four, a tag is a word. */
	parse_ok("#a #b #c #d #e", &q);
	assert_int_equal(q.ntags, 4);
	assert_string_equal(q.text, "#e");
}

static void
query_bad_filters_are_words(void **state)
{
	struct search_query	q;

	parse_ok("from: from:a-b in: in:\"x #no-tag #", &q);
	assert_string_equal(q.from, "");
	assert_string_equal(q.room, "");
	assert_int_equal(q.ntags, 0);
	assert_int_equal(search_query_filtered(&q), 0);
	assert_true(q.words >= 4);

	/* A name too long for a user. */
	parse_ok("from:abcdefghijklmnopqrstuvwxyz0123456789", &q);
	assert_string_equal(q.from, "");
}

static void
query_length(void **state)
{
	struct search_query	 q;
	char			 s[SEARCH_Q_MAX * 4 + 8];
	size_t			 i;

	memset(s, 'a', SEARCH_Q_MAX);
	s[SEARCH_Q_MAX] = '\0';
	parse_ok(s, &q);
	assert_int_equal(strlen(q.text), SEARCH_Q_MAX);

	s[SEARCH_Q_MAX] = 'a';
	s[SEARCH_Q_MAX + 1] = '\0';
	assert_int_equal(search_query_parse(s, strlen(s), &q),
	    SEARCH_Q_TOO_LONG);
	assert_string_equal(q.text, "");

	/* Characters, not bytes: 256 CJK characters are fine. */
	for (i = 0; i < SEARCH_Q_MAX; i++)
		memcpy(s + i * 3, "\xe6\xbc\xa2", 3);
	s[SEARCH_Q_MAX * 3] = '\0';
	parse_ok(s, &q);

	/* The most words the text can gain: "a" 128 times. */
	for (i = 0; i < SEARCH_Q_MAX / 2; i++)
		memcpy(s + i * 2, "a ", 2);
	s[SEARCH_Q_MAX] = '\0';
	parse_ok(s, &q);
	assert_int_equal(q.words, SEARCH_Q_MAX / 2);

	/* Many one-character phrases, with their quotes. */
	for (i = 0; i + 3 <= SEARCH_Q_MAX; i += 3)
		memcpy(s + i, "\"a\"", 3);
	s[i] = '\0';
	parse_ok(s, &q);
	assert_int_equal(q.words, SEARCH_Q_MAX / 3);
}

static void
query_invalid(void **state)
{
	struct search_query	q;

	assert_int_equal(search_query_parse("a\xff", 2, &q),
	    SEARCH_Q_INVALID);
	assert_int_equal(search_query_parse("a\0b", 3, &q),
	    SEARCH_Q_INVALID);
	assert_int_equal(search_query_parse("\xed\xa0\x80", 3, &q),
	    SEARCH_Q_INVALID);
	assert_int_equal(search_query_parse("\xc0\xaf", 2, &q),
	    SEARCH_Q_INVALID);
}

static void
query_controls(void **state)
{
	struct search_query	q;

	/* The highlight marks cannot come in through a query. */
	parse_ok("a\001b \"c\002d\"", &q);
	assert_null(strchr(q.text, SEARCH_MARK_OPEN));
	assert_null(strchr(q.text, SEARCH_MARK_CLOSE));
}

static void
query_sql_looking(void **state)
{
	struct search_query	q;

	parse_ok("'; DROP TABLE posts; -- from:x' #y'", &q);
	assert_string_equal(q.text, "'; DROP TABLE posts; -- from:x' #y'");
	assert_string_equal(q.from, "");
	assert_int_equal(q.ntags, 0);

	parse_ok("a & b | !c <-> d:*", &q);
	assert_string_equal(q.text, "a & b | !c <-> d:*");
}

static void
cursor_ok(void **state)
{
	char		score[SEARCH_CURSOR_MAX + 1], id[24];
	int		kind;

	assert_int_equal(search_cursor_parse("693.326036965_1_17", score,
	    sizeof(score), &kind, id, sizeof(id)), 0);
	assert_string_equal(score, "693.326036965");
	assert_int_equal(kind, 1);
	assert_string_equal(id, "17");

	assert_int_equal(search_cursor_parse("-1.5e-07_6_0", score,
	    sizeof(score), &kind, id, sizeof(id)), 0);
	assert_int_equal(kind, 6);
}

static void
cursor_refused(void **state)
{
	static const char *bad[] = {
		"", "_", "1_1", "1_1_", "_1_1", "1_0_1", "1_12_1", "x_1_1",
		"1_1_x", "1_1_-1", "nan_1_1", "inf_1_1", "1e999_1_1",
		"1_1_99999999999999999999", "1_1_1_1", "1__1", "1.2.3_1_1",
		"1_1_9223372036854775808", "1;drop_1_1",
	};
	char		score[SEARCH_CURSOR_MAX + 1], id[24];
	size_t		i;
	int		kind;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (search_cursor_parse(bad[i], score, sizeof(score), &kind,
		    id, sizeof(id)) != -1)
			fail_msg("cursor %s taken", bad[i]);
	}
}

static void
date_rules(void **state)
{
	assert_true(search_date_valid("2024-02-29"));
	assert_true(search_date_valid("2000-02-29"));
	assert_true(search_date_valid("0001-01-01"));
	assert_true(search_date_valid("9999-12-31"));
	assert_false(search_date_valid("1900-02-29"));
	assert_false(search_date_valid("2023-02-29"));
	assert_false(search_date_valid("2023-04-31"));
	assert_false(search_date_valid("2023-13-01"));
	assert_false(search_date_valid("2023-00-10"));
	assert_false(search_date_valid("0000-01-01"));
	assert_false(search_date_valid("2023-1-01"));
	assert_false(search_date_valid("2023-01-01x"));
	assert_false(search_date_valid("+023-01-01"));
	assert_false(search_date_valid(""));
}

static void
prefix_rules(void **state)
{
	char		p[SEARCH_PREFIX_MAX + 1];

	assert_int_equal(search_prefix("hello Ali", p, sizeof(p)), 0);
	assert_string_equal(p, "ali");
	assert_int_equal(search_prefix("from:@bo", p, sizeof(p)), 0);
	assert_string_equal(p, "from");
	assert_int_equal(search_prefix("#ca", p, sizeof(p)), 0);
	assert_string_equal(p, "ca");
	assert_int_equal(search_prefix("x 'o'; --", p, sizeof(p)), -1);
	assert_int_equal(search_prefix("s_ab12", p, sizeof(p)), 0);
	assert_string_equal(p, "s_ab12");
	assert_int_equal(search_prefix("_x", p, sizeof(p)), 0);
	assert_string_equal(p, "x");
	assert_int_equal(search_prefix("  ", p, sizeof(p)), -1);
	assert_int_equal(search_prefix("Zoë", p, sizeof(p)), 0);
	assert_string_equal(p, "zoë");
	assert_int_equal(search_prefix("\xff", p, sizeof(p)), -1);
}

static void
excerpt_marks(void **state)
{
	struct out	o;

	assert_string_equal(excerpt(&o, "the \001garden\002 party", 1),
	    "the <mark>garden</mark> party");
	assert_string_equal(excerpt(&o, "the \001garden\002 party", 0),
	    "the garden party");
	assert_string_equal(excerpt(&o, "", 1), "");
}

/* Whatever a post holds, only the marks become markup. */
static void
excerpt_xss(void **state)
{
	static const char *corpus[] = {
		"<script>alert(1)</script>",
		"\"><img src=x onerror=alert(1)>",
		"<mark>fake</mark>",
		"</mark><script>",
		"&lt;script&gt;",
		"'onmouseover='alert(1)",
		"<svg/onload=alert(1)>",
		"javascript:alert(1)",
		"<!--",
		"]]><![CDATA[",
	};
	struct out	 o;
	char		 in[512];
	const char	*p;
	size_t		 i;

	for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		snprintf(in, sizeof(in), "a \001%s\002 b %s", corpus[i],
		    corpus[i]);
		excerpt(&o, in, 1);
		/* The only '<' are the marks' own. */
		for (p = o.s; (p = strchr(p, '<')) != NULL; p++) {
			if (strncmp(p, "<mark>", 6) && strncmp(p, "</mark>", 7))
				fail_msg("markup in %s", o.s);
		}
		assert_null(strchr(o.s, '"'));
		assert_null(strchr(o.s, '\''));
	}
}

static void
excerpt_unbalanced(void **state)
{
	struct out	o;

	assert_string_equal(excerpt(&o, "\002a\001b\001c", 1),
	    "a<mark>bc</mark>");
	assert_string_equal(excerpt(&o, "\001\001x\002\002", 1),
	    "<mark>x</mark>");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_words),
		cmocka_unit_test(query_phrase),
		cmocka_unit_test(query_exclusion),
		cmocka_unit_test(query_from),
		cmocka_unit_test(query_room),
		cmocka_unit_test(query_tags),
		cmocka_unit_test(query_bad_filters_are_words),
		cmocka_unit_test(query_length),
		cmocka_unit_test(query_invalid),
		cmocka_unit_test(query_controls),
		cmocka_unit_test(query_sql_looking),
		cmocka_unit_test(cursor_ok),
		cmocka_unit_test(cursor_refused),
		cmocka_unit_test(date_rules),
		cmocka_unit_test(prefix_rules),
		cmocka_unit_test(excerpt_marks),
		cmocka_unit_test(excerpt_xss),
		cmocka_unit_test(excerpt_unbalanced),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
