/*
 * The search box's language (plain C, no Kore):
 *
 *	words			every word (stemmed: "running" finds "run")
 *	"a phrase"		the words next to each other
 *	-word, -"a phrase"	not this
 *	a OR b			either
 *	from:user		by this user (also from:@user)
 *	in:#room		in this chat room
 *	#tag			photos with this tag (up to four, all of them)
 *
 * The words go to websearch_to_tsquery, which reads any text without
 * an error; the filters become parameters of the statement.  A filter
 * whose value is not a possible name is kept as words.
 */

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"
#include "search/search_query.h"

static size_t	utf8_char(const unsigned char *, size_t);
static int	is_space(unsigned char);
static void	text_add(struct search_query *, size_t *, const char *,
		    size_t, int, int);
static int	name_take(char *, size_t, const char *, size_t);
static int	room_take(char *, size_t, const char *, size_t);
static int	tag_take(struct search_query *, const char *, size_t);
static int	prefixed(const char *, size_t, const char *);
static void	excerpt_text(const char *, size_t, int,
		    void (*)(void *, const char *, size_t), void *);

/*
 * The length of the UTF-8 character at `s` (`n` bytes left), or 0 when
 * it is not one (overlong, surrogate, beyond U+10FFFF, truncated, NUL).
 */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	u_int32_t	c;
	size_t		len, i;

	if (s[0] == 0)
		return (0);
	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return (0);
	}
	if (len > n)
		return (0);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return (0);

	return (len);
}

/* Characters in `s` (`n` bytes) if it is UTF-8 without NUL, else -1. */
size_t
search_utf8_len(const char *s, size_t n)
{
	size_t		i, k, chars;

	for (i = 0, chars = 0; i < n; i += k, chars++) {
		if ((k = utf8_char((const unsigned char *)s + i, n - i)) == 0)
			return ((size_t)-1);
	}

	return (chars);
}

/* ASCII white space and control characters separate words. */
static int
is_space(unsigned char c)
{
	return (c <= 0x20 || c == 0x7f);
}

/* Does `s` (`n` bytes) start with `p`, case aside? */
static int
prefixed(const char *s, size_t n, const char *p)
{
	size_t		len;

	len = strlen(p);

	return (n >= len && strncasecmp(s, p, len) == 0);
}

/*
 * Append a word (`quoted`: as a phrase; `neg`: excluded) to the text,
 * control characters made spaces.  The text has room for the whole
 * query plus the quotes and spaces the words gain: every query over
 * SEARCH_Q_MAX characters was refused before.
 */
static void
text_add(struct search_query *q, size_t *at, const char *s, size_t n,
    int quoted, int neg)
{
	size_t		i, need;

	need = n + 4;
	if (*at + need > sizeof(q->text) - 1)
		return;
	if (*at > 0)
		q->text[(*at)++] = ' ';
	if (neg)
		q->text[(*at)++] = '-';
	if (quoted)
		q->text[(*at)++] = '"';
	for (i = 0; i < n; i++) {
		q->text[(*at)++] = is_space((unsigned char)s[i]) ? ' ' :
		    (quoted && s[i] == '"') ? ' ' : s[i];
	}
	if (quoted)
		q->text[(*at)++] = '"';
	q->text[*at] = '\0';
}

/* from:user's value, "@" allowed before it: [a-z0-9_]{1,32}, lowered. */
static int
name_take(char *out, size_t outlen, const char *s, size_t n)
{
	size_t		i;

	if (n > 0 && s[0] == '@') {
		s++;
		n--;
	}
	if (n == 0 || n > SEARCH_NAME_MAX || n >= outlen)
		return (-1);
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return (-1);
	}
	for (i = 0; i < n; i++)
		out[i] = tolower((unsigned char)s[i]);
	out[n] = '\0';

	return (0);
}

/* in:#room's value, "#" optional: 1 to 64 characters, no quote. */
static int
room_take(char *out, size_t outlen, const char *s, size_t n)
{
	size_t		chars;

	if (n > 0 && s[0] == '#') {
		s++;
		n--;
	}
	if (n == 0 || n >= outlen || memchr(s, '"', n) != NULL)
		return (-1);
	chars = search_utf8_len(s, n);
	if (chars == (size_t)-1 || chars > SEARCH_ROOM_MAX)
		return (-1);
	memcpy(out, s, n);
	out[n] = '\0';

	return (0);
}

/* #tag: [A-Za-z0-9_]{1,50}, lowered; a tag given twice counts once. */
static int
tag_take(struct search_query *q, const char *s, size_t n)
{
	char		tag[SEARCH_TAG_MAX + 1];
	size_t		i;
	int		k;

	if (n < 2 || s[0] != '#' || n - 1 > SEARCH_TAG_MAX)
		return (-1);
	for (i = 1; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return (-1);
		tag[i - 1] = tolower((unsigned char)s[i]);
	}
	tag[n - 1] = '\0';

	for (k = 0; k < q->ntags; k++) {
		if (!strcmp(q->tags[k], tag))
			return (0);
	}
	if (q->ntags == SEARCH_TAGS_MAX)
		return (-1);
	memcpy(q->tags[q->ntags++], tag, n);

	return (0);
}

/*
 * Parse the query `s` of `n` bytes into `q`.  SEARCH_Q_OK, or
 * SEARCH_Q_INVALID (not UTF-8, a NUL) or SEARCH_Q_TOO_LONG (over
 * SEARCH_Q_MAX characters), `q` then empty.
 */
int
search_query_parse(const char *s, size_t n, struct search_query *q)
{
	size_t		 i, start, end, at, chars;
	const char	*w;
	int		 neg;

	memset(q, 0, sizeof(*q));

	if ((chars = search_utf8_len(s, n)) == (size_t)-1)
		return (SEARCH_Q_INVALID);
	if (chars > SEARCH_Q_MAX)
		return (SEARCH_Q_TOO_LONG);

	at = 0;
	i = 0;
	while (i < n) {
		while (i < n && is_space((unsigned char)s[i]))
			i++;
		if (i == n)
			break;

		neg = 0;
		if (s[i] == '-' && i + 1 < n &&
		    !is_space((unsigned char)s[i + 1])) {
			neg = 1;
			i++;
		}

		if (s[i] == '"') {
			start = ++i;
			while (i < n && s[i] != '"')
				i++;
			end = i;
			if (i < n)
				i++;
			for (w = s + start; w < s + end; w++) {
				if (!is_space((unsigned char)*w))
					break;
			}
			if (w == s + end)
				continue;
			text_add(q, &at, s + start, end - start, 1, neg);
			if (!neg)
				q->words++;
			continue;
		}

		start = i;
		while (i < n && !is_space((unsigned char)s[i]))
			i++;
		w = s + start;
		end = i - start;

		if (!neg) {
			if (prefixed(w, end, "from:") && name_take(q->from,
			    sizeof(q->from), w + 5, end - 5) == 0)
				continue;
			if (prefixed(w, end, "in:") && room_take(q->room,
			    sizeof(q->room), w + 3, end - 3) == 0)
				continue;
			if (w[0] == '#' && tag_take(q, w, end) == 0)
				continue;
		}

		text_add(q, &at, w, end, 0, neg);
		/* OR joins words; it is not one. */
		if (!neg && !(end == 2 && !strncmp(w, "OR", 2)))
			q->words++;
	}

	return (SEARCH_Q_OK);
}

/* Does the query have a filter (from:, in:, #tag)? */
int
search_query_filtered(const struct search_query *q)
{
	return (q->from[0] != '\0' || q->room[0] != '\0' || q->ntags > 0);
}

/*
 * A cursor "<score>_<kind>_<id>": the score into `score`, the id into
 * `id`, both checked.  0, or -1 when it is not one.
 */
int
search_cursor_parse(const char *c, char *score, size_t scorelen, int *kind,
    char *id, size_t idlen)
{
	const char	*a, *b;
	char		*end;
	double		 d;
	long long	 v;
	size_t		 n;

	if (strlen(c) > SEARCH_CURSOR_MAX)
		return (-1);
	if ((a = strchr(c, '_')) == NULL || (b = strchr(a + 1, '_')) == NULL)
		return (-1);

	n = a - c;
	if (n == 0 || n >= scorelen || strspn(c, "0123456789.-+eE") < n)
		return (-1);
	memcpy(score, c, n);
	score[n] = '\0';
	errno = 0;
	d = strtod(score, &end);
	if (errno != 0 || *end != '\0' || !isfinite(d))
		return (-1);

	if (b - a != 2 || a[1] < '1' || a[1] > '9')
		return (-1);
	*kind = a[1] - '0';

	n = strlen(b + 1);
	if (n == 0 || n > 19 || n >= idlen || strspn(b + 1, "0123456789") < n)
		return (-1);
	memcpy(id, b + 1, n + 1);
	errno = 0;
	v = strtoll(id, NULL, 10);
	if (errno != 0 || v < 0)
		return (-1);

	return (0);
}

/* YYYY-MM-DD, a day that exists. */
int
search_date_valid(const char *s)
{
	static const int	 days[] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	int			 y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2)
		return (0);

	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return (0);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return (d <= days[m - 1] + (m == 2 && leap));
}

/*
 * The last word of `s`, lowered, as a name prefix for the suggestions:
 * letters, digits and (not first) _ of ASCII and any non-ASCII UTF-8
 * (anything else ends it).  0 with the prefix in `out`, -1 when there is none.
 */
int
search_prefix(const char *s, char *out, size_t outlen)
{
	const char	*w;
	size_t		 n, i, o, k;

	n = strlen(s);
	if (search_utf8_len(s, n) == (size_t)-1)
		return (-1);
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	w = s + n;
	while (w > s && !is_space((unsigned char)w[-1]))
		w--;
	n = (s + n) - w;

	for (i = 0, o = 0; i < n; i += k) {
		k = utf8_char((const unsigned char *)w + i, n - i);
		if (k == 0)
			return (-1);
		if (k == 1 && !isalnum((unsigned char)w[i]) &&
		    !(w[i] == '_' && o > 0)) {
			if (o > 0)
				break;
			continue;
		}
		if (o + k >= outlen || o + k > SEARCH_PREFIX_MAX)
			break;
		if (k == 1)
			out[o++] = tolower((unsigned char)w[i]);
		else {
			memcpy(out + o, w + i, k);
			o += k;
		}
	}
	out[o] = '\0';

	return (o > 0 ? 0 : -1);
}

/* `n` bytes of `s` through `out`, escaped with `html`. */
static void
excerpt_text(const char *s, size_t n, int html,
    void (*out)(void *, const char *, size_t), void *arg)
{
	char		chunk[256];
	size_t		k;

	if (!html) {
		if (n > 0)
			out(arg, s, n);
		return;
	}
	while (n > 0) {
		k = n < sizeof(chunk) - 1 ? n : sizeof(chunk) - 1;
		memcpy(chunk, s, k);
		chunk[k] = '\0';
		agora_html_escape(chunk, out, arg);
		s += k;
		n -= k;
	}
}

void
search_excerpt(const char *s, int html,
    void (*out)(void *, const char *, size_t), void *arg)
{
	const char	*run, *p;
	int		 open;

	open = 0;
	for (run = p = s; *p != '\0'; p++) {
		if (*p != SEARCH_MARK_OPEN && *p != SEARCH_MARK_CLOSE)
			continue;
		excerpt_text(run, p - run, html, out, arg);
		run = p + 1;
		if (!html)
			continue;
		if (*p == SEARCH_MARK_OPEN && !open) {
			out(arg, "<mark>", 6);
			open = 1;
		} else if (*p == SEARCH_MARK_CLOSE && open) {
			out(arg, "</mark>", 7);
			open = 0;
		}
	}
	excerpt_text(run, p - run, html, out, arg);
	if (open)
		out(arg, "</mark>", 7);
}
