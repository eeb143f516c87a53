/*
 * Markdown rendering for user text (plain C over cmark, unit-tested).
 */

#ifndef __H_AGORA_BLOG_MARKDOWN_H
#define __H_AGORA_BLOG_MARKDOWN_H

#include <stddef.h>

char	*blog_markdown_html(const char *, size_t);
char	*blog_markdown_text(const char *, size_t, size_t, int *);

#endif /* !__H_AGORA_BLOG_MARKDOWN_H */
