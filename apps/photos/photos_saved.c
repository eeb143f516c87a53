/*
 * Saved photos: each user's private collection.  The Save button of a
 * photo (its page, the viewer, a grid's tile), /photos/saved, and
 * POST/DELETE /api/v1/photos/{id}/save, GET /api/v1/me/saved.  Nobody
 * but the user sees what they saved; a saved photo that is hidden or
 * no longer seen by visitors is not shown, one that is deleted is gone.
 */

#include <stdio.h>
#include <string.h>

#include "photos/photos.h"

/*
 * $1 photo, $2 viewer, $3 admin, $4 save (or unsave), $5 the most a
 * user saves.  Only a photo the viewer sees is saved; (seen, within the
 * limit, saved now).
 */
static const char sql_save[] =
	"WITH p AS ("
	"  SELECT p.id" PHOTOS_SQL_FROM
	"   WHERE p.id = $1 AND " PHOTOS_SQL_VISIBLE("$2", "$3")
	"), n AS ("
	"  SELECT count(*) AS c FROM photo_saves WHERE user_id = $2"
	"), had AS ("
	"  SELECT EXISTS (SELECT 1 FROM photo_saves"
	"         WHERE user_id = $2 AND photo_id = $1) AS x"
	"), ins AS ("
	"  INSERT INTO photo_saves (user_id, photo_id)"
	"  SELECT $2, p.id FROM p, n, had"
	"   WHERE $4::bool AND NOT had.x AND n.c < $5::bigint"
	"  ON CONFLICT DO NOTHING RETURNING photo_id"
	"), del AS ("
	"  DELETE FROM photo_saves WHERE user_id = $2 AND NOT $4::bool"
	"     AND photo_id IN (SELECT id FROM p) RETURNING photo_id"
	")"
	"SELECT (SELECT count(*) FROM p),"
	"       NOT $4::bool OR had.x OR n.c < $5::bigint"
	"  FROM n, had";

enum save_col {
	SAVE_SEEN,
	SAVE_ROOM
};

/*
 * The viewer's saved photos as a visitor would see them, newest save
 * first, by keyset on the save: $1 viewer, $2 (unused) admin, $3
 * cursor time in microseconds or NULL, $4 cursor photo id, $5 rows.
 * The last column is the save's cursor (PH_COL_HELD + 1).
 */
static const char sql_saved[] =
	"SELECT " PHOTOS_SQL_COLS("$1") ", "
	"(extract(epoch FROM s.created_at) * 1000000)::bigint || '.' || p.id"
	" FROM photo_saves s JOIN photos p ON p.id = s.photo_id"
	" JOIN media_files m ON m.id = p.media_id"
	" JOIN users u ON u.id = p.owner_id"
	" WHERE s.user_id = $1 AND " PHOTOS_SQL_VISIBLE("0", "false")
	"   AND $2::bool IS NOT NULL"
	"   AND ($3::bigint IS NULL OR (s.created_at, s.photo_id) <"
	" (timestamptz 'epoch' + $3::bigint * interval '1 microsecond',"
	" $4::bigint))"
	" ORDER BY s.created_at DESC, s.photo_id DESC LIMIT $5";

#define SAVED_COL_CURSOR	(PH_COL_HELD + 1)

static int	saved_list(struct http_request *, struct core_ctx *,
		    struct core_db *, int);

/*
 * The viewer saves (`on`) or unsaves photo `id`, in `db`: 404 for a
 * photo they do not see, 409 when they saved PHOTOS_SAVES_MAX already.
 * Saving twice or unsaving what was not saved changes nothing.
 */
int
photos_save(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, int on)
{
	struct photos_args	 a;
	struct core_num		 max;
	const char		*params[5];

	CORE_TRY(core_limit_user(req, ctx, "photo_saves",
	    LIMIT_PHOTO_SAVES_MAX, LIMIT_PHOTO_SAVES_WINDOW, "You have saved "
	    "and unsaved photos many times in the last hour. Try again "
	    "later."));

	photos_args(ctx, id, &a);
	params[0] = a.v[0];
	params[1] = a.v[1];
	params[2] = a.v[2];
	params[3] = on ? "true" : "false";
	params[4] = core_num(&max, PHOTOS_SAVES_MAX);
	CORE_TRY(core_db_run(req, db, sql_save, 5, params));
	if (core_db_int(db, 0, SAVE_SEEN) == 0)
		return (core_error(req, 404, "No such photo."));
	if (!core_db_bool(db, 0, SAVE_ROOM))
		return (core_error(req, 409, "You have saved 10,000 photos, "
		    "the most one can: unsave some to save more."));

	return (CORE_OK);
}

/*
 * Photo row `row` of `db`'s Save button for a signed-in viewer: a form
 * (class `cls`) to /photos/{id}/save or /unsave that comes back to
 * `back` (or to the photo when NULL); photos.js sends it through the
 * API and toggles it in place.
 */
void
photos_render_save(struct http_request *req, struct kore_buf *buf,
    struct core_db *db, int row, const char *back, const char *cls)
{
	char		 path[64];
	long long	 id;
	int		 saved;

	id = core_db_int(db, row, PH_COL_ID);
	saved = core_db_bool(db, row, PH_COL_SAVED);
	(void)snprintf(path, sizeof(path), "/photos/%lld/%s", id,
	    saved ? "unsave" : "save");
	core_form_open(req, buf, path, cls);
	if (back != NULL)
		core_html_appendf(buf, "<input type=\"hidden\" name=\"back\" "
		    "value=\"%s\">", back);
	core_html_appendf(buf, "<button type=\"submit\" class=\"save-button"
	    "%R\" aria-pressed=\"%s\" aria-label=\"Save the photo by %s\" "
	    "data-photo=\"%lld\"><span class=\"save-label\">%s</span>"
	    "</button></form>",
	    saved ? " saved" : "", saved ? "true" : "false",
	    core_db_value(db, row, PH_COL_OWNER), id,
	    saved ? "Saved" : "Save");
}

/* A page of the viewer's saved photos into `db`; 400 for a bad cursor. */
static int
saved_list(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int limit)
{
	struct photos_args	 a;
	struct core_num		 rows;
	const char		*params[5], *cursor;
	char			 us[24], id[24];

	photos_args(ctx, 0, &a);
	params[0] = a.v[1];
	params[1] = a.v[2];
	params[2] = NULL;
	params[3] = NULL;
	if ((cursor = core_form_get(req, "cursor")) != NULL) {
		if (core_cursor_parse(cursor, us, sizeof(us), id,
		    sizeof(id)) == -1)
			return (core_is_api(req) ? core_problem(req, 400,
			    "Invalid cursor", "Use the next_cursor of a "
			    "previous answer.", json_pack("{s:s}", "cursor",
			    "Not a cursor from this API.")) :
			    core_error(req, 400, "That page does not exist."));
		params[2] = us;
		params[3] = id;
	}
	params[4] = core_num(&rows, limit + 1);

	return (core_db_run(req, db, sql_saved, 5, params));
}

/* GET /photos/saved: the viewer's own saved photos, ?cursor= paged. */
CORE_HANDLER_NEED(photos_saved_page, CORE_NEED_USER)
{
	struct core_db		*db = &ctx->db[0];
	struct kore_buf		*buf;

	http_populate_get(req);
	CORE_TRY(saved_list(req, ctx, db, PHOTOS_PAGE));

	ctx->no_store = 1;
	buf = core_page_open(req, "Saved photos");
	core_html_appendf(buf, "<h1>Saved photos</h1>\n<p>Only you see the "
	    "photos you save. One that is hidden or deleted leaves this "
	    "list.</p>\n");
	/* The grid's pager takes the save's cursor, its last column. */
	if (core_db_rows(db) == 0)
		core_html_appendf(buf, "<p class=\"empty\">Nothing saved yet: "
		    "the Save button of a photo puts it here.</p>\n");
	else
		photos_render_grid(req, buf, ctx, db, PHOTOS_PAGE, "");
	core_html_appendf(buf, "<script src=\"%s\" defer></script>\n",
	    core_static_url("/static/photos.js"));

	return (core_page_close(req, 200, buf));
}

/* GET /api/v1/me/saved?cursor=&limit= */
CORE_HANDLER_NEED(photos_api_saved, CORE_NEED_USER)
{
	struct core_db		*db = &ctx->db[0];
	json_t			*list;
	const char		*v, *next;
	int			 err, i, limit, rows;

	http_populate_get(req);
	limit = PHOTOS_PAGE;
	if ((v = core_form_get(req, "limit")) != NULL) {
		limit = kore_strtonum(v, 10, 1, PHOTOS_LIMIT_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, "limit", "From 1 to 100."));
	}
	CORE_TRY(saved_list(req, ctx, db, limit));

	rows = core_db_rows(db);
	list = json_array();
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(list, photos_json(db, i,
		    core_db_int(db, i, PH_COL_OWNER_ID) == ctx->user.id));
	next = rows > limit ? core_db_value(db, limit - 1, SAVED_COL_CURSOR) :
	    NULL;

	return (core_json_send(req, 200, json_pack("{s:o, s:s?}", "photos",
	    list, "next_cursor", next)));
}
