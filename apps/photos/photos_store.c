/*
 * Photos' statements: loading one photo or a page of them as
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
 * The feeds leave out whom the viewer blocked or muted.
 */
#define PAGE_AFTER							\
	" AND ($3::bigint IS NULL OR (p.created_at, p.id) <"		\
	" (timestamptz 'epoch' + $3::bigint * interval '1 microsecond',"\
	" $4::bigint))"							\
	" ORDER BY p.created_at DESC, p.id DESC LIMIT $5"

static const char sql_feed[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE NOT p.hidden AND " PHOTOS_SQL_VISIBLE("0", "false")
	"   AND " PHOTOS_SQL_SHOWN("$1")
	"   AND $2::bool IS NOT NULL"
	"   AND $6::text IS NULL" PAGE_AFTER;

static const char sql_by_user[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE u.username = $6 AND " PHOTOS_SQL_VISIBLE("$1", "$2")
	PAGE_AFTER;

/* The people $1 follows (sql/021_follows.sql), as the feed shows them. */
static const char sql_following[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE p.owner_id IN (SELECT f.followee_id FROM follows f"
	"       WHERE f.follower_id = $1)"
	"   AND NOT p.hidden AND " PHOTOS_SQL_VISIBLE("0", "false")
	"   AND " PHOTOS_SQL_SHOWN("$1")
	"   AND $2::bool IS NOT NULL"
	"   AND $6::text IS NULL" PAGE_AFTER;

/* Explore: the most liked of the last 7 days, one page (no cursor). */
static const char sql_explore[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE NOT p.hidden AND " PHOTOS_SQL_VISIBLE("0", "false")
	"   AND " PHOTOS_SQL_SHOWN("$1")
	"   AND p.created_at > now() - interval '7 days'"
	"   AND $2::bool IS NOT NULL AND $6::text IS NULL"
	"   AND $3::bigint IS NULL AND $4::bigint IS NULL"
	" ORDER BY p.like_count DESC, p.created_at DESC, p.id DESC LIMIT $5";

static const char sql_by_tag[] =
	"SELECT " PHOTOS_SQL_COLS("$1") PHOTOS_SQL_FROM
	" WHERE NOT p.hidden AND " PHOTOS_SQL_VISIBLE("0", "false")
	"   AND " PHOTOS_SQL_SHOWN("$1")
	"   AND $2::bool IS NOT NULL"
	"   AND p.id IN (SELECT t.photo_id FROM photo_tags t WHERE t.tag = $6)"
	PAGE_AFTER;

/*
 * $1 owner, $2 media, $3 caption, $4 request id, $5 alt text, $6 the
 * album's further pictures (a JSON array of {media_id, alt}, in order;
 * sql/027_albums_saves.sql).  Tags and mentions come from the caption:
 * #[A-Za-z0-9_]{1,50} and @[a-z0-9_]{3,32} not preceded by a word
 * character.  Each picture gets the moderate job's look.
 */
static const char sql_create[] =
	"WITH p AS ("
	"  INSERT INTO photos (owner_id, media_id, caption, alt_text)"
	"  VALUES ($1, $2, $3, $5) RETURNING *"
	"), al AS ("
	"  SELECT (e->>'media_id')::bigint AS media_id, e->>'alt' AS alt, n"
	"    FROM jsonb_array_elements($6::jsonb) WITH ORDINALITY AS a(e, n)"
	"), it AS ("
	"  INSERT INTO photo_items (photo_id, position, media_id, alt_text)"
	"  SELECT p.id, al.n, al.media_id, al.alt FROM p, al"
	"), t AS ("
	"  INSERT INTO photo_tags (photo_id, tag)"
	"  SELECT DISTINCT p.id, lower(x[1]) FROM p,"
	"         regexp_matches(p.caption,"
	"         '(?:^|[^A-Za-z0-9_&])#([A-Za-z0-9_]{1,50})', 'g') x"
	"), j AS ("
	"  SELECT 'moderate' AS type, 'default' AS queue,"
	"         jsonb_build_object('kind', 'photo', 'id', p.id,"
	"         'media_id', p.media_id) AS args FROM p"
	"  UNION ALL"
	"  SELECT 'moderate', 'default', jsonb_build_object('kind', 'photo',"
	"         'id', p.id, 'media_id', al.media_id) FROM p, al"
	"  UNION ALL"
	"  SELECT 'photo_detect', 'default',"
	"         jsonb_build_object('photo_id', p.id)"
	"    FROM p"
	"), n AS ("
	"  SELECT coalesce(json_agg(r), '[]') AS r"
	"    FROM (SELECT * FROM p WHERE NOT p.hidden) v,"
	"         notify_caption(v.id, v.owner_id, v.caption) r"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT type, queue, args, $4 FROM j"
	   CORE_JOB_RETURNING
	")"
	"SELECT p.id, " CORE_JOBS_JSON("k") ", n.r FROM p, n";

enum create_col {
	CREATE_ID,
	CREATE_JOBS,
	CREATE_NOTIFY
};

/*
 * $1 photo, $2 viewer, $3 viewer is an admin, $4 request id.  The owner
 * or an admin deletes the photo, its media rows (an album's every
 * picture), its open queue items; the worker then removes the files
 * nobody else uses.  An admin deleting someone else's photo leaves an
 * audit record (sql/026).
 */
static const char sql_delete[] =
	"WITH p AS ("
	"  SELECT p.id, p.owner_id, p.media_id FROM photos p"
	"    JOIN media_files m ON m.id = p.media_id"
	"    JOIN users u ON u.id = p.owner_id"
	"   WHERE p.id = $1 AND " PHOTOS_SQL_VISIBLE("$2", "$3")
	"     FOR UPDATE OF p"
	"), ok AS ("
	"  SELECT * FROM p WHERE p.owner_id = $2 OR $3::bool"
	"), q AS ("
	"  DELETE FROM moderation_queue WHERE decided_at IS NULL AND"
	"   ((kind = 'photo' AND item_id IN (SELECT id FROM ok)) OR"
	"    (kind = 'photo_comment' AND item_id IN (SELECT c.id FROM"
	"     photo_comments c WHERE c.photo_id IN (SELECT id FROM ok))))"
	"), di AS ("
	"  DELETE FROM photo_items WHERE photo_id IN (SELECT id FROM ok)"
	"  RETURNING media_id"
	"), d AS ("
	"  DELETE FROM photos WHERE id IN (SELECT id FROM ok)"
	"  RETURNING id, owner_id, media_id"
	"), a AS ("
	"  SELECT audit_log($2, 'delete', d.owner_id, 'photo ' || d.id, '',"
	"      '{}', $4) FROM d WHERE $3::bool AND d.owner_id <> $2::bigint"
	"), md AS ("
	"  DELETE FROM media_files WHERE id IN (SELECT media_id FROM d"
	"         UNION ALL SELECT media_id FROM di)"
	"  RETURNING sha256"
	"), k AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'media_purge', 'default',"
	"         jsonb_build_object('sha256', md.sha256), $4 FROM md"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM ok), "
	CORE_JOBS_JSON("k") ", (SELECT count(*) FROM a)";

/*
 * $1 photo, $2 viewer, $3 admin, $4 caption, $5 alt text, $6 the other
 * pictures' alt texts (position -> text), $7 request id: the owner's
 * edit (sql/031_album_alt_edits.sql, photos_edit).
 */
static const char sql_edit[] =
	"SELECT seen, allowed, jobs"
	"  FROM photos_edit($1, $2, $3, $4, $5, $6::jsonb, $7)";

enum edit_col {
	EDIT_SEEN,
	EDIT_ALLOWED,
	EDIT_JOBS
};

enum delete_col {
	DELETE_SEEN,		/* the viewer sees the photo */
	DELETE_ALLOWED,		/* and may delete it */
	DELETE_JOBS
};

/*
 * Statement parameters $1 $2 $3: the item `id`, the viewer's id ("0"
 * signed out), whether the viewer is an admin.  v[3] is the caller's.
 */
void
photos_args(struct core_ctx *ctx, int64_t id, struct photos_args *a)
{
	a->v[0] = core_num(&a->id, id);
	a->v[1] = core_num(&a->uid, ctx->user.id);
	a->v[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	a->v[3] = NULL;
	a->v[4] = NULL;
}

/* One photo as the viewer may see it, or CORE_DONE after a 404. */
int
photos_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct photos_args	a;

	photos_args(ctx, id, &a);
	CORE_TRY(core_db_run(req, db, sql_photo, 3, a.v));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such photo."));

	return (CORE_OK);
}

/*
 * A page of photos: `mode` "feed", "following" (the viewer's
 * followees), "explore" (the most liked of the last 7 days, which takes
 * no cursor), "user" (`arg` a username) or "tag" (`arg` a tag); `cursor`
 * from a previous page's next_cursor or NULL.  Asks for `limit` + 1
 * rows so the caller knows whether there is more.  A bad cursor is
 * answered 400.
 */
int
photos_list(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *mode, const char *arg,
    const char *cursor, int limit)
{
	struct photos_args	 a;
	struct core_num		 rows;
	const char		*params[6], *sql;
	char			 us[24], id[24];

	photos_args(ctx, 0, &a);
	params[0] = a.v[1];
	params[1] = a.v[2];
	params[2] = NULL;
	params[3] = NULL;
	if (cursor != NULL && !strcmp(mode, "explore"))
		return (core_is_api(req) ? core_problem(req, 400,
		    "Invalid cursor", "Explore is one page.", json_pack(
		    "{s:s}", "cursor", "Explore takes no cursor.")) :
		    core_error(req, 400, "That page does not exist."));
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
	params[4] = core_num(&rows, limit + 1);
	params[5] = arg;

	if (!strcmp(mode, "user"))
		sql = sql_by_user;
	else if (!strcmp(mode, "tag"))
		sql = sql_by_tag;
	else if (!strcmp(mode, "following"))
		sql = sql_following;
	else if (!strcmp(mode, "explore"))
		sql = sql_explore;
	else
		sql = sql_feed;

	return (core_db_run(req, db, sql, 6, params));
}

/*
 * After core_media_upload_batch() kept at least one file of `b`: the
 * post (the first kept file its picture, the others its album's, each
 * with the alt text sent with it), its tags, its jobs, run in `db`.
 * CORE_OK sets *id to the new photo's id.
 */
int
photos_create(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, struct core_media_batch *b,
    const struct photos_new_in *in, int64_t *id)
{
	struct core_num	 uid, mid;
	json_t		*items;
	const char	*params[6], *alt, *cover_alt;
	char		*text;
	int64_t		 cover;
	int		 i, rc;

	cover = 0;
	cover_alt = "";
	items = json_array();
	for (i = 0; i < b->count; i++) {
		if (b->item[i].status != 0)
			continue;
		alt = i < in->alts && in->alt[i] != NULL ? in->alt[i] : "";
		if (cover == 0) {
			cover = b->item[i].media_id;
			cover_alt = alt;
		} else
			json_array_append_new(items, json_pack("{s:I, s:s}",
			    "media_id", (json_int_t)b->item[i].media_id,
			    "alt", alt));
	}
	text = json_dumps(items, JSON_COMPACT);
	json_decref(items);
	if (cover == 0 || text == NULL) {
		free(text);
		return (core_error(req, 500, NULL));
	}

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = core_num(&mid, cover);
	params[2] = in->caption != NULL ? in->caption : "";
	params[3] = ctx->request_id;
	params[4] = cover_alt;
	params[5] = text;
	rc = core_db_run(req, db, sql_create, 6, params);
	free(text);
	if (rc != CORE_OK)
		return (rc);
	if (core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));

	core_jobs_push(db, 0, CREATE_JOBS);
	core_notify_push(db, 0, CREATE_NOTIFY);
	*id = core_db_int(db, 0, CREATE_ID);
	return (CORE_OK);
}

/* Owner or admin, in `db`: CORE_OK once deleted; 404 or 403 otherwise. */
int
photos_delete(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct photos_args	 a;

	photos_args(ctx, id, &a);
	a.v[3] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_delete, 4, a.v));
	if (core_db_int(db, 0, DELETE_SEEN) == 0)
		return (core_error(req, 404, "No such photo."));
	if (core_db_int(db, 0, DELETE_ALLOWED) == 0)
		return (core_error(req, 403, "Only its owner or an admin can "
		    "delete a photo."));

	core_jobs_push(db, 0, DELETE_JOBS);
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

/* Up to 500 characters of plain text on one line. */
int
photos_alt_check(const char *alt, json_t **errors)
{
	*errors = NULL;
	if (alt == NULL)
		return (0);
	if (!core_utf8_valid(alt, strlen(alt)) ||
	    core_utf8_len(alt) > PHOTOS_ALT_MAX) {
		*errors = json_pack("{s:s}", "alt_text",
		    "Alt text has at most 500 characters.");
		return (-1);
	}
	if (!core_text_clean(alt, 0)) {
		*errors = json_pack("{s:s}", "alt_text",
		    "Alt text is one line of plain text, without control "
		    "characters.");
		return (-1);
	}

	return (0);
}

/*
 * The owner changes photo `id`'s caption and alt text, and with
 * `item_alts` (position -> text, or NULL) its other pictures' (all
 * checked by the caller), in `db`; 404 when the viewer does not see
 * it, 403 when it is not theirs.
 */
int
photos_edit(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *caption, const char *alt,
    json_t *item_alts)
{
	struct photos_args	 a;
	const char		*params[7];
	char			*alts;
	int			 rc;

	CORE_TRY(core_limit_user(req, ctx, "photo_edits",
	    LIMIT_PHOTO_EDITS_MAX, LIMIT_PHOTO_EDITS_WINDOW, "You have edited "
	    "photos many times in the last hour. Try again later."));

	photos_args(ctx, id, &a);
	params[0] = a.v[0];
	params[1] = a.v[1];
	params[2] = a.v[2];
	params[3] = caption;
	params[4] = alt;
	alts = item_alts != NULL ? json_dumps(item_alts, JSON_COMPACT) : NULL;
	params[5] = alts != NULL ? alts : "{}";
	params[6] = ctx->request_id;
	rc = core_db_run(req, db, sql_edit, 7, params);
	free(alts);
	if (rc != CORE_OK)
		return (rc);
	if (core_db_int(db, 0, EDIT_SEEN) == 0)
		return (core_error(req, 404, "No such photo."));
	if (core_db_int(db, 0, EDIT_ALLOWED) == 0)
		return (core_error(req, 403, "Only its owner can edit a "
		    "photo's caption and alt text."));

	core_jobs_push(db, 0, EDIT_JOBS);
	return (CORE_OK);
}
