/*
 * What the object detector saw in a photo (the worker's photo_detect
 * job): its detected tags apart from the owner's #tags, the boxes over
 * the picture, and the owner's corrections, which win over the model
 * (kept with what the model said, for admins at /admin/corrections).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photos/photos.h"

/*
 * $1 photo, $2 viewer, $3 admin, $4 tag, $5 'add' or 'remove'.  The
 * owner or an admin removes a detected (or corrected) tag, or adds
 * #cat; the owner's own #tags come from the caption and stay.
 */
static const char sql_correct[] =
	"WITH p AS ("
	"  SELECT p.id, p.owner_id FROM photos p"
	"    JOIN media_files m ON m.id = p.media_id"
	"    JOIN users u ON u.id = p.owner_id"
	"   WHERE p.id = $1 AND " PHOTOS_SQL_VISIBLE("$2", "$3")
	"     FOR UPDATE OF p"
	"), mine AS ("
	"  SELECT id FROM p WHERE owner_id = $2 OR $3::bool"
	"), t AS ("
	"  SELECT source FROM photo_tags WHERE photo_id = $1 AND tag = $4"
	"), ok AS ("
	"  SELECT id FROM mine WHERE CASE $5::text"
	"         WHEN 'remove' THEN EXISTS (SELECT 1 FROM t"
	"              WHERE source <> 'owner')"
	"         ELSE NOT EXISTS (SELECT 1 FROM t) END"
	"), c AS ("
	"  INSERT INTO photo_tag_corrections (photo_id, tag, action,"
	"         model_score, user_id)"
	"  SELECT ok.id, $4, $5, (SELECT max(d.score) FROM photo_detections d"
	"         WHERE d.photo_id = ok.id AND d.label = $4), $2"
	"    FROM ok RETURNING id"
	"), gone AS ("
	"  DELETE FROM photo_tags WHERE $5::text = 'remove'"
	"     AND photo_id IN (SELECT id FROM ok) AND tag = $4"
	"     AND source <> 'owner'"
	"), added AS ("
	"  INSERT INTO photo_tags (photo_id, tag, source)"
	"  SELECT id, $4, 'corrected' FROM ok WHERE $5::text = 'add'"
	"      ON CONFLICT DO NOTHING"
	")"
	"SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM mine),"
	"       (SELECT count(*) FROM c)";

enum correct_col {
	CORRECT_SEEN,		/* the viewer sees the photo */
	CORRECT_MINE,		/* and may correct it */
	CORRECT_DONE
};

static int	tag_from(json_t *, const char *, const char **);

/*
 * Correct photo `id`: PHOTOS_CORRECT_REMOVE takes detected tag `tag`
 * off it, PHOTOS_CORRECT_CAT adds #cat.  404, 403 or 422 otherwise.
 */
int
photos_correct(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *tag, int what)
{
	struct photos_args	 a;
	const char		*why;

	if (what == PHOTOS_CORRECT_CAT)
		tag = "cat";
	if (tag == NULL || *tag == '\0' || strlen(tag) > 50 ||
	    strspn(tag, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	    strlen(tag))
		return (core_bad_param(req, "tag", "A tag: a to z, 0 to 9 "
		    "and _, 50 at most."));

	photos_args(ctx, id, &a);
	a.v[3] = tag;
	a.v[4] = what == PHOTOS_CORRECT_CAT ? "add" : "remove";
	CORE_TRY(core_db_run(req, db, sql_correct, 5, a.v));
	if (core_db_int(db, 0, CORRECT_SEEN) == 0)
		return (core_error(req, 404, "No such photo."));
	if (core_db_int(db, 0, CORRECT_MINE) == 0)
		return (core_error(req, 403, "Only the photo's owner corrects "
		    "what the detector saw."));
	if (core_db_int(db, 0, CORRECT_DONE) == 0) {
		why = what == PHOTOS_CORRECT_CAT ? "The photo is tagged #cat "
		    "already." : "The photo has no detected tag by that name; "
		    "your own #tags change with the caption.";
		return (core_is_api(req) ? core_problem(req, 422,
		    "Invalid input", why, json_pack("{s:s}", "tag", why)) :
		    core_error(req, 422, why));
	}

	return (CORE_OK);
}

/*
 * The detector's part of photo row `row` in `o`: every tag (as before,
 * names only) and with its source, the detections with their boxes,
 * the best cat score and the cats' boxes (null until it has looked).
 */
void
photos_detect_json(json_t *o, struct core_db *db, int row)
{
	json_t		*sources, *names, *t, *cats, *d;
	const char	*tag;
	size_t		 i;

	sources = json_loads(core_db_value(db, row, PH_COL_TAGS), 0, NULL);
	if (sources == NULL)
		sources = json_array();
	names = json_array();
	json_array_foreach(sources, i, t) {
		if (tag_from(t, NULL, &tag) == 0)
			json_array_append_new(names, json_string(tag));
	}
	json_object_set_new(o, "tags", names);
	json_object_set_new(o, "tag_sources", sources);

	if (core_db_isnull(db, row, PH_COL_CAT_SCORE)) {
		json_object_set_new(o, "cat_score", json_null());
		json_object_set_new(o, "cat_boxes", json_null());
		json_object_set_new(o, "detections", json_null());
		json_object_set_new(o, "detected_at", json_null());
		return;
	}
	json_object_set_new(o, "cat_score", json_real(strtod(
	    core_db_value(db, row, PH_COL_CAT_SCORE), NULL)));
	cats = json_loads(core_db_value(db, row, PH_COL_CAT_BOXES), 0, NULL);
	json_object_set_new(o, "cat_boxes", cats != NULL ? cats :
	    json_array());
	d = json_loads(core_db_value(db, row, PH_COL_DETECTIONS), 0, NULL);
	json_object_set_new(o, "detections", d != NULL ? d : json_array());
	json_object_set_new(o, "detected_at", json_string(core_db_value(db,
	    row, PH_COL_DETECTED_AT)));
}

/*
 * The boxes of the detections whose label is one of the photo's tags,
 * over the picture, hidden until the viewer shows them: positioned by
 * /static/photos.js from the fractions (the site's CSP admits no inline
 * style).
 */
void
photos_render_boxes(struct kore_buf *buf, struct core_db *db)
{
	json_t		*tags, *dets, *d;
	const char	*label;
	char		 box[128];
	size_t		 i;
	int		 n;

	tags = json_loads(core_db_value(db, 0, PH_COL_TAGS), 0, NULL);
	dets = json_loads(core_db_value(db, 0, PH_COL_DETECTIONS), 0, NULL);
	n = 0;
	json_array_foreach(dets, i, d) {
		label = json_string_value(json_object_get(d, "label"));
		if (label == NULL || tag_from(tags, label, NULL) == -1)
			continue;
		if (n++ == 0)
			core_html_appendf(buf, "<div class=\"photo-boxes\" "
			    "id=\"photo-boxes\" hidden>");
		/* core_html_appendf has no %f: the fractions as text. */
		(void)snprintf(box, sizeof(box), "data-x=\"%.4f\" "
		    "data-y=\"%.4f\" data-w=\"%.4f\" data-h=\"%.4f\"",
		    json_number_value(json_object_get(d, "x")),
		    json_number_value(json_object_get(d, "y")),
		    json_number_value(json_object_get(d, "w")),
		    json_number_value(json_object_get(d, "h")));
		core_html_appendf(buf, "<span class=\"photo-box\" %R><span>%s "
		    "%d%%</span></span>", box, label,
		    (int)(json_number_value(json_object_get(d, "score")) * 100 +
		    0.5));
	}
	if (n > 0)
		core_html_appendf(buf, "</div>");
	json_decref(tags);
	json_decref(dets);
}

/*
 * "Seen in this photo": the detected tags, each with a remove button for
 * the owner; "There is a cat here" when the detector missed it; the
 * button that shows the boxes.
 */
void
photos_render_seen(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db)
{
	json_t		*tags, *t;
	const char	*tag, *source;
	char		 path[128];
	size_t		 i;
	int64_t		 id;
	int		 mine, n, cat;

	if (core_db_isnull(db, 0, PH_COL_CAT_SCORE))
		return;
	id = core_db_int(db, 0, PH_COL_ID);
	mine = ctx->user.id != 0 && (core_db_int(db, 0, PH_COL_OWNER_ID) ==
	    ctx->user.id || ctx->user.role == CORE_ROLE_ADMIN);
	tags = json_loads(core_db_value(db, 0, PH_COL_TAGS), 0, NULL);

	core_html_appendf(buf, "<section class=\"seen\" aria-labelledby="
	    "\"seen-h\"><h2 id=\"seen-h\">Seen in this photo</h2>\n");
	n = cat = 0;
	json_array_foreach(tags, i, t) {
		source = json_string_value(json_object_get(t, "source"));
		if (tag_from(t, NULL, &tag) == -1)
			continue;
		if (!strcmp(tag, "cat"))
			cat = 1;
		if (source == NULL || !strcmp(source, "owner"))
			continue;
		if (n++ == 0)
			core_html_appendf(buf, "<ul class=\"seen-tags\">");
		core_html_appendf(buf, "<li><a href=\"/photos/tag/%U\" "
		    "class=\"hashtag\">#%s</a> <small>%s</small>", tag, tag,
		    !strcmp(source, "detected") ? "detected" :
		    "added by the owner");
		if (mine) {
			(void)snprintf(path, sizeof(path),
			    "/photos/%lld/tags/%s/remove", (long long)id, tag);
			core_form_button(req, buf, path, "inline",
			    "secondary outline", "Not right: remove");
		}
		core_html_appendf(buf, "</li>");
	}
	if (n > 0)
		core_html_appendf(buf, "</ul>\n");
	else
		core_html_appendf(buf, "<p>The detector found nothing it "
		    "knows here.</p>\n");
	if (n > 0 && !strcmp(photos_status(db, 0), "ready"))
		core_html_appendf(buf, "<button type=\"button\" class=\""
		    "secondary outline\" id=\"show-boxes\" aria-pressed=\"false\" "
		    "aria-controls=\"photo-boxes\" hidden>Show boxes</button>\n");
	if (mine && !cat) {
		(void)snprintf(path, sizeof(path), "/photos/%lld/cat",
		    (long long)id);
		core_form_button(req, buf, path, "inline", "secondary",
		    "There is a cat here");
	}
	core_html_appendf(buf, "</section>\n");
	json_decref(tags);
}

/*
 * The tag of {tag, source} `t` in *tag; with `name` set, instead whether
 * the array `t` of them holds `name`.  0 when found, -1 otherwise.
 */
static int
tag_from(json_t *t, const char *name, const char **tag)
{
	json_t		*v;
	const char	*s;
	size_t		 i;

	if (name == NULL) {
		*tag = json_string_value(json_object_get(t, "tag"));
		return (*tag != NULL ? 0 : -1);
	}
	json_array_foreach(t, i, v) {
		s = json_string_value(json_object_get(v, "tag"));
		if (s != NULL && !strcmp(s, name))
			return (0);
	}

	return (-1);
}
