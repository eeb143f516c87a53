/*
 * The blog's pages: the index, an author's posts, a post, the editor.
 */

#include <stdio.h>
#include <string.h>

#include "blog/blog.h"

int	blog_index(struct http_request *);
int	blog_user_page(struct http_request *);
int	blog_post_page(struct http_request *);
int	blog_new_page(struct http_request *);
int	blog_edit_page(struct http_request *);
int	blog_delete_page(struct http_request *);

/* Newest published first; OFFSET pages (numbered links) up to 1000. */
static const char sql_index[] =
	"SELECT " BLOG_SQL_LIST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved'"
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 21 OFFSET $1";

/* An author's posts: every state for the author and admins ($2). */
static const char sql_by_user[] =
	"SELECT " BLOG_SQL_LIST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE u.username = $1 AND (p.status = 'approved' OR $2::bool)"
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 21 OFFSET $3";

static int	page_number(struct http_request *);
static void	pager(struct kore_buf *, const char *, int, int);
static void	form_input(struct http_request *, struct blog_post_in *);

int
blog_index(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf, list;
	const u_int8_t		*cached;
	const char		*params[1];
	char			 offset[16];
	size_t			 len;
	int			 rc, page;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	page = page_number(req);
	kore_buf_init(&list, 16384);
	/* Once this request set out to build the page, it finishes it. */
	if (ctx->stage == 0 && (cached = blog_cache_get(BLOG_CACHE_HTML,
	    page, &len)) != NULL) {
		kore_buf_append(&list, cached, len);
	} else {
		ctx->stage = 1;
		(void)snprintf(offset, sizeof(offset), "%d",
		    (page - 1) * BLOG_PAGE_SIZE);
		params[0] = offset;
		if ((rc = core_db_run(req, &ctx->db[0], sql_index, 1,
		    params)) != CORE_OK) {
			kore_buf_cleanup(&list);
			return (core_yield(rc));
		}
		blog_render_list(req, &list, &ctx->db[0], BLOG_PAGE_SIZE, 0);
		pager(&list, "/blog?", page,
		    core_db_rows(&ctx->db[0]) > BLOG_PAGE_SIZE);
		blog_cache_put(BLOG_CACHE_HTML, page, list.data, list.offset);
	}

	kore_buf_init(&buf, list.offset + 4096);
	core_page_begin(req, &buf, "Blog");
	core_html_appendf(&buf, "<div class=\"page-head\"><h1>Blog</h1>");
	if (ctx->user.id != 0)
		core_html_appendf(&buf, "<a href=\"/blog/new\" role=\"button\">"
		    "New post</a>");
	core_html_appendf(&buf, "</div>\n");
	kore_buf_append(&buf, list.data, list.offset);
	kore_buf_cleanup(&list);
	core_html_appendf(&buf, "<p class=\"feed\"><a href=\"/blog/feed.atom\">"
	    "Atom feed</a></p>\n");
	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

int
blog_user_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf, base;
	const char		*name, *params[3];
	char			 offset[16];
	int			 rc, page, own;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	/* The route allows only [a-z0-9_]{1,32} here. */
	name = req->path + strlen("/blog/u/");
	own = ctx->user.role == CORE_ROLE_ADMIN ||
	    !strcmp(name, ctx->user.username);
	page = page_number(req);
	(void)snprintf(offset, sizeof(offset), "%d", (page - 1) * BLOG_PAGE_SIZE);
	params[0] = name;
	params[1] = own ? "true" : "false";
	params[2] = offset;
	if ((rc = core_user_known(req, &ctx->db[1], name)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_db_run(req, &ctx->db[0], sql_by_user, 3, params)) !=
	    CORE_OK)
		return (core_yield(rc));

	kore_buf_init(&buf, 16384);
	core_page_begin(req, &buf, name);
	core_html_appendf(&buf, "<h1>Posts by %s</h1>\n", name);
	blog_render_list(req, &buf, &ctx->db[0], BLOG_PAGE_SIZE, own);
	kore_buf_init(&base, 64);
	core_html_appendf(&base, "/blog/u/%U?", name);
	pager(&buf, kore_buf_stringify(&base, NULL), page,
	    core_db_rows(&ctx->db[0]) > BLOG_PAGE_SIZE);
	kore_buf_cleanup(&base);
	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

/* /blog/{id}-{slug}: the post and its comments. */
int
blog_post_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf;
	struct core_db		*db;
	const char		*rest;
	char			 canon[128];
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	if (core_path_id(req, "/blog/", &id, &rest) == -1)
		return (core_yield(core_error(req, 404, NULL)));

	db = &ctx->db[0];
	if ((rc = blog_post_load(req, ctx, db, id, 0)) != CORE_OK)
		return (core_yield(rc));

	/* One address per post: /blog/{id}-{current slug}. */
	if (*rest != '-' || strcmp(rest + 1,
	    core_db_value(db, 0, BLOG_COL_SLUG))) {
		(void)snprintf(canon, sizeof(canon), "/blog/%lld-%s",
		    (long long)id, core_db_value(db, 0, BLOG_COL_SLUG));
		http_response_header(req, "location", canon);
		http_response(req, 301, NULL, 0);
		return (KORE_RESULT_OK);
	}

	if ((rc = blog_comments_load(req, ctx, &ctx->db[2], id)) != CORE_OK)
		return (core_yield(rc));

	kore_buf_init(&buf, 16384);
	core_page_begin(req, &buf, core_db_value(db, 0, BLOG_COL_TITLE));
	blog_render_post(req, &buf, ctx, db);
	blog_render_comments(req, &buf, ctx, db, &ctx->db[2]);
	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

int
blog_new_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf;
	struct blog_post_in	 in;
	json_t			*errors;
	char			 loc[128];
	int			 rc, status;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_user(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	memset(&in, 0, sizeof(in));
	errors = NULL;
	status = 200;
	if (req->method == HTTP_METHOD_POST) {
		if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
			return (core_yield(rc));
		form_input(req, &in);
		if ((errors = blog_post_check(&in, 0)) == NULL) {
			if ((rc = blog_post_create(req, ctx, &in)) != CORE_OK)
				return (core_yield(rc));
			(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s",
			    (long long)core_db_int(&ctx->db[0], 0, 0),
			    core_db_value(&ctx->db[0], 0, 1));
			core_redirect(req, loc);
			return (KORE_RESULT_OK);
		}
		status = 422;
	}

	kore_buf_init(&buf, 8192);
	core_page_begin(req, &buf, "New post");
	core_html_appendf(&buf, "<h1>New post</h1>\n");
	blog_render_form(req, &buf, "/blog/new", &in, errors);
	core_page_end(&buf);
	core_page_send(req, status, &buf);
	kore_buf_cleanup(&buf);
	if (errors != NULL)
		json_decref(errors);

	return (KORE_RESULT_OK);
}

/* /blog/{id}/edit */
int
blog_edit_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf;
	struct blog_post_in	 in;
	json_t			*errors;
	const char		*rest;
	char			 loc[128];
	int64_t			 id;
	int			 rc, status;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_user(req, ctx)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/blog/", &id, &rest) == -1 || strcmp(rest, "/edit"))
		return (core_yield(core_error(req, 404, NULL)));
	if ((rc = blog_post_load(req, ctx, &ctx->db[0], id, 1)) != CORE_OK)
		return (core_yield(rc));

	memset(&in, 0, sizeof(in));
	errors = NULL;
	status = 200;
	if (req->method == HTTP_METHOD_POST) {
		if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
			return (core_yield(rc));
		form_input(req, &in);
		if ((errors = blog_post_check(&in, 0)) == NULL) {
			if ((rc = blog_post_update(req, ctx, id, &in)) !=
			    CORE_OK)
				return (core_yield(rc));
			(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s",
			    (long long)id, core_db_value(&ctx->db[1], 0, 1));
			core_redirect(req, loc);
			return (KORE_RESULT_OK);
		}
		status = 422;
	} else {
		in.title = core_db_value(&ctx->db[0], 0, BLOG_COL_TITLE);
		in.body = core_db_value(&ctx->db[0], 0, BLOG_COL_BODY);
	}

	kore_buf_init(&buf, 8192);
	core_page_begin(req, &buf, "Edit post");
	core_html_appendf(&buf, "<h1>Edit post</h1>\n");
	(void)snprintf(loc, sizeof(loc), "/blog/%lld/edit", (long long)id);
	blog_render_form(req, &buf, loc, &in, errors);
	core_page_end(&buf);
	core_page_send(req, status, &buf);
	kore_buf_cleanup(&buf);
	if (errors != NULL)
		json_decref(errors);

	return (KORE_RESULT_OK);
}

/* POST /blog/{id}/delete */
int
blog_delete_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*rest;
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/blog/", &id, &rest) == -1 || strcmp(rest, "/delete"))
		return (core_yield(core_error(req, 404, NULL)));
	if ((rc = blog_post_load(req, ctx, &ctx->db[0], id, 1)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = blog_post_delete(req, ctx, id)) != CORE_OK)
		return (core_yield(rc));

	core_redirect(req, "/blog");
	return (KORE_RESULT_OK);
}

/* ?page=N, clamped to 1..1000; anything else is page 1. */
static int
page_number(struct http_request *req)
{
	const char	*v;
	long long	 n;
	int		 err;

	http_populate_get(req);
	if ((v = core_form_get(req, "page")) == NULL)
		return (1);

	n = kore_strtonum(v, 10, -1000000, 1000000, &err);
	if (err != KORE_RESULT_OK || n < 1)
		return (1);

	return (n > BLOG_PAGE_MAX ? BLOG_PAGE_MAX : (int)n);
}

static void
pager(struct kore_buf *buf, const char *base, int page, int more)
{
	if (page == 1 && !more)
		return;

	core_html_appendf(buf, "<nav class=\"pager\"><ul>");
	if (page > 1)
		core_html_appendf(buf, "<li><a href=\"%spage=%d\">← Newer</a>"
		    "</li>", base, page - 1);
	core_html_appendf(buf, "<li>Page %d</li>", page);
	if (more)
		core_html_appendf(buf, "<li><a href=\"%spage=%d\">Older →</a>"
		    "</li>", base, page + 1);
	core_html_appendf(buf, "</ul></nav>\n");
}

static void
form_input(struct http_request *req, struct blog_post_in *in)
{
	in->title = core_form_get(req, "title");
	in->body = core_form_get(req, "body");
	in->status = core_form_get(req, "status");
	if (in->body == NULL)
		in->body = "";
}
