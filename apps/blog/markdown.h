/*
 * Markdown rendering for user text (plain C over cmark, unit-tested).
 */

#ifndef __H_AGORA_BLOG_MARKDOWN_H
#define __H_AGORA_BLOG_MARKDOWN_H

#include <stddef.h>

#define BLOG_LEAD_SHA_MAX	65
#define BLOG_LEAD_ALT_MAX	300

/* A post's lead picture: the first of the site's own images in it. */
struct blog_lead {
	char	sha[BLOG_LEAD_SHA_MAX];		/* "" when there is none */
	char	alt[BLOG_LEAD_ALT_MAX + 1];
};

char	*blog_markdown_html(const char *, size_t);
char	*blog_markdown_text(const char *, size_t, size_t, int *);
char	*blog_markdown_summary(const char *, size_t, size_t, int *,
	    struct blog_lead *);

#endif /* !__H_AGORA_BLOG_MARKDOWN_H */
