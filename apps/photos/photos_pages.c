/*
 * The photos' pages: the shared feed (/photos), a user's photos, a tag's
 * photos, one photo with its likes and comments, and the upload form.
 * Every form posts back here and redirects (303) to the photo or feed.
 */

#include <stdio.h>
#include <string.h>

#include "photos/photos.h"

static int	grid_page(struct http_request *, struct core_ctx *,
		    const char *, const char *, const char *);
static int	grid_list(struct http_request *, struct core_ctx *,
		    const char *, const char *, const char *,
		    struct kore_buf *);
static int	safe_back(const char *);
static int	new_photo(struct http_request *, struct core_ctx *);
static int	new_photo_refused(struct http_request *, int, const char *);
static int	photo_action(struct http_request *, struct core_ctx *,
		    int64_t, const char *);
static int	redirect_photo(struct http_request *, int64_t,
		    const char *);
static int	photo_page(struct http_request *, struct core_ctx *,
		    int64_t, const struct photos_edit_in *, int);
static int	edit_photo(struct http_request *, struct core_ctx *,
		    int64_t);

CORE_HANDLER(photos_feed_page)
{
	return (grid_page(req, ctx, "feed", NULL, "Photos"));
}

/* /photos/following: photos of the people the viewer follows. */
CORE_HANDLER_NEED(photos_following_page, CORE_NEED_USER)
{
	return (grid_page(req, ctx, "following", NULL, "Following"));
}

/* /photos/explore: the most liked photos of the last 7 days. */
CORE_HANDLER(photos_explore_page)
{
	return (grid_page(req, ctx, "explore", NULL, "Explore"));
}

/* /photos/u/{username}: the route admits only [a-z0-9_]{1,32}. */
CORE_HANDLER(photos_user_page)
{
	return (grid_page(req, ctx, "user", req->path + strlen("/photos/u/"),
	    NULL));
}

/* /photos/tag/{tag}: the route admits only [a-z0-9_]{1,50}. */
CORE_HANDLER(photos_tag_page)
{
	return (grid_page(req, ctx, "tag",
	    req->path + strlen("/photos/tag/"), NULL));
}

/* /photos/cats: what the cat detector found. */
CORE_HANDLER(photos_cats_page)
{
	return (grid_page(req, ctx, "tag", "cat", "Cat zone"));
}

/* /photos/{id}, and ?in=… the viewer within a list (photos_viewer.c) */
CORE_HANDLER(photos_photo_page)
{
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/photos/", &id, &rest) == -1 || *rest != '\0')
		return (core_error(req, 404, NULL));
	http_populate_get(req);
	if (core_form_get(req, "in") != NULL)
		return (photos_viewer_page(req, ctx, id));

	return (photo_page(req, ctx, id, NULL, 200));
}

/* Photo `id`'s page, answered `status`; `in` a refused edit or NULL. */
static int
photo_page(struct http_request *req, struct core_ctx *ctx, int64_t id,
    const struct photos_edit_in *in, int status)
{
	struct kore_buf		*buf;

	CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));
	CORE_TRY(photos_comments_load(req, ctx, &ctx->db[1], id));

	buf = core_page_open(req, "Photo");
	/* A new album, some of whose files were refused. */
	if (status == 201) {
		core_html_appendf(buf, "<div class=\"form-error album-refused\" "
		    "role=\"alert\" tabindex=\"-1\"><p>Your album is posted, without these "
		    "files:</p><ul>");
		photos_render_refused(buf, photos_batch(ctx));
		core_html_appendf(buf, "</ul></div>\n");
	}
	photos_render_photo(req, buf, ctx, &ctx->db[0], in);
	photos_render_comments(req, buf, ctx, &ctx->db[0], &ctx->db[1]);
	core_html_appendf(buf, "<script src=\"%s\" defer></script>\n",
	    core_static_url("/static/photos.js"));

	return (core_page_close(req, status, buf));
}

/*
 * The owner's edit of the caption and alt text: back to the photo, or
 * its page again (422) with the reason beside the field and the text
 * kept.
 */
static int
edit_photo(struct http_request *req, struct core_ctx *ctx, int64_t id)
{
	struct photos_edit_in	 in;
	json_t			*errors, *more;
	int			 rc;

	/* Others learn nothing from the form: only the owner edits. */
	CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));
	if (core_db_int(&ctx->db[0], 0, PH_COL_OWNER_ID) != ctx->user.id)
		return (core_error(req, 403, "Only its owner can edit a "
		    "photo's caption and alt text."));

	/*
	 * The form sends both: an absent one held control characters.  The
	 * album's other pictures' fields are its own.
	 */
	more = NULL;
	in.caption = core_form_get(req, "caption");
	in.alt = core_form_get(req, "alt_text");
	errors = NULL;
	if (in.caption == NULL)
		errors = json_pack("{s:s}", "caption", "A caption cannot hold "
		    "control characters.");
	else if (in.alt == NULL)
		errors = json_pack("{s:s}", "alt_text", "Alt text is one line "
		    "of plain text, without control characters.");
	else if (photos_caption_check(in.caption, &errors) == 0)
		(void)photos_alt_check(in.alt, &errors);
	in.item_alts = photos_edit_items_read(req, &ctx->db[0],
	    errors == NULL ? &errors : &more);
	if (errors != NULL && more != NULL) {
		json_object_update(errors, more);
		json_decref(more);
	}
	if (in.caption == NULL)
		in.caption = "";
	if (in.alt == NULL)
		in.alt = "";
	if (errors != NULL) {
		/* Made again if the request sleeps and runs from the top. */
		in.errors = errors;
		rc = photo_page(req, ctx, id, &in, 422);
		json_decref(errors);
		json_decref(in.item_alts);
		return (rc);
	}
	rc = photos_edit(req, ctx, &ctx->db[2], id, in.caption, in.alt,
	    in.item_alts);
	json_decref(in.item_alts);
	if (rc != CORE_OK)
		return (rc);

	return (redirect_photo(req, id, ""));
}

/* GET and POST /photos/new (multipart: file (up to 10), caption, alt
 * texts, _csrf) */
CORE_HANDLER_NEED(photos_new_page, CORE_NEED_USER)
{
	struct photos_new_in	 in;
	struct kore_buf		*buf;

	if (req->method == HTTP_METHOD_POST)
		return (new_photo(req, ctx));

	memset(&in, 0, sizeof(in));
	buf = core_page_open(req, "New photo");
	photos_render_new_form(req, buf, &in);

	return (core_page_close(req, 200, buf));
}

/* POST /photos/{id}/{like,unlike,save,unsave,comments,delete,report,edit} */
CORE_HANDLER_NEED(photos_action_page, CORE_NEED_CHANGE)
{
	struct kore_buf		 loc;
	const char		*rest, *back;
	int64_t			 id;

	if (core_path_id(req, "/photos/", &id, &rest) == -1)
		return (core_error(req, 404, NULL));
	if (!strcmp(rest, "/delete")) {
		CORE_TRY(photos_delete(req, ctx, &ctx->db[1], id));
		core_redirect(req, "/photos");
		return (CORE_DONE);
	}
	if (!strcmp(rest, "/edit"))
		return (edit_photo(req, ctx, id));
	CORE_TRY(photo_action(req, ctx, id, rest));

	/* A like or save from a grid goes back to the tile. */
	back = core_form_get(req, "back");
	if ((!strcmp(rest, "/like") || !strcmp(rest, "/unlike") ||
	    !strcmp(rest, "/save") || !strcmp(rest, "/unsave")) &&
	    back != NULL && safe_back(back)) {
		kore_buf_init(&loc, 128);
		kore_buf_appendf(&loc, "%s#p%lld", back, (long long)id);
		core_redirect(req, kore_buf_stringify(&loc, NULL));
		kore_buf_cleanup(&loc);
		return (CORE_DONE);
	}

	return (redirect_photo(req, id,
	    !strcmp(rest, "/report") ? "?reported=1" : ""));
}

/* POST /photos/{id}/cat and /photos/{id}/tags/{tag}/remove */
CORE_HANDLER_NEED(photos_correct_page, CORE_NEED_CHANGE)
{
	char			 tag[64];
	const char		*rest;
	int64_t			 id;
	size_t			 n;

	if (core_path_id(req, "/photos/", &id, &rest) == -1)
		return (core_error(req, 404, NULL));
	if (!strcmp(rest, "/cat")) {
		CORE_TRY(photos_correct(req, ctx, &ctx->db[0], id, NULL,
		    PHOTOS_CORRECT_CAT));
		return (redirect_photo(req, id, ""));
	}
	/* The route admits only /tags/[a-z0-9_]{1,50}/remove here. */
	if (strncmp(rest, "/tags/", 6) ||
	    (n = strcspn(rest + 6, "/")) >= sizeof(tag) ||
	    strcmp(rest + 6 + n, "/remove"))
		return (core_error(req, 404, NULL));
	memcpy(tag, rest + 6, n);
	tag[n] = '\0';
	CORE_TRY(photos_correct(req, ctx, &ctx->db[0], id, tag,
	    PHOTOS_CORRECT_REMOVE));

	return (redirect_photo(req, id, ""));
}

/* POST /photos/comments/{id}/delete (back to the photo, by Referer-less
 * redirect to the feed when the comment is gone) */
CORE_HANDLER_NEED(photos_comment_delete_page, CORE_NEED_CHANGE)
{
	struct kore_buf		 loc;
	const char		*rest, *back;
	int64_t			 id;

	if (core_path_id(req, "/photos/comments/", &id, &rest) == -1 ||
	    strcmp(rest, "/delete"))
		return (core_error(req, 404, NULL));
	CORE_TRY(photos_comment_delete(req, ctx, &ctx->db[0], id));

	back = core_form_get(req, "photo");
	kore_buf_init(&loc, 64);
	if (back != NULL && strspn(back, "0123456789") == strlen(back) &&
	    *back != '\0' && strlen(back) < 19)
		kore_buf_appendf(&loc, "/photos/%s", back);
	else
		kore_buf_appendf(&loc, "/photos");
	core_redirect(req, kore_buf_stringify(&loc, NULL));
	kore_buf_cleanup(&loc);

	return (CORE_DONE);
}

/*
 * The upload of a photo or an album: a bad caption or alt text, or no
 * file that could be kept, shows the form again with the reason;
 * otherwise the post, which says which files of an album were refused.
 */
static int
new_photo(struct http_request *req, struct core_ctx *ctx)
{
	struct photos_new_in	 in;
	struct core_media_batch	*b;
	struct kore_buf		*buf;
	char			 loc[32];
	int64_t			 id;
	int			 i, status;

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_form_load(req, ctx));
	photos_new_read(req, &in);
	if (in.errors != NULL) {
		buf = core_page_open(req, "New photo");
		photos_render_new_form(req, buf, &in);
		json_decref(in.errors);
		return (core_page_close(req, 422, buf));
	}
	ctx->upload.refuse = new_photo_refused;
	b = photos_batch(ctx);
	CORE_TRY(core_media_upload_batch(req, ctx, &ctx->db[3], "file", b));
	if (b->kept == 0) {
		status = 422;
		for (i = 0; i < b->count; i++)
			if (b->item[i].status == 413)
				status = 413;
		return (new_photo_refused(req, status, b->count == 1 ?
		    b->item[0].why : NULL));
	}
	CORE_TRY(photos_create(req, ctx, &ctx->db[2], b, &in, &id));
	if (b->kept == b->count)
		return (redirect_photo(req, id, ""));

	(void)snprintf(loc, sizeof(loc), "/photos/%lld", (long long)id);
	http_response_header(req, "location", loc);
	return (photo_page(req, ctx, id, NULL, 201));
}

/*
 * A refused upload: the form again, the reason beside the file (`why`,
 * or each refused file of the album when NULL), the caption and alt
 * texts kept.
 */
static int
new_photo_refused(struct http_request *req, int status, const char *why)
{
	struct photos_new_in	 in;
	struct core_ctx		*ctx = http_state_get(req);
	struct core_media_batch	*b;
	struct kore_buf		*buf, list;

	photos_new_read(req, &in);
	json_decref(in.errors);
	kore_buf_init(&list, 256);
	if (why == NULL) {
		b = photos_batch(ctx);
		kore_buf_appendf(&list, "None of the photos could be posted.");
		photos_refused_text(&list, b);
	}
	in.errors = json_pack("{s:s}", "file", why != NULL ? why :
	    kore_buf_stringify(&list, NULL));
	kore_buf_cleanup(&list);
	buf = core_page_open(req, "New photo");
	photos_render_new_form(req, buf, &in);
	json_decref(in.errors);

	return (core_page_close(req, status, buf));
}

/* Like, unlike, save, unsave, comment on or report photo `id`; `rest`
 * says which. */
static int
photo_action(struct http_request *req, struct core_ctx *ctx, int64_t id,
    const char *rest)
{
	json_t		*errors;
	const char	*body;
	int		 rc;

	if (!strcmp(rest, "/like") || !strcmp(rest, "/unlike"))
		return (photos_like(req, ctx, &ctx->db[0], id,
		    rest[1] == 'l'));
	if (!strcmp(rest, "/save") || !strcmp(rest, "/unsave"))
		return (photos_save(req, ctx, &ctx->db[0], id,
		    rest[1] == 's'));
	if (!strcmp(rest, "/report"))
		return (photos_report(req, ctx, &ctx->db[0], id,
		    core_form_get(req, "reason")));
	if (strcmp(rest, "/comments"))
		return (core_error(req, 404, NULL));

	body = core_form_get(req, "body");
	if (photos_comment_check(body, &errors) == -1) {
		rc = core_error(req, 422, json_string_value(
		    json_object_get(errors, "body")));
		json_decref(errors);
		return (rc);
	}

	return (photos_comment_add(req, ctx, &ctx->db[0], id, body));
}

/* 303 to /photos/{id}{suffix}.  CORE_DONE. */
static int
redirect_photo(struct http_request *req, int64_t id, const char *suffix)
{
	struct kore_buf		loc;

	kore_buf_init(&loc, 64);
	kore_buf_appendf(&loc, "/photos/%lld%s", (long long)id, suffix);
	core_redirect(req, kore_buf_stringify(&loc, NULL));
	kore_buf_cleanup(&loc);

	return (CORE_DONE);
}

/*
 * A grid of photos for the feed, a user or a tag, ?cursor= paged.
 */
static int
grid_page(struct http_request *req, struct core_ctx *ctx, const char *mode,
    const char *arg, const char *title)
{
	struct kore_buf		*buf, list;
	int			 rc;

	http_populate_get(req);
	if (!strcmp(mode, "user"))
		CORE_TRY(core_user_known(req, &ctx->db[1], arg));

	kore_buf_init(&list, 16384);
	if ((rc = grid_list(req, ctx, mode, arg, title, &list)) != CORE_OK) {
		kore_buf_cleanup(&list);
		return (rc);
	}

	buf = core_page_open(req, title != NULL ? title : arg);
	photos_render_heading(buf, ctx, mode, arg, title);
	kore_buf_append(buf, list.data, list.offset);
	kore_buf_cleanup(&list);
	core_html_appendf(buf, "<script src=\"%s\" defer></script>\n",
	    core_static_url("/static/photos.js"));

	return (core_page_close(req, 200, buf));
}

/*
 * The grid itself, in `list`.  The feed's first page is the same for
 * everyone signed out: it comes from the core's one-second cache.
 * Signed in, its like buttons are the viewer's own.
 */
static int
grid_list(struct http_request *req, struct core_ctx *ctx, const char *mode,
    const char *arg, const char *title, struct kore_buf *list)
{
	struct kore_buf		 in;
	const u_int8_t		*cached;
	const char		*cursor;
	size_t			 len;
	int			 shared;

	cursor = core_form_get(req, "cursor");
	shared = !strcmp(mode, "feed") && cursor == NULL && ctx->user.id == 0;
	/* Once this request set out to build the grid, it finishes it. */
	if (shared && ctx->stage == 0 &&
	    (cached = core_cache_get("photos:feed:html", &len)) != NULL) {
		kore_buf_append(list, cached, len);
		return (CORE_OK);
	}

	ctx->stage = 1;
	CORE_TRY(photos_list(req, ctx, &ctx->db[0], mode, arg, cursor,
	    PHOTOS_PAGE));
	/* The viewer's list: usernames and tags are [a-z0-9_] (routes). */
	kore_buf_init(&in, 64);
	if (!strcmp(mode, "user"))
		kore_buf_appendf(&in, "in=user&u=%s", arg);
	else if (!strcmp(mode, "tag") && title != NULL &&
	    !strcmp(arg, "cat"))
		kore_buf_appendf(&in, "in=cats");
	else if (!strcmp(mode, "tag"))
		kore_buf_appendf(&in, "in=tag&t=%s", arg);
	else
		kore_buf_appendf(&in, "in=feed");
	photos_render_grid(req, list, ctx, &ctx->db[0], PHOTOS_PAGE,
	    kore_buf_stringify(&in, NULL));
	kore_buf_cleanup(&in);
	if (shared)
		core_cache_put("photos:feed:html", list->data, list->offset);

	return (CORE_OK);
}

/*
 * Whether `back` is a page of the photos or a profile on this site to
 * return to: a path under /photos or /u/ with an optional query, of
 * characters that need no escaping in a Location header.
 */
static int
safe_back(const char *back)
{
	size_t		len;

	len = strlen(back);
	if (len == 0 || len > 300 || strstr(back, "..") != NULL)
		return (0);
	if (strcmp(back, "/photos") && strncmp(back, "/photos/", 8) &&
	    strncmp(back, "/photos?", 8) && strncmp(back, "/u/", 3))
		return (0);

	return (strspn(back, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?&=._-%") == len);
}
