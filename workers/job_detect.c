/*
 * photo_detect: what the object detector sees in a photo.  args:
 * {"photo_id": n}.
 *
 * The original is decoded by libvips in sRGB, turned upright by its EXIF
 * orientation, fitted into the network's square input and padded there
 * (stretching it would change what is in it).  Every detection is stored
 * (photo_detections: label, score, box as fractions of the upright
 * image); a cat at the cat threshold or above, and any other class at the
 * tag threshold or above, becomes a detected tag, unless the owner
 * removed that tag before: corrections win over the model.  People are
 * neither stored nor tagged unless AGORA_DETECT_PEOPLE is set.
 *
 * A missing or broken model fails the job with the reason (shown with
 * the dead job on /admin/jobs); the next job tries to load it again.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vips/vips.h>

#include "worker.h"
#include "detect.h"

#define PLANE		((size_t)DETECT_GRID * DETECT_GRID)

static const char sql_photo[] =
	"SELECT m.sha256, m.format FROM photos p"
	"  JOIN media_files m ON m.id = p.media_id WHERE p.id = $1";

/*
 * $1 photo, $2 cat score, $3 cat boxes, $4 detections
 * [{label, score, x, y, w, h}], $5 the detected tags.  Detected tags no
 * longer seen go; the owner's #tags and corrected tags stay; a tag the
 * owner's latest correction removed is not added again.
 */
static const char sql_store[] =
	"WITH p AS ("
	"  UPDATE photos SET cat_score = $2::real, cat_boxes = $3::jsonb,"
	"         cat_checked_at = now() WHERE id = $1 RETURNING id"
	"), gone AS ("
	"  DELETE FROM photo_detections WHERE photo_id IN (SELECT id FROM p)"
	"), seen AS ("
	"  INSERT INTO photo_detections (photo_id, label, score, x, y, w, h)"
	"  SELECT p.id, e->>'label', (e->>'score')::real, (e->>'x')::real,"
	"         (e->>'y')::real, (e->>'w')::real, (e->>'h')::real"
	"    FROM p, jsonb_array_elements($4::jsonb) e"
	"), stale AS ("
	"  DELETE FROM photo_tags WHERE photo_id IN (SELECT id FROM p)"
	"     AND source = 'detected' AND tag <> ALL ($5::text[])"
	")"
	"INSERT INTO photo_tags (photo_id, tag, source)"
	"SELECT DISTINCT p.id, t, 'detected' FROM p, unnest($5::text[]) t"
	" WHERE coalesce((SELECT c.action FROM photo_tag_corrections c"
	"       WHERE c.photo_id = p.id AND c.tag = t"
	"       ORDER BY c.id DESC LIMIT 1), '') <> 'remove'"
	"    ON CONFLICT DO NOTHING";

static int	model_ready(char *, size_t);
static int	input_image(const char *, VipsImage **, int *, int *, char *,
		    size_t);
static json_t	*detections_json(const struct detection *, int, int, int);
static void	store_params(json_t *, double *, char **, char **, char **);
static char	*tags_array(json_t *);

int
job_detect(struct worker *w, struct worker_job *job, char *err, size_t len)
{
	PGresult	*res;
	json_t		*v, *found;
	const char	*params[5];
	char		 id[24], src[PATH_MAX], score[32];
	char		*boxes, *list, *tags;
	double		 cat;
	int		 n;

	v = json_object_get(job->args, "photo_id");
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		(void)snprintf(err, len, "args.photo_id missing");
		return (JOB_FAIL);
	}
	if (model_ready(err, len) == -1)
		return (JOB_FAIL);
	(void)snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(v));

	params[0] = id;
	if ((res = worker_db_exec(w, sql_photo, 1, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		return (JOB_OK);	/* deleted meanwhile */
	}
	(void)snprintf(src, sizeof(src), "%s/orig/%s.%s", wcfg.media_dir,
	    PQgetvalue(res, 0, 0), strcmp(PQgetvalue(res, 0, 1), "jpeg") ?
	    PQgetvalue(res, 0, 1) : "jpg");
	PQclear(res);

	if ((found = detect_file(src, err, len)) == NULL)
		return (JOB_FAIL);
	n = (int)json_array_size(found);
	store_params(found, &cat, &boxes, &list, &tags);
	json_decref(found);

	(void)snprintf(score, sizeof(score), "%.3f", cat);
	params[1] = score;
	params[2] = boxes;
	params[3] = list;
	params[4] = tags;
	res = worker_db_exec(w, sql_store, 5, params);
	free(boxes);
	free(list);
	free(tags);
	if (res == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	PQclear(res);

	worker_log("info", "photo_detect: photo %s: %d found, cat %.2f%s", id,
	    n, cat, cat >= wcfg.cat_threshold ? ", a cat" : "");
	return (JOB_OK);
}

/*
 * The detections in the image at `path`, best first, as a JSON array of
 * {label, score, x, y, w, h} (the box as fractions of the upright image),
 * people left out unless AGORA_DETECT_PEOPLE is set.  NULL with the
 * reason in `err` when the model or the image cannot be used.
 */
json_t *
detect_file(const char *path, char *err, size_t len)
{
	static float		*heat, *sizes;
	struct detection	 found[DETECT_MAX];
	VipsImage		*img;
	int			 width, height, n;

	if (model_ready(err, len) == -1)
		return (NULL);
	if (heat == NULL) {
		/* Once per process, like the network: 5 MB. */
		if ((heat = calloc(DETECT_CLASSES * PLANE,
		    sizeof(float))) == NULL ||
		    (sizes = calloc(DETECT_SIZES * PLANE,
		    sizeof(float))) == NULL) {
			free(heat);
			heat = NULL;
			(void)snprintf(err, len, "out of memory");
			return (NULL);
		}
	}

	if (input_image(path, &img, &width, &height, err, len) == -1)
		return (NULL);
	n = detect_shim_run(VIPS_IMAGE_ADDR(img, 0, 0), heat, sizes, err,
	    len);
	g_object_unref(img);
	if (n == -1)
		return (NULL);

	n = detect_decode(heat, sizes, DETECT_SCORE_MIN, found, DETECT_MAX);
	return (detections_json(found, n, width, height));
}

/* The network, loaded once per process (AGORA_DETECT_MODEL). */
static int
model_ready(char *err, size_t len)
{
	static int	loaded;
	char		why[384];

	if (loaded)
		return (0);
	if (detect_shim_load(wcfg.detect_model, why, sizeof(why)) == -1) {
		(void)snprintf(err, len, "the detection model %s: %s "
		    "(scripts/model.sh installs it)", wcfg.detect_model, why);
		return (-1);
	}
	loaded = 1;

	return (0);
}

/*
 * `src` in sRGB, upright, scaled to fit DETECT_INPUT on its long edge and
 * padded with black to a square of that side, three bytes a pixel in
 * memory; *width and *height are the upright image's own size.
 */
static int
input_image(const char *src, VipsImage **out, int *width, int *height,
    char *err, size_t len)
{
	VipsImage	*t[5];
	int		 i, rc;

	memset(t, 0, sizeof(t));
	*out = NULL;
	rc = -1;

	if (vips_thumbnail(src, &t[0], DETECT_INPUT, "height", DETECT_INPUT,
	    "fail_on", VIPS_FAIL_ON_ERROR, NULL) != 0) {
		(void)snprintf(err, len, "the image cannot be read");
		goto done;
	}
	/* Upright already: vips_thumbnail applies the EXIF orientation. */
	*width = t[0]->Xsize;
	*height = t[0]->Ysize;
	if (vips_colourspace(t[0], &t[1], VIPS_INTERPRETATION_sRGB,
	    NULL) != 0) {
		(void)snprintf(err, len, "the image has no usable colours");
		goto done;
	}
	if (vips_image_hasalpha(t[1])) {
		if (vips_flatten(t[1], &t[2], NULL) != 0)
			goto convert;
	} else if (vips_copy(t[1], &t[2], NULL) != 0) {
		goto convert;
	}
	if (vips_cast_uchar(t[2], &t[3], NULL) != 0 ||
	    vips_embed(t[3], &t[4], 0, 0, DETECT_INPUT, DETECT_INPUT,
	    "extend", VIPS_EXTEND_BLACK, NULL) != 0)
		goto convert;
	/* Decoding happens here: a truncated file fails now. */
	if ((*out = vips_image_copy_memory(t[4])) == NULL) {
		(void)snprintf(err, len, "the image cannot be read");
		goto done;
	}
	if ((*out)->Bands != 3 || (*out)->BandFmt != VIPS_FORMAT_UCHAR ||
	    (*out)->Xsize != DETECT_INPUT || (*out)->Ysize != DETECT_INPUT) {
		g_object_unref(*out);
		*out = NULL;
		goto convert;
	}
	rc = 0;
	goto done;

convert:
	(void)snprintf(err, len, "the image cannot be converted");
done:
	for (i = 0; i < 5; i++) {
		if (t[i] != NULL)
			g_object_unref(t[i]);
	}
	if (rc == -1)
		vips_error_clear();
	return (rc);
}

static json_t *
detections_json(const struct detection *d, int n, int width, int height)
{
	json_t		*list;
	float		 box[4];
	int		 i;

	list = json_array();
	for (i = 0; i < n; i++) {
		if (d[i].cls == DETECT_CLASS_PERSON && !wcfg.detect_people)
			continue;
		detect_fractions(&d[i], width, height, box);
		if (box[2] <= 0 || box[3] <= 0)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:f, "
		    "s:f, s:f}", "label", detect_tag(d[i].cls),
		    "score", (double)d[i].score, "x", (double)box[0],
		    "y", (double)box[1], "w", (double)box[2],
		    "h", (double)box[3]));
	}

	return (list);
}

/*
 * From the detections: the best cat score (0 when none), the cats' boxes
 * at the cat threshold, the detections and the detected tags as the
 * statement's JSON and array parameters (the caller frees the three).
 */
static void
store_params(json_t *found, double *cat, char **boxes, char **list,
    char **tags)
{
	json_t		*cats, *names, *d;
	const char	*label;
	double		 score;
	size_t		 i;

	*cat = 0;
	cats = json_array();
	names = json_array();
	json_array_foreach(found, i, d) {
		label = json_string_value(json_object_get(d, "label"));
		score = json_real_value(json_object_get(d, "score"));
		if (!strcmp(label, "cat")) {
			if (score > *cat)
				*cat = score;
			if (score >= wcfg.cat_threshold)
				json_array_append_new(cats, json_pack(
				    "{s:O, s:O, s:O, s:O}",
				    "x", json_object_get(d, "x"),
				    "y", json_object_get(d, "y"),
				    "w", json_object_get(d, "w"),
				    "h", json_object_get(d, "h")));
		}
		if (score >= (!strcmp(label, "cat") ? wcfg.cat_threshold :
		    wcfg.tag_threshold))
			json_array_append_new(names, json_string(label));
	}

	*boxes = json_dumps(cats, JSON_COMPACT | JSON_REAL_PRECISION(4));
	*list = json_dumps(found, JSON_COMPACT | JSON_REAL_PRECISION(4));
	*tags = tags_array(names);
	json_decref(cats);
	json_decref(names);
}

/* `names` (the detector's labels: [a-z_] only) as a PostgreSQL array. */
static char *
tags_array(json_t *names)
{
	struct mbuf	 b;
	json_t		*v;
	size_t		 i;

	memset(&b, 0, sizeof(b));
	mbuf_adds(&b, "{");
	json_array_foreach(names, i, v) {
		if (i > 0)
			mbuf_adds(&b, ",");
		mbuf_adds(&b, json_string_value(v));
	}
	mbuf_adds(&b, "}");

	return (b.d);
}
