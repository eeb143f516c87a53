/*
 * The blog: posts in Markdown with a review step, comments, an Atom feed,
 * HTML under /blog and JSON under /api/v1/blog.
 */

#ifndef __H_AGORA_BLOG_H
#define __H_AGORA_BLOG_H

#include "core/core.h"
#include "blog/markdown.h"
#include "blog/tags.h"

#define BLOG_PAGE_SIZE		20
#define BLOG_PAGE_MAX		1000
#define BLOG_API_LIMIT_MAX	100
#define BLOG_TITLE_MAX		200
#define BLOG_BODY_MAX		100000
#define BLOG_COMMENT_MAX	5000
#define BLOG_PREVIEW_MAX	120	/* previews a user asks a minute */
/*
 * A post whose every character is escaped: an astral character as a
 * surrogate pair, two \u escapes, is 12 bytes.  Room for the rest.
 */
#define BLOG_JSON_BODY_MAX	\
	((BLOG_BODY_MAX + BLOG_TITLE_MAX) * 12 + 4096)

/* Columns of every post query, in this order (see BLOG_SQL_POST_COLS). */
enum blog_col {
	BLOG_COL_ID,
	BLOG_COL_SLUG,
	BLOG_COL_TITLE,
	BLOG_COL_BODY,
	BLOG_COL_STATUS,
	BLOG_COL_REASON,
	BLOG_COL_CREATED,
	BLOG_COL_UPDATED,
	BLOG_COL_AUTHOR_ID,
	BLOG_COL_AUTHOR,
	BLOG_COL_WORDS,
	BLOG_COL_COMMENTS,
	BLOG_COL_EXCERPT,
	BLOG_COL_CURSOR,
	BLOG_COL_MORE,
	BLOG_COL_PUBLISHED,	/* "" when never published */
	BLOG_COL_EDIT_STATE,	/* an edit not public yet: its status, or "" */
	BLOG_COL_TAGS,		/* the published tags, space-separated */
	BLOG_COL_PUBLISH_AT,	/* a scheduled time, or "" */
	BLOG_COL_AUTHOR_NAME,	/* the author's display name */
	BLOG_COL_AUTHOR_AVATAR,	/* the author's avatar sha256, or "" */
	/*
	 * A single post's load (blog_post_load) adds its pending edit, for
	 * its author and admins only (NULL for everyone else and when there
	 * is none), and how many revisions it has.
	 */
	BLOG_COL_EDIT_ID,
	BLOG_COL_EDIT_STATUS,
	BLOG_COL_EDIT_REASON,
	BLOG_COL_EDIT_AT,
	BLOG_COL_EDIT_TITLE,
	BLOG_COL_EDIT_BODY,
	BLOG_COL_REVISIONS,
	BLOG_COL_LIVE_REV,	/* the published revision (same viewers) */
	BLOG_COL_EDIT_TAGS	/* the pending edit's tags (same viewers) */
};

/*
 * An excerpt is the plain text (blog_markdown_text) of the first
 * BLOG_EXCERPT_SOURCE characters of the Markdown, at most
 * BLOG_EXCERPT_MAX bytes of it.
 */
#define BLOG_EXCERPT_SOURCE	"2000"
#define BLOG_EXCERPT_MAX	240

/*
 * A post's columns; lists leave the text and the update time out
 * (BLOG_COL_BODY and BLOG_COL_UPDATED are "") and carry only the start
 * of the Markdown for the excerpt and whether there is more.
 */
#define BLOG_SQL_COLS(body, updated)					\
	"p.id, p.slug, p.title, " body ", p.status, p.reject_reason, "	\
	CORE_SQL_TS("p.created_at") ", " updated			\
	", p.author_id, u.username, p.word_count, p.comment_count, "	\
	"left(p.body, " BLOG_EXCERPT_SOURCE "), "			\
	"(extract(epoch FROM p.listed_at) * 1000000)::bigint || '.' || p.id, " \
	"char_length(p.body) > " BLOG_EXCERPT_SOURCE ", "		\
	"coalesce(" CORE_SQL_TS("p.published_at") ", ''), "		\
	"coalesce(p.edit_status, ''), array_to_string(p.tags, ' '), "	\
	"coalesce(" CORE_SQL_TS("p.publish_at") ", ''), u.display_name, "	\
	"coalesce(u.avatar_sha, '')"
#define BLOG_SQL_POST_COLS						\
	BLOG_SQL_COLS("p.body", CORE_SQL_TS("p.updated_at"))
#define BLOG_SQL_LIST_COLS	BLOG_SQL_COLS("''", "''")

/* The BLOG_COL_EDIT_* columns: `er` the edit's revision, if the viewer may. */
#define BLOG_SQL_EDIT_COLS(v, a)					\
	"er.id, CASE WHEN er.id IS NOT NULL THEN p.edit_status END, "	\
	"CASE WHEN er.id IS NOT NULL THEN p.edit_reason END, "		\
	CORE_SQL_TS("er.created_at") ", er.title, er.body, "		\
	"CASE WHEN p.author_id = " v "::bigint OR " a "::bool THEN "	\
	"(SELECT count(*) FROM post_revisions r WHERE r.post_id = p.id) "	\
	"ELSE 0 END, CASE WHEN er.id IS NOT NULL THEN p.live_revision END, " \
	"array_to_string(er.tags, ' ')"

/*
 * Who sees a post is agora_post_visible (sql/013_search.sql), the rule
 * the search uses too.  The public lists: what an anonymous reader
 * sees (`p` posts, `u` its author).  They also say p.status =
 * 'approved', for the index.
 */
#define BLOG_SQL_PUBLIC							\
	"agora_post_visible(p.status, p.author_id, u.banned, 0, false)"
/*
 * Not by someone viewer `v` blocked or muted (sql/023_blocks.sql): the
 * lists, feeds and the home page of a signed-in viewer.
 */
#define BLOG_SQL_SHOWN(v)						\
	"agora_shown(p.author_id, " v "::bigint)"
#define BLOG_SQL_VISIBLE(v, a)						\
	"agora_post_visible(p.status, p.author_id, u.banned, " v	\
	"::bigint, " a "::bool)"

/*
 * The index: newest published first; OFFSET pages (numbered links) up
 * to 1000.  A macro so that bench/blog_sql.c prints what the site runs.
 */
#define BLOG_SQL_INDEX							\
	"SELECT " BLOG_SQL_LIST_COLS					\
	"  FROM posts p JOIN users u ON u.id = p.author_id"		\
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC		\
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 21 OFFSET $1"

/*
 * What creating or changing a post returns (blog_post_create,
 * blog_post_update): the row, and the jobs its statement queued.
 */
enum blog_wcol {
	BLOG_WCOL_ID,
	BLOG_WCOL_SLUG,
	BLOG_WCOL_STATUS,
	BLOG_WCOL_JOBS
};
#define BLOG_SQL_WRITTEN_COLS(jobs)					\
	"p.id, p.slug, p.status, " CORE_JOBS_JSON(jobs)

/* Columns of the comments query (blog_comments_load), in this order. */
enum blog_ccol {
	BLOG_CCOL_ID,
	BLOG_CCOL_BODY,
	BLOG_CCOL_CREATED,
	BLOG_CCOL_AUTHOR,
	BLOG_CCOL_AUTHOR_ID,
	BLOG_CCOL_HIDDEN,
	BLOG_CCOL_PARENT,	/* the top-level comment of a reply, or NULL */
	BLOG_CCOL_EDITED,	/* when its author last changed it, or "" */
	BLOG_CCOL_AUTHOR_NAME,
	BLOG_CCOL_AUTHOR_AVATAR
};
#define BLOG_SQL_COMMENT_COLS						\
	"c.id, c.body, " CORE_SQL_TS("c.created_at") ", u.username, "	\
	"c.author_id, c.hidden, c.parent_id, "				\
	"coalesce(" CORE_SQL_TS("c.edited_at") ", ''), u.display_name, "	\
	"coalesce(u.avatar_sha, '')"

/* What a writer sends: NULL fields are left as they are (updates). */
struct blog_post_in {
	const char	*title;
	const char	*body;
	const char	*status;	/* "draft" or "pending" */
	int64_t		 restored;	/* the revision restored, or 0 */
	const char	*tags;		/* as typed, comma-separated */
	/*
	 * The tags as an SQL array (blog_post_check sets it from `tags`,
	 * a restore from the revision), or NULL to keep them.
	 */
	const char	*tags_sql;
	struct blog_tags tagset;
	char		 tags_buf[256];	/* the API's array, joined */
	/*
	 * When to publish a post never published: RFC 3339 (API), or a
	 * form's local "YYYY-MM-DDTHH:MM" with `tz_offset` (minutes west
	 * of UTC, as the page's script reads it; none: UTC).  NULL keeps
	 * it, "" removes it.  blog_post_check leaves the checked time in
	 * `publish_sql` (NULL: keep).
	 */
	const char	*publish_at;
	const char	*tz_offset;
	const char	*publish_sql;
	char		 publish_buf[40];
	int		 published;	/* the editor: it has been */
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
	    struct core_db *, struct blog_post_in *);
int	 blog_post_load(struct http_request *, struct core_ctx *,
	    struct core_db *, int64_t, int);
int	 blog_post_update(struct http_request *, struct core_ctx *,
	    struct core_db *, int64_t, struct blog_post_in *);
int	 blog_post_delete(struct http_request *, struct core_ctx *,
	    struct core_db *, int64_t);
int	 blog_can_edit(struct core_ctx *, struct core_db *);

/* blog_render.c */
void	 blog_render_list(struct http_request *, struct kore_buf *,
	    struct core_db *, int, int);
void	 blog_render_post(struct http_request *, struct kore_buf *,
	    struct core_ctx *, struct core_db *);
void	 blog_render_form(struct http_request *, struct kore_buf *,
	    const char *, struct blog_post_in *, json_t *);
void	 blog_render_edit_state(struct kore_buf *, struct core_ctx *,
	    struct core_db *);
void	 blog_render_tags(struct kore_buf *, const char *);
void	 blog_render_head(struct kore_buf *, struct core_db *);

/*
 * blog_json.c: rows as the API's JSON (and the reading time both forms
 * show).  Each returns a new reference the caller owns and only reads
 * `db`; the rows stay where they are.
 */
int	 blog_reading_minutes(int64_t);
char	*blog_excerpt(struct core_db *, int, int *, struct blog_lead *);
json_t	*blog_lead_json(const struct blog_lead *);
json_t	*blog_post_json(struct core_db *, int, int);
json_t	*blog_posts_json(struct core_db *, int);
json_t	*blog_tags_json(const char *);
json_t	*blog_comment_json(struct core_db *, int, int64_t);
json_t	*blog_comments_json(struct core_db *, int64_t);

/* blog_comments.c */
int	 blog_comments_load(struct http_request *, struct core_ctx *,
	    struct core_db *, int64_t);
void	 blog_render_comments(struct http_request *, struct kore_buf *,
	    struct core_ctx *, struct core_db *, struct core_db *);

#endif /* !__H_AGORA_BLOG_H */
