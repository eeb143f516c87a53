/*
 * Uploaded images, for every app: validation by content, storage under a
 * content-derived name outside anything served, the thumbnail and
 * moderation jobs, and serving the worker's copies under /media/.
 *
 *   <media>/orig/<sha256>.<ext>	the upload, never served
 *   <media>/thumb/<sha256>.jpg		320x320, by the thumbnail job
 *   <media>/display/<sha256>.jpg	at most 1280 px, by the thumbnail job
 *   <media>/avatar64/<sha256>.jpg	an avatar's squares, by the avatar job
 *   <media>/avatar256/<sha256>.jpg
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/core.h"
#include "image_probe.h"

#define MEDIA_CHUNK		(64 * 1024)

/*
 * The upload's row and its thumbnail job ($9 'thumbnail', or NULL for
 * none; on the default queue: the
 * uploader waits for it, a bulk run must not hold it up), while the
 * user's images in use ($1's rows not withdrawn) stay within the quota
 * ($8 bytes), counted in the same statement.  Over it nothing is
 * recorded, and a media_purge job removes the stored file again unless
 * another row uses its content.  Concurrent uploads of one user can
 * pass the quota by at most their number of files, once.  Returns
 * (media id or NULL, jobs).
 */
static const char sql_media_insert[] =
	"WITH q AS ("
	"  SELECT coalesce(sum(bytes), 0) + $4::bigint <= $8::bigint AS ok"
	"    FROM media_files WHERE user_id = $1::bigint AND NOT withdrawn"
	"), m AS ("
	"  INSERT INTO media_files (user_id, sha256, format, bytes, width,"
	"         height)"
	"  SELECT $1::bigint, $2::text, $3::text, $4::bigint, $5::int,"
	"         $6::int FROM q WHERE q.ok RETURNING *"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT $9::text, 'default',"
	"         jsonb_build_object('media_id', m.id), $7 FROM m"
	"   WHERE $9::text IS NOT NULL"
	"  UNION ALL"
	"  SELECT 'media_purge', 'default',"
	"         jsonb_build_object('sha256', $2::text), $7 FROM q"
	"   WHERE NOT q.ok"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT id FROM m), " CORE_JOBS_JSON("j");
enum { INSERT_ID, INSERT_JOBS };

static const char sql_media_get[] =
	"SELECT id, sha256, format, status, coalesce(reason, ''), width,"
	"       height, user_id FROM media_files WHERE id = $1";
enum { GET_ID, GET_SHA, GET_FORMAT, GET_STATUS, GET_REASON, GET_WIDTH,
	GET_HEIGHT, GET_USER_ID };

static int	media_store(struct http_request *, struct http_file *,
		    struct core_upload *);
static int	media_refuse(struct http_request *, int, const char *);
static struct kore_fileref	*media_fileref(struct http_request *,
		    const char *);

/*
 * Take the image in multipart field `field`: check it by content (JPEG,
 * PNG or WebP; size and pixel limits), store it, record it and queue its
 * thumbnail job.  CORE_OK: `db` holds (media id, jobs) and ctx->upload
 * what was stored.  Bad input is answered 413 or 422.
 */
int
core_media_upload(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *field)
{
	return (core_media_upload_as(req, ctx, db, field, CORE_MEDIA_PHOTO));
}

/*
 * The same for an image of kind `kind`: CORE_MEDIA_PHOTO (the thumbnail
 * job's copies) or CORE_MEDIA_AVATAR (no job here: the caller queues the
 * avatar job's squares with what it does with the image).
 */
int
core_media_upload_as(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *field, int kind)
{
	struct core_upload	*up = &ctx->upload;
	struct http_file	*f;
	struct core_num		 uid, bytes, w, h;
	const char		*params[9];
	char			 quota[24];

	if (!up->stored) {
		CORE_TRY(core_form_load(req, ctx));
		if ((f = http_file_lookup(req, field)) == NULL)
			return (media_refuse(req, 422, "Choose an image file."));
		if (f->length == 0)
			return (media_refuse(req, 422, "The file is empty."));
		if (f->length > core_cfg.upload_max_bytes)
			return (media_refuse(req, 413, "The file is larger than "
			    "the upload limit."));
		CORE_TRY(media_store(req, f, up));
		up->stored = 1;
	}

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = up->sha;
	params[2] = core_image_format_name(up->format);
	params[3] = core_num(&bytes, (int64_t)up->bytes);
	params[4] = core_num(&w, up->width);
	params[5] = core_num(&h, up->height);
	params[6] = ctx->request_id;
	/* Unsigned: a configured quota may exceed what core_num holds. */
	(void)snprintf(quota, sizeof(quota), "%llu",
	    (unsigned long long)core_cfg.upload_quota_bytes);
	params[7] = quota;
	/*
	 * An avatar's job is queued by the statement that makes it the
	 * user's avatar (people_avatar.c), so it never runs before that.
	 */
	params[8] = kind == CORE_MEDIA_AVATAR ? NULL : "thumbnail";
	CORE_TRY(core_db_run(req, db, sql_media_insert, 9, params));

	core_jobs_push(db, 0, INSERT_JOBS);
	if (core_db_isnull(db, 0, INSERT_ID))
		return (media_refuse(req, 413, "Your images use all the space "
		    "you have. Delete some photos or images to upload more."));
	return (CORE_OK);
}

/*
 * The public view of media `id` into a new JSON object, loading it into
 * `db`: status (processing, ready, failed), the reason of a failure, the
 * URLs of its copies.  CORE_DONE with 404 when there is no such media.
 */
int
core_media_json(struct http_request *req, struct core_db *db, int64_t id,
    json_t **out)
{
	struct core_num	 mid;
	const char	*params[1], *sha;
	char		 url[128];

	params[0] = core_num(&mid, id);
	CORE_TRY(core_db_run(req, db, sql_media_get, 1, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such image."));

	sha = core_db_value(db, 0, GET_SHA);
	*out = json_pack("{s:I, s:s, s:s}",
	    "id", (json_int_t)core_db_int(db, 0, GET_ID),
	    "format", core_db_value(db, 0, GET_FORMAT),
	    "status", core_db_value(db, 0, GET_STATUS));
	if (!strcmp(core_db_value(db, 0, GET_STATUS), "failed"))
		json_object_set_new(*out, "reason",
		    json_string(core_db_value(db, 0, GET_REASON)));
	if (!core_db_isnull(db, 0, GET_WIDTH)) {
		json_object_set_new(*out, "width",
		    json_integer(core_db_int(db, 0, GET_WIDTH)));
		json_object_set_new(*out, "height",
		    json_integer(core_db_int(db, 0, GET_HEIGHT)));
	}
	(void)snprintf(url, sizeof(url), "/media/display/%s.jpg", sha);
	json_object_set_new(*out, "display_url", json_string(url));
	(void)snprintf(url, sizeof(url), "/media/thumb/%s.jpg", sha);
	json_object_set_new(*out, "thumb_url", json_string(url));

	return (CORE_OK);
}

/*
 * Parent, at start: the media directory, every missing directory above
 * it, and its parts, so that an empty state directory (a new
 * machine, a fresh volume, a fresh clone) just works.  What cannot be
 * created is named with the setting it comes from.
 */
void
core_media_prepare(void)
{
	const char	*parts[] = { "", "/orig", "/thumb", "/display",
			    "/avatar64", "/avatar256", "/exports" };
	char		 path[PATH_MAX], *p;
	size_t		 i;
	int		 len;

	len = snprintf(path, sizeof(path), "%s", core_cfg.media_dir);
	if (len < 0 || (size_t)len >= sizeof(path))
		fatal("AGORA_MEDIA_DIR is too long");
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fatal("AGORA_MEDIA_DIR %s: cannot create %s: %s",
			    core_cfg.media_dir, path, errno_s);
		*p = '/';
	}

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		len = snprintf(path, sizeof(path), "%s%s", core_cfg.media_dir,
		    parts[i]);
		if (len < 0 || (size_t)len >= sizeof(path))
			fatal("AGORA_MEDIA_DIR is too long");
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			fatal("AGORA_MEDIA_DIR %s: cannot create %s: %s",
			    core_cfg.media_dir, path, errno_s);
	}
}

/*
 * GET /media/{thumb,display,avatar64,avatar256}/<sha256>.jpg: the
 * worker's copies, named by
 * content, so they never change: cached for a year, revalidated by ETag.
 * The route's regex admits nothing else (no "..", no other directory).
 * A copy that is not there (yet, or any more) is a plain 404 that nobody
 * caches.
 */
int
core_media_serve(struct http_request *req)
{
	struct kore_fileref	*ref;
	const char		*name, *inm;
	char			 path[PATH_MAX], etag[80];
	int			 len;

	core_request_guard(req);
	name = req->path + strlen("/media/");
	len = snprintf(path, sizeof(path), "%s/%s", core_cfg.media_dir, name);
	if (len < 0 || (size_t)len >= sizeof(path) ||
	    (ref = media_fileref(req, path)) == NULL) {
		core_error(req, 404, "No such image.");
		return (KORE_RESULT_OK);
	}

	(void)snprintf(etag, sizeof(etag), "\"%.*s\"",
	    (int)(strlen(name) - 4), name);
	http_response_header(req, "etag", etag);
	http_response_header(req, "cache-control",
	    "public, max-age=31536000, immutable");

	if (http_request_header(req, "if-none-match", &inm) &&
	    !strcmp(inm, etag)) {
		kore_fileref_release(ref);
		http_response(req, 304, NULL, 0);
		return (KORE_RESULT_OK);
	}

	/* Kore sets Content-Type from the extension (mime_add: jpg). */
	http_response_fileref(req, 200, ref);

	return (KORE_RESULT_OK);
}

/*
 * Send <media>/`name` (a name the caller checked, in a directory the
 * /media/ route never serves) as a download of type `type` called
 * `filename`, never cached.  Returns 0, or -1 when there is no such file
 * (nothing was sent).
 */
int
core_media_send_file(struct http_request *req, const char *name,
    const char *type, const char *filename)
{
	struct kore_fileref	*ref;
	char			 path[PATH_MAX], disp[160];
	int			 len;

	len = snprintf(path, sizeof(path), "%s/%s", core_cfg.media_dir, name);
	if (len < 0 || (size_t)len >= sizeof(path) ||
	    (ref = media_fileref(req, path)) == NULL)
		return (-1);
	len = snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"",
	    filename);
	if (len < 0 || (size_t)len >= sizeof(disp)) {
		kore_fileref_release(ref);
		return (-1);
	}
	/* Kore names the type itself when it knows the extension. */
	if (http_media_type(path) == NULL)
		http_response_header(req, "content-type", type);
	http_response_header(req, "content-disposition", disp);
	http_response_header(req, "cache-control", "private, no-store");
	http_response_fileref(req, 200, ref);

	return (0);
}

/*
 * The regular, non-empty file at `path` (never through a symbolic link),
 * from Kore's cache of open files or opened now; NULL when there is none.
 */
static struct kore_fileref *
media_fileref(struct http_request *req, const char *path)
{
	struct kore_fileref	*ref;
	struct stat		 st;
	int			 fd;

	if ((ref = kore_fileref_get(path, 0)) != NULL)
		return (ref);

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) == -1)
		return (NULL);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return (NULL);
	}

	/* kore_fileref_create() owns the descriptor from here. */
	return (kore_fileref_create(req->owner->owner->server, path, fd,
	    st.st_size, &st.st_mtim));
}

/* Store the upload as core_media_keep() does, or answer why not. */
static int
media_store(struct http_request *req, struct http_file *f,
    struct core_upload *up)
{
	const char	*why;
	int		 status;

	if (core_media_keep(f, up, &status, &why) == -1)
		return (status == 500 ? core_error(req, 500, NULL) :
		    media_refuse(req, status, why));

	return (CORE_OK);
}

/*
 * Check the upload's first bytes, then copy it to a temporary file while
 * hashing it, make it durable and rename it to <sha256>.<ext>.  The same
 * content uploaded twice is stored once.  0 fills `up`; -1 sets *status
 * (413, 422, or 500 for a local failure, logged) and *why (static text).
 * The size limit is the caller's.
 */
int
core_media_keep(struct http_file *f, struct core_upload *up, int *status,
    const char **why)
{
	struct core_image		 probe, *img = &probe;
	crypto_hash_sha256_state	 st;
	u_int8_t			 digest[crypto_hash_sha256_BYTES];
	u_int8_t			*chunk;
	char				 tmp[PATH_MAX], dst[PATH_MAX];
	char				 rnd[17];
	ssize_t				 n;
	size_t				 got, total;
	int				 fd;

	*status = 500;
	*why = "The image could not be stored.";
	chunk = kore_malloc(CORE_IMAGE_PROBE_BYTES);
	got = 0;
	while (got < CORE_IMAGE_PROBE_BYTES &&
	    (n = http_file_read(f, chunk + got,
	    CORE_IMAGE_PROBE_BYTES - got)) > 0)
		got += n;

	if (core_image_probe(chunk, got, img) == -1) {
		kore_free(chunk);
		*status = 422;
		*why = "Not a JPEG, PNG or WebP image (or its size cannot be "
		    "read).";
		return (-1);
	}
	if ((u_int64_t)img->width * img->height > core_cfg.upload_max_pixels) {
		kore_free(chunk);
		*status = 422;
		*why = "The image has too many pixels.";
		return (-1);
	}

	randombytes_buf(digest, 8);
	core_hex(digest, 8, rnd);
	(void)snprintf(tmp, sizeof(tmp), "%s/orig/.up-%s.part",
	    core_cfg.media_dir, rnd);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1) {
		kore_log(LOG_ERR, "media: %s: %s", tmp, errno_s);
		kore_free(chunk);
		return (-1);
	}

	crypto_hash_sha256_init(&st);
	total = 0;
	for (;;) {
		if (got > 0) {
			crypto_hash_sha256_update(&st, chunk, got);
			if (write(fd, chunk, got) != (ssize_t)got)
				goto fail;
			total += got;
		}
		if ((n = http_file_read(f, chunk, MEDIA_CHUNK)) <= 0)
			break;
		got = n;
	}
	if (n == -1 || total != f->length || fsync(fd) == -1)
		goto fail;
	close(fd);
	kore_free(chunk);

	crypto_hash_sha256_final(&st, digest);
	core_hex(digest, sizeof(digest), up->sha);
	(void)snprintf(dst, sizeof(dst), "%s/orig/%s.%s", core_cfg.media_dir,
	    up->sha, core_image_ext(img->format));
	if (rename(tmp, dst) == -1) {
		kore_log(LOG_ERR, "media: rename %s: %s", dst, errno_s);
		(void)unlink(tmp);
		return (-1);
	}
	up->format = img->format;
	up->width = img->width;
	up->height = img->height;
	up->bytes = total;

	return (0);

fail:
	kore_log(LOG_ERR, "media: writing %s failed", tmp);
	close(fd);
	(void)unlink(tmp);
	kore_free(chunk);
	return (-1);
}

static int
media_refuse(struct http_request *req, int status, const char *why)
{
	struct core_ctx		*ctx = http_state_get(req);

	if (ctx != NULL && ctx->upload.refuse != NULL)
		return (ctx->upload.refuse(req, status, why));
	if (core_is_api(req))
		return (core_problem(req, status, status == 413 ?
		    "Too large" : "Invalid upload", why,
		    json_pack("{s:s}", "file", why)));

	return (core_error(req, status, why));
}
