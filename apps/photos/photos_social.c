/*
 * What people do with a photo: like it (once, toggled), comment (each
 * comment goes through the moderate job; a flagged one is hidden but
 * for its author until approved), report it to the moderators, and, for
 * its owner, tag other users on it (they are emailed).
 */

#include <string.h>

#include "photos/photos.h"

/*
 * $1 photo, $2 viewer, $3 admin.  Likes and unlikes change the counter
 * under the photo's row lock, so concurrent toggles count right.
 */
static const char sql_like[] =
	"WITH p AS ("
	"  SELECT p.id FROM photos p JOIN media_files m ON m.id = p.media_id"
	"    JOIN users u ON u.id = p.owner_id"
	"   WHERE p.id = $1 AND " PHOTOS_SQL_VISIBLE("$2", "$3")
	"     FOR UPDATE OF p"
	"), i AS ("
	"  INSERT INTO photo_likes (photo_id, user_id)"
	"  SELECT id, $2 FROM p ON CONFLICT DO NOTHING"
	"  RETURNING photo_id, user_id"
	"), n AS ("
	"  SELECT notify_like(i.photo_id, i.user_id) AS uid FROM i"
	")"
	"UPDATE photos SET like_count = like_count + (SELECT count(*) FROM i)"
	" WHERE id IN (SELECT id FROM p)"
	" RETURNING like_count, " CORE_NOTIFY_JSON("n");

static const char sql_unlike[] =
	"WITH p AS ("
	"  SELECT p.id FROM photos p JOIN media_files m ON m.id = p.media_id"
	"    JOIN users u ON u.id = p.owner_id"
	"   WHERE p.id = $1 AND " PHOTOS_SQL_VISIBLE("$2", "$3")
	"     FOR UPDATE OF p"
	"), d AS ("
	"  DELETE FROM photo_likes WHERE photo_id IN (SELECT id FROM p)"
	"     AND user_id = $2 RETURNING 1"
	")"
	"UPDATE photos SET like_count = like_count - (SELECT count(*) FROM d)"
	" WHERE id IN (SELECT id FROM p) RETURNING like_count";

/* $1 photo, $2 viewer, $3 admin: visible comments (and one's own). */
static const char sql_comments[] =
	"SELECT " PHOTOS_SQL_COMMENT_COLS
	"  FROM photo_comments c JOIN users u ON u.id = c.author_id"
	" WHERE c.photo_id = $1 AND agora_comment_visible(c.hidden,"
	"       c.author_id, u.banned, $2::bigint, $3::bool)"
	" ORDER BY c.id LIMIT 500";

/* $1 photo, $2 author, $3 body, $4 request id; the photo must be public. */
static const char sql_comment_add[] =
	"WITH p AS ("
	"  SELECT p.id FROM photos p"
	"    JOIN media_files m ON m.id = p.media_id"
	"   WHERE p.id = $1 AND NOT p.hidden AND m.status = 'ready'"
	"), c AS ("
	"  INSERT INTO photo_comments (photo_id, author_id, body)"
	"  SELECT p.id, $2, $3 FROM p RETURNING *"
	"), j AS ("
	"  SELECT 'moderate' AS type, 'default' AS queue,"
	"         jsonb_build_object('kind', 'photo_comment', 'id', c.id,"
	"         'user_id', c.author_id, 'text', c.body) AS args FROM c"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT type, queue, args, $4 FROM j"
	   CORE_JOB_RETURNING
	"), n AS ("
	"  SELECT notify_comment('photos', c.id, c.photo_id, c.author_id,"
	"         c.body) AS uid FROM c"
	")"
	"SELECT c.id, " CORE_SQL_TS("c.created_at") ", " CORE_JOBS_JSON("k")
	", " CORE_NOTIFY_JSON("n") "  FROM c";		/* enum photos_comment_new_col */

/*
 * $1 comment, $2 viewer, $3 admin, $4 request id.  Its author, the
 * photo's owner or an admin may delete it; an admin deleting someone
 * else's leaves an audit record (sql/026_trust_audit.sql).
 */
static const char sql_comment_delete[] =
	"WITH c AS ("
	"  SELECT c.id, c.author_id, p.owner_id FROM photo_comments c"
	"    JOIN photos p ON p.id = c.photo_id"
	"    JOIN media_files m ON m.id = p.media_id"
	"    JOIN users u ON u.id = p.owner_id"
	"    JOIN users cu ON cu.id = c.author_id"
	"   WHERE c.id = $1 AND agora_comment_visible(c.hidden, c.author_id,"
	"         cu.banned, $2::bigint, $3::bool)"
	"     AND " PHOTOS_SQL_VISIBLE("$2", "$3")
	"), ok AS ("
	"  SELECT id FROM c WHERE author_id = $2 OR owner_id = $2 OR $3::bool"
	"), q AS ("
	"  DELETE FROM moderation_queue WHERE kind = 'photo_comment'"
	"     AND decided_at IS NULL AND item_id IN (SELECT id FROM ok)"
	"), d AS ("
	"  DELETE FROM photo_comments WHERE id IN (SELECT id FROM ok)"
	"  RETURNING id"
	"), a AS ("
	"  SELECT audit_log($2, 'delete', c.author_id, 'photo comment ' ||"
	"      c.id, '', '{}', $4) FROM c JOIN d ON d.id = c.id"
	"   WHERE $3::bool AND c.author_id <> $2::bigint"
	"     AND c.owner_id <> $2::bigint"
	")"
	"SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM d),"
	"       (SELECT count(*) FROM a)";

enum comment_delete_col {
	CMDEL_SEEN,		/* the viewer sees the comment */
	CMDEL_DELETED
};

/* $1 photo, $2 reporter, $3 admin, $4 reason. */
static const char sql_report[] =
	"SELECT moderation_flag('photo', p.id,"
	"       'Reported by ' || me.username || ': ' || $4, 'report', $2)"
	"  FROM photos p JOIN media_files m ON m.id = p.media_id"
	"  JOIN users u ON u.id = p.owner_id, users me"
	" WHERE p.id = $1 AND me.id = $2 AND "
	PHOTOS_SQL_VISIBLE("$2", "$3");

/*
 * $1 photo, $2 owner, $3 username.  Nobody is tagged by someone they
 * blocked or who blocked them (sql/023_blocks.sql): to the owner that
 * person is unknown.
 */
static const char sql_person_add[] =
	"WITH p AS ("
	"  SELECT p.id, p.owner_id FROM photos p WHERE p.id = $1"
	"), o AS ("
	"  SELECT id FROM users"
	"   WHERE username = $3 AND NOT banned AND NOT agora_blocked(id, $2)"
	"), ok AS ("
	"  SELECT p.id FROM p WHERE p.owner_id = $2"
	"     AND (SELECT count(*) FROM photo_people WHERE photo_id = p.id)"
	"         < 20"
	"), i AS ("
	"  INSERT INTO photo_people (photo_id, user_id)"
	"  SELECT ok.id, o.id FROM ok, o ON CONFLICT DO NOTHING RETURNING *"
	"), n AS ("
	"  SELECT coalesce(json_agg(r), '[]') AS r FROM i,"
	"         notify_tag(i.photo_id, i.user_id, $2) r"
	")"
	"SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM o),"
	"       (SELECT count(*) FROM ok), (SELECT r FROM n)";

enum person_add_col {
	PERSON_PHOTO,		/* the photo exists */
	PERSON_USER,		/* so does the user */
	PERSON_ALLOWED,		/* the viewer owns it, with room left */
	PERSON_NOTIFY
};

/* Like (on) or unlike; the new count is in db, PH_LIKE_COUNT. */
int
photos_like(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, int on)
{
	struct photos_args	a;

	photos_args(ctx, id, &a);
	CORE_TRY(core_db_run(req, db, on ? sql_like : sql_unlike, 3, a.v));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such photo."));
	if (on)
		core_notify_push(db, 0, PH_LIKE_NOTIFY);

	return (CORE_OK);
}

/* The comments of photo `id` the viewer sees (PHOTOS_SQL_COMMENT_COLS). */
int
photos_comments_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct photos_args	a;

	photos_args(ctx, id, &a);
	return (core_db_run(req, db, sql_comments, 3, a.v));
}

/* 1 to 2,000 characters, not only spaces, no control characters. */
int
photos_comment_check(const char *body, json_t **errors)
{
	*errors = NULL;
	if (body == NULL || strspn(body, " \t\r\n") == strlen(body))
		*errors = json_pack("{s:s}", "body", "Write a comment.");
	else if (core_utf8_len(body) > PHOTOS_COMMENT_MAX)
		*errors = json_pack("{s:s}", "body",
		    "A comment has at most 2,000 characters.");
	else if (!core_text_clean(body, 1))
		*errors = json_pack("{s:s}", "body",
		    "A comment cannot hold control characters.");

	return (*errors == NULL ? 0 : -1);
}

/* The new comment is in `db`: enum photos_comment_new_col. */
int
photos_comment_add(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *body)
{
	struct photos_args	a;

	CORE_TRY(core_trust_comment(req, ctx, body));

	photos_args(ctx, id, &a);
	a.v[2] = body;
	a.v[3] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_comment_add, 4, a.v));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such photo."));

	core_jobs_push(db, 0, PH_CMNEW_JOBS);
	core_notify_push(db, 0, PH_CMNEW_NOTIFY);
	return (CORE_OK);
}

/* Its author, the photo's owner or an admin deletes comment `id`. */
int
photos_comment_delete(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct photos_args	a;

	photos_args(ctx, id, &a);
	a.v[3] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_comment_delete, 4, a.v));
	if (core_db_int(db, 0, CMDEL_SEEN) == 0)
		return (core_error(req, 404, "No such comment."));
	if (core_db_int(db, 0, CMDEL_DELETED) == 0)
		return (core_error(req, 403, "Only its author, the photo's "
		    "owner or an admin can delete a comment."));

	return (CORE_OK);
}

/* Flag photo `id` for the moderators, in `db`. */
int
photos_report(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *reason)
{
	struct photos_args	a;

	if (reason == NULL || strspn(reason, " \t\r\n") == strlen(reason))
		reason = "no reason given";
	if (core_utf8_len(reason) > 500 || !core_text_clean(reason, 1))
		return (core_is_api(req) ? core_problem(req, 422,
		    "Invalid input", "The reason is not valid.",
		    json_pack("{s:s}", "reason", "At most 500 characters, no "
		    "control characters.")) :
		    core_error(req, 422, "The reason is not valid."));

	CORE_TRY(core_limit_user(req, ctx, "reports",
	    core_trust_limit(ctx, LIMIT_REPORTS_MAX),
	    LIMIT_REPORTS_WINDOW, "You have sent many reports in the last "
	    "hour. Try again later."));

	photos_args(ctx, id, &a);
	a.v[3] = reason;
	CORE_TRY(core_db_run(req, db, sql_report, 4, a.v));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such photo."));

	return (CORE_OK);
}

/* The owner tags `username` on the photo; 404, 403 or 422 otherwise. */
int
photos_person_add(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *username)
{
	struct photos_args	 a;
	const char		*why;
	char			 name[CORE_USERNAME_MAX + 1];

	if (core_rule_username(username, name, sizeof(name), &why) == -1)
		return (core_problem(req, 422, "Invalid input", why,
		    json_pack("{s:s}", "username", why)));

	photos_args(ctx, id, &a);
	a.v[2] = name;
	CORE_TRY(core_db_run(req, db, sql_person_add, 3, a.v));
	if (core_db_int(db, 0, PERSON_PHOTO) == 0)
		return (core_error(req, 404, "No such photo."));
	if (core_db_int(db, 0, PERSON_USER) == 0)
		return (core_problem(req, 422, "Invalid input",
		    "There is no such user.", json_pack("{s:s}", "username",
		    "No such user.")));
	if (core_db_int(db, 0, PERSON_ALLOWED) == 0)
		return (core_error(req, 403, "Only the photo's owner tags "
		    "people on it, 20 at most."));

	core_notify_push(db, 0, PERSON_NOTIFY);
	return (CORE_OK);
}
