/*
 * The search box's language (apps/search/search_query.c) on any bytes:
 * the query parser, its limits and what it hands the statement; the
 * suggestion prefix; the cursor and the dates; and the excerpt, whose
 * only markup must be balanced <mark> tags whatever the text holds.
 */

#include <sys/types.h>

#include "search/search_query.h"
#include "fuzz.h"

struct out {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
put(void *arg, const char *s, size_t n)
{
	struct out	*o = arg;

	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		FUZZ_CHECK((o->s = realloc(o->s, o->cap)) != NULL, "memory");
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void
check_excerpt(const char *s)
{
	struct out	 o = { NULL, 0, 0 };
	const char	*p;
	int		 open;

	put(&o, "", 0);
	search_excerpt(s, 1, put, &o);
	open = 0;
	for (p = o.s; *p != '\0'; p++) {
		FUZZ_CHECK((*p != '"' && *p != '\'' && *p != '>') ||
		    (p >= o.s + 5 && !strncmp(p - 5, "<mark>", 6)) ||
		    (p >= o.s + 6 && !strncmp(p - 6, "</mark>", 7)),
		    "unescaped %c in %s", *p, o.s);
		if (*p != '<')
			continue;
		if (!strncmp(p, "<mark>", 6)) {
			FUZZ_CHECK(!open, "nested mark: %s", o.s);
			open = 1;
		} else {
			FUZZ_CHECK(!strncmp(p, "</mark>", 7) && open,
			    "markup: %s", o.s);
			open = 0;
		}
	}
	FUZZ_CHECK(!open, "unclosed mark: %s", o.s);

	o.len = 0;
	o.s[0] = '\0';
	search_excerpt(s, 0, put, &o);
	FUZZ_CHECK(strchr(o.s, SEARCH_MARK_OPEN) == NULL &&
	    strchr(o.s, SEARCH_MARK_CLOSE) == NULL, "mark in text");
	free(o.s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct search_query	 q;
	struct fuzz_fields	 ff;
	char			 prefix[SEARCH_PREFIX_MAX + 1];
	char			 score[SEARCH_CURSOR_MAX + 1], id[24];
	size_t			 chars, i;
	int			 rc, kind;

	rc = search_query_parse((const char *)data, len, &q);
	chars = search_utf8_len((const char *)data, len);
	if (chars == (size_t)-1) {
		FUZZ_CHECK(rc == SEARCH_Q_INVALID, "not UTF-8, taken");
	} else if (chars > SEARCH_Q_MAX) {
		FUZZ_CHECK(rc == SEARCH_Q_TOO_LONG, "too long, taken");
	} else {
		FUZZ_CHECK(rc == SEARCH_Q_OK, "refused: %d", rc);
	}
	if (rc == SEARCH_Q_OK) {
		FUZZ_CHECK(strlen(q.text) < sizeof(q.text), "text");
		FUZZ_CHECK(search_utf8_len(q.text, strlen(q.text)) !=
		    (size_t)-1, "text is not UTF-8: %s", q.text);
		FUZZ_CHECK(strchr(q.text, SEARCH_MARK_OPEN) == NULL &&
		    strchr(q.text, SEARCH_MARK_CLOSE) == NULL, "mark in text");
		FUZZ_CHECK(strspn(q.from, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789_") == strlen(q.from), "from: %s", q.from);
		FUZZ_CHECK(strlen(q.from) <= SEARCH_NAME_MAX, "from length");
		FUZZ_CHECK(search_utf8_len(q.room, strlen(q.room)) <=
		    SEARCH_ROOM_MAX, "room: %s", q.room);
		FUZZ_CHECK(q.ntags >= 0 && q.ntags <= SEARCH_TAGS_MAX, "tags");
		for (i = 0; i < (size_t)q.ntags; i++) {
			FUZZ_CHECK(strlen(q.tags[i]) >= 1 &&
			    strlen(q.tags[i]) <= SEARCH_TAG_MAX &&
			    strspn(q.tags[i], "abcdefghijklmnopqrstuvwxyz"
			    "0123456789_") == strlen(q.tags[i]), "tag");
		}
		FUZZ_CHECK(q.words >= 0 && (size_t)q.words <= chars, "words");
	}

	fuzz_split(data, len, 3, &ff);
	if (search_prefix(ff.f[0], prefix, sizeof(prefix)) == 0) {
		FUZZ_CHECK(*prefix != '\0' && strlen(prefix) <=
		    SEARCH_PREFIX_MAX, "prefix length");
		FUZZ_CHECK(strpbrk(prefix, "'\\:&|!()<> *%") == NULL,
		    "prefix %s", prefix);
		FUZZ_CHECK(search_utf8_len(prefix, strlen(prefix)) !=
		    (size_t)-1, "prefix is not UTF-8");
	}
	if (search_cursor_parse(ff.f[1], score, sizeof(score), &kind, id,
	    sizeof(id)) == 0) {
		FUZZ_CHECK(kind >= 1 && kind <= 9, "kind %d", kind);
		FUZZ_CHECK(strspn(id, "0123456789") == strlen(id) && *id,
		    "id %s", id);
	}
	if (search_date_valid(ff.f[1]))
		FUZZ_CHECK(strlen(ff.f[1]) == 10, "date %s", ff.f[1]);
	check_excerpt(ff.f[2]);
	fuzz_fields_free(&ff);

	return (0);
}
