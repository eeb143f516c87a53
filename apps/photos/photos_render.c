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

static void	photo_media(struct kore_buf *, struct core_db *, const char *);
static void	photo_byline(struct kore_buf *, struct core_db *);
static void	photo_likes(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *);
static void	photo_manage(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *);
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

/*
 * The heading of a grid page: `mode` "feed", "user" (`arg` a username)
 * or "tag" (`arg` a tag, or the cat zone when `title` is set), and the
 * links a signed-in viewer gets.
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
	if (ctx->user.id != 0)
		core_html_appendf(buf, "<p><a href=\"/photos/new\" "
		    "role=\"button\">Upload a photo</a> <a href=\"/photos/u/"
		    "%U\">Your photos</a> · <a href=\"/photos/cats\">Cat "
		    "zone</a></p>\n", ctx->user.username);
}

/*
 * The photos of `db` (PHOTOS_SQL_COLS) as a grid of at most `max`, and
 * a link to the next page when `db` holds more.
 */
void
photos_render_grid(struct kore_buf *buf, struct core_db *db, int max)
{
	const char	*status;
	int		 i, n, rows;

	rows = core_db_rows(db);
	n = rows < max ? rows : max;
	core_html_appendf(buf, "<ul class=\"photo-grid\">\n");
	for (i = 0; i < n; i++) {
		status = photos_status(db, i);
		core_html_appendf(buf, "<li><a href=\"/photos/%lld\">",
		    (long long)core_db_int(db, i, PH_COL_ID));
		if (!strcmp(status, "ready"))
			core_html_appendf(buf, "<img src=\"/media/thumb/%s.jpg\" "
			    "alt=\"%s\" loading=\"lazy\" width=\"320\" "
			    "height=\"320\">",
			    core_db_value(db, i, PH_COL_SHA),
			    core_db_value(db, i, PH_COL_CAPTION));
		else
			core_html_appendf(buf, "<span class=\"photo-status\">"
			    "%s</span>", status);
		core_html_appendf(buf, "</a><p class=\"tile-meta\">%A<a href=\""
		    "/u/%U\">%s</a> <span>♥ %lld · %lld comment%s"
		    "</span></p>",
		    core_db_value(db, i, PH_COL_OWNER),
		    core_db_value(db, i, PH_COL_OWNER_NAME),
		    core_db_value(db, i, PH_COL_OWNER_AVATAR),
		    core_db_value(db, i, PH_COL_OWNER),
		    core_db_value(db, i, PH_COL_OWNER),
		    (long long)core_db_int(db, i, PH_COL_LIKES),
		    (long long)core_db_int(db, i, PH_COL_COMMENTS),
		    core_db_int(db, i, PH_COL_COMMENTS) == 1 ? "" : "s");
		first_line(buf, core_db_value(db, i, PH_COL_CAPTION));
		core_html_appendf(buf, "</li>\n");
	}
	core_html_appendf(buf, "</ul>\n");

	if (rows == 0)
		core_html_appendf(buf, "<p class=\"empty\">No photos here yet. "
		    "<a href=\"/photos/new\">Upload the first one</a>.</p>\n");
	if (rows > max)
		core_html_appendf(buf, "<nav class=\"pager\"><a "
		    "rel=\"next\" href=\"?cursor=%U\">Older photos →</a>"
		    "</nav>\n", core_db_value(db, max - 1, PH_COL_CURSOR));
}

/* Photo row 0 of `db`: the image, byline, caption, likes, actions. */
void
photos_render_photo(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db)
{
	const char	*status;

	status = photos_status(db, 0);
	core_html_appendf(buf, "<article class=\"photo\" data-status=\"%s\">\n",
	    status);
	photo_media(buf, db, status);
	photo_byline(buf, db);
	photo_likes(req, buf, ctx, db);
	photos_render_seen(req, buf, ctx, db);
	photo_manage(req, buf, ctx, db);
	core_html_appendf(buf, "</article>\n");
}

static void
photo_media(struct kore_buf *buf, struct core_db *db, const char *status)
{
	if (!strcmp(status, "ready")) {
		core_html_appendf(buf, "<div class=\"photo-frame\">"
		    "<img src=\"/media/display/%s.jpg\" "
		    "alt=\"%s\" width=\"%lld\" height=\"%lld\">",
		    core_db_value(db, 0, PH_COL_SHA),
		    core_db_value(db, 0, PH_COL_CAPTION),
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

	core_html_appendf(buf, "<p class=\"meta\">by %A<a href=\"/u/%U\">%s"
	    "</a> · %T</p>\n",
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_OWNER_NAME),
	    core_db_value(db, 0, PH_COL_OWNER_AVATAR),
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_CREATED));
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
	}
	core_html_appendf(buf, "</p>\n");
}

/* Delete for its owner and admins, report for other signed-in users. */
static void
photo_manage(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db)
{
	char		path[64];
	int64_t		id;

	id = core_db_int(db, 0, PH_COL_ID);
	if (core_db_int(db, 0, PH_COL_OWNER_ID) == ctx->user.id ||
	    ctx->user.role == CORE_ROLE_ADMIN) {
		core_form_button(req, buf, action_path(path, sizeof(path),
		    "/photos/", id, "/delete"), "inline", "secondary outline",
		    "Delete photo");
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
	    "<p class=\"meta\">%A<a href=\"/u/%U\"><strong>%s</strong></a> · "
	    "%T%s</p><p>%s</p>",
	    hidden ? " hidden-comment" : "",
	    (long long)core_db_int(cm, i, PH_CM_ID),
	    core_db_value(cm, i, PH_CM_AUTHOR),
	    core_db_value(cm, i, PH_CM_AUTHOR_NAME),
	    core_db_value(cm, i, PH_CM_AUTHOR_AVATAR),
	    core_db_value(cm, i, PH_CM_AUTHOR),
	    core_db_value(cm, i, PH_CM_AUTHOR),
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

/* The upload form, with `caption` kept and `error` (or NULL) above it. */
void
photos_render_new_form(struct http_request *req, struct kore_buf *buf,
    const char *caption, const char *error)
{
	core_html_appendf(buf, "<h1>Upload a photo</h1>\n");
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\">%s</p>\n", error);
	/* core_form_open() has no enctype: the form is written here. */
	core_html_appendf(buf, "<form method=\"post\" action=\"/photos/new\" "
	    "enctype=\"multipart/form-data\" class=\"photo-upload\">");
	core_form_csrf(req, buf);
	core_html_appendf(buf, "<label>Photo (JPEG, PNG or WebP, up to %lld MB)"
	    "<input type=\"file\" name=\"file\" accept=\"image/jpeg,image/png,"
	    "image/webp\" required></label>"
	    "<label>Caption<textarea name=\"caption\" rows=\"3\" "
	    "maxlength=\"2000\" placeholder=\"Say something; #tags and "
	    "@names work\">%s</textarea></label>"
	    "<button type=\"submit\">Upload</button></form>\n",
	    (long long)(core_cfg.upload_max_bytes / (1024 * 1024)),
	    caption != NULL ? caption : "");
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

	photos_detect_json(o, db, row);
	json_object_set_new(o, "people", json_loads(core_db_value(db, row,
	    PH_COL_PEOPLE), 0, NULL));

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
