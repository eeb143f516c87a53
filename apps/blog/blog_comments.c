/*
 * Comments on published posts.  Plain text (escaped, line breaks kept).
 * Each new comment goes through the moderate job; a flagged one is hidden
 * from everyone but its author and the admins until an admin approves
 * it.  The post's author is told by email once the comment is cleared
 * (held until then: the email quotes it).  The comment's author, the
 * post's author and admins may delete a comment.
 */

#include <stdio.h>
#include <string.h>

#include "blog/blog.h"

int	blog_comment_add_page(struct http_request *);
int	blog_comment_delete_page(struct http_request *);
int	blog_api_comments(struct http_request *);
int	blog_api_comment_delete(struct http_request *);

/* $1 post, $2 viewer id (0: anonymous), $3 viewer is admin. */
static const char sql_comments[] =
	"SELECT c.id, c.body, " CORE_SQL_TS("c.created_at") ", u.username,"
	"       c.author_id, c.hidden"
	"  FROM comments c JOIN users u ON u.id = c.author_id"
	" WHERE c.post_id = $1 AND (NOT c.hidden OR c.author_id = $2"
	"       OR $3::bool)"
	" ORDER BY c.id LIMIT 500";

/* $1 post, $2 author, $3 body, $4 request id. */
static const char sql_comment_add[] =
	"WITH p AS ("
	"  SELECT p.id, p.title, p.slug, p.author_id, u.email, u.username"
	"    FROM posts p JOIN users u ON u.id = p.author_id"
	"   WHERE p.id = $1 AND p.status = 'approved'"
	"), me AS ("
	"  SELECT username FROM users WHERE id = $2"
	"), c AS ("
	"  INSERT INTO comments (post_id, author_id, body)"
	"  SELECT p.id, $2, $3 FROM p RETURNING *"
	"), j AS ("
	"  SELECT 'moderate' AS type, 'default' AS queue,"
	"         jsonb_build_object('kind', 'comment', 'id', c.id,"
	"         'user_id', c.author_id, 'text', c.body) AS args"
	"    FROM c"
	"), h AS ("
	"  INSERT INTO moderation_held_jobs (kind, item_id, type, queue,"
	"         args, request_id)"
	"  SELECT 'comment', c.id, 'email', 'critical',"
	"         jsonb_build_object('template',"
	"         'comment_new', 'to', p.email, 'username', p.username,"
	"         'commenter', me.username, 'title', p.title,"
	"         'excerpt', left(c.body, 300),"
	"         'path', '/blog/' || p.id || '-' || p.slug), $4"
	"    FROM c, p, me WHERE p.author_id <> c.author_id"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT type, queue, args, $4 FROM j"
	   CORE_JOB_RETURNING
	")"
	"SELECT c.id, " CORE_SQL_TS("c.created_at") ", "
	CORE_JOBS_JSON("k") " FROM c";

/* $1 comment, $2 user, $3 is admin: the comment's or post's author. */
static const char sql_comment_delete[] =
	"WITH d AS ("
	"  DELETE FROM comments c USING posts p"
	"   WHERE c.id = $1 AND p.id = c.post_id AND"
	"         (c.author_id = $2 OR p.author_id = $2 OR $3::bool)"
	"  RETURNING c.id, c.post_id, p.slug"
	"), m AS ("
	"  DELETE FROM moderation_queue WHERE kind = 'comment'"
	"     AND item_id = $1 AND decided_at IS NULL"
	"     AND EXISTS (SELECT 1 FROM d)"
	")"
	"SELECT (SELECT id FROM d), (SELECT post_id FROM d),"
	"       (SELECT slug FROM d),"
	"       EXISTS (SELECT 1 FROM comments WHERE id = $1)";

static int	comment_check(const char *, json_t **);
static int	comment_add(struct http_request *, struct core_ctx *, int64_t,
		    const char *);
static int	comment_delete(struct http_request *, struct core_ctx *,
		    int64_t);
static void	id_text(int64_t, char *, size_t);

/* Load the comments of post `id` that this reader may see. */
int
blog_comments_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	const char	*params[3];
	char		 pid[24], uid[24];

	id_text(id, pid, sizeof(pid));
	id_text(ctx->user.id, uid, sizeof(uid));
	params[0] = pid;
	params[1] = uid;
	params[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";

	return (core_db_run(req, db, sql_comments, 3, params));
}

void
blog_render_comments(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *post, struct core_db *db)
{
	int		i, n, can_delete;
	int64_t		pid;

	pid = core_db_int(post, 0, BLOG_COL_ID);
	n = core_db_rows(db);
	core_html_appendf(buf, "<section class=\"comments\" id=\"comments\">\n"
	    "<h2>%d comment%s</h2>\n", n, n == 1 ? "" : "s");

	for (i = 0; i < n; i++) {
		core_html_appendf(buf, "<article class=\"comment%s\" id=\"c%lld\">"
		    "<header><strong>%s</strong> · <time datetime=\"%s\">%s"
		    "</time>%R</header>\n<p class=\"comment-body\">%s</p>\n",
		    !strcmp(core_db_value(db, i, 5), "t") ? " hidden-comment" :
		    "", (long long)core_db_int(db, i, 0),
		    core_db_value(db, i, 3), core_db_value(db, i, 2),
		    core_db_value(db, i, 2),
		    !strcmp(core_db_value(db, i, 5), "t") ?
		    " <mark>held for review</mark>" : "",
		    core_db_value(db, i, 1));
		can_delete = ctx->user.id != 0 &&
		    (ctx->user.role == CORE_ROLE_ADMIN ||
		    core_db_int(db, i, 4) == ctx->user.id ||
		    core_db_int(post, 0, BLOG_COL_AUTHOR_ID) == ctx->user.id);
		if (can_delete) {
			core_html_appendf(buf, "<footer><form method=\"post\" "
			    "action=\"/blog/comments/%lld/delete\" "
			    "class=\"inline\">",
			    (long long)core_db_int(db, i, 0));
			core_form_csrf(req, buf);
			core_html_appendf(buf, "<button type=\"submit\" "
			    "class=\"secondary outline\">Delete</button>"
			    "</form></footer>\n");
		}
		core_html_appendf(buf, "</article>\n");
	}

	if (strcmp(core_db_value(post, 0, BLOG_COL_STATUS), "approved")) {
		core_html_appendf(buf, "</section>\n");
		return;
	}

	if (ctx->user.id == 0) {
		core_html_appendf(buf, "<p><a href=\"/login?next=/blog/%lld\">"
		    "Log in</a> to comment.</p>\n</section>\n", (long long)pid);
		return;
	}

	core_html_appendf(buf, "<form method=\"post\" action=\"/blog/%lld/"
	    "comments\">\n", (long long)pid);
	core_form_csrf(req, buf);
	core_html_appendf(buf, "<label>Your comment\n<textarea name=\"body\" "
	    "rows=\"4\" maxlength=\"5000\" required></textarea></label>\n"
	    "<button type=\"submit\">Comment</button>\n</form>\n"
	    "</section>\n");
}

/* POST /blog/{id}/comments */
int
blog_comment_add_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*rest, *body;
	json_t			*errors;
	char			 loc[128];
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/blog/", &id, &rest) == -1 ||
	    strcmp(rest, "/comments"))
		return (core_yield(core_error(req, 404, NULL)));

	body = core_form_get(req, "body");
	if (comment_check(body, &errors) == -1) {
		rc = core_error(req, 422, json_string_value(
		    json_object_get(errors, "body")));
		json_decref(errors);
		return (core_yield(rc));
	}

	if ((rc = comment_add(req, ctx, id, body)) != CORE_OK)
		return (core_yield(rc));

	(void)snprintf(loc, sizeof(loc), "/blog/%lld#c%lld", (long long)id,
	    (long long)core_db_int(&ctx->db[0], 0, 0));
	core_redirect(req, loc);
	return (KORE_RESULT_OK);
}

/* POST /blog/comments/{id}/delete */
int
blog_comment_delete_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*rest;
	char			 loc[128];
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/blog/comments/", &id, &rest) == -1 ||
	    strcmp(rest, "/delete"))
		return (core_yield(core_error(req, 404, NULL)));

	if ((rc = comment_delete(req, ctx, id)) != CORE_OK)
		return (core_yield(rc));

	(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s#comments",
	    (long long)core_db_int(&ctx->db[0], 0, 1),
	    core_db_value(&ctx->db[0], 0, 2));
	core_redirect(req, loc);
	return (KORE_RESULT_OK);
}

/* GET and POST /api/v1/blog/posts/{id}/comments */
int
blog_api_comments(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct core_db		*db;
	json_t			*body, *errors, *list;
	const char		*rest, *text;
	char			 loc[96];
	int64_t			 id;
	int			 rc, i;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/api/v1/blog/posts/", &id, &rest) == -1 ||
	    strcmp(rest, "/comments"))
		return (core_yield(core_error(req, 404, NULL)));

	if (req->method == HTTP_METHOD_POST) {
		if ((rc = core_require_user(req, ctx)) != CORE_OK)
			return (core_yield(rc));
		if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
			return (core_yield(rc));
		if ((rc = core_json_body(req, ctx, &body)) != CORE_OK)
			return (core_yield(rc));
		text = core_json_str(body, "body");
		if (comment_check(text, &errors) == -1)
			return (core_yield(core_problem(req, 422,
			    "Invalid input", "The comment is not valid.",
			    errors)));
		if ((rc = comment_add(req, ctx, id, text)) != CORE_OK)
			return (core_yield(rc));
		(void)snprintf(loc, sizeof(loc), "/api/v1/blog/posts/%lld/"
		    "comments", (long long)id);
		http_response_header(req, "location", loc);
		return (core_yield(core_json_send(req, 201, json_pack(
		    "{s:{s:I, s:I, s:s, s:s, s:s, s:b}}", "comment",
		    "id", (json_int_t)core_db_int(&ctx->db[0], 0, 0),
		    "post_id", (json_int_t)id,
		    "author", ctx->user.username,
		    "body", text,
		    "created_at", core_db_value(&ctx->db[0], 0, 1),
		    "hidden", 0))));
	}

	if ((rc = blog_post_load(req, ctx, &ctx->db[1], id, 0)) != CORE_OK)
		return (core_yield(rc));
	db = &ctx->db[2];
	if ((rc = blog_comments_load(req, ctx, db, id)) != CORE_OK)
		return (core_yield(rc));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, json_pack(
		    "{s:I, s:I, s:s, s:s, s:s, s:b}",
		    "id", (json_int_t)core_db_int(db, i, 0),
		    "post_id", (json_int_t)id,
		    "author", core_db_value(db, i, 3),
		    "body", core_db_value(db, i, 1),
		    "created_at", core_db_value(db, i, 2),
		    "hidden", !strcmp(core_db_value(db, i, 5), "t")));

	return (core_yield(core_json_send(req, 200,
	    json_pack("{s:o}", "comments", list))));
}

/* DELETE /api/v1/blog/comments/{id} */
int
blog_api_comment_delete(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*rest;
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/api/v1/blog/comments/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_yield(core_error(req, 404, NULL)));

	if ((rc = comment_delete(req, ctx, id)) != CORE_OK)
		return (core_yield(rc));

	http_response(req, 204, NULL, 0);
	return (KORE_RESULT_OK);
}

/* 1 to 5000 characters, not only spaces. */
static int
comment_check(const char *body, json_t **errors)
{
	*errors = NULL;
	if (body == NULL || strspn(body, " \t\r\n") == strlen(body)) {
		*errors = json_pack("{s:s}", "body", "Write a comment.");
		return (-1);
	}
	if (!core_utf8_valid(body, strlen(body)) ||
	    core_utf8_len(body) > BLOG_COMMENT_MAX) {
		*errors = json_pack("{s:s}", "body",
		    "A comment has at most 5,000 characters.");
		return (-1);
	}
	if (!core_text_clean(body, 1)) {
		*errors = json_pack("{s:s}", "body",
		    "A comment cannot hold control characters.");
		return (-1);
	}

	return (0);
}

/* CORE_OK: (id, created_at) in ctx->db[0]; 404 when not commentable. */
static int
comment_add(struct http_request *req, struct core_ctx *ctx, int64_t id,
    const char *body)
{
	const char	*params[4];
	char		 pid[24], uid[24];
	int		 rc;

	if ((rc = core_limit_user(req, ctx, "comments", LIMIT_COMMENTS_MAX,
	    LIMIT_COMMENTS_WINDOW, "You have written many comments in the "
	    "last few minutes. Try again later.")) != CORE_OK)
		return (rc);

	id_text(id, pid, sizeof(pid));
	id_text(ctx->user.id, uid, sizeof(uid));
	params[0] = pid;
	params[1] = uid;
	params[2] = body;
	params[3] = ctx->request_id;
	if ((rc = core_db_run(req, &ctx->db[0], sql_comment_add, 4,
	    params)) != CORE_OK)
		return (rc);

	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 404, "There is no published post to "
		    "comment on here."));

	core_jobs_push(&ctx->db[0], 0, 2);
	return (CORE_OK);
}

/*
 * CORE_OK: (id, post id, post slug) in ctx->db[0].  404 when the comment
 * does not exist, 403 when it is not this user's to delete.
 */
static int
comment_delete(struct http_request *req, struct core_ctx *ctx, int64_t id)
{
	const char	*params[3];
	char		 cid[24], uid[24];
	int		 rc;

	id_text(id, cid, sizeof(cid));
	id_text(ctx->user.id, uid, sizeof(uid));
	params[0] = cid;
	params[1] = uid;
	params[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	if ((rc = core_db_run(req, &ctx->db[0], sql_comment_delete, 3,
	    params)) != CORE_OK)
		return (rc);

	if (!core_db_isnull(&ctx->db[0], 0, 0))
		return (CORE_OK);
	if (!strcmp(core_db_value(&ctx->db[0], 0, 3), "t"))
		return (core_error(req, 403, "Only the comment's author, the "
		    "post's author or an admin can delete it."));

	return (core_error(req, 404, "There is no such comment."));
}

static void
id_text(int64_t id, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%lld", (long long)id);
}
