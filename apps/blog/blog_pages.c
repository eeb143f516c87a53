/*
 * The blog's pages: the index, an author's posts, a post, the editor.
 */

#include <stdio.h>
#include <string.h>

#include "blog/blog.h"

static const char sql_index[] = BLOG_SQL_INDEX;

/* The index for $2, who blocked or muted someone: not their posts. */
static const char sql_index_shown[] =
	"SELECT " BLOG_SQL_LIST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	"   AND " BLOG_SQL_SHOWN("$2")
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 21 OFFSET $1";

/* An author's posts as $4 (admin: $2) may see them: all of them, own. */
static const char sql_by_user[] =
	"SELECT " BLOG_SQL_LIST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE u.username = $1 AND " BLOG_SQL_VISIBLE("$4", "$2")
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 21 OFFSET $3";

/* $1 tag: its published posts, as the index lists them for viewer $3. */
static const char sql_by_tag[] =
	"SELECT " BLOG_SQL_LIST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	"   AND p.tags @> ARRAY[$1::text] AND " BLOG_SQL_SHOWN("$3")
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 21 OFFSET $2";

/* Every published post, newest first (sitemaps hold 50,000 addresses). */
static const char sql_sitemap[] =
	"SELECT p.id, p.slug, " CORE_SQL_TS("p.updated_at")
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 49999";

static int	page_number(struct http_request *);
static void	pager(struct kore_buf *, const char *, int, int);
static void	form_input(struct http_request *, struct blog_post_in *);

CORE_HANDLER(blog_index)
{
	struct kore_buf		*buf, list;
	struct core_db		*db;
	struct core_num		 offset, viewer;
	const u_int8_t		*cached;
	const char		*params[2];
	size_t			 len;
	int			 page;

	db = &ctx->db[0];
	len = 0;
	page = page_number(req);
	/* Once this request set out to build the page, it finishes it. */
	cached = NULL;
	if (ctx->stage == 0 && !ctx->user.hides)
		cached = blog_cache_get(BLOG_CACHE_HTML, page, &len);
	if (cached == NULL) {
		ctx->stage = 1;
		params[0] = core_num(&offset, (page - 1) * BLOG_PAGE_SIZE);
		params[1] = core_num(&viewer, ctx->user.id);
		CORE_TRY(ctx->user.hides ? core_db_run_prepared(req, db,
		    sql_index_shown, 2, params) : core_db_run_prepared(req, db,
		    sql_index, 1, params));
	}

	buf = core_page_open(req, "Blog");
	core_html_appendf(buf, "<div class=\"page-head\"><h1>Blog</h1>");
	if (ctx->user.id != 0)
		core_html_appendf(buf, "<a href=\"/blog/new\" role=\"button\">"
		    "New post</a>");
	core_html_appendf(buf, "</div>\n");
	if (cached != NULL) {
		kore_buf_append(buf, cached, len);
	} else {
		kore_buf_init(&list, 16384);
		blog_render_list(req, &list, db, BLOG_PAGE_SIZE, 0);
		pager(&list, "/blog?", page, core_db_rows(db) > BLOG_PAGE_SIZE);
		if (!ctx->user.hides)
			blog_cache_put(BLOG_CACHE_HTML, page, list.data,
			    list.offset);
		kore_buf_append(buf, list.data, list.offset);
		kore_buf_cleanup(&list);
	}
	core_html_appendf(buf, "<p class=\"feed\"><a href=\"/blog/feed.atom\">"
	    "Atom feed</a> · <a href=\"/blog/feed.json\">JSON Feed</a></p>\n");

	return (core_page_close(req, 200, buf));
}

CORE_HANDLER(blog_user_page)
{
	struct kore_buf		*buf, base;
	struct core_db		*db;
	struct core_num		 offset, viewer;
	const char		*name, *params[4];
	int			 page, own;

	/* The route allows only [a-z0-9_]{1,32} here. */
	name = req->path + strlen("/blog/u/");
	own = ctx->user.role == CORE_ROLE_ADMIN ||
	    !strcmp(name, ctx->user.username);
	page = page_number(req);
	db = &ctx->db[0];
	params[0] = name;
	params[1] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	params[2] = core_num(&offset, (page - 1) * BLOG_PAGE_SIZE);
	params[3] = core_num(&viewer, ctx->user.id);
	CORE_TRY(core_user_known(req, &ctx->db[1], name));
	CORE_TRY(core_db_run(req, db, sql_by_user, 4, params));

	buf = core_page_open(req, name);
	core_html_appendf(buf, "<h1>Posts by %s</h1>\n", name);
	blog_render_list(req, buf, db, BLOG_PAGE_SIZE, own);
	kore_buf_init(&base, 64);
	core_html_appendf(&base, "/blog/u/%U?", name);
	pager(buf, kore_buf_stringify(&base, NULL), page,
	    core_db_rows(db) > BLOG_PAGE_SIZE);
	kore_buf_cleanup(&base);
	core_html_appendf(buf, "<p class=\"feed\">Follow %s: <a href=\""
	    "/blog/u/%U/feed.atom\">Atom feed</a> · <a href=\"/blog/u/"
	    "%U/feed.json\">JSON Feed</a></p>\n", name, name, name);

	return (core_page_close(req, 200, buf));
}

/*
 * /blog/tag/{tag}: the published posts with that tag.  A tag no public
 * post carries looks the same whether or not a hidden post has it.
 */
CORE_HANDLER(blog_tag_page)
{
	struct kore_buf		*buf, base;
	struct core_db		*db;
	struct core_num		 offset, viewer;
	const char		*tag, *params[3];
	char			 title[64];
	int			 page;

	/* The route allows [a-z0-9-]{1,30}; the rule says more. */
	tag = req->path + strlen("/blog/tag/");
	if (!blog_tag_valid(tag))
		return (core_error(req, 404, "There is no such tag."));

	page = page_number(req);
	db = &ctx->db[0];
	params[0] = tag;
	params[1] = core_num(&offset, (page - 1) * BLOG_PAGE_SIZE);
	params[2] = core_num(&viewer, ctx->user.id);
	CORE_TRY(core_db_run_prepared(req, db, sql_by_tag, 3, params));

	(void)snprintf(title, sizeof(title), "#%s", tag);
	buf = core_page_open(req, title);
	core_html_appendf(buf, "<div class=\"page-head\"><h1>Posts tagged "
	    "<span class=\"tag-name\">#%s</span></h1></div>\n", tag);
	if (core_db_rows(db) == 0)
		core_html_appendf(buf, "<p class=\"empty\">No posts are tagged "
		    "#%s yet. <a href=\"/blog\">See all posts</a>.</p>\n", tag);
	else
		blog_render_list(req, buf, db, BLOG_PAGE_SIZE, 0);
	kore_buf_init(&base, 64);
	core_html_appendf(&base, "/blog/tag/%U?", tag);
	pager(buf, kore_buf_stringify(&base, NULL), page,
	    core_db_rows(db) > BLOG_PAGE_SIZE);
	kore_buf_cleanup(&base);
	core_html_appendf(buf, "<p class=\"feed\">Follow #%s: <a href=\""
	    "/blog/tag/%U/feed.atom\">Atom feed</a> · <a href=\"/blog/tag/"
	    "%U/feed.json\">JSON Feed</a></p>\n", tag, tag, tag);

	return (core_page_close(req, 200, buf));
}

/* /sitemap.xml: the blog and every published post. */
CORE_HANDLER(blog_sitemap)
{
	struct core_db		*db;
	struct kore_buf		 buf;
	const char		*site;
	int			 i;

	db = &ctx->db[0];
	CORE_TRY(core_db_run_prepared(req, db, sql_sitemap, 0, NULL));

	site = core_cfg.site_url;
	kore_buf_init(&buf, 65536);
	core_html_appendf(&buf, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
	    "<url><loc>%s/blog</loc></url>\n", site);
	for (i = 0; i < core_db_rows(db); i++)
		core_html_appendf(&buf, "<url><loc>%s/blog/%lld-%s</loc>"
		    "<lastmod>%s</lastmod></url>\n", site,
		    (long long)core_db_int(db, i, 0), core_db_value(db, i, 1),
		    core_db_value(db, i, 2));
	core_html_appendf(&buf, "</urlset>\n");

	http_response_header(req, "content-type",
	    "application/xml; charset=utf-8");
	http_response_header(req, "cache-control", "public, max-age=300");
	http_response(req, 200, buf.data, buf.offset);
	kore_buf_cleanup(&buf);

	return (CORE_DONE);
}

/* /blog/{id}-{slug}: the post and its comments. */
CORE_HANDLER(blog_post_page)
{
	struct kore_buf		*buf, head;
	struct core_db		*db;
	const char		*rest;
	char			 canon[128];
	int64_t			 id;

	if (core_path_id(req, "/blog/", &id, &rest) == -1)
		return (core_error(req, 404, NULL));

	db = &ctx->db[0];
	CORE_TRY(blog_post_load(req, ctx, db, id, 0));

	/* One address per post: /blog/{id}-{current slug}. */
	if (*rest != '-' || strcmp(rest + 1,
	    core_db_value(db, 0, BLOG_COL_SLUG))) {
		(void)snprintf(canon, sizeof(canon), "/blog/%lld-%s",
		    (long long)id, core_db_value(db, 0, BLOG_COL_SLUG));
		http_response_header(req, "location", canon);
		http_response(req, 301, NULL, 0);
		return (CORE_DONE);
	}

	CORE_TRY(blog_comments_load(req, ctx, &ctx->db[2], id));

	kore_buf_init(&head, 2048);
	blog_render_head(&head, db);
	ctx->page_head = kore_buf_stringify(&head, NULL);
	buf = core_page_open(req, core_db_value(db, 0, BLOG_COL_TITLE));
	ctx->page_head = NULL;
	kore_buf_cleanup(&head);
	blog_render_post(req, buf, ctx, db);
	blog_render_comments(req, buf, ctx, db, &ctx->db[2]);

	return (core_page_close(req, 200, buf));
}

CORE_HANDLER_NEED(blog_new_page, CORE_NEED_USER)
{
	struct kore_buf		*buf;
	struct core_db		*made;
	struct blog_post_in	 in;
	json_t			*errors;
	char			 loc[128];
	int			 rc, status;

	memset(&in, 0, sizeof(in));
	errors = NULL;
	status = 200;
	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
		form_input(req, &in);
		if ((errors = blog_post_check(&in, 0)) == NULL) {
			made = &ctx->db[0];
			CORE_TRY(blog_post_create(req, ctx, made, &in));
			(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s",
			    (long long)core_db_int(made, 0, BLOG_WCOL_ID),
			    core_db_value(made, 0, BLOG_WCOL_SLUG));
			core_redirect(req, loc);
			return (CORE_DONE);
		}
		status = 422;
	}

	buf = core_page_open(req, "New post");
	core_html_appendf(buf, "<h1>New post</h1>\n");
	blog_render_form(req, buf, "/blog/new", &in, errors);
	rc = core_page_close(req, status, buf);
	if (errors != NULL)
		json_decref(errors);

	return (rc);
}

/* /blog/{id}/edit */
CORE_HANDLER_NEED(blog_edit_page, CORE_NEED_USER)
{
	struct kore_buf		*buf;
	struct core_db		*post, *changed;
	struct blog_post_in	 in;
	json_t			*errors;
	const char		*rest;
	char			 loc[128];
	int64_t			 id;
	int			 rc, status;

	if (core_path_id(req, "/blog/", &id, &rest) == -1 ||
	    strcmp(rest, "/edit"))
		return (core_error(req, 404, NULL));
	post = &ctx->db[0];
	changed = &ctx->db[1];
	CORE_TRY(blog_post_load(req, ctx, post, id, 1));

	memset(&in, 0, sizeof(in));
	errors = NULL;
	status = 200;
	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
		form_input(req, &in);
		if ((errors = blog_post_check(&in, 0)) == NULL) {
			CORE_TRY(blog_post_update(req, ctx, changed, id, &in));
			(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s",
			    (long long)id,
			    core_db_value(changed, 0, BLOG_WCOL_SLUG));
			core_redirect(req, loc);
			return (CORE_DONE);
		}
		status = 422;
	} else if (!core_db_isnull(post, 0, BLOG_COL_EDIT_ID)) {
		/* Go on with the edit that is not public yet. */
		in.title = core_db_value(post, 0, BLOG_COL_EDIT_TITLE);
		in.body = core_db_value(post, 0, BLOG_COL_EDIT_BODY);
		in.tags = core_db_value(post, 0, BLOG_COL_EDIT_TAGS);
		in.publish_at = core_db_value(post, 0, BLOG_COL_PUBLISH_AT);
	} else {
		in.title = core_db_value(post, 0, BLOG_COL_TITLE);
		in.body = core_db_value(post, 0, BLOG_COL_BODY);
		in.tags = core_db_value(post, 0, BLOG_COL_TAGS);
		in.publish_at = core_db_value(post, 0, BLOG_COL_PUBLISH_AT);
	}

	in.published = *core_db_value(post, 0, BLOG_COL_PUBLISHED) != '\0';
	buf = core_page_open(req, "Edit post");
	core_html_appendf(buf, "<div class=\"page-head\"><h1>Edit post</h1>"
	    "<a href=\"/blog/%lld/history\">History (%lld)</a></div>\n",
	    (long long)id, (long long)core_db_int(post, 0,
	    BLOG_COL_REVISIONS));
	blog_render_edit_state(buf, ctx, post);
	(void)snprintf(loc, sizeof(loc), "/blog/%lld/edit", (long long)id);
	blog_render_form(req, buf, loc, &in, errors);
	rc = core_page_close(req, status, buf);
	if (errors != NULL)
		json_decref(errors);

	return (rc);
}

/* POST /blog/{id}/delete */
CORE_HANDLER_NEED(blog_delete_page, CORE_NEED_CHANGE)
{
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/blog/", &id, &rest) == -1 ||
	    strcmp(rest, "/delete"))
		return (core_error(req, 404, NULL));
	CORE_TRY(blog_post_load(req, ctx, &ctx->db[0], id, 1));
	CORE_TRY(blog_post_delete(req, ctx, &ctx->db[1], id));

	core_redirect(req, "/blog");
	return (CORE_DONE);
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
	in->tags = core_form_get(req, "tags");
	in->publish_at = core_form_get(req, "publish_at");
	in->tz_offset = core_form_get(req, "tz_offset");
	if (in->publish_at == NULL)
		in->publish_at = "";
	if (in->body == NULL)
		in->body = "";
	if (in->tags == NULL)
		in->tags = "";
}
