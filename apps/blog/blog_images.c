/*
 * Images in posts: uploaded while writing, stored and processed like
 * every upload (core media), and inserted into the Markdown as an image
 * of the display copy.
 */

#include <stdio.h>
#include <string.h>

#include "blog/blog.h"

int	blog_api_image_upload(struct http_request *);
int	blog_api_media(struct http_request *);

/* POST /api/v1/blog/images (multipart/form-data, field "file") */
int
blog_api_image_upload(struct http_request *req)
{
	struct core_ctx		*ctx;
	json_t			*media;
	char			 md[128], loc[64];
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));

	if ((rc = core_media_upload(req, ctx, "file")) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_media_json(req, &ctx->db[2],
	    core_db_int(&ctx->db[3], 0, 0), &media)) != CORE_OK)
		return (core_yield(rc));

	(void)snprintf(md, sizeof(md), "![](/media/display/%s.jpg)",
	    ctx->upload.sha);
	(void)snprintf(loc, sizeof(loc), "/api/v1/media/%lld",
	    (long long)core_db_int(&ctx->db[3], 0, 0));
	http_response_header(req, "location", loc);

	return (core_yield(core_json_send(req, 201, json_pack("{s:o, s:s}",
	    "media", media, "markdown", md))));
}

/*
 * GET /api/v1/media/{id}: whether the caller's upload is processed, or
 * why not.
 */
int
blog_api_media(struct http_request *req)
{
	struct core_ctx		*ctx;
	json_t			*media;
	const char		*rest;
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_user(req, ctx)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/api/v1/media/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_yield(core_error(req, 404, NULL)));

	if ((rc = core_media_json(req, &ctx->db[0], id, &media)) != CORE_OK)
		return (core_yield(rc));

	/* Only the uploader and admins follow an upload's processing. */
	if (core_db_int(&ctx->db[0], 0, 7) != ctx->user.id &&
	    ctx->user.role != CORE_ROLE_ADMIN) {
		json_decref(media);
		return (core_yield(core_error(req, 404, "No such image.")));
	}

	return (core_yield(core_json_send(req, 200,
	    json_pack("{s:o}", "media", media))));
}
