/*
 * The photos' JSON API under /api/v1/photos: everything the pages do.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photos/photos.h"

int	photos_api_photos(struct http_request *);
int	photos_api_photo(struct http_request *);
int	photos_api_tag(struct http_request *);
int	photos_api_comment_delete(struct http_request *);

static int	api_list(struct http_request *, struct core_ctx *,
		    const char *, const char *);
static int	api_create(struct http_request *, struct core_ctx *);
static int	api_comments(struct http_request *, struct core_ctx *,
		    int64_t);
static int	api_photo_send(struct http_request *, struct core_ctx *,
		    struct core_db *, int);
static int	list_limit(struct http_request *, int *);

/* GET ?cursor=&limit=&user= and POST (multipart: file, caption) */
int
photos_api_photos(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*user;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	if (req->method == HTTP_METHOD_POST) {
		if ((rc = core_require_user(req, ctx)) != CORE_OK)
			return (core_yield(rc));
		if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
			return (core_yield(rc));
		return (core_yield(api_create(req, ctx)));
	}

	http_populate_get(req);
	user = core_form_get(req, "user");
	return (core_yield(api_list(req, ctx, user != NULL ? "user" : "feed",
	    user)));
}

/* GET /api/v1/photos/tags/{tag} */
int
photos_api_tag(struct http_request *req)
{
	struct core_ctx		*ctx;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	http_populate_get(req);
	/* The route admits only [a-z0-9_]{1,50}. */
	return (core_yield(api_list(req, ctx, "tag",
	    req->path + strlen("/api/v1/photos/tags/"))));
}

/*
 * GET, DELETE /api/v1/photos/{id}; POST, DELETE …/like; GET, POST
 * …/comments; POST …/report {reason}; POST …/people {username}.
 */
int
photos_api_photo(struct http_request *req)
{
	struct core_ctx		*ctx;
	json_t			*body;
	const char		*rest;
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/api/v1/photos/", &id, &rest) == -1)
		return (core_yield(core_error(req, 404, NULL)));

	if (!strcmp(rest, "/comments"))
		return (core_yield(api_comments(req, ctx, id)));

	if (req->method == HTTP_METHOD_GET) {
		if (*rest != '\0')
			return (core_yield(core_error(req, 404, NULL)));
		if ((rc = photos_load(req, ctx, &ctx->db[0], id)) != CORE_OK)
			return (core_yield(rc));
		return (core_yield(api_photo_send(req, ctx, &ctx->db[0],
		    200)));
	}

	if ((rc = core_require_user(req, ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	if (*rest == '\0' && req->method == HTTP_METHOD_DELETE) {
		if ((rc = photos_delete(req, ctx, id)) != CORE_OK)
			return (core_yield(rc));
		http_response(req, 204, NULL, 0);
		return (KORE_RESULT_OK);
	}
	if (!strcmp(rest, "/like")) {
		if ((rc = photos_like(req, ctx, &ctx->db[1], id,
		    req->method == HTTP_METHOD_POST)) != CORE_OK)
			return (core_yield(rc));
		return (core_yield(core_json_send(req, 200, json_pack(
		    "{s:I, s:b}", "like_count",
		    (json_int_t)core_db_int(&ctx->db[1], 0, 0), "liked",
		    req->method == HTTP_METHOD_POST))));
	}
	if (req->method != HTTP_METHOD_POST)
		return (core_yield(core_error(req, 405, NULL)));

	if ((rc = core_json_body(req, ctx, &body)) != CORE_OK)
		return (core_yield(rc));
	if (!strcmp(rest, "/report")) {
		if ((rc = photos_report(req, ctx, id,
		    core_json_str(body, "reason"))) != CORE_OK)
			return (core_yield(rc));
		return (core_yield(core_json_send(req, 202,
		    json_pack("{s:b}", "reported", 1))));
	}
	if (!strcmp(rest, "/people")) {
		if ((rc = photos_person_add(req, ctx, id,
		    core_json_str(body, "username"))) != CORE_OK)
			return (core_yield(rc));
		if ((rc = photos_load(req, ctx, &ctx->db[0], id)) != CORE_OK)
			return (core_yield(rc));
		return (core_yield(api_photo_send(req, ctx, &ctx->db[0],
		    200)));
	}

	return (core_yield(core_error(req, 404, NULL)));
}

/* DELETE /api/v1/photos/comments/{id} */
int
photos_api_comment_delete(struct http_request *req)
{
	struct core_ctx		*ctx;
	const char		*rest;
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/api/v1/photos/comments/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_yield(core_error(req, 404, NULL)));
	if ((rc = photos_comment_delete(req, ctx, id)) != CORE_OK)
		return (core_yield(rc));

	http_response(req, 204, NULL, 0);
	return (KORE_RESULT_OK);
}

/*
 * A page of photos as JSON.  The first page of the feed for signed-out
 * readers (no "liked" to personalise) comes from the one-second cache.
 */
static int
api_list(struct http_request *req, struct core_ctx *ctx, const char *mode,
    const char *arg)
{
	struct core_db		*db = &ctx->db[0];
	const u_int8_t		*cached;
	json_t			*list;
	const char		*next, *cursor;
	char			 key[CORE_CACHE_KEY_MAX], *text;
	size_t			 len;
	int			 rc, i, limit, rows;

	if ((rc = list_limit(req, &limit)) != CORE_OK)
		return (rc);
	cursor = core_form_get(req, "cursor");
	key[0] = '\0';
	if (!strcmp(mode, "feed") && cursor == NULL && ctx->user.id == 0)
		(void)snprintf(key, sizeof(key), "photos:feed:json:%d", limit);
	if (key[0] != '\0' && ctx->stage == 0 &&
	    (cached = core_cache_get(key, &len)) != NULL)
		return (core_json_send_raw(req, cached, len));
	ctx->stage = 1;

	if ((rc = photos_list(req, ctx, db, mode, arg, cursor, limit)) !=
	    CORE_OK)
		return (rc);

	rows = core_db_rows(db);
	list = json_array();
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(list, photos_json(db, i,
		    core_db_int(db, i, PH_COL_OWNER_ID) == ctx->user.id));
	next = rows > limit ? core_db_value(db, limit - 1, PH_COL_CURSOR) :
	    NULL;

	text = core_json_text(json_pack("{s:o, s:s?}", "photos", list,
	    "next_cursor", next));
	if (text == NULL)
		return (core_error(req, 500, NULL));
	if (key[0] != '\0')
		core_cache_put(key, text, strlen(text));
	rc = core_json_send_raw(req, text, strlen(text));
	free(text);

	return (rc);
}

static int
list_limit(struct http_request *req, int *limit)
{
	const char	*v;
	int		 err;

	*limit = PHOTOS_PAGE;
	if ((v = core_form_get(req, "limit")) == NULL)
		return (CORE_OK);
	*limit = kore_strtonum(v, 10, 1, PHOTOS_LIMIT_MAX, &err);
	if (err != KORE_RESULT_OK)
		return (core_bad_param(req, "limit", "From 1 to 100."));

	return (CORE_OK);
}

static int
api_create(struct http_request *req, struct core_ctx *ctx)
{
	json_t		*errors;
	const char	*caption;
	char		 loc[64];
	int		 rc;

	/* The caption is checked before the file is stored. */
	if ((rc = core_form_load(req, ctx)) != CORE_OK)
		return (rc);
	caption = core_form_get(req, "caption");
	if (photos_caption_check(caption, &errors) == -1)
		return (core_problem(req, 422, "Invalid input",
		    "The caption is not valid.", errors));

	if ((rc = core_media_upload(req, ctx, "file")) != CORE_OK)
		return (rc);
	if ((rc = photos_create(req, ctx, caption != NULL ? caption : "")) !=
	    CORE_OK)
		return (rc);
	if ((rc = photos_load(req, ctx, &ctx->db[1],
	    core_db_int(&ctx->db[0], 0, 0))) != CORE_OK)
		return (rc);

	(void)snprintf(loc, sizeof(loc), "/api/v1/photos/%lld",
	    (long long)core_db_int(&ctx->db[0], 0, 0));
	http_response_header(req, "location", loc);

	return (api_photo_send(req, ctx, &ctx->db[1], 201));
}

static int
api_comments(struct http_request *req, struct core_ctx *ctx, int64_t id)
{
	struct core_db		*db;
	json_t			*body, *errors, *list;
	const char		*text;
	char			 loc[64];
	int			 rc, i;

	if (req->method == HTTP_METHOD_POST) {
		if ((rc = core_require_user(req, ctx)) != CORE_OK)
			return (rc);
		if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
			return (rc);
		if ((rc = core_json_body(req, ctx, &body)) != CORE_OK)
			return (rc);
		text = core_json_str(body, "body");
		if (photos_comment_check(text, &errors) == -1)
			return (core_problem(req, 422, "Invalid input",
			    "The comment is not valid.", errors));
		if ((rc = photos_comment_add(req, ctx, id, text)) != CORE_OK)
			return (rc);
		(void)snprintf(loc, sizeof(loc), "/api/v1/photos/%lld/comments",
		    (long long)id);
		http_response_header(req, "location", loc);
		return (core_json_send(req, 201, json_pack(
		    "{s:{s:I, s:I, s:s, s:s, s:s, s:b}}", "comment",
		    "id", (json_int_t)core_db_int(&ctx->db[0], 0, 0),
		    "photo_id", (json_int_t)id,
		    "author", ctx->user.username,
		    "body", text,
		    "created_at", core_db_value(&ctx->db[0], 0, 1),
		    "hidden", 0)));
	}
	if (req->method != HTTP_METHOD_GET)
		return (core_error(req, 405, NULL));

	if ((rc = photos_load(req, ctx, &ctx->db[1], id)) != CORE_OK)
		return (rc);
	db = &ctx->db[2];
	if ((rc = photos_comments_load(req, ctx, db, id)) != CORE_OK)
		return (rc);

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, json_pack(
		    "{s:I, s:I, s:s, s:s, s:s, s:b}",
		    "id", (json_int_t)core_db_int(db, i, 0),
		    "photo_id", (json_int_t)id,
		    "author", core_db_value(db, i, 3),
		    "body", core_db_value(db, i, 1),
		    "created_at", core_db_value(db, i, 2),
		    "hidden", !strcmp(core_db_value(db, i, 5), "t")));

	return (core_json_send(req, 200, json_pack("{s:o}", "comments",
	    list)));
}

static int
api_photo_send(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int status)
{
	return (core_json_send(req, status, json_pack("{s:o}", "photo",
	    photos_json(db, 0, core_db_int(db, 0, PH_COL_OWNER_ID) ==
	    ctx->user.id || ctx->user.role == CORE_ROLE_ADMIN))));
}
