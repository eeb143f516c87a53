/*
 * The search box's language and what the search hands back, in plain C
 * (no Kore): the query syntax, the result cursor, the date filters and
 * the highlighted excerpt.  Unit-tested (tests/unit/test_search_query.c)
 * and fuzzed (tests/fuzz/search_query.c).
 */

#ifndef __H_AGORA_SEARCH_QUERY_H
#define __H_AGORA_SEARCH_QUERY_H

#include <sys/types.h>

#include <stddef.h>

#define SEARCH_Q_MAX		256	/* characters of a query */
#define SEARCH_Q_BYTES		(SEARCH_Q_MAX * 4)
#define SEARCH_NAME_MAX		32	/* from:user (CORE_USERNAME_MAX) */
#define SEARCH_ROOM_MAX		64	/* in:#room, characters */
#define SEARCH_TAG_MAX		50	/* #tag (photo_tags) */
#define SEARCH_TAGS_MAX		4
#define SEARCH_PREFIX_MAX	32	/* a suggestion's prefix, bytes */
#define SEARCH_CURSOR_MAX	64

/* Highlight marks in ts_headline's output (StartSel, StopSel). */
#define SEARCH_MARK_OPEN	'\001'
#define SEARCH_MARK_CLOSE	'\002'

/* search_query_parse()'s verdicts. */
#define SEARCH_Q_OK		0
#define SEARCH_Q_TOO_LONG	1	/* over SEARCH_Q_MAX characters */
#define SEARCH_Q_INVALID	2	/* not UTF-8, or a NUL inside */

/*
 * A parsed query.  `text` is what websearch_to_tsquery reads: the
 * words, "quoted phrases", -exclusions and OR, with the filters taken
 * out and control characters made spaces.  `words` counts the words
 * and phrases that are not excluded (0: the query is filters only, or
 * empty).
 */
struct search_query {
	char	text[SEARCH_Q_BYTES * 2 + 1];
	char	from[SEARCH_NAME_MAX + 1];	/* from:user, or "" */
	char	room[SEARCH_ROOM_MAX * 4 + 1];	/* in:#room, or "" */
	char	tags[SEARCH_TAGS_MAX][SEARCH_TAG_MAX + 1];
	int	ntags;				/* #tag */
	int	words;
};

int	search_query_parse(const char *, size_t, struct search_query *);
int	search_query_filtered(const struct search_query *);
size_t	search_utf8_len(const char *, size_t);

/*
 * A result cursor "<score>_<kind>_<id>" as the statement writes it:
 * `score` a finite decimal, `kind` 1..9, `id` a non-negative bigint.
 */
int	search_cursor_parse(const char *, char *, size_t, int *, char *,
	    size_t);

/* A YYYY-MM-DD date that exists (years 1 to 9999). */
int	search_date_valid(const char *);

/* The last word of a query as a name prefix: [a-z0-9_] and non-ASCII. */
int	search_prefix(const char *, char *, size_t);

/*
 * An excerpt with SEARCH_MARK_OPEN/CLOSE around the hits, written out
 * through `out`: with `html`, escaped and the marks as <mark></mark>
 * (always balanced, never nested), the only markup that comes out;
 * without, the text with the marks dropped.
 */
void	search_excerpt(const char *, int,
	    void (*)(void *, const char *, size_t), void *);

#endif /* !__H_AGORA_SEARCH_QUERY_H */
