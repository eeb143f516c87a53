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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blog/blog.h"

/*
 * $1 author, $2 title, $3 body, $4 status, $5 request id, $6 tags, $7
 * when to publish (or NULL).
 */
static const char sql_post_create[] =
	"SELECT id, slug, status, jobs"
	"  FROM blog_post_new($1, $2, $3, $4, $5, $6::text[],"
	"       nullif($7, '')::timestamptz)";

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
 * NULL), $9 the tags (NULL: kept), $10 when to publish (NULL: kept, '':
 * none).  The rules are blog_post_save's (sql/016_revisions.sql): an
 * edit of a published post waits as a revision while the published
 * version stays up, unless an admin, a member or a trusted user
 * (sql/026) makes it; then the moderate job reads it unless an admin
 * did (blog_post_update, sql/034).
 */
static const char sql_post_update[] =
	"SELECT id, slug, status, jobs FROM blog_post_update($1, $7,"
	"       $5::bool, $2, $3, $4, $8, $6, $9::text[], $10)";

/*
 * $1 post, $2 who deletes it, $3 they are an admin, $4 request id.  An
 * admin deleting someone else's post leaves an audit record (sql/026).
 */
static const char sql_post_delete[] =
	"WITH m AS ("
	"  DELETE FROM moderation_queue WHERE decided_at IS NULL AND"
	"   ((kind = 'post' AND item_id = $1) OR (kind = 'comment' AND"
	"     item_id IN (SELECT id FROM comments WHERE post_id = $1)))"
	"), d AS ("
	"  DELETE FROM posts WHERE id = $1 RETURNING id, author_id, title"
	"), a AS ("
	"  SELECT audit_log($2, 'delete', d.author_id, 'post ' || d.id, '',"
	"      jsonb_build_object('title', d.title), $4) FROM d"
	"   WHERE $3::bool AND d.author_id <> $2::bigint"
	")"
	"SELECT d.id, (SELECT count(*) FROM a) FROM d";

static int	publish_time(struct blog_post_in *, const char **);
static int	digits(const char *, size_t);

static int
digits(const char *s, size_t n)
{
	return (strspn(s, "0123456789") >= n);
}

/*
 * Check in->publish_at and leave it in in->publish_sql, as PostgreSQL
 * reads it: "" (none), RFC 3339, or a form's local time with its
 * offset.  At most a year ahead.  -1 with `*err` saying why.
 */
static int
publish_time(struct blog_post_in *in, const char **err)
{
	const char	*t, *z;
	struct tm	 tm, check, now;
	time_t		 clock;
	long long	 off;
	int		 e;

	t = in->publish_at;
	*err = "A time like 2027-01-31T09:30 (RFC 3339 in the API).";
	if (*t == '\0') {
		in->publish_sql = "";
		return (0);
	}
	/* YYYY-MM-DDTHH:MM, then :SS and .fraction at will. */
	if (strlen(t) < 16 || strlen(t) > 32 || !digits(t, 4) ||
	    t[4] != '-' || !digits(t + 5, 2) || t[7] != '-' ||
	    !digits(t + 8, 2) || (t[10] != 'T' && t[10] != ' ') ||
	    !digits(t + 11, 2) || t[13] != ':' || !digits(t + 14, 2))
		return (-1);
	z = t + 16;
	if (*z == ':') {
		if (!digits(z + 1, 2))
			return (-1);
		z += 3;
		if (*z == '.') {
			z++;
			if (strspn(z, "0123456789") == 0)
				return (-1);
			z += strspn(z, "0123456789");
		}
	}

	if (*z == '\0') {
		/* A form's local time: the page says how far from UTC. */
		off = 0;
		if (in->tz_offset != NULL && *in->tz_offset != '\0') {
			off = kore_strtonum(in->tz_offset, 10, -1080, 1080, &e);
			if (e != KORE_RESULT_OK)
				return (-1);
		}
		/* getTimezoneOffset() is minutes west: UTC+2 is -120. */
		(void)snprintf(in->publish_buf, sizeof(in->publish_buf),
		    "%.*s%c%02lld:%02lld", (int)(z - t), t,
		    off <= 0 ? '+' : '-', (off < 0 ? -off : off) / 60,
		    (off < 0 ? -off : off) % 60);
	} else if (!strcmp(z, "Z") || ((z[0] == '+' || z[0] == '-') &&
	    digits(z + 1, 2) && z[3] == ':' && digits(z + 4, 2) &&
	    z[6] == '\0')) {
		(void)snprintf(in->publish_buf, sizeof(in->publish_buf), "%s",
		    t);
	} else {
		return (-1);
	}

	/* A real date and time (PostgreSQL would refuse 02-31), not far. */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(t) - 1900;
	tm.tm_mon = atoi(t + 5) - 1;
	tm.tm_mday = atoi(t + 8);
	tm.tm_hour = atoi(t + 11);
	tm.tm_min = atoi(t + 14);
	/* timegm() normalises its argument: compare with a copy. */
	check = tm;
	clock = timegm(&check);
	(void)gmtime_r(&clock, &check);
	if (check.tm_year != tm.tm_year || check.tm_mon != tm.tm_mon ||
	    check.tm_mday != tm.tm_mday || check.tm_hour != tm.tm_hour ||
	    check.tm_min != tm.tm_min || (*(t + 16) == ':' && atoi(t + 17) > 59))
		return (-1);
	clock = time(NULL);
	(void)gmtime_r(&clock, &now);
	if (tm.tm_year > now.tm_year + 1 || tm.tm_year < 100) {
		*err = "A post is scheduled for next year at the latest.";
		return (-1);
	}
	in->publish_sql = in->publish_buf;

	return (0);
}

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

	in->publish_sql = NULL;
	if (in->publish_at != NULL) {
		if (publish_time(in, &msg) == -1)
			json_object_set_new(errors, "publish_at",
			    json_string(msg));
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
	const char	*params[7], *status;

	CORE_TRY(core_trust_links(req, ctx, "body", in->body));
	status = in->status != NULL ? in->status : "pending";
	if (!strcmp(status, "pending") && ctx->user.role == CORE_ROLE_ADMIN)
		status = "approved";

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = in->title;
	params[2] = in->body;
	params[3] = status;
	params[4] = ctx->request_id;
	params[5] = in->tags_sql;
	params[6] = in->publish_sql;
	CORE_TRY(core_db_run(req, db, sql_post_create, 7, params));

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
	const char	*params[10];

	CORE_TRY(core_trust_links(req, ctx, "body", in->body));
	params[0] = core_num(&pid, id);
	params[1] = in->title;
	params[2] = in->body;
	params[3] = in->status;
	params[4] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	params[5] = ctx->request_id;
	params[6] = core_num(&uid, ctx->user.id);
	params[7] = in->restored != 0 ? core_num(&rid, in->restored) : NULL;
	params[8] = in->tags_sql;
	params[9] = in->publish_sql;
	CORE_TRY(core_db_run(req, db, sql_post_update, 10, params));

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
blog_post_delete(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num	 pid, uid;
	const char	*params[4];

	params[0] = core_num(&pid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	params[3] = ctx->request_id;

	return (core_db_run(req, db, sql_post_delete, 4, params));
}
