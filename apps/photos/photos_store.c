/*
 * Photos' statements and shapes: loading one photo or a page of them as
 * the viewer may see them, creating one from an upload (with its #tags,
 * its moderate job and the emails to people it @mentions, which wait
 * until that job clears the photo) and deleting one (its files are
 * purged by the worker).
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photos/photos.h"

/* $1 photo, $2 viewer, $3 viewer is an admin. */
static const char sql_photo[] =
	"SELECT " PHOTOS_SQL_COLS("$2") PHOTOS_SQL_FROM
	" WHERE p.id = $1 AND " PHOTOS_SQL_VISIBLE("$2", "$3");

/*
 * Pages, newest first, by keyset.  $1 viewer, $2 admin, $3 cursor time
 * in microseconds (or NULL), $4 cursor id, $5 rows, $6 username or tag.
 */
#define PAGE_AFTER							\
	" AND ($3::bigint IS NULL OR (p.created_at, p.id) <"		\
	" (timestamptz 'epoch' + $3::bigint * interval '1 microsecond',"\
	" $4::bigint))"							\
	" ORDER BY p.created_at DESC, p.id DESC LIMIT $5"

static const char sql_feed[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE NOT p.hidden AND m.status = 'ready' AND $2::bool IS NOT NULL"
	"   AND $6::text IS NULL" PAGE_AFTER;

static const char sql_by_user[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE u.username = $6 AND " PHOTOS_SQL_VISIBLE("$1", "$2")
	PAGE_AFTER;

static const char sql_by_tag[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE NOT p.hidden AND m.status = 'ready' AND $2::bool IS NOT NULL"
	"   AND p.id IN (SELECT t.photo_id FROM photo_tags t WHERE t.tag = $6)"
	PAGE_AFTER;

/*
 * $1 owner, $2 media, $3 caption, $4 request id.  Tags and mentions
 * come from the caption: #[A-Za-z0-9_]{1,50} and @[a-z0-9_]{3,32} not
 * preceded by a word character.
 */
static const char sql_create[] =
	"WITH p AS ("
	"  INSERT INTO photos (owner_id, media_id, caption)"
	"  VALUES ($1, $2, $3) RETURNING *"
	"), t AS ("
	"  INSERT INTO photo_tags (photo_id, tag)"
	"  SELECT DISTINCT p.id, lower(x[1]) FROM p,"
	"         regexp_matches(p.caption,"
	"         '(?:^|[^A-Za-z0-9_&])#([A-Za-z0-9_]{1,50})', 'g') x"
	"), me AS ("
	"  SELECT username FROM users WHERE id = $1"
	"), j AS ("
	"  SELECT 'moderate' AS type, 'default' AS queue,"
	"         jsonb_build_object('kind', 'photo', 'id', p.id,"
	"         'media_id', p.media_id) AS args FROM p"
	"  UNION ALL"
	"  SELECT 'cat_detect', 'bulk', jsonb_build_object('photo_id', p.id)"
	"    FROM p"
	"), h AS ("
	"  INSERT INTO moderation_held_jobs (kind, item_id, type, queue,"
	"         args, request_id)"
	"  SELECT DISTINCT 'photo', p.id, 'email', 'default',"
	"         jsonb_build_object("
	"         'template', 'mentioned', 'to', o.email,"
	"         'username', o.username, 'by', me.username,"
	"         'where', 'a photo caption', 'excerpt', left(p.caption, 300),"
	"         'path', '/photos/' || p.id), $4"
	"    FROM p, me, regexp_matches(p.caption,"
	"         '(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_]{3,32})', 'g') x,"
	"         users o"
	"   WHERE o.username = lower(x[1]) AND o.id <> $1 AND NOT o.banned"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT type, queue, args, $4 FROM j"
	   CORE_JOB_RETURNING
	")"
	"SELECT p.id, " CORE_JOBS_JSON("k") " FROM p";

/*
 * $1 photo, $2 viewer, $3 viewer is an admin, $4 request id.  The owner
 * or an admin deletes the photo, its media row, its open queue items;
 * the worker then removes the files nobody else uses.
 */
static const char sql_delete[] =
	"WITH p AS ("
	"  SELECT p.id, p.owner_id, p.media_id FROM photos p"
	"    JOIN media_files m ON m.id = p.media_id"
	"   WHERE p.id = $1 AND " PHOTOS_SQL_VISIBLE("$2", "$3")
	"     FOR UPDATE OF p"
	"), ok AS ("
	"  SELECT * FROM p WHERE p.owner_id = $2 OR $3::bool"
	"), q AS ("
	"  DELETE FROM moderation_queue WHERE decided_at IS NULL AND"
	"   ((kind = 'photo' AND item_id IN (SELECT id FROM ok)) OR"
	"    (kind = 'photo_comment' AND item_id IN (SELECT c.id FROM"
	"     photo_comments c WHERE c.photo_id IN (SELECT id FROM ok))))"
	"), d AS ("
	"  DELETE FROM photos WHERE id IN (SELECT id FROM ok)"
	"  RETURNING media_id"
	"), md AS ("
	"  DELETE FROM media_files WHERE id IN (SELECT media_id FROM d)"
	"  RETURNING sha256"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'media_purge', 'default',"
	"         jsonb_build_object('sha256', md.sha256), $4 FROM md"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM ok), "
	CORE_JOBS_JSON("k");


/*
 * Statement parameters $1 $2 $3: the item `id`, the viewer's id ("0"
 * signed out), whether the viewer is an admin.  v[3] is the caller's.
 */
void
photos_args(struct core_ctx *ctx, int64_t id, struct photos_args *a)
{
	(void)snprintf(a->id, sizeof(a->id), "%lld", (long long)id);
	(void)snprintf(a->uid, sizeof(a->uid), "%lld",
	    (long long)ctx->user.id);
	a->v[0] = a->id;
	a->v[1] = a->uid;
	a->v[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	a->v[3] = NULL;
}

/* One photo as the viewer may see it, or CORE_DONE after a 404. */
int
photos_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct photos_args	a;
	int			rc;

	photos_args(ctx, id, &a);
	if ((rc = core_db_run(req, db, sql_photo, 3, a.v)) != CORE_OK)
		return (rc);
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such photo."));

	return (CORE_OK);
}

/*
 * A page of photos: `mode` "feed", "user" (`arg` a username) or "tag"
 * (`arg` a tag); `cursor` from a previous page's next_cursor or NULL.
 * Asks for `limit` + 1 rows so the caller knows whether there is more.
 * A bad cursor is answered 400.
 */
int
photos_list(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *mode, const char *arg,
    const char *cursor, int limit)
{
	struct photos_args	 a;
	const char		*params[6], *sql;
	char			 us[24], id[24], rows[16];

	photos_args(ctx, 0, &a);
	params[0] = a.v[1];
	params[1] = a.v[2];
	params[2] = NULL;
	params[3] = NULL;
	if (cursor != NULL) {
		if (core_cursor_parse(cursor, us, sizeof(us), id, sizeof(id)) == -1)
			return (core_is_api(req) ? core_problem(req, 400,
			    "Invalid cursor", "Use the next_cursor of a "
			    "previous answer.", json_pack("{s:s}", "cursor",
			    "Not a cursor from this API.")) :
			    core_error(req, 400, "That page does not exist."));
		params[2] = us;
		params[3] = id;
	}
	(void)snprintf(rows, sizeof(rows), "%d", limit + 1);
	params[4] = rows;
	params[5] = arg;

	if (!strcmp(mode, "user"))
		sql = sql_by_user;
	else if (!strcmp(mode, "tag"))
		sql = sql_by_tag;
	else
		sql = sql_feed;

	return (core_db_run(req, db, sql, 6, params));
}

/*
 * After core_media_upload(): the photo row, its tags, its jobs.  The
 * new photo's id is in ctx->db[0] row 0, column 0.
 */
int
photos_create(struct http_request *req, struct core_ctx *ctx,
    const char *caption)
{
	const char	*params[4];
	char		 uid[24], mid[24];
	int		 rc;

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	(void)snprintf(mid, sizeof(mid), "%lld",
	    (long long)core_db_int(&ctx->db[3], 0, 0));
	params[0] = uid;
	params[1] = mid;
	params[2] = caption;
	params[3] = ctx->request_id;
	if ((rc = core_db_run(req, &ctx->db[0], sql_create, 4, params)) !=
	    CORE_OK)
		return (rc);
	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 500, NULL));

	core_jobs_push(&ctx->db[0], 0, 1);
	return (CORE_OK);
}

/* Owner or admin: CORE_OK once deleted; 404 or 403 otherwise. */
int
photos_delete(struct http_request *req, struct core_ctx *ctx, int64_t id)
{
	struct core_db		*db = &ctx->db[1];
	struct photos_args	 a;
	int			 rc;

	photos_args(ctx, id, &a);
	a.v[3] = ctx->request_id;
	if ((rc = core_db_run(req, db, sql_delete, 4, a.v)) != CORE_OK)
		return (rc);
	if (core_db_int(db, 0, 0) == 0)
		return (core_error(req, 404, "No such photo."));
	if (core_db_int(db, 0, 1) == 0)
		return (core_error(req, 403, "Only its owner or an admin can "
		    "delete a photo."));

	core_jobs_push(db, 0, 2);
	return (CORE_OK);
}

/* Up to 2,000 characters of text without control characters. */
int
photos_caption_check(const char *caption, json_t **errors)
{
	*errors = NULL;
	if (caption == NULL)
		return (0);
	if (!core_utf8_valid(caption, strlen(caption)) ||
	    core_utf8_len(caption) > PHOTOS_CAPTION_MAX) {
		*errors = json_pack("{s:s}", "caption",
		    "A caption has at most 2,000 characters.");
		return (-1);
	}
	if (!core_text_clean(caption, 1)) {
		*errors = json_pack("{s:s}", "caption",
		    "A caption cannot hold control characters.");
		return (-1);
	}

	return (0);
}

/* processing, ready, failed, or hidden. */
const char *
photos_status(struct core_db *db, int row)
{
	if (!strcmp(core_db_value(db, row, PH_COL_HIDDEN), "t"))
		return ("hidden");

	return (core_db_value(db, row, PH_COL_MEDIA_STATUS));
}

/* A photo row as JSON; `owner_view` adds why processing failed. */
json_t *
photos_json(struct core_db *db, int row, int owner_view)
{
	json_t		*o, *urls;
	const char	*status, *sha;
	char		 url[128];

	status = photos_status(db, row);
	o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:b, s:n}",
	    "id", (json_int_t)core_db_int(db, row, PH_COL_ID),
	    "owner", core_db_value(db, row, PH_COL_OWNER),
	    "owner_id", (json_int_t)core_db_int(db, row, PH_COL_OWNER_ID),
	    "caption", core_db_value(db, row, PH_COL_CAPTION),
	    "status", status,
	    "created_at", core_db_value(db, row, PH_COL_CREATED),
	    "like_count", (json_int_t)core_db_int(db, row, PH_COL_LIKES),
	    "comment_count", (json_int_t)core_db_int(db, row, PH_COL_COMMENTS),
	    "liked", !strcmp(core_db_value(db, row, PH_COL_LIKED), "t"),
	    "cat_score");
	if (o == NULL)
		return (json_object());

	/* null until the detector has looked. */
	if (!core_db_isnull(db, row, PH_COL_CAT_SCORE)) {
		json_object_set_new(o, "cat_score", json_real(strtod(
		    core_db_value(db, row, PH_COL_CAT_SCORE), NULL)));
		json_object_set_new(o, "cat_boxes", json_loads(core_db_value(db,
		    row, PH_COL_CAT_BOXES), 0, NULL));
	} else {
		json_object_set_new(o, "cat_boxes", json_null());
	}

	json_object_set_new(o, "tags", json_loads(core_db_value(db, row,
	    PH_COL_TAGS), 0, NULL));
	json_object_set_new(o, "people", json_loads(core_db_value(db, row,
	    PH_COL_PEOPLE), 0, NULL));

	if (!strcmp(status, "ready")) {
		sha = core_db_value(db, row, PH_COL_SHA);
		urls = json_object();
		(void)snprintf(url, sizeof(url), "/media/thumb/%s.jpg", sha);
		json_object_set_new(urls, "thumb", json_string(url));
		(void)snprintf(url, sizeof(url), "/media/display/%s.jpg", sha);
		json_object_set_new(urls, "display", json_string(url));
		json_object_set_new(o, "urls", urls);
		json_object_set_new(o, "width",
		    json_integer(core_db_int(db, row, PH_COL_WIDTH)));
		json_object_set_new(o, "height",
		    json_integer(core_db_int(db, row, PH_COL_HEIGHT)));
	} else {
		json_object_set_new(o, "urls", json_null());
	}
	if (owner_view && !strcmp(status, "failed"))
		json_object_set_new(o, "reason", json_string(core_db_value(db,
		    row, PH_COL_MEDIA_REASON)));

	return (o);
}
