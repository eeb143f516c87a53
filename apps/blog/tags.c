/*
 * Tags as writers type them ("Travel, north-ridge #walks") and as they
 * are kept: lower-case, at most BLOG_TAG_MAX characters of a-z, 0-9 and
 * hyphens between them, no repeats, at most BLOG_TAGS_MAX a post.  The
 * same rule is a CHECK in sql/019_blog_tags_replies.sql.
 */

#include <string.h>

#include "blog/tags.h"

static int	tag_char(char);

void
blog_tags_init(struct blog_tags *t)
{
	memset(t, 0, sizeof(*t));
}

static int
tag_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
}

/* 1 when `s` is a tag as kept (the route and the API's ?tag= check). */
int
blog_tag_valid(const char *s)
{
	size_t		i, n;

	n = strlen(s);
	if (n == 0 || n > BLOG_TAG_MAX || s[0] == '-' || s[n - 1] == '-')
		return (0);
	for (i = 0; i < n; i++) {
		if (s[i] == '-') {
			if (s[i + 1] == '-')
				return (0);
			continue;
		}
		if (!tag_char(s[i]))
			return (0);
	}

	return (1);
}

/*
 * Add the `len` bytes at `s` as one tag: a leading '#' is dropped and
 * A-Z lowered; a repeat is ignored.  0, or -1 with `*err` saying why
 * (`t` unchanged).
 */
int
blog_tags_add(struct blog_tags *t, const char *s, size_t len,
    const char **err)
{
	char		word[BLOG_TAG_MAX + 1];
	size_t		i;
	int		k;

	if (len > 0 && s[0] == '#') {
		s++;
		len--;
	}
	if (len == 0) {
		*err = "A tag cannot be empty.";
		return (-1);
	}
	if (len > BLOG_TAG_MAX) {
		*err = "A tag has at most 30 characters.";
		return (-1);
	}
	for (i = 0; i < len; i++) {
		word[i] = s[i];
		if (word[i] >= 'A' && word[i] <= 'Z')
			word[i] = word[i] - 'A' + 'a';
	}
	word[len] = '\0';
	if (!blog_tag_valid(word)) {
		*err = "A tag is letters a-z, digits and single hyphens "
		    "between them.";
		return (-1);
	}

	for (k = 0; k < t->n; k++) {
		if (!strcmp(t->tag[k], word))
			return (0);
	}
	if (t->n == BLOG_TAGS_MAX) {
		*err = "A post has at most 5 tags.";
		return (-1);
	}
	memcpy(t->tag[t->n], word, len + 1);
	t->n++;

	return (0);
}

/*
 * Add the tags of `text`, separated by commas or white space.  0, or -1
 * with `*err` saying why (the tags before the bad one are kept).
 */
int
blog_tags_parse(struct blog_tags *t, const char *text, const char **err)
{
	const char	*sep = ", \t\r\n";
	size_t		 n;

	for (;;) {
		text += strspn(text, sep);
		if (*text == '\0')
			return (0);
		n = strcspn(text, sep);
		if (blog_tags_add(t, text, n, err) == -1)
			return (-1);
		text += n;
	}
}

/*
 * The tags as a PostgreSQL array literal, "{a,b}" ("{}" for none), in
 * `t`.  Every tag is [a-z0-9-], so nothing in it needs quoting.
 */
const char *
blog_tags_sql(struct blog_tags *t)
{
	size_t		off, n;
	int		k;

	off = 0;
	t->sql[off++] = '{';
	for (k = 0; k < t->n; k++) {
		if (k > 0)
			t->sql[off++] = ',';
		n = strlen(t->tag[k]);
		memcpy(t->sql + off, t->tag[k], n);
		off += n;
	}
	t->sql[off++] = '}';
	t->sql[off] = '\0';

	return (t->sql);
}
