/*
 * The photos' JSON API under /api/v1/photos: everything the pages do.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photos/photos.h"

static int	api_list(struct http_request *, struct core_ctx *,
		    const char *, const char *);
static int	api_create(struct http_request *, struct core_ctx *);
static int	api_change(struct http_request *, struct core_ctx *,
		    int64_t, const char *);
static int	api_comments(struct http_request *, struct core_ctx *,
		    int64_t);
static int	api_comment_add(struct http_request *, struct core_ctx *,
		    int64_t);
static int	api_photo_send(struct http_request *, struct core_ctx *,
		    struct core_db *, int);
static int	list_limit(struct http_request *, int *);
static int	api_correct(struct http_request *, struct core_ctx *,
		    int64_t, json_t *);
static int	api_edit(struct http_request *, struct core_ctx *,
		    int64_t);

/*
 * GET ?cursor=&limit=&user= or ?feed=following|explore, and POST
 * (multipart: file, caption)
 */
CORE_HANDLER(photos_api_photos)
{
	const char		*user, *feed;

	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_need(req, ctx, CORE_NEED_CHANGE));
		return (api_create(req, ctx));
	}

	http_populate_get(req);
	user = core_form_get(req, "user");
	if ((feed = core_form_get(req, "feed")) == NULL || user != NULL)
		feed = user != NULL ? "user" : "feed";
	if (strcmp(feed, "feed") && strcmp(feed, "following") &&
	    strcmp(feed, "explore") && strcmp(feed, "user"))
		return (core_bad_param(req, "feed", "following or explore."));
	if (!strcmp(feed, "following"))
		CORE_TRY(core_need(req, ctx, CORE_NEED_USER));
	return (api_list(req, ctx, feed, user));
}

/* GET /api/v1/photos/tags/{tag} */
CORE_HANDLER(photos_api_tag)
{
	http_populate_get(req);
	/* The route admits only [a-z0-9_]{1,50}. */
	return (api_list(req, ctx, "tag",
	    req->path + strlen("/api/v1/photos/tags/")));
}

/*
 * GET, PATCH {caption, alt_text}, DELETE /api/v1/photos/{id}; POST,
 * DELETE …/like and …/save; GET, POST
 * …/comments; POST …/report {reason}; POST …/people {username};
 * POST …/corrections {tag, action: "remove" | "add"} (add: "cat" only).
 */
CORE_HANDLER(photos_api_photo)
{
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/photos/", &id, &rest) == -1)
		return (core_error(req, 404, NULL));

	if (!strcmp(rest, "/comments"))
		return (api_comments(req, ctx, id));

	if (req->method == HTTP_METHOD_GET) {
		if (*rest != '\0')
			return (core_error(req, 404, NULL));
		CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));
		return (api_photo_send(req, ctx, &ctx->db[0], 200));
	}

	CORE_TRY(core_need(req, ctx, CORE_NEED_CHANGE));
	return (api_change(req, ctx, id, rest));
}

/* DELETE /api/v1/photos/comments/{id} */
CORE_HANDLER_NEED(photos_api_comment_delete, CORE_NEED_CHANGE)
{
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/photos/comments/", &id, &rest) == -1 ||
	    *rest != '\0')
		return (core_error(req, 404, NULL));
	CORE_TRY(photos_comment_delete(req, ctx, &ctx->db[0], id));

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}

/* The changes to photo `id` a signed-in user makes; `rest` says which. */
static int
api_change(struct http_request *req, struct core_ctx *ctx, int64_t id,
    const char *rest)
{
	json_t		*body;

	if (*rest == '\0' && req->method == HTTP_METHOD_PATCH)
		return (api_edit(req, ctx, id));
	if (*rest == '\0' && req->method == HTTP_METHOD_DELETE) {
		CORE_TRY(photos_delete(req, ctx, &ctx->db[1], id));
		http_response(req, 204, NULL, 0);
		return (CORE_DONE);
	}
	if (!strcmp(rest, "/like")) {
		if (req->method != HTTP_METHOD_POST &&
		    req->method != HTTP_METHOD_DELETE)
			return (core_error(req, 405, NULL));
		CORE_TRY(photos_like(req, ctx, &ctx->db[1], id,
		    req->method == HTTP_METHOD_POST));
		return (core_json_send(req, 200, json_pack("{s:I, s:b}",
		    "like_count", (json_int_t)core_db_int(&ctx->db[1], 0,
		    PH_LIKE_COUNT), "liked", req->method == HTTP_METHOD_POST)));
	}
	if (!strcmp(rest, "/save")) {
		if (req->method != HTTP_METHOD_POST &&
		    req->method != HTTP_METHOD_DELETE)
			return (core_error(req, 405, NULL));
		CORE_TRY(photos_save(req, ctx, &ctx->db[1], id,
		    req->method == HTTP_METHOD_POST));
		return (core_json_send(req, 200, json_pack("{s:I, s:b}",
		    "photo_id", (json_int_t)id, "saved",
		    req->method == HTTP_METHOD_POST)));
	}
	if (req->method != HTTP_METHOD_POST)
		return (core_error(req, 405, NULL));

	CORE_TRY(core_json_body(req, ctx, &body));
	if (!strcmp(rest, "/report")) {
		CORE_TRY(photos_report(req, ctx, &ctx->db[0], id,
		    core_json_str(body, "reason")));
		return (core_json_send(req, 202,
		    json_pack("{s:b}", "reported", 1)));
	}
	if (!strcmp(rest, "/corrections")) {
		CORE_TRY(api_correct(req, ctx, id, body));
		CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));
		return (api_photo_send(req, ctx, &ctx->db[0], 200));
	}
	if (!strcmp(rest, "/people")) {
		CORE_TRY(photos_person_add(req, ctx, &ctx->db[1], id,
		    core_json_str(body, "username")));
		CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));
		return (api_photo_send(req, ctx, &ctx->db[0], 200));
	}

	return (core_error(req, 404, NULL));
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

	CORE_TRY(list_limit(req, &limit));
	cursor = core_form_get(req, "cursor");
	key[0] = '\0';
	if (!strcmp(mode, "feed") && cursor == NULL && ctx->user.id == 0)
		(void)snprintf(key, sizeof(key), "photos:feed:json:%d", limit);
	if (key[0] != '\0' && ctx->stage == 0 &&
	    (cached = core_cache_get(key, &len)) != NULL)
		return (core_json_send_raw(req, cached, len));
	ctx->stage = 1;

	CORE_TRY(photos_list(req, ctx, db, mode, arg, cursor, limit));

	rows = core_db_rows(db);
	list = json_array();
	for (i = 0; i < rows && i < limit; i++)
		json_array_append_new(list, photos_json(db, i,
		    core_db_int(db, i, PH_COL_OWNER_ID) == ctx->user.id));
	next = rows > limit && strcmp(mode, "explore") ?
	    core_db_value(db, limit - 1, PH_COL_CURSOR) : NULL;

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

/* {tag, action}: remove a detected tag, or add "cat". */
static int
api_correct(struct http_request *req, struct core_ctx *ctx, int64_t id,
    json_t *body)
{
	const char	*action, *tag;

	action = core_json_str(body, "action");
	tag = core_json_str(body, "tag");
	if (action == NULL || (strcmp(action, "remove") &&
	    strcmp(action, "add")))
		return (core_bad_param(req, "action", "remove or add."));
	if (!strcmp(action, "add") && (tag == NULL || strcmp(tag, "cat")))
		return (core_bad_param(req, "tag", "Only \"cat\" can be "
		    "added: other tags come from the caption."));

	return (photos_correct(req, ctx, &ctx->db[1], id, tag,
	    !strcmp(action, "add") ? PHOTOS_CORRECT_CAT :
	    PHOTOS_CORRECT_REMOVE));
}

/*
 * PATCH /api/v1/photos/{id} {caption?, alt_text?}: the owner's edit; a
 * field left out keeps its value.
 */
static int
api_edit(struct http_request *req, struct core_ctx *ctx, int64_t id)
{
	json_t		*body, *errors, *v, *items;
	const char	*caption, *alt;
	int		 rc;

	CORE_TRY(core_json_body(req, ctx, &body));
	CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));
	if (core_db_int(&ctx->db[0], 0, PH_COL_OWNER_ID) != ctx->user.id)
		return (core_error(req, 403, "Only its owner can edit a "
		    "photo's caption and alt text."));

	caption = core_db_value(&ctx->db[0], 0, PH_COL_CAPTION);
	alt = core_db_value(&ctx->db[0], 0, PH_COL_ALT_TEXT);
	if ((v = json_object_get(body, "caption")) != NULL) {
		if (!json_is_string(v))
			return (core_bad_param(req, "caption", "A string."));
		caption = json_string_value(v);
	}
	if ((v = json_object_get(body, "alt_text")) != NULL) {
		if (!json_is_string(v))
			return (core_bad_param(req, "alt_text", "A string."));
		alt = json_string_value(v);
	}
	if (photos_caption_check(caption, &errors) == -1)
		return (core_problem(req, 422, "Invalid input",
		    "The caption is not valid.", errors));
	if (photos_alt_check(alt, &errors) == -1)
		return (core_problem(req, 422, "Invalid input",
		    "The alt text is not valid.", errors));
	items = NULL;
	if ((v = json_object_get(body, "items")) != NULL &&
	    photos_edit_items_json(v, &alt, &items, &errors) == -1) {
		if (errors == NULL)
			return (core_bad_param(req, "items", "A list of "
			    "{position, alt_text}, positions 0 to 9."));
		return (core_problem(req, 422, "Invalid input",
		    "An alt text is not valid.", errors));
	}

	rc = photos_edit(req, ctx, &ctx->db[1], id, caption, alt, items);
	json_decref(items);
	if (rc != CORE_OK)
		return (rc);
	CORE_TRY(photos_load(req, ctx, &ctx->db[2], id));

	return (api_photo_send(req, ctx, &ctx->db[2], 200));
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

/*
 * POST /api/v1/photos (multipart: file, up to 10 for an album; caption;
 * alt_text, alt_text_2, … or one alt per file): 201 with the photo and
 * the files refused ("refused": [{file, name, reason, status}]), or 413
 * or 422 when none could be kept (errors.file, and "refused" beside).
 */
static int
api_create(struct http_request *req, struct core_ctx *ctx)
{
	struct photos_new_in	 in;
	struct core_media_batch	*b;
	struct core_num		 n;
	struct kore_buf		 why;
	json_t			*o, *errors;
	char			 loc[64];
	int64_t			 id;
	int			 i, status, rc;

	/* The caption and alt texts are checked before the files are kept. */
	CORE_TRY(core_form_load(req, ctx));
	photos_new_read(req, &in);
	if (in.errors != NULL)
		return (core_problem(req, 422, "Invalid input", "The caption "
		    "or an alt text is not valid.", in.errors));

	b = photos_batch(ctx);
	CORE_TRY(core_media_upload_batch(req, ctx, &ctx->db[3], "file", b));
	if (b->kept == 0) {
		status = 422;
		for (i = 0; i < b->count; i++)
			if (b->item[i].status == 413)
				status = 413;
		kore_buf_init(&why, 256);
		if (b->count == 1)
			kore_buf_appendf(&why, "%s", b->item[0].why);
		else {
			kore_buf_appendf(&why, "None of the photos could be "
			    "posted.");
			photos_refused_text(&why, b);
		}
		errors = json_pack("{s:{s:s}, s:o}", "errors", "file",
		    kore_buf_stringify(&why, NULL), "refused",
		    photos_refused_json(b));
		rc = core_problem_extra(req, status, "about:blank",
		    status == 413 ? "Too large" : "Invalid upload",
		    kore_buf_stringify(&why, NULL), errors);
		kore_buf_cleanup(&why);
		return (rc);
	}
	CORE_TRY(photos_create(req, ctx, &ctx->db[0], b, &in, &id));
	CORE_TRY(photos_load(req, ctx, &ctx->db[1], id));

	(void)snprintf(loc, sizeof(loc), "/api/v1/photos/%s",
	    core_num(&n, id));
	http_response_header(req, "location", loc);

	o = photos_json(&ctx->db[1], 0, 1);
	return (core_json_send(req, 201, json_pack("{s:o, s:o}", "photo", o,
	    "refused", photos_refused_json(b))));
}

/* GET and POST /api/v1/photos/{id}/comments */
static int
api_comments(struct http_request *req, struct core_ctx *ctx, int64_t id)
{
	struct core_db		*db;
	json_t			*list;
	int			 i;

	if (req->method == HTTP_METHOD_POST)
		return (api_comment_add(req, ctx, id));
	if (req->method != HTTP_METHOD_GET)
		return (core_error(req, 405, NULL));

	CORE_TRY(photos_load(req, ctx, &ctx->db[1], id));
	db = &ctx->db[2];
	CORE_TRY(photos_comments_load(req, ctx, db, id));

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, photos_comment_json(db, i, id));

	return (core_json_send(req, 200, json_pack("{s:o}", "comments",
	    list)));
}

static int
api_comment_add(struct http_request *req, struct core_ctx *ctx, int64_t id)
{
	struct core_db		*db = &ctx->db[0];
	struct core_num		 n;
	json_t			*body, *errors;
	const char		*text;
	char			 loc[64];

	CORE_TRY(core_need(req, ctx, CORE_NEED_CHANGE));
	CORE_TRY(core_json_body(req, ctx, &body));
	text = core_json_str(body, "body");
	if (photos_comment_check(text, &errors) == -1)
		return (core_problem(req, 422, "Invalid input",
		    "The comment is not valid.", errors));
	CORE_TRY(photos_comment_add(req, ctx, db, id, text));

	(void)snprintf(loc, sizeof(loc), "/api/v1/photos/%s/comments",
	    core_num(&n, id));
	http_response_header(req, "location", loc);
	return (core_json_send(req, 201, json_pack(
	    "{s:{s:I, s:I, s:s, s:s, s:s, s:b}}", "comment",
	    "id", (json_int_t)core_db_int(db, 0, PH_CMNEW_ID),
	    "photo_id", (json_int_t)id,
	    "author", ctx->user.username,
	    "body", text,
	    "created_at", core_db_value(db, 0, PH_CMNEW_CREATED),
	    "hidden", 0)));
}

static int
api_photo_send(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int status)
{
	return (core_json_send(req, status, json_pack("{s:o}", "photo",
	    photos_json(db, 0, core_db_int(db, 0, PH_COL_OWNER_ID) ==
	    ctx->user.id || ctx->user.role == CORE_ROLE_ADMIN))));
}
