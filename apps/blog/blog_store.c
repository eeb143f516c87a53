/*
 * Posts: the rules and statements shared by the pages and the API.
 *
 * A user's new post waits for review (pending); an admin's is published
 * at once.  Every save that changes the text is a revision.  A user's
 * edit of a published post waits for review as a revision while the
 * published version stays up; an admin's is published at once.  Only
 * published posts are public: anyone else's draft, pending or rejected
 * post does not exist for the reader (404).  Each change and the jobs it
 * causes (review queue entry, moderate job) are one statement, so they
 * commit together.
 */

#include <string.h>

#include "blog/blog.h"

/* $1 author, $2 title, $3 body, $4 status, $5 request id, $6 tags. */
static const char sql_post_create[] =
	"SELECT id, slug, status, jobs"
	"  FROM blog_post_new($1, $2, $3, $4, $5, $6::text[])";

/* $1 post, $2 viewer, $3 viewer is an admin: as the viewer may see it. */
static const char sql_post_get[] =
	"SELECT " BLOG_SQL_POST_COLS ", " BLOG_SQL_EDIT_COLS("$2", "$3")
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	"  LEFT JOIN post_revisions er ON er.id = p.edit_revision"
	"   AND (p.author_id = $2::bigint OR $3::bool)"
	" WHERE p.id = $1"
	"   AND agora_post_visible(p.status, p.author_id, u.banned,"
	"       $2::bigint, $3::bool)";

/*
 * $1 id, $2 title, $3 body, $4 requested status (or NULL), $5 editor is
 * an admin, $6 request id, $7 editor, $8 the revision restored (or
 * NULL), $9 the tags (NULL: kept).  The rules are blog_post_save's (sql/016_revisions.sql): an
 * edit of a published post waits as a revision while the published
 * version stays up, unless an admin makes it.
 */
static const char sql_post_update[] =
	"SELECT id, slug, status, jobs FROM blog_post_save($1, $7, $5::bool,"
	"       $2, $3, $4, $8, $6, $9::text[])";

static const char sql_post_delete[] =
	"WITH m AS ("
	"  DELETE FROM moderation_queue WHERE decided_at IS NULL AND"
	"   ((kind = 'post' AND item_id = $1) OR (kind = 'comment' AND"
	"     item_id IN (SELECT id FROM comments WHERE post_id = $1)))"
	")"
	"DELETE FROM posts WHERE id = $1 RETURNING id";

/*
 * Field errors for a post, or NULL.  `partial`: absent fields are fine
 * (an update); otherwise title and body are required.
 */
json_t *
blog_post_check(struct blog_post_in *in, int partial)
{
	json_t		*errors;
	const char	*msg;
	size_t		 n;

	errors = json_object();

	if (in->title != NULL) {
		n = core_utf8_len(in->title);
		if (n == 0 || strspn(in->title, " \t\r\n") == strlen(in->title))
			json_object_set_new(errors, "title",
			    json_string("Give the post a title."));
		else if (n > BLOG_TITLE_MAX)
			json_object_set_new(errors, "title", json_string(
			    "A title has at most 200 characters."));
		else if (strpbrk(in->title, "\r\n") != NULL)
			json_object_set_new(errors, "title", json_string(
			    "A title is one line."));
		else if (!core_text_clean(in->title, 0))
			json_object_set_new(errors, "title", json_string(
			    "A title cannot hold control characters."));
	} else if (!partial) {
		json_object_set_new(errors, "title",
		    json_string("Give the post a title."));
	}

	if (in->body != NULL) {
		if (core_utf8_len(in->body) > BLOG_BODY_MAX)
			json_object_set_new(errors, "body", json_string(
			    "A post has at most 100,000 characters."));
		else if (!core_text_clean(in->body, 1))
			json_object_set_new(errors, "body", json_string(
			    "A post cannot hold control characters."));
	} else if (!partial) {
		json_object_set_new(errors, "body",
		    json_string("Write something."));
	}

	in->tags_sql = NULL;
	if (in->tags != NULL) {
		blog_tags_init(&in->tagset);
		if (blog_tags_parse(&in->tagset, in->tags, &msg) == -1)
			json_object_set_new(errors, "tags", json_string(msg));
		else
			in->tags_sql = blog_tags_sql(&in->tagset);
	}

	if (in->status != NULL && strcmp(in->status, "draft") &&
	    strcmp(in->status, "pending"))
		json_object_set_new(errors, "status", json_string(
		    "Status is draft or pending."));

	if (json_object_size(errors) == 0) {
		json_decref(errors);
		return (NULL);
	}

	return (errors);
}

/*
 * Create a post by the signed-in user from checked input.  CORE_OK: the
 * row (BLOG_WCOL_*) is in `db` and its jobs are pushed.
 */
int
blog_post_create(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, struct blog_post_in *in)
{
	struct core_num	 uid;
	const char	*params[6], *status;

	status = in->status != NULL ? in->status : "pending";
	if (!strcmp(status, "pending") && ctx->user.role == CORE_ROLE_ADMIN)
		status = "approved";

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = in->title;
	params[2] = in->body;
	params[3] = status;
	params[4] = ctx->request_id;
	params[5] = in->tags_sql;
	CORE_TRY(core_db_run(req, db, sql_post_create, 6, params));

	if (core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));

	core_jobs_push(db, 0, BLOG_WCOL_JOBS);
	return (CORE_OK);
}

/*
 * Load post `id` into `db` (BLOG_SQL_POST_COLS).  Answers 404 (CORE_DONE)
 * when there is no such post or the reader may not see it; with `edit`,
 * 403 when the reader may see it but not change it.
 */
int
blog_post_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, int edit)
{
	struct core_num	 pid, uid;
	const char	*params[3];

	params[0] = core_num(&pid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	CORE_TRY(core_db_run_prepared(req, db, sql_post_get, 3, params));

	/* Who sees a post is agora_post_visible (sql/013_search.sql). */
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "There is no such post."));

	if (edit && !blog_can_edit(ctx, db))
		return (core_error(req, 403, "Only the author or an admin can "
		    "change this post."));

	return (CORE_OK);
}

/* The author and admins may change a post. */
int
blog_can_edit(struct core_ctx *ctx, struct core_db *db)
{
	if (ctx->user.id == 0)
		return (0);

	return (ctx->user.role == CORE_ROLE_ADMIN ||
	    core_db_int(db, 0, BLOG_COL_AUTHOR_ID) == ctx->user.id);
}

/*
 * Apply checked changes to post `id` (already loaded and allowed).
 * CORE_OK: the row (BLOG_WCOL_*) is in `db` and its jobs are pushed.
 */
int
blog_post_update(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, struct blog_post_in *in)
{
	struct core_num	 pid, uid, rid;
	const char	*params[9];

	params[0] = core_num(&pid, id);
	params[1] = in->title;
	params[2] = in->body;
	params[3] = in->status;
	params[4] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	params[5] = ctx->request_id;
	params[6] = core_num(&uid, ctx->user.id);
	params[7] = in->restored != 0 ? core_num(&rid, in->restored) : NULL;
	params[8] = in->tags_sql;
	CORE_TRY(core_db_run(req, db, sql_post_update, 9, params));

	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "There is no such post."));

	core_jobs_push(db, 0, BLOG_WCOL_JOBS);
	return (CORE_OK);
}

/*
 * Delete post `id` (already loaded and allowed) and its open reviews,
 * with `db` for the statement.
 */
int
blog_post_delete(struct http_request *req, struct core_db *db, int64_t id)
{
	struct core_num	 pid;
	const char	*params[1];

	params[0] = core_num(&pid, id);

	return (core_db_run(req, db, sql_post_delete, 1, params));
}
