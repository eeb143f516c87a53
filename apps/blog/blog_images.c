/*
 * Images in posts: uploaded while writing, stored and processed like
 * every upload (core media), and inserted into the Markdown as an image
 * of the display copy.
 */

#include <stdio.h>
#include <string.h>

#include "blog/blog.h"

/*
 * The core's media statements, read here by name: the upload's row
 * (core_media_upload fills the statement it is given) and a media
 * file's row (core_media_json, apps/core/media.c sql_media_get).
 */
enum upload_col {
	UPLOAD_COL_ID
};
enum media_col {
	MEDIA_COL_ID,
	MEDIA_COL_SHA,
	MEDIA_COL_FORMAT,
	MEDIA_COL_STATUS,
	MEDIA_COL_REASON,
	MEDIA_COL_WIDTH,
	MEDIA_COL_HEIGHT,
	MEDIA_COL_USER_ID
};

/* POST /api/v1/blog/images (multipart/form-data, field "file") */
CORE_HANDLER_NEED(blog_api_image_upload, CORE_NEED_CHANGE)
{
	struct core_db		*upload;
	json_t			*media;
	char			 md[128], loc[64];
	int64_t			 id;

	upload = &ctx->db[3];
	CORE_TRY(core_media_upload(req, ctx, upload, "file"));
	id = core_db_int(upload, 0, UPLOAD_COL_ID);
	CORE_TRY(core_media_json(req, &ctx->db[2], id, &media));

	(void)snprintf(md, sizeof(md), "![](/media/display/%s.jpg)",
	    ctx->upload.sha);
	(void)snprintf(loc, sizeof(loc), "/api/v1/media/%lld", (long long)id);
	http_response_header(req, "location", loc);

	return (core_json_send(req, 201, json_pack("{s:o, s:s}",
	    "media", media, "markdown", md)));
}

/*
 * GET /api/v1/media/{id}: whether the caller's upload is processed, or
 * why not.
 */
CORE_HANDLER_NEED(blog_api_media, CORE_NEED_USER)
{
	json_t			*media;
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/media/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));

	CORE_TRY(core_media_json(req, &ctx->db[0], id, &media));

	/* Only the uploader and admins follow an upload's processing. */
	if (core_db_int(&ctx->db[0], 0, MEDIA_COL_USER_ID) != ctx->user.id &&
	    ctx->user.role != CORE_ROLE_ADMIN) {
		json_decref(media);
		return (core_error(req, 404, "No such image."));
	}

	return (core_json_send(req, 200, json_pack("{s:o}", "media", media)));
}
