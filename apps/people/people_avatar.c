/*
 * Avatars: an image uploaded on /settings (POST /settings/avatar) or
 * through the API (POST /api/v1/me/avatar, multipart `file`), checked by
 * content as photos are (core_media_upload_as: JPEG, PNG or WebP, the
 * same size and pixel limits and quota), made into two squares by the
 * worker's avatar job; until they exist the pages draw the default.  A
 * new avatar replaces the old one, whose media row goes and whose files
 * a media_purge job removes (unless another row uses the same image);
 * removing one does the same.
 */

#include <string.h>

#include "people/people.h"

/*
 * $1 user, $2 the new avatar's media (NULL: none), $3 request id.  The
 * old avatar's row goes (with its purge job); the new one's avatar job
 * is queued here, in the same transaction, so it always finds the
 * media as the user's avatar; avatar_sha waits for it.  The columns of
 * people_me_col, then the jobs.
 */
static const char sql_avatar_set[] =
	"WITH o AS ("
	"  SELECT avatar_media_id AS id FROM users WHERE id = $1"
	"), u AS ("
	"  UPDATE users SET avatar_media_id = $2::bigint, avatar_sha = NULL"
	"   WHERE id = $1"
	"  RETURNING username, email, display_name, bio, website,"
	"            coalesce(avatar_sha, ''), avatar_media_id IS NOT NULL"
	"), d AS ("
	"  DELETE FROM media_files"
	"   WHERE id = (SELECT id FROM o) AND id IS DISTINCT FROM $2::bigint"
	"     AND user_id = $1"
	"  RETURNING sha256"
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'media_purge', 'default',"
	"         jsonb_build_object('sha256', sha256), $3 FROM d"
	"  UNION ALL"
	"  SELECT 'avatar', 'default',"
	"         jsonb_build_object('media_id', $2::bigint), $3 FROM u"
	"   WHERE $2::bigint IS NOT NULL"
	   CORE_JOB_RETURNING
	")"
	"SELECT u.*, " CORE_JOBS_JSON("j") " FROM u";
#define AVATAR_SET_JOBS		(ME_AVATAR_SET + 1)

/* What core_media_upload_as() leaves in its statement (core/media.c). */
enum { UPLOAD_ID, UPLOAD_JOBS };

static int	avatar_refused(struct http_request *, int, const char *);
static int	avatar_limit(struct http_request *, struct core_ctx *);

/*
 * Make the uploaded image in multipart field "file" the user's avatar,
 * in slots 1 (the media) and 0 (the user: people_me_col).  Refusals are
 * answered (4xx) by the upload and nothing changes.
 */
int
people_avatar_upload(struct http_request *req, struct core_ctx *ctx)
{
	struct core_db	*up = &ctx->db[1];
	struct core_num	 uid, mid;
	const char	*params[3];

	CORE_TRY(avatar_limit(req, ctx));
	CORE_TRY(core_media_upload_as(req, ctx, up, "file",
	    CORE_MEDIA_AVATAR));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = core_num(&mid, core_db_int(up, 0, UPLOAD_ID));
	params[2] = ctx->request_id;
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_avatar_set, 3, params));
	core_jobs_push(&ctx->db[0], 0, AVATAR_SET_JOBS);
	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 404, NULL));
	core_revoke_changed(ctx->user.id);

	return (CORE_OK);
}

/* Remove the user's avatar (slot 0: people_me_col); the default returns. */
int
people_avatar_remove(struct http_request *req, struct core_ctx *ctx)
{
	struct core_num	 uid;
	const char	*params[3];

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = NULL;
	params[2] = ctx->request_id;
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_avatar_set, 3, params));
	core_jobs_push(&ctx->db[0], 0, AVATAR_SET_JOBS);
	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 404, NULL));
	core_revoke_changed(ctx->user.id);

	return (CORE_OK);
}

/* POST /settings/avatar (multipart: file, _csrf). */
CORE_HANDLER_NEED(people_settings_avatar, CORE_NEED_CHANGE)
{
	ctx->upload.refuse = avatar_refused;
	CORE_TRY(people_avatar_upload(req, ctx));
	core_redirect(req, "/settings?saved=avatar#avatar");
	return (CORE_DONE);
}

/* POST /settings/avatar/remove */
CORE_HANDLER_NEED(people_settings_avatar_remove, CORE_NEED_CHANGE)
{
	CORE_TRY(people_avatar_remove(req, ctx));
	core_redirect(req, "/settings?saved=avatar-removed#avatar");
	return (CORE_DONE);
}

/*
 * POST /api/v1/me/avatar (multipart: file): 202 with the user's fields
 * (the copies are being made: "avatar_processing"); DELETE: 200, the
 * avatar removed.  Refused files are problem+json 413 or 422.
 */
CORE_HANDLER_NEED(people_api_me_avatar, CORE_NEED_CHANGE)
{
	if (req->method == HTTP_METHOD_DELETE) {
		CORE_TRY(people_avatar_remove(req, ctx));
		return (core_json_send(req, 200, json_pack("{s:o}", "user",
		    people_json_me(&ctx->db[0]))));
	}

	CORE_TRY(people_avatar_upload(req, ctx));
	return (core_json_send(req, 202, json_pack("{s:o}", "user",
	    people_json_me(&ctx->db[0]))));
}

static int
avatar_limit(struct http_request *req, struct core_ctx *ctx)
{
	return (core_limit_user(req, ctx, "avatars", LIMIT_AVATARS_MAX,
	    LIMIT_AVATARS_WINDOW, "You have changed your avatar many times "
	    "in the last hour. Try again later."));
}

/* A refused file on the page: the form again, saying why. */
static int
avatar_refused(struct http_request *req, int status, const char *why)
{
	struct kore_buf		*buf;

	buf = core_page_open(req, "Avatar");
	core_html_appendf(buf, "<div class=\"settings\">\n<h1>Avatar</h1>\n"
	    "<p class=\"form-error\" role=\"alert\">Your avatar was not "
	    "changed: %s</p>\n", why);
	people_render_avatar_form(req, buf);
	core_html_appendf(buf, "<p><a href=\"/settings\">Back to settings</a>"
	    "</p>\n</div>\n");

	return (core_page_close(req, status, buf));
}

/* The upload form (written here: core_form_open() has no enctype). */
void
people_render_avatar_form(struct http_request *req, struct kore_buf *buf)
{
	core_html_appendf(buf, "<form method=\"post\" action=\"/settings/avatar"
	    "\" enctype=\"multipart/form-data\" class=\"avatar-upload\">");
	core_form_csrf(req, buf);
	core_html_appendf(buf, "<label>Image (JPEG, PNG or WebP, up to %lld "
	    "MB)<input type=\"file\" name=\"file\" accept=\"image/jpeg,"
	    "image/png,image/webp\" required></label>\n<small>Cropped to a "
	    "square around what matters in it.</small>\n"
	    "<button type=\"submit\">Upload avatar</button></form>\n",
	    (long long)(core_cfg.upload_max_bytes / (1024 * 1024)));
}
