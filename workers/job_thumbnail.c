/*
 * thumbnail: make the square thumbnail and the display-size copy of an
 * uploaded image with libvips.
 *
 * args: {"media_id": n}.  The original is <media>/orig/<sha256>.<ext>
 * (never served); the results are <media>/thumb/<sha256>.jpg (320x320,
 * cropped to the interesting part) and <media>/display/<sha256>.jpg (at
 * most 1280 on the long edge).  libvips shrinks JPEGs while decoding, so
 * memory stays small; both copies are turned upright by their EXIF
 * orientation and saved without any metadata (EXIF, GPS, XMP, ICC...).
 * Each is written to a temporary name and renamed into place, so a
 * re-run or a crash never leaves half a file.  Images over the pixel
 * limit, broken or truncated files, and unknown formats fail for good,
 * with the reason stored on the media row for the owner to see.  The
 * row is marked ready only if its photo was not withdrawn or deleted
 * meanwhile; if it was, the new copies are removed again.
 *
 * avatar: the same for an uploaded avatar, whose copies are two squares
 * cropped to the interesting part, <media>/avatar256/<sha256>.jpg and
 * <media>/avatar64/<sha256>.jpg; once they exist the user's avatar_sha
 * names them, if that media is still the user's avatar.
 */

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vips/vips.h>

#include "worker.h"

#define THUMB_SIZE	320
#define DISPLAY_SIZE	1280
#define AVATAR_LARGE	256
#define AVATAR_SMALL	64
#define JPEG_QUALITY	82

static const char sql_media_get[] =
	"SELECT sha256, format, withdrawn FROM media_files WHERE id = $1";

/*
 * Ready only if still wanted.  The second column: whether another row
 * still in use shares the files (then they stay even if this one went).
 */
static const char sql_media_ready[] =
	"WITH r AS ("
	"  UPDATE media_files SET status = 'ready', width = $2, height = $3,"
	"         reason = NULL, processed_at = now()"
	"   WHERE id = $1 AND NOT withdrawn RETURNING id"
	")"
	"SELECT (SELECT count(*) FROM r),"
	"       (SELECT count(*) FROM media_files"
	"         WHERE sha256 = $4 AND id <> $1 AND NOT withdrawn)";

/* The avatar's copies exist: the pages draw them (if still wanted). */
static const char sql_avatar_ready[] =
	"UPDATE users SET avatar_sha = $2"
	" WHERE avatar_media_id = $1 RETURNING id";

static const char sql_media_failed[] =
	"UPDATE media_files SET status = 'failed', reason = $2,"
	"       processed_at = now() WHERE id = $1";

static int	media_job(struct worker *, struct worker_job *, int, char *,
		    size_t);
static int	media_fail(struct worker *, const char *, const char *, char *,
		    size_t);
static int	check_header(const char *, int *, int *, char *, size_t);
static int	save_jpeg(VipsImage *, const char *, char *, size_t);
static void	vips_reason(const char *, char *, size_t);

/* Once per process, before forking: start libvips, no operation cache. */
void
thumbnail_init(const char *argv0)
{
	if (VIPS_INIT(argv0) != 0) {
		worker_log("fatal", "libvips failed to start");
		exit(1);
	}
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_concurrency_set(1);
}

int
job_thumbnail(struct worker *w, struct worker_job *job, char *err,
    size_t len)
{
	return (media_job(w, job, 0, err, len));
}

int
job_avatar(struct worker *w, struct worker_job *job, char *err, size_t len)
{
	return (media_job(w, job, 1, err, len));
}

/* The copies of the media of `job`: a photo's, or (`avatar`) an avatar's. */
static int
media_job(struct worker *w, struct worker_job *job, int avatar, char *err,
    size_t len)
{
	PGresult	*res;
	json_t		*v;
	const char	*params[4];
	char		 id[24], sha[65], fmt[8], src[PATH_MAX];
	char		 thumb[PATH_MAX], display[PATH_MAX];
	char		 wbuf[16], hbuf[16];
	int		 width, height, marked, shared;

	v = json_object_get(job->args, "media_id");
	if (!json_is_integer(v) || json_integer_value(v) <= 0) {
		(void)snprintf(err, len, "args.media_id missing");
		return (JOB_FAIL);
	}
	(void)snprintf(id, sizeof(id), "%lld",
	    (long long)json_integer_value(v));

	params[0] = id;
	if ((res = worker_db_exec(w, sql_media_get, 1, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		(void)snprintf(err, len, "media %s no longer exists", id);
		return (JOB_FAIL);
	}
	(void)snprintf(sha, sizeof(sha), "%s", PQgetvalue(res, 0, 0));
	(void)snprintf(fmt, sizeof(fmt), "%s", PQgetvalue(res, 0, 1));
	if (!strcmp(PQgetvalue(res, 0, 2), "t")) {
		/* Withdrawn (a hidden photo): no copies to serve. */
		PQclear(res);
		return (JOB_OK);
	}
	PQclear(res);

	(void)snprintf(src, sizeof(src), "%s/orig/%s.%s", wcfg.media_dir, sha,
	    strcmp(fmt, "jpeg") ? fmt : "jpg");
	if (access(src, R_OK) == -1) {
		(void)snprintf(err, len, "original file missing");
		return (media_fail(w, id, "The uploaded file is missing.",
		    err, len));
	}

	/* thumb: the small copy; display: the large one. */
	(void)snprintf(thumb, sizeof(thumb), "%s/%s", wcfg.media_dir,
	    avatar ? "avatar64" : "thumb");
	(void)mkdir(thumb, 0755);
	(void)snprintf(display, sizeof(display), "%s/%s", wcfg.media_dir,
	    avatar ? "avatar256" : "display");
	(void)mkdir(display, 0755);
	(void)snprintf(thumb, sizeof(thumb), "%s/%s/%s.jpg", wcfg.media_dir,
	    avatar ? "avatar64" : "thumb", sha);
	(void)snprintf(display, sizeof(display), "%s/%s/%s.jpg",
	    wcfg.media_dir, avatar ? "avatar256" : "display", sha);

	if ((avatar ? avatar_make(src, display, thumb, &width, &height, err,
	    len) : thumbnail_make(src, thumb, display, &width, &height, err,
	    len)) == -1)
		return (media_fail(w, id, err, err, len));

	(void)snprintf(wbuf, sizeof(wbuf), "%d", width);
	(void)snprintf(hbuf, sizeof(hbuf), "%d", height);
	params[1] = wbuf;
	params[2] = hbuf;
	params[3] = sha;
	if ((res = worker_db_exec(w, sql_media_ready, 4, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	marked = strcmp(PQgetvalue(res, 0, 0), "0") != 0;
	shared = strcmp(PQgetvalue(res, 0, 1), "0") != 0;
	PQclear(res);

	if (avatar && marked) {
		params[1] = sha;
		if ((res = worker_db_exec(w, sql_avatar_ready, 2,
		    params)) == NULL) {
			(void)snprintf(err, len, "database unavailable");
			return (JOB_RETRY);
		}
		PQclear(res);
	}

	/*
	 * Deleted or withdrawn while the copies were made: the purge that
	 * followed found nothing to remove, so they go now (unless another
	 * upload of the same image uses them).
	 */
	if (!marked && !shared) {
		(void)unlink(thumb);
		(void)unlink(display);
		worker_log("info", "thumbnail: media %s went meanwhile, copies "
		    "removed", id);
	}

	return (JOB_OK);
}

/*
 * Check `src` and write both copies.  The original is decoded once, with
 * shrink-on-load, into the display copy; the square thumbnail is cut from
 * that.  The upright size of the original goes to *width and *height.
 * Returns 0, or -1 with the reason in err.
 */
int
thumbnail_make(const char *src, const char *thumb, const char *display,
    int *width, int *height, char *err, size_t len)
{
	VipsImage	*disp, *mem, *sq;

	if (check_header(src, width, height, err, len) == -1)
		return (-1);

	if (vips_thumbnail(src, &disp, DISPLAY_SIZE, "height", DISPLAY_SIZE,
	    "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR, NULL) != 0) {
		vips_reason("The image is damaged or incomplete", err, len);
		return (-1);
	}

	mem = vips_image_copy_memory(disp);
	g_object_unref(disp);
	if (mem == NULL) {
		vips_reason("The image is damaged or incomplete", err, len);
		return (-1);
	}

	if (save_jpeg(mem, display, err, len) == -1) {
		g_object_unref(mem);
		return (-1);
	}

	if (vips_thumbnail_image(mem, &sq, THUMB_SIZE, "height", THUMB_SIZE,
	    "crop", VIPS_INTERESTING_ATTENTION, NULL) != 0) {
		g_object_unref(mem);
		vips_reason("The image cannot be cropped", err, len);
		return (-1);
	}
	g_object_unref(mem);

	if (save_jpeg(sq, thumb, err, len) == -1) {
		g_object_unref(sq);
		return (-1);
	}
	g_object_unref(sq);

	return (0);
}

/*
 * An avatar's two squares of `src`, cropped to the interesting part:
 * `large` (AVATAR_LARGE) decoded with shrink-on-load, `small` cut from
 * it.  Upright, no metadata.  Returns 0, or -1 with the reason in err.
 */
int
avatar_make(const char *src, const char *large, const char *small,
    int *width, int *height, char *err, size_t len)
{
	VipsImage	*big, *mem, *sq;

	if (check_header(src, width, height, err, len) == -1)
		return (-1);

	if (vips_thumbnail(src, &big, AVATAR_LARGE, "height", AVATAR_LARGE,
	    "crop", VIPS_INTERESTING_ATTENTION, "fail_on", VIPS_FAIL_ON_ERROR,
	    NULL) != 0) {
		vips_reason("The image is damaged or incomplete", err, len);
		return (-1);
	}

	mem = vips_image_copy_memory(big);
	g_object_unref(big);
	if (mem == NULL) {
		vips_reason("The image is damaged or incomplete", err, len);
		return (-1);
	}

	if (save_jpeg(mem, large, err, len) == -1) {
		g_object_unref(mem);
		return (-1);
	}

	if (vips_thumbnail_image(mem, &sq, AVATAR_SMALL, "height",
	    AVATAR_SMALL, "crop", VIPS_INTERESTING_CENTRE, NULL) != 0) {
		g_object_unref(mem);
		vips_reason("The image cannot be cropped", err, len);
		return (-1);
	}
	g_object_unref(mem);

	if (save_jpeg(sq, small, err, len) == -1) {
		g_object_unref(sq);
		return (-1);
	}
	g_object_unref(sq);

	return (0);
}

/* Store why the image cannot be used; the job fails for good. */
static int
media_fail(struct worker *w, const char *id, const char *reason, char *err,
    size_t len)
{
	PGresult	*res;
	const char	*params[2];

	params[0] = id;
	params[1] = reason;
	if ((res = worker_db_exec(w, sql_media_failed, 2, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	PQclear(res);

	if (err != reason)
		(void)snprintf(err, len, "%s", reason);

	return (JOB_FAIL);
}

/*
 * Read only the header: a JPEG, PNG or WebP within the pixel limit.
 * The upright dimensions go to *w and *h.
 */
static int
check_header(const char *path, int *w, int *h, char *err, size_t len)
{
	VipsImage	*in;
	const char	*loader;
	int		 orient;

	if ((loader = vips_foreign_find_load(path)) == NULL ||
	    (strstr(loader, "Jpeg") == NULL && strstr(loader, "Png") == NULL &&
	    strstr(loader, "Webp") == NULL)) {
		vips_error_clear();
		(void)snprintf(err, len, "Not a JPEG, PNG or WebP image.");
		return (-1);
	}

	if ((in = vips_image_new_from_file(path, "access",
	    VIPS_ACCESS_SEQUENTIAL, NULL)) == NULL) {
		vips_reason("The image cannot be read", err, len);
		return (-1);
	}

	*w = vips_image_get_width(in);
	*h = vips_image_get_height(in);
	if (vips_image_get_typeof(in, VIPS_META_ORIENTATION) &&
	    vips_image_get_int(in, VIPS_META_ORIENTATION, &orient) == 0 &&
	    orient >= 5 && orient <= 8) {
		*w = vips_image_get_height(in);
		*h = vips_image_get_width(in);
	}
	g_object_unref(in);

	if (*w <= 0 || *h <= 0 ||
	    (u_int64_t)*w * (u_int64_t)*h > wcfg.max_pixels) {
		(void)snprintf(err, len, "The image is too large (%dx%d "
		    "pixels; the limit is %llu pixels).", *w, *h,
		    (unsigned long long)wcfg.max_pixels);
		return (-1);
	}

	return (0);
}

/*
 * Save `img` as a JPEG without any metadata at `dst`, through a
 * temporary file renamed into place.
 */
static int
save_jpeg(VipsImage *img, const char *dst, char *err, size_t len)
{
	char		tmp[PATH_MAX];

	(void)snprintf(tmp, sizeof(tmp), "%s.%d.tmp", dst, (int)getpid());
	if (vips_jpegsave(img, tmp, "Q", JPEG_QUALITY, "strip", TRUE,
	    "optimize_coding", TRUE, "interlace", TRUE, NULL) != 0) {
		(void)unlink(tmp);
		vips_reason("The image is damaged or incomplete", err, len);
		return (-1);
	}

	if (rename(tmp, dst) == -1) {
		(void)unlink(tmp);
		(void)snprintf(err, len, "rename %s: %s", dst, strerror(errno));
		return (-1);
	}

	return (0);
}

/* A reason for the owner, with libvips' detail on the first line only. */
static void
vips_reason(const char *what, char *err, size_t len)
{
	const char	*detail;
	size_t		 n;

	detail = vips_error_buffer();
	n = strcspn(detail, "\n");
	if (n > 160)
		n = 160;
	(void)snprintf(err, len, "%s (%.*s).", what, (int)n, detail);
	vips_error_clear();
}
