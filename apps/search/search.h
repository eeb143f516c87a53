/*
 * Search across the site: posts, comments, photos, chat messages,
 * people and rooms, on PostgreSQL's full-text search (sql/013_search.sql).
 * The page is /search, the JSON /api/v1/search and the nav box's
 * suggestions /api/v1/search/suggest.
 */

#ifndef __H_AGORA_SEARCH_H
#define __H_AGORA_SEARCH_H

#include "core/core.h"
#include "search/search_query.h"

#define SEARCH_PAGE_SIZE	20
#define SEARCH_LIMIT_MAX	50
#define SEARCH_SUGGEST_MAX	5	/* of each kind */
/* The newest matches of each kind that are ranked (ten pages each). */
#define SEARCH_CANDIDATES	200

/* What a hit is (the statement's kind column, also in the cursor). */
#define SEARCH_KIND_POST	1
#define SEARCH_KIND_COMMENT	2
#define SEARCH_KIND_PHOTO	3
#define SEARCH_KIND_MESSAGE	4
#define SEARCH_KIND_USER	5
#define SEARCH_KIND_ROOM	6
#define SEARCH_KIND_LAST	6

/* ?in=: all, blog, photos, chat, people (the kinds of each, as bits). */
struct search_scope {
	const char	*name;
	const char	*label;
	int		 kinds;
};

extern const struct search_scope	search_scopes[];

/* A request's search, from its parameters (search_pages.c). */
struct search_req {
	const char		*q;		/* as given, or "" */
	const struct search_scope *scope;
	struct search_query	 query;
	const char		*author;	/* ?author=, or NULL */
	char			 author_buf[CORE_USERNAME_MAX + 1];
	const char		*from;		/* ?from= YYYY-MM-DD or NULL */
	const char		*to;
	const char		*cursor;	/* as given, or NULL */
	char			 c_score[SEARCH_CURSOR_MAX + 1];
	char			 c_id[24];
	int			 c_kind;
	int			 held;		/* an admin's held items */
	int			 limit;
	int			 empty;		/* nothing to look for */
};

/*
 * Columns of the search statement.  Its first row is always there:
 * SEARCH_COL_TERMS is how many terms the text search kept (0: only
 * stop words), and the rest is NULL when nothing matched.
 */
enum search_col {
	SEARCH_COL_TERMS,
	SEARCH_COL_KIND,
	SEARCH_COL_ID,
	SEARCH_COL_CURSOR,
	SEARCH_COL_TITLE,	/* with marks */
	SEARCH_COL_EXCERPT,	/* with marks */
	SEARCH_COL_LINK,
	SEARCH_COL_AUTHOR,
	SEARCH_COL_AT,
	SEARCH_COL_PLACE
};

/* Columns of the suggestion statement. */
enum search_scol {
	SEARCH_SCOL_KIND,
	SEARCH_SCOL_LABEL,
	SEARCH_SCOL_LINK
};

/* search_store.c */
int	search_run(struct http_request *, struct core_ctx *,
	    struct core_db *, struct search_req *);
int	search_suggest_run(struct http_request *, struct core_ctx *,
	    struct core_db *, const char *);
int	search_hits(struct core_db *);

/* search_pages.c */
struct search_req *search_req_of(struct core_ctx *);
int	search_req_read(struct http_request *, struct core_ctx *,
	    struct search_req *, const char **);

/* search_render.c */
const char	*search_kind_name(int);
void	search_render_page(struct http_request *, struct kore_buf *,
	    struct core_ctx *, struct search_req *, struct core_db *);
void	search_render_form(struct kore_buf *, struct core_ctx *,
	    struct search_req *);
void	search_render_help(struct kore_buf *);
json_t	*search_json(struct core_db *, struct search_req *);
json_t	*search_suggest_json(struct core_db *);

#endif /* !__H_AGORA_SEARCH_H */
