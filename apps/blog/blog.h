/*
 * The blog: posts in Markdown with a review step, comments, an Atom feed,
 * HTML under /blog and JSON under /api/v1/blog.
 */

#ifndef __H_AGORA_BLOG_H
#define __H_AGORA_BLOG_H

#include "core/core.h"
#include "blog/markdown.h"

#define BLOG_PAGE_SIZE		20
#define BLOG_PAGE_MAX		1000
#define BLOG_API_LIMIT_MAX	100
#define BLOG_TITLE_MAX		200
#define BLOG_BODY_MAX		100000
#define BLOG_COMMENT_MAX	5000
/*
 * A post whose every character is escaped: an astral character as a
 * surrogate pair, two \u escapes, is 12 bytes.  Room for the rest.
 */
#define BLOG_JSON_BODY_MAX	\
	((BLOG_BODY_MAX + BLOG_TITLE_MAX) * 12 + 4096)

/* Columns of every post query, in this order (see BLOG_SQL_POST_COLS). */
#define BLOG_COL_ID		0
#define BLOG_COL_SLUG		1
#define BLOG_COL_TITLE		2
#define BLOG_COL_BODY		3
#define BLOG_COL_STATUS		4
#define BLOG_COL_REASON		5
#define BLOG_COL_CREATED	6
#define BLOG_COL_UPDATED	7
#define BLOG_COL_AUTHOR_ID	8
#define BLOG_COL_AUTHOR		9
#define BLOG_COL_WORDS		10
#define BLOG_COL_COMMENTS	11
#define BLOG_COL_EXCERPT	12
#define BLOG_COL_CURSOR		13
#define BLOG_COL_MORE		14
#define BLOG_COL_PUBLISHED	15	/* "" when never published */

/*
 * A post's columns; lists leave the text and the update time out
 * (BLOG_COL_BODY and BLOG_COL_UPDATED are "") and carry only the first
 * 200 characters and whether there is more.
 */
#define BLOG_SQL_COLS(body, updated)					\
	"p.id, p.slug, p.title, " body ", p.status, p.reject_reason, "	\
	CORE_SQL_TS("p.created_at") ", " updated			\
	", p.author_id, u.username, p.word_count, p.comment_count, "	\
	"left(p.body, 200), "						\
	"(extract(epoch FROM p.listed_at) * 1000000)::bigint || '.' || p.id, " \
	"char_length(p.body) > 200, "					\
	"coalesce(" CORE_SQL_TS("p.published_at") ", '')"
#define BLOG_SQL_POST_COLS						\
	BLOG_SQL_COLS("p.body", CORE_SQL_TS("p.updated_at"))
#define BLOG_SQL_LIST_COLS	BLOG_SQL_COLS("''", "''")

/* What a writer sends: NULL fields are left as they are (updates). */
struct blog_post_in {
	const char	*title;
	const char	*body;
	const char	*status;	/* "draft" or "pending" */
};

#define BLOG_CACHE_HTML		0
#define BLOG_CACHE_JSON		1
#define BLOG_CACHE_KINDS	2

/* blog_cache.c: the lists' pages in the core cache (1 to 50). */
#define BLOG_CACHE_PAGES	50

const u_int8_t	*blog_cache_get(int, int, size_t *);
void		 blog_cache_put(int, int, const void *, size_t);

/* blog_store.c */
json_t	*blog_post_check(struct blog_post_in *, int);
int	 blog_post_create(struct http_request *, struct core_ctx *,
	    struct blog_post_in *);
int	 blog_post_load(struct http_request *, struct core_ctx *,
	    struct core_db *, int64_t, int);
int	 blog_post_update(struct http_request *, struct core_ctx *,
	    int64_t, struct blog_post_in *);
int	 blog_post_delete(struct http_request *, struct core_ctx *, int64_t);
int	 blog_can_edit(struct core_ctx *, struct core_db *);

/* blog_render.c */
void	 blog_render_list(struct http_request *, struct kore_buf *,
	    struct core_db *, int, int);
void	 blog_render_post(struct http_request *, struct kore_buf *,
	    struct core_ctx *, struct core_db *);
void	 blog_render_form(struct http_request *, struct kore_buf *,
	    const char *, struct blog_post_in *, json_t *);
json_t	*blog_post_json(struct core_db *, int, int);
int	 blog_reading_minutes(int64_t);

/* blog_comments.c */
int	 blog_comments_load(struct http_request *, struct core_ctx *,
	    struct core_db *, int64_t);
void	 blog_render_comments(struct http_request *, struct kore_buf *,
	    struct core_ctx *, struct core_db *, struct core_db *);

#endif /* !__H_AGORA_BLOG_H */
