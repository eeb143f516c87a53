/*
 * The blog's JSON API under /api/v1/blog: everything the pages can do.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blog/blog.h"

/*
 * Newest published first, by keyset: the cursor is the last post's
 * (listed_at in microseconds, id), opaque to clients.  ?page=N is also
 * accepted for simple clients (offset, up to page 1000).  ?tag= and
 * ?author= narrow either to a tag's or an author's published posts.
 * Not the posts of someone the viewer blocked or muted.
 */

#define LIST_FILTER(tag, author)					\
	" AND (" tag "::text IS NULL OR p.tags @> ARRAY[" tag "::text])"	\
	" AND (" author "::text IS NULL OR u.username = " author "::text)"

static const char sql_posts_after[] =
	"SELECT " BLOG_SQL_LIST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	"   AND ($1::bigint IS NULL OR"
	"       (p.listed_at, p.id) < (timestamptz 'epoch' +"
	"       $1::bigint * interval '1 microsecond', $2::bigint))"
	LIST_FILTER("$4", "$5")
	"   AND " BLOG_SQL_SHOWN("$6")
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT $3";

static const char sql_posts_page[] =
	"SELECT " BLOG_SQL_LIST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	LIST_FILTER("$3", "$4")
	"   AND " BLOG_SQL_SHOWN("$5")
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT $1 OFFSET $2";

static int	list_params(struct http_request *, long long *, long long *);
static int	filtered(struct http_request *, struct core_ctx *);
static int	list_page_load(struct http_request *, struct core_ctx *,
		    struct core_db *, long long, long long);
static int	list_page_send(struct http_request *, struct core_ctx *,
		    struct core_db *, long long, long long);
static int	list_after_load(struct http_request *, struct core_ctx *,
		    struct core_db *, long long);
static int	list_after_send(struct http_request *, struct core_db *,
		    long long);
static int	posts_list(struct http_request *, struct core_ctx *,
		    struct core_db *);
static int	posts_create(struct http_request *, struct core_ctx *,
		    struct core_db *, struct core_db *);
static int	post_update(struct http_request *, struct core_ctx *,
		    struct core_db *, struct core_db *, int64_t);
static int	input_from_json(json_t *, struct blog_post_in *, json_t **);
static int	tags_from_json(json_t *, struct blog_post_in *, json_t **);

/* GET and POST /api/v1/blog/posts */
CORE_HANDLER(blog_api_posts)
{
	if (req->method == HTTP_METHOD_POST)
		return (posts_create(req, ctx, &ctx->db[0], &ctx->db[1]));

	return (posts_list(req, ctx, &ctx->db[0]));
}

/* GET, PATCH and DELETE /api/v1/blog/posts/{id} */
CORE_HANDLER(blog_api_post)
{
	const char		*rest;
	int64_t			 id;
	int			 edit;

	if (core_path_id(req, "/api/v1/blog/posts/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));

	edit = req->method != HTTP_METHOD_GET &&
	    req->method != HTTP_METHOD_HEAD;
	if (edit)
		CORE_TRY(core_need(req, ctx, CORE_NEED_CHANGE));

	CORE_TRY(blog_post_load(req, ctx, &ctx->db[0], id, edit));

	switch (req->method) {
	case HTTP_METHOD_PATCH:
		return (post_update(req, ctx, &ctx->db[1], &ctx->db[2], id));
	case HTTP_METHOD_DELETE:
		CORE_TRY(blog_post_delete(req, ctx, &ctx->db[1], id));
		http_response(req, 204, NULL, 0);
		return (CORE_DONE);
	default:
		return (core_json_send(req, 200, json_pack("{s:o}",
		    "post", blog_post_json(&ctx->db[0], 0, 1))));
	}
}

/*
 * POST /api/v1/blog/preview {"body": Markdown}: the HTML the post page
 * would show for it, from the same renderer.  Signed-in writers only
 * (with the CSRF token from a page), the body under the post's limits,
 * BLOG_PREVIEW_MAX a minute each.
 */
CORE_HANDLER_NEED(blog_api_preview, CORE_NEED_CHANGE)
{
	struct blog_post_in	 in;
	json_t			*body, *v, *errors;
	char			*html;
	int			 rc;

	CORE_TRY(core_json_body_max(req, ctx, BLOG_JSON_BODY_MAX, &body));
	v = json_object_get(body, "body");
	if (!json_is_string(v))
		return (core_problem(req, 422, "Invalid input",
		    "body is the Markdown to preview.", json_pack("{s:s}",
		    "body", "Must be a string.")));

	memset(&in, 0, sizeof(in));
	in.body = json_string_value(v);
	if ((errors = blog_post_check(&in, 1)) != NULL)
		return (core_problem(req, 422, "Invalid input",
		    "The text cannot be previewed.", errors));

	CORE_TRY(core_limit_user(req, ctx, "blog_preview", BLOG_PREVIEW_MAX,
	    60, "Too many previews; wait a moment."));

	if ((html = blog_markdown_html(in.body, strlen(in.body))) == NULL)
		return (core_error(req, 500, NULL));
	rc = core_json_send(req, 200, json_pack("{s:s}", "html", html));
	free(html);

	return (rc);
}

/* The list of published posts, with `db` for the statement. */
static int
posts_list(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	const u_int8_t	*cached;
	size_t		 len;
	long long	 n, page;
	int		 rc;

	if (!ctx->form_loaded) {
		ctx->form_loaded = 1;
		http_populate_get(req);
	}
	if ((rc = list_params(req, &n, &page)) != CORE_OK)
		return (rc);

	if (page == 0) {
		CORE_TRY(list_after_load(req, ctx, db, n));
		return (list_after_send(req, db, n));
	}

	if (n == BLOG_PAGE_SIZE && ctx->stage == 0 && !filtered(req, ctx) &&
	    (cached = blog_cache_get(BLOG_CACHE_JSON, (int)page,
	    &len)) != NULL)
		return (core_json_send_raw(req, cached, len));
	ctx->stage = 1;
	CORE_TRY(list_page_load(req, ctx, db, n, page));

	return (list_page_send(req, ctx, db, n, page));
}

/* ?limit= (1 to 100, default 20) and ?page= (0: none, cursors instead). */
static int
list_params(struct http_request *req, long long *n, long long *page)
{
	const char	*v;
	int		 err;

	*n = 20;
	*page = 0;
	if ((v = core_form_get(req, "limit")) != NULL) {
		*n = kore_strtonum(v, 10, 1, BLOG_API_LIMIT_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_problem(req, 400, "Invalid limit",
			    "limit is a number from 1 to 100.", json_pack(
			    "{s:s}", "limit", "From 1 to 100.")));
	}

	if ((v = core_form_get(req, "page")) != NULL) {
		*page = kore_strtonum(v, 10, 1, BLOG_PAGE_MAX, &err);
		if (err != KORE_RESULT_OK)
			*page = 1;
	}

	if ((v = core_form_get(req, "tag")) != NULL && !blog_tag_valid(v))
		return (core_problem(req, 400, "Invalid tag", "A tag is "
		    "lower-case letters, digits and hyphens, at most 30.",
		    json_pack("{s:s}", "tag", "Not a tag.")));
	if ((v = core_form_get(req, "author")) != NULL &&
	    (*v == '\0' || strlen(v) > 32 ||
	    v[strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_")] != '\0'))
		return (core_problem(req, 400, "Invalid author", "author is a "
		    "username.", json_pack("{s:s}", "author",
		    "Not a username.")));

	return (CORE_OK);
}

/*
 * ?tag= or ?author=, or a viewer who blocked or muted someone: a list
 * the page cache does not hold.
 */
static int
filtered(struct http_request *req, struct core_ctx *ctx)
{
	return (core_form_get(req, "tag") != NULL ||
	    core_form_get(req, "author") != NULL || ctx->user.hides);
}

/* One more row than `n` of page `page`, to know whether another follows. */
static int
list_page_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, long long n, long long page)
{
	struct core_num	 limit, offset, viewer;
	const char	*params[5];

	params[0] = core_num(&limit, n + 1);
	params[1] = core_num(&offset, (page - 1) * n);
	params[2] = core_form_get(req, "tag");
	params[3] = core_form_get(req, "author");
	params[4] = core_num(&viewer, ctx->user.id);

	return (core_db_run_prepared(req, db, sql_posts_page, 5, params));
}

/* The page as {posts, page}, kept in the page cache when it is a full one. */
static int
list_page_send(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, long long n, long long page)
{
	char		*text;
	int		 rc;

	text = core_json_text(json_pack("{s:o, s:I}", "posts",
	    blog_posts_json(db, (int)n), "page", (json_int_t)page));
	if (text == NULL)
		return (core_error(req, 500, NULL));
	if (n == BLOG_PAGE_SIZE && !filtered(req, ctx))
		blog_cache_put(BLOG_CACHE_JSON, (int)page, text, strlen(text));
	rc = core_json_send_raw(req, text, strlen(text));
	free(text);

	return (rc);
}

/* One more row than `n` after ?cursor= (none: from the newest). */
static int
list_after_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, long long n)
{
	struct core_num	 limit, viewer;
	const char	*params[6], *cursor;
	char		 us[24], id[24];

	cursor = core_form_get(req, "cursor");
	params[0] = NULL;
	params[1] = NULL;
	if (cursor != NULL && *cursor != '\0') {
		if (core_cursor_parse(cursor, us, sizeof(us), id,
		    sizeof(id)) == -1)
			return (core_problem(req, 400, "Invalid cursor",
			    "Use the next_cursor of a previous answer.",
			    json_pack("{s:s}", "cursor",
			    "Not a cursor from this API.")));
		params[0] = us;
		params[1] = id;
	}
	params[2] = core_num(&limit, n + 1);
	params[3] = core_form_get(req, "tag");
	params[4] = core_form_get(req, "author");
	params[5] = core_num(&viewer, ctx->user.id);

	return (core_db_run_prepared(req, db, sql_posts_after, 6, params));
}

/* The rows as {posts, next_cursor}; null when none follow. */
static int
list_after_send(struct http_request *req, struct core_db *db, long long n)
{
	json_t		*next;

	next = core_db_rows(db) > n ?
	    json_string(core_db_value(db, n - 1, BLOG_COL_CURSOR)) :
	    json_null();

	return (core_json_send(req, 200, json_pack("{s:o, s:o}", "posts",
	    blog_posts_json(db, (int)n), "next_cursor", next)));
}

/* A new post: the statement in `made`, the post as it now is in `db`. */
static int
posts_create(struct http_request *req, struct core_ctx *ctx,
    struct core_db *made, struct core_db *db)
{
	struct blog_post_in	 in;
	json_t			*body, *errors;
	char			 loc[64];
	int64_t			 id;

	CORE_TRY(core_need(req, ctx, CORE_NEED_CHANGE));
	CORE_TRY(core_json_body_max(req, ctx, BLOG_JSON_BODY_MAX, &body));

	if (input_from_json(body, &in, &errors) == -1 ||
	    (errors = blog_post_check(&in, 0)) != NULL)
		return (core_problem(req, 422, "Invalid input",
		    "Some fields are missing or not valid.", errors));

	CORE_TRY(blog_post_create(req, ctx, made, &in));

	id = core_db_int(made, 0, BLOG_WCOL_ID);
	CORE_TRY(blog_post_load(req, ctx, db, id, 0));

	(void)snprintf(loc, sizeof(loc), "/api/v1/blog/posts/%lld",
	    (long long)id);
	http_response_header(req, "location", loc);

	return (core_json_send(req, 201, json_pack("{s:o}", "post",
	    blog_post_json(db, 0, 1))));
}

/* A change: the statement in `changed`, the post as it now is in `db`. */
static int
post_update(struct http_request *req, struct core_ctx *ctx,
    struct core_db *changed, struct core_db *db, int64_t id)
{
	struct blog_post_in	 in;
	json_t			*body, *errors;

	CORE_TRY(core_json_body_max(req, ctx, BLOG_JSON_BODY_MAX, &body));

	if (input_from_json(body, &in, &errors) == -1 ||
	    (errors = blog_post_check(&in, 1)) != NULL)
		return (core_problem(req, 422, "Invalid input",
		    "Some fields are not valid.", errors));

	CORE_TRY(blog_post_update(req, ctx, changed, id, &in));
	CORE_TRY(blog_post_load(req, ctx, db, id, 0));

	return (core_json_send(req, 200, json_pack("{s:o}", "post",
	    blog_post_json(db, 0, 1))));
}

/* Strings or absent: a field of another type is an error. */
static int
input_from_json(json_t *body, struct blog_post_in *in, json_t **errors)
{
	const char	*keys[] = { "title", "body", "status", "publish_at" };
	json_t		*v;
	size_t		 i;

	memset(in, 0, sizeof(*in));
	*errors = NULL;
	for (i = 0; i < 4; i++) {
		v = json_object_get(body, keys[i]);
		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_string(v)) {
			if (*errors == NULL)
				*errors = json_object();
			json_object_set_new(*errors, keys[i],
			    json_string("Must be a string."));
		}
	}
	if (*errors != NULL)
		return (-1);

	in->title = core_json_str(body, "title");
	in->body = core_json_str(body, "body");
	in->status = core_json_str(body, "status");
	/* RFC 3339 only: a time without its offset is refused. */
	in->publish_at = core_json_str(body, "publish_at");
	if (in->publish_at != NULL && *in->publish_at != '\0' &&
	    strlen(in->publish_at) <= 16) {
		*errors = json_pack("{s:s}", "publish_at",
		    "An RFC 3339 time with its offset, or \"\" for none.");
		return (-1);
	}
	if (in->publish_at != NULL && *in->publish_at != '\0' &&
	    strpbrk(in->publish_at + 16, "Z+-") == NULL) {
		*errors = json_pack("{s:s}", "publish_at",
		    "An RFC 3339 time with its offset, or \"\" for none.");
		return (-1);
	}

	return (tags_from_json(json_object_get(body, "tags"), in, errors));
}

/*
 * "tags": an array of strings, each one tag (blog_post_check checks
 * them), joined for it; absent or null keeps the tags.
 */
static int
tags_from_json(json_t *tags, struct blog_post_in *in, json_t **errors)
{
	const char	*msg, *t;
	json_t		*v;
	size_t		 i, off, n;

	if (tags == NULL || json_is_null(tags))
		return (0);

	msg = NULL;
	off = 0;
	in->tags_buf[0] = '\0';
	if (!json_is_array(tags) || json_array_size(tags) > BLOG_TAGS_MAX)
		msg = "An array of at most 5 tags.";
	json_array_foreach(tags, i, v) {
		if (msg != NULL)
			break;
		if ((t = json_string_value(v)) == NULL) {
			msg = "Each tag is a string.";
			break;
		}
		n = strlen(t);
		if (n == 0 || n > BLOG_TAG_MAX || t[strcspn(t, ", \t\r\n")]) {
			msg = "Each tag is one word of at most 30 characters.";
			break;
		}
		/* 5 tags of 30 and their commas fit. */
		if (off > 0)
			in->tags_buf[off++] = ',';
		memcpy(in->tags_buf + off, t, n + 1);
		off += n;
	}
	if (msg != NULL) {
		*errors = json_pack("{s:s}", "tags", msg);
		return (-1);
	}
	in->tags = in->tags_buf;

	return (0);
}

