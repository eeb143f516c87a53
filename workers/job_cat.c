/*
 * cat_detect: look for cats in a new photo, with OpenCV's frontal cat
 * face cascade (cat_shim.cpp).  args: {"photo_id": n}.
 *
 * The original is decoded by libvips, turned upright and shrunk to at
 * most CAT_IMAGE_SIDE pixels on its long edge, as 8-bit gray.  The best
 * detection's weight is stored as the photo's cat_score and every box
 * (as fractions of the width and height) as cat_boxes; a score of
 * CAT_SCORE_MIN or more tags the photo #cat.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

#include "worker.h"
#include "cat_shim.h"

#define CAT_IMAGE_SIDE		640
#define CAT_BOXES_MAX		16

static const char sql_photo[] =
	"SELECT m.sha256, m.format FROM photos p"
	"  JOIN media_files m ON m.id = p.media_id WHERE p.id = $1";

/* $1 photo, $2 score, $3 boxes, $4 is a cat. */
static const char sql_store[] =
	"WITH p AS ("
	"  UPDATE photos SET cat_score = $2::real, cat_boxes = $3::jsonb,"
	"         cat_checked_at = now() WHERE id = $1 RETURNING id"
	")"
	"INSERT INTO photo_tags (photo_id, tag)"
	"SELECT id, 'cat' FROM p WHERE $4::bool ON CONFLICT DO NOTHING";

static int	cascade_ready(char *, size_t);
static int	gray_image(const char *, VipsImage **, char *, size_t);

int
job_cat_detect(struct worker *w, struct worker_job *job, char *err,
    size_t len)
{
	PGresult	*res;
	VipsImage	*gray;
	struct cat_box	 boxes[CAT_BOXES_MAX];
	json_t		*v, *list;
	const char	*params[4];
	char		 id[24], src[PATH_MAX], score[32], *json;
	double		 best;
	int		 n, i, rc;

	v = json_object_get(job->args, "photo_id");
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		(void)snprintf(err, len, "args.photo_id missing");
		return (JOB_FAIL);
	}
	if (cascade_ready(err, len) == -1)
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

	if (gray_image(src, &gray, err, len) == -1)
		return (JOB_FAIL);
	n = cat_shim_detect(VIPS_IMAGE_ADDR(gray, 0, 0), gray->Xsize,
	    gray->Ysize, VIPS_IMAGE_SIZEOF_LINE(gray), boxes, CAT_BOXES_MAX,
	    &best);

	list = json_array();
	for (i = 0; i < n && i < CAT_BOXES_MAX; i++)
		json_array_append_new(list, json_pack("{s:f, s:f, s:f, s:f}",
		    "x", (double)boxes[i].x / gray->Xsize,
		    "y", (double)boxes[i].y / gray->Ysize,
		    "w", (double)boxes[i].w / gray->Xsize,
		    "h", (double)boxes[i].h / gray->Ysize));
	g_object_unref(gray);
	if (n == -1) {
		json_decref(list);
		(void)snprintf(err, len, "the detector failed");
		return (JOB_FAIL);
	}

	json = json_dumps(list, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(list);
	(void)snprintf(score, sizeof(score), "%.3f", best);
	params[1] = score;
	params[2] = json;
	params[3] = best >= CAT_SCORE_MIN ? "true" : "false";
	res = worker_db_exec(w, sql_store, 4, params);
	free(json);
	if (res == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	PQclear(res);

	rc = best >= CAT_SCORE_MIN;
	worker_log("info", "cat_detect: photo %s: %d found, score %.2f%s", id,
	    n, best, rc ? ", a cat" : "");
	return (JOB_OK);
}

/* The cascade, loaded once per process (AGORA_CAT_CASCADE). */
static int
cascade_ready(char *err, size_t len)
{
	static int	loaded;

	if (loaded)
		return (0);
	if (cat_shim_load(wcfg.cat_cascade) == -1) {
		(void)snprintf(err, len, "cannot load the cat cascade %s",
		    wcfg.cat_cascade);
		return (-1);
	}
	loaded = 1;

	return (0);
}

/* `src` upright, at most CAT_IMAGE_SIDE on its long edge, 8-bit gray. */
static int
gray_image(const char *src, VipsImage **out, char *err, size_t len)
{
	VipsImage	*small, *bw, *u8;

	if (vips_thumbnail(src, &small, CAT_IMAGE_SIDE, "height",
	    CAT_IMAGE_SIDE, "size", VIPS_SIZE_DOWN, "fail_on",
	    VIPS_FAIL_ON_ERROR, NULL) != 0) {
		vips_error_clear();
		(void)snprintf(err, len, "the image cannot be read");
		return (-1);
	}
	if (vips_colourspace(small, &bw, VIPS_INTERPRETATION_B_W, NULL) != 0) {
		g_object_unref(small);
		vips_error_clear();
		(void)snprintf(err, len, "the image has no usable colours");
		return (-1);
	}
	g_object_unref(small);
	/* One band of unsigned chars, in memory. */
	if (vips_extract_band(bw, &u8, 0, NULL) != 0) {
		g_object_unref(bw);
		vips_error_clear();
		(void)snprintf(err, len, "the image cannot be converted");
		return (-1);
	}
	g_object_unref(bw);
	if ((*out = vips_image_copy_memory(u8)) == NULL ||
	    (*out)->BandFmt != VIPS_FORMAT_UCHAR) {
		if (*out != NULL)
			g_object_unref(*out);
		g_object_unref(u8);
		vips_error_clear();
		(void)snprintf(err, len, "the image cannot be converted");
		return (-1);
	}
	g_object_unref(u8);

	return (0);
}
