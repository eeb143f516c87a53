/*
 * How photos look: the grid of a feed, user or tag page, one photo with
 * its likes, actions and comments, the upload form, and the JSON form of
 * a photo and of a comment.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "photos/photos.h"

static void	render_tabs(struct kore_buf *, struct core_ctx *,
		    const char *);
static void	photo_media(struct kore_buf *, struct core_db *, const char *);
static void	photo_byline(struct kore_buf *, struct core_db *);
static void	tile_actions(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *, int, const char *);
static void	photo_likes(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *);
static void	photo_manage(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *,
		    const struct photos_edit_in *);
static void	comment_html(struct http_request *, struct kore_buf *,
		    struct core_db *, int, int64_t, int);
static void	json_urls(json_t *, struct core_db *, int);
static const char *action_path(char *, size_t, const char *, int64_t,
		    const char *);
static void	caption_html(struct kore_buf *, const char *);
static void	first_line(struct kore_buf *, const char *);
static void	escape_n(struct kore_buf *, const char *, size_t);

/* processing, ready, failed, or hidden. */
const char *
photos_status(struct core_db *db, int row)
{
	if (core_db_bool(db, row, PH_COL_HIDDEN))
		return ("hidden");

	return (core_db_value(db, row, PH_COL_MEDIA_STATUS));
}

/* Everyone, Following (signed in) and Explore: the feeds as tabs. */
static void
render_tabs(struct kore_buf *buf, struct core_ctx *ctx, const char *mode)
{
	static const struct {
		const char	*mode, *path, *label;
		int		 user;
	} tabs[] = {
		{ "feed", "/photos", "Everyone", 0 },
		{ "following", "/photos/following", "Following", 1 },
		{ "explore", "/photos/explore", "Explore", 0 },
	};
	size_t		i;

	core_html_appendf(buf, "<nav class=\"photo-tabs\" aria-label=\""
	    "Feeds\"><ul>");
	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		if (tabs[i].user && ctx->user.id == 0)
			continue;
		core_html_appendf(buf, "<li><a href=\"%s\"%R>%s</a></li>",
		    tabs[i].path, !strcmp(mode, tabs[i].mode) ?
		    " aria-current=\"page\"" : "", tabs[i].label);
	}
	core_html_appendf(buf, "</ul></nav>\n");
	if (!strcmp(mode, "explore"))
		core_html_appendf(buf, "<p>The most liked photos of the last "
		    "7 days.</p>\n");
}

/*
 * The heading of a grid page: `mode` "feed", "following", "explore"
 * (with the feeds' tabs), "user" (`arg` a username) or "tag" (`arg` a
 * tag, or the cat zone when `title` is set), and the links a signed-in
 * viewer gets.
 */
void
photos_render_heading(struct kore_buf *buf, struct core_ctx *ctx,
    const char *mode, const char *arg, const char *title)
{
	if (!strcmp(mode, "user"))
		core_html_appendf(buf, "<h1>Photos by %s</h1>\n", arg);
	else if (!strcmp(mode, "tag") && title != NULL)
		core_html_appendf(buf, "<h1>%s</h1>\n<p>Photos in which the "
		    "detector saw a cat, or whose owner says there is one."
		    "</p>\n", title);
	else if (!strcmp(mode, "tag"))
		core_html_appendf(buf, "<h1>#%s</h1>\n", arg);
	else
		core_html_appendf(buf, "<h1>Photos</h1>\n");
	if (!strcmp(mode, "feed") || !strcmp(mode, "following") ||
	    !strcmp(mode, "explore"))
		render_tabs(buf, ctx, mode);
	if (ctx->user.id != 0)
		core_html_appendf(buf, "<p><a href=\"/photos/new\" "
		    "role=\"button\">Upload a photo</a> <a href=\"/photos/u/"
		    "%U\">Your photos</a> · <a href=\"/photos/saved\">Saved"
		    "</a> · <a href=\"/photos/cats\">Cat zone</a></p>\n",
		    ctx->user.username);
}

/*
 * The photos of `db` (PHOTOS_SQL_COLS) as a grid of at most `max`, and
 * a link to the next page when `db` holds more.  Each tile opens the
 * viewer within the list `in` ("in=feed", "in=user&u=…", …); a signed-in
 * viewer gets a like button that comes back to the grid (`req`'s URL).
 */
void
photos_render_grid(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, int max, const char *in)
{
	struct kore_buf	 back;
	const char	*status;
	int		 i, n, rows, cursor;

	/* A list in an order of its own (saved photos) ends with its cursor. */
	cursor = db->res != NULL && PQnfields(db->res) > PH_COL_HELD + 1 ?
	    PH_COL_HELD + 1 : PH_COL_CURSOR;
	kore_buf_init(&back, 128);
	kore_buf_appendf(&back, "%s", req->path);
	if (req->query_string != NULL && *req->query_string != '\0')
		kore_buf_appendf(&back, "?%s", req->query_string);
	rows = core_db_rows(db);
	n = rows < max ? rows : max;
	core_html_appendf(buf, "<ul class=\"photo-grid\">\n");
	for (i = 0; i < n; i++) {
		status = photos_status(db, i);
		core_html_appendf(buf, "<li id=\"p%lld\"><a href=\"/photos/%lld?"
		    "%s\" class=\"tile-link\">",
		    (long long)core_db_int(db, i, PH_COL_ID),
		    (long long)core_db_int(db, i, PH_COL_ID), in);
		if (!strcmp(status, "ready"))
			core_html_appendf(buf, "<img src=\"/media/thumb/%s.jpg\" "
			    "alt=\"%s\" loading=\"lazy\" width=\"320\" "
			    "height=\"320\">",
			    core_db_value(db, i, PH_COL_SHA),
			    core_db_value(db, i, PH_COL_ALT));
		else
			core_html_appendf(buf, "<span class=\"photo-status\">"
			    "%s</span>", status);
		photos_render_tile_count(buf, db, i);
		core_html_appendf(buf, "</a><p class=\"tile-meta\">%P</p>",
		    core_db_value(db, i, PH_COL_OWNER),
		    core_db_value(db, i, PH_COL_OWNER_NAME),
		    core_db_value(db, i, PH_COL_OWNER_AVATAR), 0);
		first_line(buf, core_db_value(db, i, PH_COL_CAPTION));
		tile_actions(req, buf, ctx, db, i,
		    kore_buf_stringify(&back, NULL));
		core_html_appendf(buf, "</li>\n");
	}
	core_html_appendf(buf, "</ul>\n");
	kore_buf_cleanup(&back);

	if (rows == 0)
		core_html_appendf(buf, "<p class=\"empty\">No photos here yet. "
		    "<a href=\"/photos/new\">Upload the first one</a>.</p>\n");
	if (rows > max)
		core_html_appendf(buf, "<nav class=\"pager\"><a "
		    "rel=\"next\" href=\"?cursor=%U\">Older photos →</a>"
		    "</nav>\n", core_db_value(db, max - 1, cursor));
}

/*
 * A tile's likes and comments: for a signed-in viewer a like button (a
 * form back to `back`, sent by photos.js through the API), for others
 * the count.
 */
static void
tile_actions(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, int i, const char *back)
{
	char		 path[64];
	long long	 likes, comments;
	int		 liked;

	likes = core_db_int(db, i, PH_COL_LIKES);
	comments = core_db_int(db, i, PH_COL_COMMENTS);
	liked = core_db_bool(db, i, PH_COL_LIKED);
	core_html_appendf(buf, "<div class=\"tile-actions\">");
	if (ctx->user.id != 0 && !strcmp(photos_status(db, i), "ready")) {
		core_form_open(req, buf, action_path(path, sizeof(path),
		    "/photos/", core_db_int(db, i, PH_COL_ID),
		    liked ? "/unlike" : "/like"), "inline like-form");
		core_html_appendf(buf, "<input type=\"hidden\" name=\"back\" "
		    "value=\"%s\"><button type=\"submit\" class=\"like-button%s\" "
		    "aria-pressed=\"%s\" aria-label=\"Like the photo by %s\" "
		    "data-photo=\"%lld\"><span aria-hidden=\"true\">♥</span> "
		    "<span class=\"like-n\">%lld</span></button></form>",
		    back, liked ? " liked" : "", liked ? "true" : "false",
		    core_db_value(db, i, PH_COL_OWNER),
		    (long long)core_db_int(db, i, PH_COL_ID), likes);
		photos_render_save(req, buf, db, i, back, "inline save-form");
	} else
		core_html_appendf(buf, "<span class=\"like-count\">♥ %lld"
		    "<span class=\"visually-hidden\"> like%s</span></span>",
		    likes, likes == 1 ? "" : "s");
	core_html_appendf(buf, " <a href=\"/photos/%lld#comments\" "
	    "class=\"tile-comments\">%lld comment%s</a></div>",
	    (long long)core_db_int(db, i, PH_COL_ID), comments,
	    comments == 1 ? "" : "s");
}

/*
 * Photo row 0 of `db`: the image, byline, caption, likes, actions; `in`
 * (or NULL) an edit of its owner's that was refused, to show again.
 */
void
photos_render_photo(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, const struct photos_edit_in *in)
{
	const char	*status;

	status = photos_status(db, 0);
	core_html_appendf(buf, "<article class=\"photo\" data-status=\"%s\">\n",
	    status);
	photo_media(buf, db, status);
	photo_byline(buf, db);
	photo_likes(req, buf, ctx, db);
	photos_render_seen(req, buf, ctx, db);
	photo_manage(req, buf, ctx, db, in);
	core_html_appendf(buf, "</article>\n");
}

static void
photo_media(struct kore_buf *buf, struct core_db *db, const char *status)
{
	if (photos_render_album(buf, db, status, 1) == 1)
		return;
	if (!strcmp(status, "ready")) {
		core_html_appendf(buf, "<div class=\"photo-frame\">"
		    "<img src=\"/media/display/%s.jpg\" "
		    "alt=\"%s\" width=\"%lld\" height=\"%lld\">",
		    core_db_value(db, 0, PH_COL_SHA),
		    core_db_value(db, 0, PH_COL_ALT),
		    (long long)core_db_int(db, 0, PH_COL_WIDTH),
		    (long long)core_db_int(db, 0, PH_COL_HEIGHT));
		photos_render_boxes(buf, db);
		core_html_appendf(buf, "</div>\n");
	} else if (!strcmp(status, "processing"))
		core_html_appendf(buf, "<p class=\"photo-status\" "
		    "role=\"status\">Processing: the photo appears here in a "
		    "moment.</p>\n");
	else if (!strcmp(status, "failed"))
		core_html_appendf(buf, "<p class=\"form-error\">This photo "
		    "could not be processed: %s</p>\n",
		    core_db_value(db, 0, PH_COL_MEDIA_REASON));
	else if (core_db_value(db, 0, PH_COL_HELD)[0] != '\0')
		core_html_appendf(buf, "<p class=\"photo-status\" "
		    "role=\"status\">Waiting for a moderator: only you see "
		    "it until it is approved. %s</p>\n",
		    core_db_value(db, 0, PH_COL_HELD));
	else
		core_html_appendf(buf, "<p class=\"form-error\">Hidden by a "
		    "moderator.</p>\n");
}

/* Who posted it and when, the linked caption, the people on it. */
static void
photo_byline(struct kore_buf *buf, struct core_db *db)
{
	json_t		*people, *name;
	size_t		 k;

	core_html_appendf(buf, "<p class=\"meta\">by %P · %T%s</p>\n",
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_OWNER_NAME),
	    core_db_value(db, 0, PH_COL_OWNER_AVATAR), 0,
	    core_db_value(db, 0, PH_COL_CREATED),
	    *core_db_value(db, 0, PH_COL_EDITED) != '\0' ? " · edited" : "");
	core_html_appendf(buf, "<p class=\"caption\">");
	caption_html(buf, core_db_value(db, 0, PH_COL_CAPTION));
	core_html_appendf(buf, "</p>\n");

	people = json_loads(core_db_value(db, 0, PH_COL_PEOPLE), 0, NULL);
	if (json_array_size(people) > 0) {
		core_html_appendf(buf, "<p class=\"people\">With ");
		json_array_foreach(people, k, name)
			core_html_appendf(buf, "%s<a href=\"/photos/u/%U\">@%s"
			    "</a>", k > 0 ? ", " : "", json_string_value(name),
			    json_string_value(name));
		core_html_appendf(buf, "</p>\n");
	}
	json_decref(people);
}

/* The like count, and for a signed-in viewer the (un)like button. */
static void
photo_likes(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db)
{
	char		path[64];
	int		liked;

	liked = core_db_bool(db, 0, PH_COL_LIKED);
	core_html_appendf(buf, "<p class=\"likes\"><span id=\"like-count\">"
	    "%lld</span> like%s", (long long)core_db_int(db, 0, PH_COL_LIKES),
	    core_db_int(db, 0, PH_COL_LIKES) == 1 ? "" : "s");
	if (ctx->user.id != 0) {
		core_html_appendf(buf, " ");
		core_form_button(req, buf, action_path(path, sizeof(path),
		    "/photos/", core_db_int(db, 0, PH_COL_ID),
		    liked ? "/unlike" : "/like"), "inline",
		    liked ? "secondary" : "", liked ? "Unlike" : "♥ Like");
		if (!strcmp(photos_status(db, 0), "ready")) {
			core_html_appendf(buf, " ");
			photos_render_save(req, buf, db, 0, NULL,
			    "inline save-form");
		}
	}
	core_html_appendf(buf, "</p>\n");
}

/* Delete for its owner and admins, report for other signed-in users. */
static void
photo_manage(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, const struct photos_edit_in *in)
{
	char		path[64];
	int64_t		id;

	id = core_db_int(db, 0, PH_COL_ID);
	if (core_db_int(db, 0, PH_COL_OWNER_ID) == ctx->user.id) {
		photos_render_edit_form(req, buf, db, in);
	}
	if (core_db_int(db, 0, PH_COL_OWNER_ID) == ctx->user.id ||
	    ctx->user.role == CORE_ROLE_ADMIN) {
		core_form_confirm(req, buf, action_path(path, sizeof(path),
		    "/photos/", id, "/delete"), "Delete photo",
		    "Yes, delete this photo");
		core_html_appendf(buf, "\n");
	} else if (ctx->user.id != 0) {
		core_html_appendf(buf, "<details><summary>Report</summary>");
		core_form_open(req, buf, action_path(path, sizeof(path),
		    "/photos/", id, "/report"), NULL);
		core_html_appendf(buf, "<input name=\"reason\" maxlength=\"500\" "
		    "placeholder=\"What is wrong?\"><button type=\"submit\" "
		    "class=\"secondary\">Send to moderators</button></form>"
		    "</details>\n");
	}
	if (req->query_string != NULL &&
	    strstr(req->query_string, "reported=1") != NULL)
		core_html_appendf(buf, "<p role=\"status\">Thank you: a "
		    "moderator will look at it.</p>\n");
}

/*
 * The comments `cm` (PHOTOS_SQL_COMMENT_COLS) of photo row 0 of `db`,
 * and the form for a new one when the viewer may write it.
 */
void
photos_render_comments(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, struct core_db *cm)
{
	char		path[64];
	int64_t		id;
	int		i, moderator;

	id = core_db_int(db, 0, PH_COL_ID);
	moderator = core_db_int(db, 0, PH_COL_OWNER_ID) == ctx->user.id ||
	    ctx->user.role == CORE_ROLE_ADMIN;
	core_html_appendf(buf, "<section class=\"comments\" id=\"comments\">"
	    "<h2>Comments</h2>\n");
	for (i = 0; i < core_db_rows(cm); i++)
		comment_html(req, buf, cm, i, id, moderator ||
		    core_db_int(cm, i, PH_CM_AUTHOR_ID) == ctx->user.id);
	if (ctx->user.id == 0 && !strcmp(photos_status(db, 0), "ready"))
		core_html_appendf(buf, "<p><a href=\"/login?next=/photos/%lld\">"
		    "Log in</a> to comment.</p>\n", (long long)id);
	if (ctx->user.id != 0 && !strcmp(photos_status(db, 0), "ready")) {
		core_form_open(req, buf, action_path(path, sizeof(path),
		    "/photos/", id, "/comments"), NULL);
		core_html_appendf(buf, "<textarea name=\"body\" rows=\"3\" "
		    "maxlength=\"2000\" required aria-label=\"Comment\">"
		    "</textarea><button type=\"submit\">Comment</button>"
		    "</form>\n");
	}
	core_html_appendf(buf, "</section>\n");
}

/* Comment row `i` of photo `photo`, with a delete button if `mine`. */
static void
comment_html(struct http_request *req, struct kore_buf *buf,
    struct core_db *cm, int i, int64_t photo, int mine)
{
	char		path[64];
	int		hidden;

	hidden = core_db_bool(cm, i, PH_CM_HIDDEN);
	core_html_appendf(buf, "<article class=\"comment%s\" id=\"c%lld\">"
	    "<p class=\"meta\">%P · "
	    "%T%s</p><p>%s</p>",
	    hidden ? " hidden-comment" : "",
	    (long long)core_db_int(cm, i, PH_CM_ID),
	    core_db_value(cm, i, PH_CM_AUTHOR),
	    core_db_value(cm, i, PH_CM_AUTHOR_NAME),
	    core_db_value(cm, i, PH_CM_AUTHOR_AVATAR), 1,
	    core_db_value(cm, i, PH_CM_CREATED),
	    hidden ? " · held for review" : "",
	    core_db_value(cm, i, PH_CM_BODY));
	if (mine) {
		core_form_open(req, buf, action_path(path, sizeof(path),
		    "/photos/comments/", core_db_int(cm, i, PH_CM_ID),
		    "/delete"), "inline");
		core_html_appendf(buf, "<input type=\"hidden\" name=\"photo\" "
		    "value=\"%lld\"><button type=\"submit\" class=\""
		    "secondary outline\">Delete</button></form>",
		    (long long)photo);
	}
	core_html_appendf(buf, "</article>\n");
}

/*
 * The upload form of a photo or an album of up to 10, with the caption
 * and alt texts of `in` kept and the reasons in in->errors (a JSON
 * object by field: file, caption, alt_text, alt_text_2, …; or NULL)
 * beside their fields.
 */
void
photos_render_new_form(struct http_request *req, struct kore_buf *buf,
    const struct photos_new_in *in)
{
	json_t		*errors = in->errors;
	const char	*msg;

	core_html_appendf(buf, "<h1>Upload a photo</h1>\n");
	if (errors != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "Nothing was posted: please correct the marked field."
		    "</p>\n");
	/* core_form_open() has no enctype: the form is written here. */
	core_html_appendf(buf, "<form method=\"post\" action=\"/photos/new\" "
	    "enctype=\"multipart/form-data\" class=\"photo-upload\" "
	    "data-max-bytes=\"%lld\" data-max-files=\"%d\">",
	    (long long)core_cfg.upload_max_bytes, PHOTOS_ALBUM_MAX);
	core_form_csrf(req, buf);
	msg = json_string_value(json_object_get(errors, "file"));
	core_html_appendf(buf, "<label for=\"photo-file\">Photo, or up to %d "
	    "for an album (JPEG, PNG or WebP, up to %lld MB each)</label>"
	    "<input type=\"file\" id=\"photo-file\" name=\"file\" multiple "
	    "accept=\"image/jpeg,image/png,image/webp\" required "
	    "aria-describedby=\"file-error\"%R>"
	    "<small class=\"field-error\" id=\"file-error\"%R>%s</small>",
	    PHOTOS_ALBUM_MAX,
	    (long long)(core_cfg.upload_max_bytes / (1024 * 1024)),
	    msg != NULL ? " aria-invalid=\"true\"" : "",
	    msg != NULL ? "" : " hidden", msg != NULL ? msg : "");
	msg = json_string_value(json_object_get(errors, "caption"));
	core_html_appendf(buf, "<label for=\"photo-caption\">Caption</label>"
	    "<textarea id=\"photo-caption\" name=\"caption\" rows=\"3\" "
	    "maxlength=\"2000\" aria-describedby=\"caption-error\" "
	    "placeholder=\"Say something; #tags and @names work\"%R>%s"
	    "</textarea><small class=\"field-error\" id=\"caption-error\"%R>"
	    "%s</small>",
	    msg != NULL ? " aria-invalid=\"true\"" : "",
	    in->caption != NULL ? in->caption : "",
	    msg != NULL ? "" : " hidden", msg != NULL ? msg : "");
	core_html_appendf(buf, "<div class=\"alt-slot\" data-slot=\"1\">");
	photos_render_alt_field(buf, in->alt[0], json_string_value(
	    json_object_get(errors, "alt_text")));
	core_html_appendf(buf, "</div>");
	photos_render_new_alts(buf, in);
	core_html_appendf(buf, "<button type=\"submit\">Upload</button>"
	    "</form>\n");
	core_html_appendf(buf, "<script src=\"%s\" defer></script>\n",
	    core_static_url("/static/photos.js"));
}

/* The alt text field of the upload and edit forms, `error` beside it. */
void
photos_render_alt_field(struct kore_buf *buf, const char *alt,
    const char *error)
{
	core_html_appendf(buf, "<label for=\"photo-alt\">Alt text "
	    "<small id=\"alt-help\">(what the picture shows, for people who "
	    "cannot see it; one line)</small></label>"
	    "<input id=\"photo-alt\" name=\"alt_text\" maxlength=\"500\" "
	    "value=\"%s\" aria-describedby=\"alt-help alt_text-error\"%R>"
	    "<small class=\"field-error\" id=\"alt_text-error\"%R>%s</small>",
	    alt != NULL ? alt : "",
	    error != NULL ? " aria-invalid=\"true\"" : "",
	    error != NULL ? "" : " hidden", error != NULL ? error : "");
}

/*
 * The owner's form to change the caption and the alt texts of photo row
 * 0 of `db`: its own, or those of `in`, an attempt shown again, open
 * with what was wrong beside the fields.
 */
void
photos_render_edit_form(struct http_request *req, struct kore_buf *buf,
    struct core_db *db, const struct photos_edit_in *in)
{
	char		 path[64];
	const char	*msg, *caption, *alt;
	json_t		*errors;

	caption = in != NULL ? in->caption :
	    core_db_value(db, 0, PH_COL_CAPTION);
	alt = in != NULL ? in->alt : core_db_value(db, 0, PH_COL_ALT_TEXT);
	errors = in != NULL ? in->errors : NULL;

	if (core_db_bool(db, 0, PH_COL_EDIT_HELD))
		core_html_appendf(buf, "<p class=\"form-error\" role=\"status\">"
		    "Your last edit is held for a moderator's review: until it "
		    "is approved, the photo shows what it said before.</p>\n");
	core_html_appendf(buf, "<details class=\"photo-edit\"%R><summary>"
	    "Edit caption and alt text</summary>", errors != NULL ? " open" : "");
	if (errors != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "Nothing was changed: please correct the marked field."
		    "</p>");
	core_form_open(req, buf, action_path(path, sizeof(path), "/photos/",
	    core_db_int(db, 0, PH_COL_ID), "/edit"), "photo-edit-form");
	msg = json_string_value(json_object_get(errors, "caption"));
	core_html_appendf(buf, "<label for=\"photo-caption\">Caption</label>"
	    "<textarea id=\"photo-caption\" name=\"caption\" rows=\"3\" "
	    "maxlength=\"2000\" aria-describedby=\"caption-error\"%R>%s"
	    "</textarea><small class=\"field-error\" id=\"caption-error\"%R>"
	    "%s</small>", msg != NULL ? " aria-invalid=\"true\"" : "",
	    caption, msg != NULL ? "" : " hidden", msg != NULL ? msg : "");
	photos_render_alt_field(buf, alt, json_string_value(
	    json_object_get(errors, "alt_text")));
	photos_render_edit_items(buf, db, in != NULL ? in->item_alts : NULL,
	    errors);
	core_html_appendf(buf, "<small>Edits are checked like comments; one "
	    "that is flagged waits for a moderator.</small>"
	    "<button type=\"submit\">Save</button></form></details>\n");
}

/* A photo row as JSON; `owner_view` adds why processing failed. */
json_t *
photos_json(struct core_db *db, int row, int owner_view)
{
	json_t		*o;
	const char	*status;

	status = photos_status(db, row);
	o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:b}",
	    "id", (json_int_t)core_db_int(db, row, PH_COL_ID),
	    "owner", core_db_value(db, row, PH_COL_OWNER),
	    "owner_id", (json_int_t)core_db_int(db, row, PH_COL_OWNER_ID),
	    "caption", core_db_value(db, row, PH_COL_CAPTION),
	    "status", status,
	    "created_at", core_db_value(db, row, PH_COL_CREATED),
	    "like_count", (json_int_t)core_db_int(db, row, PH_COL_LIKES),
	    "comment_count", (json_int_t)core_db_int(db, row, PH_COL_COMMENTS),
	    "liked", core_db_bool(db, row, PH_COL_LIKED));
	if (o == NULL)
		return (json_object());

	json_object_set_new(o, "alt_text", json_string(core_db_value(db, row,
	    PH_COL_ALT_TEXT)));
	json_object_set_new(o, "alt", json_string(core_db_value(db, row,
	    PH_COL_ALT)));
	json_object_set_new(o, "edited_at", *core_db_value(db, row,
	    PH_COL_EDITED) != '\0' ? json_string(core_db_value(db, row,
	    PH_COL_EDITED)) : json_null());
	if (owner_view)
		json_object_set_new(o, "edit_held", json_boolean(core_db_bool(db,
		    row, PH_COL_EDIT_HELD)));
	photos_detect_json(o, db, row);
	json_object_set_new(o, "people", json_loads(core_db_value(db, row,
	    PH_COL_PEOPLE), 0, NULL));
	json_object_set_new(o, "saved", json_boolean(core_db_bool(db, row,
	    PH_COL_SAVED)));
	photos_items_json(o, db, row, owner_view);

	if (!strcmp(status, "ready"))
		json_urls(o, db, row);
	else
		json_object_set_new(o, "urls", json_null());
	if (owner_view && !strcmp(status, "failed"))
		json_object_set_new(o, "reason", json_string(core_db_value(db,
		    row, PH_COL_MEDIA_REASON)));

	return (o);
}

/* A ready photo's image URLs and size. */
static void
json_urls(json_t *o, struct core_db *db, int row)
{
	json_t		*urls;
	const char	*sha;
	char		 url[128];

	sha = core_db_value(db, row, PH_COL_SHA);
	urls = json_object();
	(void)snprintf(url, sizeof(url), "/media/thumb/%s.jpg", sha);
	json_object_set_new(urls, "thumb", json_string(url));
	(void)snprintf(url, sizeof(url), "/media/display/%s.jpg", sha);
	json_object_set_new(urls, "display", json_string(url));
	json_object_set_new(o, "urls", urls);
	json_object_set_new(o, "width",
	    json_integer(core_db_int(db, row, PH_COL_WIDTH)));
	json_object_set_new(o, "height",
	    json_integer(core_db_int(db, row, PH_COL_HEIGHT)));
}

/* Comment row `i` of `cm` (PHOTOS_SQL_COMMENT_COLS) as JSON. */
json_t *
photos_comment_json(struct core_db *cm, int i, int64_t photo)
{
	return (json_pack("{s:I, s:I, s:s, s:s, s:s, s:b}",
	    "id", (json_int_t)core_db_int(cm, i, PH_CM_ID),
	    "photo_id", (json_int_t)photo,
	    "author", core_db_value(cm, i, PH_CM_AUTHOR),
	    "body", core_db_value(cm, i, PH_CM_BODY),
	    "created_at", core_db_value(cm, i, PH_CM_CREATED),
	    "hidden", core_db_bool(cm, i, PH_CM_HIDDEN)));
}

/* `prefix` `id` `verb` in `out`: a form's action (the ids fit). */
static const char *
action_path(char *out, size_t len, const char *prefix, int64_t id,
    const char *verb)
{
	struct core_num		n;

	(void)snprintf(out, len, "%s%s%s", prefix, core_num(&n, id), verb);

	return (out);
}

/*
 * The caption, escaped, with #tags linked to their page and @names to
 * the user's photos (links only of [a-z0-9_], built here).
 */
static void
caption_html(struct kore_buf *buf, const char *s)
{
	const char	*p, *start;
	size_t		 n, k;
	char		 word[64];
	int		 tag;

	start = s;
	for (p = s; *p != '\0'; p++) {
		if ((*p != '#' && *p != '@') || (p > s &&
		    (isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
		    p[-1] == '&')))
			continue;
		tag = *p == '#';
		for (n = 0; isalnum((unsigned char)p[1 + n]) || p[1 + n] == '_';
		    n++)
			;
		if (n < (tag ? 1u : 3u) || n > (tag ? 50u : 32u))
			continue;
		for (k = 0; k < n; k++)
			word[k] = tolower((unsigned char)p[1 + k]);
		word[n] = '\0';
		escape_n(buf, start, p - start);
		core_html_appendf(buf, "<a href=\"/photos/%s/%s\" class=\"%s\">",
		    tag ? "tag" : "u", word, tag ? "hashtag" : "mention");
		escape_n(buf, p, n + 1);
		core_html_appendf(buf, "</a>");
		p += n;
		start = p + 1;
	}
	escape_n(buf, start, strlen(start));
}

/* A tile's caption: its first line, 80 bytes at most, whole characters. */
static void
first_line(struct kore_buf *buf, const char *s)
{
	size_t		n;
	int		cut;

	n = strcspn(s, "\r\n");
	if (n == 0)
		return;
	cut = n > 80 || s[n] != '\0';
	if (n > 80) {
		n = 80;
		/* Back to the start of a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	core_html_appendf(buf, "<p class=\"tile-caption\">");
	escape_n(buf, s, n);
	core_html_appendf(buf, "%s</p>", cut ? "…" : "");
}

static void
escape_n(struct kore_buf *buf, const char *s, size_t n)
{
	char		*copy;

	if (n == 0)
		return;
	copy = kore_malloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	core_html_escape(buf, copy);
	kore_free(copy);
}
