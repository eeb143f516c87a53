/*
 * Several images of one form at once (a photo album): each checked and
 * stored as core_media_upload() does one, then all recorded by one
 * statement, so that one bad file refuses that file only and the quota
 * counts them together.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "image_probe.h"

/*
 * The kept files ($2: a JSON array of {sha256, format, bytes, width,
 * height}, in order), each recorded while the user's images in use
 * stay within the quota ($4 bytes), counting the batch's earlier files;
 * a thumbnail job for each one recorded, a media_purge job for each one
 * over the quota.  Ids are drawn first so that the answer says which
 * file became which row: (JSON array of ids, null for a file refused,
 * jobs).
 */
static const char sql_batch_insert[] =
	"WITH f AS ("
	"  SELECT x.n, x.e->>'sha256' AS sha256, x.e->>'format' AS format,"
	"         (x.e->>'bytes')::bigint AS bytes,"
	"         (x.e->>'width')::int AS width,"
	"         (x.e->>'height')::int AS height"
	"    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(e, n)"
	"), used AS ("
	"  SELECT coalesce(sum(bytes), 0) AS b FROM media_files"
	"   WHERE user_id = $1::bigint AND NOT withdrawn"
	"), q AS MATERIALIZED ("
	"  SELECT f.*, CASE WHEN used.b + sum(f.bytes) OVER (ORDER BY f.n)"
	"         <= $4::bigint THEN nextval('media_files_id_seq') END AS id"
	"    FROM f, used"
	"), m AS ("
	"  INSERT INTO media_files (id, user_id, sha256, format, bytes, width,"
	"         height)"
	"  SELECT id, $1::bigint, sha256, format, bytes, width, height FROM q"
	"   WHERE id IS NOT NULL RETURNING id"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'thumbnail', 'default', jsonb_build_object('media_id', m.id),"
	"         $3 FROM m"
	"  UNION ALL"
	"  SELECT 'media_purge', 'default', jsonb_build_object('sha256',"
	"         q.sha256), $3 FROM q WHERE q.id IS NULL"
	   CORE_JOB_RETURNING
	")"
	"SELECT (SELECT json_agg(id ORDER BY n) FROM q)::text, "
	CORE_JOBS_JSON("j");
enum { BATCH_IDS, BATCH_JOBS };

static int	batch_store(struct http_request *, struct core_ctx *,
		    const char *, struct core_media_batch *);
static int	batch_refuse(struct http_request *, int, const char *);
static char	*batch_files_json(struct core_media_batch *);

/*
 * Take every image of multipart field `field` (at most
 * CORE_MEDIA_BATCH_MAX, else 422): each one is checked and stored, or
 * refused with its reason in `b`; the kept ones are recorded with their
 * thumbnail jobs in `db`.  CORE_OK even when none was kept (b->kept is
 * 0, each item says why): the caller answers.  No file at all, or too
 * many, is answered 422 as core_media_upload() answers (ctx->upload's
 * refuse hook).  `b` is the caller's, zeroed before the first call, and
 * must outlive the request's retries.
 */
int
core_media_upload_batch(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *field, struct core_media_batch *b)
{
	struct core_num		 uid;
	struct core_media_item	*it;
	json_t			*ids;
	const char		*params[4];
	char			 quota[24], *files;
	int			 i, rc;

	if (b->recorded)
		return (CORE_OK);
	if (!b->stored) {
		CORE_TRY(batch_store(req, ctx, field, b));
		b->stored = 1;
	}
	for (i = 0; i < b->count && b->item[i].status != 0; i++)
		;
	if (i == b->count) {
		b->recorded = 1;
		return (CORE_OK);
	}

	if ((files = batch_files_json(b)) == NULL)
		return (core_error(req, 500, NULL));
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = files;
	params[2] = ctx->request_id;
	(void)snprintf(quota, sizeof(quota), "%llu",
	    (unsigned long long)core_cfg.upload_quota_bytes);
	params[3] = quota;
	rc = core_db_run(req, db, sql_batch_insert, 4, params);
	kore_free(files);
	if (rc != CORE_OK)
		return (rc);
	core_jobs_push(db, 0, BATCH_JOBS);

	ids = json_loads(core_db_value(db, 0, BATCH_IDS), 0, NULL);
	b->kept = 0;
	rc = 0;
	for (i = 0; i < b->count; i++) {
		it = &b->item[i];
		if (it->status != 0)
			continue;
		if (!json_is_integer(json_array_get(ids, rc))) {
			it->status = 413;
			it->why = CORE_MEDIA_QUOTA_WHY;
		} else {
			it->media_id = json_integer_value(json_array_get(ids,
			    rc));
			b->kept++;
		}
		rc++;
	}
	json_decref(ids);
	b->recorded = 1;

	return (CORE_OK);
}

/* Check and store each file of `field` into `b`. */
static int
batch_store(struct http_request *req, struct core_ctx *ctx,
    const char *field, struct core_media_batch *b)
{
	struct core_media_item	*it;
	struct http_file	*f;
	size_t			 len;
	int			 n;

	CORE_TRY(core_form_load(req, ctx));
	n = 0;
	TAILQ_FOREACH(f, &req->files, list) {
		if (!strcmp(f->name, field))
			n++;
	}
	if (n == 0)
		return (batch_refuse(req, 422, "Choose an image file."));
	if (n > CORE_MEDIA_BATCH_MAX)
		return (batch_refuse(req, 422, "An album has at most 10 "
		    "photos."));

	b->count = 0;
	TAILQ_FOREACH(f, &req->files, list) {
		if (strcmp(f->name, field))
			continue;
		it = &b->item[b->count++];
		(void)snprintf(it->name, sizeof(it->name), "%s",
		    f->filename != NULL ? f->filename : "");
		/* A name cut inside a character is cut before it. */
		len = strlen(it->name);
		while (len > 0 && !core_utf8_valid(it->name, len))
			it->name[--len] = '\0';
		if (f->length == 0) {
			it->status = 422;
			it->why = "The file is empty.";
		} else if (f->length > core_cfg.upload_max_bytes) {
			it->status = 413;
			it->why = "The file is larger than the upload limit.";
		} else if (core_media_keep(f, &it->up, &it->status,
		    &it->why) == -1) {
			if (it->status == 500)
				return (core_error(req, 500, NULL));
		} else
			it->status = 0;
	}

	return (CORE_OK);
}

/* As media.c answers a refused upload: the page's hook, or a problem. */
static int
batch_refuse(struct http_request *req, int status, const char *why)
{
	struct core_ctx		*ctx = http_state_get(req);

	if (ctx != NULL && ctx->upload.refuse != NULL)
		return (ctx->upload.refuse(req, status, why));
	if (core_is_api(req))
		return (core_problem(req, status, "Invalid upload", why,
		    json_pack("{s:s}", "file", why)));

	return (core_error(req, status, why));
}

/* The stored files of `b`, in order, as the statement reads them;
 * NULL when out of memory. */
static char *
batch_files_json(struct core_media_batch *b)
{
	struct core_media_item	*it;
	json_t			*list;
	char			*text, *copy;
	int			 i;

	list = json_array();
	for (i = 0; i < b->count; i++) {
		it = &b->item[i];
		if (it->status != 0)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:i, "
		    "s:i}", "sha256", it->up.sha,
		    "format", core_image_format_name(it->up.format),
		    "bytes", (json_int_t)it->up.bytes,
		    "width", (int)it->up.width, "height", (int)it->up.height));
	}
	text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	if (text == NULL)
		return (NULL);
	copy = kore_strdup(text);
	free(text);

	return (copy);
}
