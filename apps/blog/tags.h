/*
 * A post's tags (plain C, unit-tested): up to BLOG_TAGS_MAX words of
 * lower-case letters, digits and inner hyphens.
 */

#ifndef __H_AGORA_BLOG_TAGS_H
#define __H_AGORA_BLOG_TAGS_H

#include <stddef.h>

#define BLOG_TAGS_MAX		5
#define BLOG_TAG_MAX		30
/* "{a,b,...}": every tag, a comma after each, the braces and a NUL. */
#define BLOG_TAGS_SQL_MAX	(BLOG_TAGS_MAX * (BLOG_TAG_MAX + 1) + 3)

struct blog_tags {
	int	n;
	char	tag[BLOG_TAGS_MAX][BLOG_TAG_MAX + 1];
	char	sql[BLOG_TAGS_SQL_MAX];
};

void		 blog_tags_init(struct blog_tags *);
int		 blog_tags_add(struct blog_tags *, const char *, size_t,
		    const char **);
int		 blog_tags_parse(struct blog_tags *, const char *,
		    const char **);
int		 blog_tag_valid(const char *);
const char	*blog_tags_sql(struct blog_tags *);

#endif /* !__H_AGORA_BLOG_TAGS_H */
