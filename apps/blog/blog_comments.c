/*
 * Comments on published posts.  Plain text (escaped, line breaks kept).
 * Each new comment goes through the moderate job; a flagged one is hidden
 * from everyone but its author and the admins until an admin approves
 * it.  The post's author is notified (and emailed as their settings
 * say, once the comment is cleared: sql/018_notify_email.sql).  The
 * comment's author, the
 * post's author and admins may delete a comment.
 *
 * Replies: one level; a reply to a reply is attached to the top-level
 * comment above it, whose author is notified.  A comment's author may
 * edit it: the new text goes through the moderate job again and the
 * comment says "edited".
 */

#include <stdio.h>
#include <string.h>

#include "blog/blog.h"

/* $1 post, $2 viewer id (0: anonymous), $3 viewer is admin. */
static const char sql_comments[] =
	"SELECT " BLOG_SQL_COMMENT_COLS
	"  FROM comments c JOIN users u ON u.id = c.author_id"
	" WHERE c.post_id = $1 AND agora_comment_visible(c.hidden,"
	"       c.author_id, u.banned, $2::bigint, $3::bool)"
	" ORDER BY coalesce(c.parent_id, c.id), c.id LIMIT 500";

/*
 * $1 post, $2 author, $3 body, $4 request id, $5 the comment answered
 * (NULL: none), $6 the author is an admin; ADD_COL_* come back.  A
 * reply needs a comment of the same post that its author may see, and
 * hangs under that comment's top-level comment.
 */
enum add_col {
	ADD_COL_ID,
	ADD_COL_CREATED,
	ADD_COL_JOBS,
	ADD_COL_NOTIFY,		/* who was notified, core_notify_push */
	ADD_COL_PARENT		/* the top-level comment of a reply */
};

static const char sql_comment_add[] =
	"WITH p AS ("
	"  SELECT p.id FROM posts p"
	"   WHERE p.id = $1 AND p.status = 'approved'"
	"), a AS ("
	"  SELECT coalesce(x.parent_id, x.id) AS id"
	"    FROM comments x JOIN users xu ON xu.id = x.author_id"
	"   WHERE x.id = $5::bigint AND x.post_id = $1"
	"     AND agora_comment_visible(x.hidden, x.author_id, xu.banned,"
	"         $2::bigint, $6::bool)"
	"), top AS ("
	"  SELECT t.id, t.author_id FROM comments t JOIN a ON a.id = t.id"
	"), c AS ("
	"  INSERT INTO comments (post_id, author_id, body, parent_id)"
	"  SELECT p.id, $2, $3, (SELECT id FROM top) FROM p"
	"   WHERE $5::bigint IS NULL OR EXISTS (SELECT 1 FROM top)"
	"  RETURNING *"
	"), j AS ("
	"  SELECT 'moderate' AS type, 'default' AS queue,"
	"         jsonb_build_object('kind', 'comment', 'id', c.id,"
	"         'user_id', c.author_id, 'text', c.body) AS args"
	"    FROM c"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT type, queue, args, $4 FROM j"
	   CORE_JOB_RETURNING
	"), n AS ("
	"  SELECT notify_comment('blog', c.id, c.post_id, c.author_id,"
	"         c.body, (SELECT author_id FROM top)) AS uid FROM c"
	")"
	"SELECT c.id, " CORE_SQL_TS("c.created_at") ", "
	CORE_JOBS_JSON("k") ", " CORE_NOTIFY_JSON("n") ", c.parent_id FROM c";

/*
 * $1 comment, $2 user, $3 is admin: the comment's or post's author.
 * The deleted comment's DEL_COL_ID, DEL_COL_POST and DEL_COL_SLUG are
 * NULL when nothing was deleted; DEL_COL_EXISTS tells why.
 */
enum del_col {
	DEL_COL_ID,
	DEL_COL_POST,
	DEL_COL_SLUG,
	DEL_COL_EXISTS
};

/*
 * $1 comment, $2 who deletes it, $3 they are an admin, $4 request id.
 * An admin deleting someone else's comment leaves an audit record
 * (sql/026_trust_audit.sql).
 */
static const char sql_comment_delete[] =
	"WITH d AS ("
	"  DELETE FROM comments c USING posts p"
	"   WHERE c.id = $1 AND p.id = c.post_id AND"
	"         (c.author_id = $2 OR p.author_id = $2 OR $3::bool)"
	"  RETURNING c.id, c.post_id, p.slug, c.author_id, p.author_id AS owner"
	"), m AS ("
	"  DELETE FROM moderation_queue WHERE kind = 'comment'"
	"     AND item_id = $1 AND decided_at IS NULL"
	"     AND EXISTS (SELECT 1 FROM d)"
	"), a AS ("
	"  SELECT audit_log($2, 'delete', d.author_id, 'comment ' || d.id, '',"
	"      jsonb_build_object('post', d.post_id), $4) FROM d"
	"   WHERE $3::bool AND d.author_id <> $2::bigint"
	"     AND d.owner <> $2::bigint"
	")"
	"SELECT (SELECT id FROM d), (SELECT post_id FROM d),"
	"       (SELECT slug FROM d),"
	"       EXISTS (SELECT 1 FROM comments WHERE id = $1),"
	"       (SELECT count(*) FROM a)";

/*
 * $1 comment, $2 its author (the editor), $3 new body, $4 request id.
 * Only on a published post.  The changed comment's EDIT_COL_ID,
 * EDIT_COL_POST and EDIT_COL_SLUG are NULL when nothing was changed;
 * EDIT_COL_EXISTS tells why.  The open review of the comment, if any,
 * and its notifications show the new text.
 */
enum edit_col {
	EDIT_COL_ID,
	EDIT_COL_POST,
	EDIT_COL_SLUG,
	EDIT_COL_EDITED,
	EDIT_COL_JOBS,
	EDIT_COL_EXISTS
};

static const char sql_comment_edit[] =
	"WITH c AS ("
	"  UPDATE comments c SET body = $3, edited_at = now()"
	"    FROM posts p"
	"   WHERE c.id = $1 AND c.author_id = $2 AND p.id = c.post_id"
	"     AND p.status = 'approved'"
	"  RETURNING c.id, c.post_id, c.author_id, c.body, c.edited_at, p.slug"
	"), q AS ("
	"  UPDATE moderation_queue SET preview_body = left($3, 500)"
	"   WHERE kind = 'comment' AND item_id = $1 AND decided_at IS NULL"
	"     AND EXISTS (SELECT 1 FROM c)"
	"), n AS ("
	"  UPDATE notifications SET excerpt = left($3, 300)"
	"   WHERE comment_id = $1 AND EXISTS (SELECT 1 FROM c)"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'moderate', 'default', jsonb_build_object('kind', 'comment',"
	"         'id', c.id, 'user_id', c.author_id, 'text', c.body), $4"
	"    FROM c"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT id FROM c), (SELECT post_id FROM c),"
	"       (SELECT slug FROM c),"
	"       (SELECT " CORE_SQL_TS("edited_at") " FROM c), "
	CORE_JOBS_JSON("k") ","
	"       EXISTS (SELECT 1 FROM comments WHERE id = $1)";

static int	comment_check(const char *, json_t **);
static int	comment_add(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *, int64_t);
static int	comment_edit(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *);
static void	comment_render(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *, struct core_db *,
		    int);
static int	parent_param(const char *, int64_t *);
static int	comment_delete(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);

/* Load the comments of post `id` that this reader may see. */
int
blog_comments_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num	 pid, uid;
	const char	*params[3];

	params[0] = core_num(&pid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";

	return (core_db_run(req, db, sql_comments, 3, params));
}

void
blog_render_comments(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *post, struct core_db *db)
{
	int		i, n, in_article, in_replies;
	int64_t		pid, top, parent;
	char		action[64];

	pid = core_db_int(post, 0, BLOG_COL_ID);
	n = core_db_rows(db);
	core_html_appendf(buf, "<section class=\"comments\" id=\"comments\">\n"
	    "<h2>%d comment%s</h2>\n", n, n == 1 ? "" : "s");

	/* Rows come as each top-level comment, then its replies. */
	in_article = in_replies = 0;
	top = 0;
	for (i = 0; i < n; i++) {
		parent = core_db_isnull(db, i, BLOG_CCOL_PARENT) ? 0 :
		    core_db_int(db, i, BLOG_CCOL_PARENT);
		if (parent == 0 || parent != top) {
			if (in_replies)
				core_html_appendf(buf, "</div>\n");
			if (in_article)
				core_html_appendf(buf, "</article>\n");
			in_article = in_replies = 0;
		}
		if (parent == 0) {
			top = core_db_int(db, i, BLOG_CCOL_ID);
			in_article = 1;
		} else {
			/* A reply whose parent this reader does not see. */
			top = parent;
			if (!in_replies)
				core_html_appendf(buf, "<div class=\"replies\">\n");
			in_replies = 1;
		}
		comment_render(req, buf, ctx, post, db, i);
		if (parent != 0)
			core_html_appendf(buf, "</article>\n");
	}
	if (in_replies)
		core_html_appendf(buf, "</div>\n");
	if (in_article)
		core_html_appendf(buf, "</article>\n");

	if (strcmp(core_db_value(post, 0, BLOG_COL_STATUS), "approved")) {
		core_html_appendf(buf, "</section>\n");
		return;
	}

	if (ctx->user.id == 0) {
		core_html_appendf(buf, "<p><a href=\"/login?next=/blog/%lld\">"
		    "Log in</a> to comment.</p>\n</section>\n", (long long)pid);
		return;
	}

	(void)snprintf(action, sizeof(action), "/blog/%lld/comments",
	    (long long)pid);
	core_form_open(req, buf, action, NULL);
	core_html_appendf(buf, "\n<label>Your comment\n<textarea name=\"body\" "
	    "rows=\"4\" maxlength=\"5000\" required></textarea></label>\n"
	    "<button type=\"submit\">Comment</button>\n</form>\n"
	    "</section>\n");
}

/*
 * Comment `i` of `db`: its header, text and what the reader may do
 * with it (reply, edit their own, delete).  The <article> is left open
 * for the replies of a top-level comment.
 */
static void
comment_render(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *post, struct core_db *db, int i)
{
	const char	*edited;
	char		 action[64];
	long long	 id, pid;
	int		 hidden, own, can_delete, can_reply;

	id = (long long)core_db_int(db, i, BLOG_CCOL_ID);
	pid = (long long)core_db_int(post, 0, BLOG_COL_ID);
	hidden = core_db_bool(db, i, BLOG_CCOL_HIDDEN);
	edited = core_db_value(db, i, BLOG_CCOL_EDITED);
	own = ctx->user.id != 0 &&
	    core_db_int(db, i, BLOG_CCOL_AUTHOR_ID) == ctx->user.id;
	can_delete = ctx->user.id != 0 && (own ||
	    ctx->user.role == CORE_ROLE_ADMIN ||
	    core_db_int(post, 0, BLOG_COL_AUTHOR_ID) == ctx->user.id);
	can_reply = ctx->user.id != 0 &&
	    !strcmp(core_db_value(post, 0, BLOG_COL_STATUS), "approved");

	core_html_appendf(buf, "<article class=\"comment%R%R\" id=\"c%lld\">"
	    "<header>%P · %T",
	    core_db_isnull(db, i, BLOG_CCOL_PARENT) ? "" : " reply",
	    hidden ? " hidden-comment" : "", id,
	    core_db_value(db, i, BLOG_CCOL_AUTHOR),
	    core_db_value(db, i, BLOG_CCOL_AUTHOR_NAME),
	    core_db_value(db, i, BLOG_CCOL_AUTHOR_AVATAR), 1,
	    core_db_value(db, i, BLOG_CCOL_CREATED));
	if (*edited != '\0')
		core_html_appendf(buf, " · <span class=\"edited\">edited %T"
		    "</span>", edited);
	core_html_appendf(buf, "%R</header>\n<p class=\"comment-body\">%s</p>\n",
	    hidden ? " <mark>held for review</mark>" : "",
	    core_db_value(db, i, BLOG_CCOL_BODY));

	if (!can_reply && !can_delete) {
		return;
	}
	core_html_appendf(buf, "<footer class=\"comment-actions\">");
	if (can_reply) {
		(void)snprintf(action, sizeof(action), "/blog/%lld/comments",
		    pid);
		core_html_appendf(buf, "<details class=\"reply-form\">"
		    "<summary role=\"button\" class=\"secondary outline\">"
		    "Reply</summary>");
		core_form_open(req, buf, action, NULL);
		core_html_appendf(buf, "<input type=\"hidden\" name=\"parent\" "
		    "value=\"%lld\"><label>Your reply to %s\n<textarea "
		    "name=\"body\" rows=\"3\" maxlength=\"5000\" required>"
		    "</textarea></label><button type=\"submit\">Reply</button>"
		    "</form></details>", id,
		    core_db_value(db, i, BLOG_CCOL_AUTHOR));
	}
	if (own && can_reply) {
		(void)snprintf(action, sizeof(action),
		    "/blog/comments/%lld/edit", id);
		core_html_appendf(buf, "<details class=\"edit-form\">"
		    "<summary role=\"button\" class=\"secondary outline\">"
		    "Edit</summary>");
		core_form_open(req, buf, action, NULL);
		core_html_appendf(buf, "<label>Your comment\n<textarea "
		    "name=\"body\" rows=\"4\" maxlength=\"5000\" required>%s"
		    "</textarea></label><small>An edited comment is checked "
		    "again, like a new one.</small><button type=\"submit\">"
		    "Save</button></form></details>",
		    core_db_value(db, i, BLOG_CCOL_BODY));
	}
	if (can_delete) {
		(void)snprintf(action, sizeof(action),
		    "/blog/comments/%lld/delete", id);
		core_form_confirm(req, buf, action, "Delete",
		    "Yes, delete this comment");
	}
	core_html_appendf(buf, "</footer>\n");
}

/* POST /blog/{id}/comments */
CORE_HANDLER_NEED(blog_comment_add_page, CORE_NEED_CHANGE)
{
	struct core_db		*db;
	const char		*rest, *body;
	json_t			*errors;
	char			 loc[128];
	int64_t			 id, parent;
	int			 rc;

	if (core_path_id(req, "/blog/", &id, &rest) == -1 ||
	    strcmp(rest, "/comments"))
		return (core_error(req, 404, NULL));

	if (parent_param(core_form_get(req, "parent"), &parent) == -1)
		return (core_error(req, 422, "That is not a comment to reply "
		    "to."));
	body = core_form_get(req, "body");
	if (comment_check(body, &errors) == -1) {
		rc = core_error(req, 422, json_string_value(
		    json_object_get(errors, "body")));
		json_decref(errors);
		return (rc);
	}

	db = &ctx->db[0];
	CORE_TRY(comment_add(req, ctx, db, id, body, parent));

	(void)snprintf(loc, sizeof(loc), "/blog/%lld#c%lld", (long long)id,
	    (long long)core_db_int(db, 0, ADD_COL_ID));
	core_redirect(req, loc);
	return (CORE_DONE);
}

/* POST /blog/comments/{id}/delete */
CORE_HANDLER_NEED(blog_comment_delete_page, CORE_NEED_CHANGE)
{
	struct core_db		*db;
	const char		*rest;
	char			 loc[128];
	int64_t			 id;

	if (core_path_id(req, "/blog/comments/", &id, &rest) == -1 ||
	    strcmp(rest, "/delete"))
		return (core_error(req, 404, NULL));

	db = &ctx->db[0];
	CORE_TRY(comment_delete(req, ctx, db, id));

	(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s#comments",
	    (long long)core_db_int(db, 0, DEL_COL_POST),
	    core_db_value(db, 0, DEL_COL_SLUG));
	core_redirect(req, loc);
	return (CORE_DONE);
}

/* POST /blog/comments/{id}/edit */
CORE_HANDLER_NEED(blog_comment_edit_page, CORE_NEED_CHANGE)
{
	struct core_db		*db;
	const char		*rest, *body;
	json_t			*errors;
	char			 loc[128];
	int64_t			 id;
	int			 rc;

	if (core_path_id(req, "/blog/comments/", &id, &rest) == -1 ||
	    strcmp(rest, "/edit"))
		return (core_error(req, 404, NULL));

	body = core_form_get(req, "body");
	if (comment_check(body, &errors) == -1) {
		rc = core_error(req, 422, json_string_value(
		    json_object_get(errors, "body")));
		json_decref(errors);
		return (rc);
	}

	db = &ctx->db[0];
	CORE_TRY(comment_edit(req, ctx, db, id, body));

	(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s#c%lld",
	    (long long)core_db_int(db, 0, EDIT_COL_POST),
	    core_db_value(db, 0, EDIT_COL_SLUG), (long long)id);
	core_redirect(req, loc);
	return (CORE_DONE);
}

/* GET and POST /api/v1/blog/posts/{id}/comments */
CORE_HANDLER(blog_api_comments)
{
	struct core_db		*db;
	json_t			*body, *errors, *v;
	const char		*rest, *text;
	char			 loc[96];
	int64_t			 id, parent;

	if (core_path_id(req, "/api/v1/blog/posts/", &id, &rest) == -1 ||
	    strcmp(rest, "/comments"))
		return (core_error(req, 404, NULL));

	if (req->method == HTTP_METHOD_POST) {
		db = &ctx->db[0];
		CORE_TRY(core_need(req, ctx, CORE_NEED_CHANGE));
		CORE_TRY(core_json_body(req, ctx, &body));
		text = core_json_str(body, "body");
		if (comment_check(text, &errors) == -1)
			return (core_problem(req, 422, "Invalid input",
			    "The comment is not valid.", errors));
		parent = 0;
		v = json_object_get(body, "parent_id");
		if (v != NULL && !json_is_null(v)) {
			if (!json_is_integer(v) || json_integer_value(v) < 1)
				return (core_problem(req, 422, "Invalid input",
				    "parent_id is the id of a comment.",
				    json_pack("{s:s}", "parent_id",
				    "A comment id.")));
			parent = json_integer_value(v);
		}
		CORE_TRY(comment_add(req, ctx, db, id, text, parent));
		(void)snprintf(loc, sizeof(loc), "/api/v1/blog/posts/%lld/"
		    "comments", (long long)id);
		http_response_header(req, "location", loc);
		return (core_json_send(req, 201, json_pack(
		    "{s:{s:I, s:I, s:s, s:s, s:s, s:b, s:o, s:n}}", "comment",
		    "id", (json_int_t)core_db_int(db, 0, ADD_COL_ID),
		    "post_id", (json_int_t)id,
		    "author", ctx->user.username,
		    "body", text,
		    "created_at", core_db_value(db, 0, ADD_COL_CREATED),
		    "hidden", 0,
		    "parent_id", core_db_isnull(db, 0, ADD_COL_PARENT) ?
		    json_null() : json_integer((json_int_t)core_db_int(db, 0,
		    ADD_COL_PARENT)),
		    "edited_at")));
	}

	CORE_TRY(blog_post_load(req, ctx, &ctx->db[1], id, 0));
	db = &ctx->db[2];
	CORE_TRY(blog_comments_load(req, ctx, db, id));

	return (core_json_send(req, 200, json_pack("{s:o}", "comments",
	    blog_comments_json(db, id))));
}

/* PATCH {"body"} and DELETE /api/v1/blog/comments/{id} */
CORE_HANDLER_NEED(blog_api_comment_delete, CORE_NEED_CHANGE)
{
	struct core_db		*db;
	json_t			*body, *errors;
	const char		*rest, *text;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/blog/comments/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));

	if (req->method == HTTP_METHOD_PATCH) {
		CORE_TRY(core_json_body(req, ctx, &body));
		text = core_json_str(body, "body");
		if (comment_check(text, &errors) == -1)
			return (core_problem(req, 422, "Invalid input",
			    "The comment is not valid.", errors));
		db = &ctx->db[0];
		CORE_TRY(comment_edit(req, ctx, db, id, text));
		return (core_json_send(req, 200, json_pack(
		    "{s:{s:I, s:I, s:s, s:s, s:s}}", "comment",
		    "id", (json_int_t)id,
		    "post_id", (json_int_t)core_db_int(db, 0, EDIT_COL_POST),
		    "author", ctx->user.username,
		    "body", text,
		    "edited_at", core_db_value(db, 0, EDIT_COL_EDITED))));
	}

	CORE_TRY(comment_delete(req, ctx, &ctx->db[0], id));

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
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

/*
 * CORE_OK: the new comment (ADD_COL_*) in `db`, its jobs pushed.  404
 * when the post cannot be commented on.
 */
static int
comment_add(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *body, int64_t parent)
{
	struct core_num	 pid, uid, par;
	const char	*params[6];

	CORE_TRY(core_trust_comment(req, ctx, body));

	params[0] = core_num(&pid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = body;
	params[3] = ctx->request_id;
	params[4] = parent != 0 ? core_num(&par, parent) : NULL;
	params[5] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	CORE_TRY(core_db_run(req, db, sql_comment_add, 6, params));

	if (core_db_rows(db) != 1 && parent != 0)
		return (core_error(req, 404, "There is no such comment to "
		    "reply to on a published post."));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "There is no published post to "
		    "comment on here."));

	core_jobs_push(db, 0, ADD_COL_JOBS);
	core_notify_push(db, 0, ADD_COL_NOTIFY);
	return (CORE_OK);
}

/*
 * Change comment `id` of the signed-in user to `body` (checked).  CORE_OK:
 * the comment (EDIT_COL_*) in `db`, its moderate job pushed.  404 when
 * there is no such comment on a published post, 403 when it is not this
 * user's.  Counted with new comments against the user's limit.
 */
static int
comment_edit(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *body)
{
	struct core_num	 cid, uid;
	const char	*params[4];

	CORE_TRY(core_trust_comment(req, ctx, body));

	params[0] = core_num(&cid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = body;
	params[3] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_comment_edit, 4, params));

	if (!core_db_isnull(db, 0, EDIT_COL_ID)) {
		core_jobs_push(db, 0, EDIT_COL_JOBS);
		return (CORE_OK);
	}
	if (core_db_bool(db, 0, EDIT_COL_EXISTS))
		return (core_error(req, 403, "Only its author can edit a "
		    "comment."));

	return (core_error(req, 404, "There is no such comment."));
}

/* The form's parent: absent or empty is none, else a comment id. */
static int
parent_param(const char *v, int64_t *parent)
{
	int		err;

	*parent = 0;
	if (v == NULL || *v == '\0')
		return (0);
	*parent = (int64_t)kore_strtonum64(v, 1, &err);
	if (err != KORE_RESULT_OK || *parent < 1)
		return (-1);

	return (0);
}

/*
 * CORE_OK: the deleted comment (DEL_COL_*) in `db`.  404 when the
 * comment does not exist, 403 when it is not this user's to delete.
 */
static int
comment_delete(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num	 cid, uid;
	const char	*params[4];

	params[0] = core_num(&cid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	params[3] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_comment_delete, 4, params));

	if (!core_db_isnull(db, 0, DEL_COL_ID))
		return (CORE_OK);
	if (core_db_bool(db, 0, DEL_COL_EXISTS))
		return (core_error(req, 403, "Only the comment's author, the "
		    "post's author or an admin can delete it."));

	return (core_error(req, 404, "There is no such comment."));
}
