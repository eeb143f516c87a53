/*
 * The photos' pages: the shared feed (/photos), a user's photos, a tag's
 * photos, one photo with its likes and comments, and the upload form.
 * Every form posts back here and redirects (303) to the photo or feed.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "photos/photos.h"

int	photos_feed_page(struct http_request *);
int	photos_user_page(struct http_request *);
int	photos_tag_page(struct http_request *);
int	photos_cats_page(struct http_request *);
int	photos_new_page(struct http_request *);
int	photos_action_page(struct http_request *);
int	photos_comment_delete_page(struct http_request *);

static int	grid_page(struct http_request *, const char *, const char *,
		    const char *);
static void	grid(struct kore_buf *, struct core_db *, int);
static void	caption_html(struct kore_buf *, const char *);
static void	escape_n(struct kore_buf *, const char *, size_t);
static void	photo_body(struct http_request *, struct core_ctx *,
		    struct kore_buf *, struct core_db *, struct core_db *);
static void	new_form(struct http_request *, struct kore_buf *,
		    const char *, const char *);

int
photos_feed_page(struct http_request *req)
{
	return (grid_page(req, "feed", NULL, "Photos"));
}

/* /photos/u/{username}: the route admits only [a-z0-9_]{1,32}. */
int
photos_user_page(struct http_request *req)
{
	return (grid_page(req, "user", req->path + strlen("/photos/u/"),
	    NULL));
}

/* /photos/tag/{tag}: the route admits only [a-z0-9_]{1,50}. */
int
photos_tag_page(struct http_request *req)
{
	return (grid_page(req, "tag", req->path + strlen("/photos/tag/"),
	    NULL));
}

/* /photos/cats: what the cat detector found. */
int
photos_cats_page(struct http_request *req)
{
	return (grid_page(req, "tag", "cat", "Cat zone"));
}

/* /photos/{id} */
CORE_HANDLER(photos_photo_page)
{
	struct kore_buf		*buf;
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/photos/", &id, &rest) == -1 || *rest != '\0')
		return (core_error(req, 404, NULL));
	CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));
	CORE_TRY(photos_comments_load(req, ctx, &ctx->db[1], id));

	buf = core_page_open(req, "Photo");
	photo_body(req, ctx, buf, &ctx->db[0], &ctx->db[1]);

	return (core_page_close(req, 200, buf));
}

/* GET and POST /photos/new (multipart: file, caption, _csrf) */
int
photos_new_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf, loc;
	json_t			*errors;
	const char		*caption;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	if ((rc = core_require_user(req, ctx)) != CORE_OK)
		return (core_yield(rc));

	if (req->method == HTTP_METHOD_POST) {
		if ((rc = core_csrf_check(req, ctx)) != CORE_OK)
			return (core_yield(rc));
		caption = core_form_get(req, "caption");
		if (photos_caption_check(caption, &errors) == -1) {
			kore_buf_init(&buf, 4096);
			core_page_begin(req, &buf, "New photo");
			new_form(req, &buf, caption, json_string_value(
			    json_object_get(errors, "caption")));
			json_decref(errors);
			core_page_end(&buf);
			core_page_send(req, 422, &buf);
			kore_buf_cleanup(&buf);
			return (KORE_RESULT_OK);
		}
		if ((rc = core_media_upload(req, ctx, "file")) != CORE_OK)
			return (core_yield(rc));
		if ((rc = photos_create(req, ctx,
		    caption != NULL ? caption : "")) != CORE_OK)
			return (core_yield(rc));
		kore_buf_init(&loc, 64);
		kore_buf_appendf(&loc, "/photos/%lld",
		    (long long)core_db_int(&ctx->db[0], 0, 0));
		core_redirect(req, kore_buf_stringify(&loc, NULL));
		kore_buf_cleanup(&loc);
		return (KORE_RESULT_OK);
	}

	kore_buf_init(&buf, 4096);
	core_page_begin(req, &buf, "New photo");
	new_form(req, &buf, "", NULL);
	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

/* POST /photos/{id}/{like,unlike,comments,delete,report} */
int
photos_action_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 loc;
	json_t			*errors;
	const char		*rest, *body;
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/photos/", &id, &rest) == -1)
		return (core_yield(core_error(req, 404, NULL)));

	if (!strcmp(rest, "/like") || !strcmp(rest, "/unlike")) {
		rc = photos_like(req, ctx, &ctx->db[0], id, rest[1] == 'l');
	} else if (!strcmp(rest, "/comments")) {
		body = core_form_get(req, "body");
		if (photos_comment_check(body, &errors) == -1) {
			rc = core_error(req, 422, json_string_value(
			    json_object_get(errors, "body")));
			json_decref(errors);
			return (core_yield(rc));
		}
		rc = photos_comment_add(req, ctx, id, body);
	} else if (!strcmp(rest, "/delete")) {
		if ((rc = photos_delete(req, ctx, id)) != CORE_OK)
			return (core_yield(rc));
		core_redirect(req, "/photos");
		return (KORE_RESULT_OK);
	} else if (!strcmp(rest, "/report")) {
		rc = photos_report(req, ctx, id, core_form_get(req, "reason"));
	} else {
		return (core_yield(core_error(req, 404, NULL)));
	}
	if (rc != CORE_OK)
		return (core_yield(rc));

	kore_buf_init(&loc, 64);
	kore_buf_appendf(&loc, "/photos/%lld%s", (long long)id,
	    !strcmp(rest, "/report") ? "?reported=1" : "");
	core_redirect(req, kore_buf_stringify(&loc, NULL));
	kore_buf_cleanup(&loc);

	return (KORE_RESULT_OK);
}

/* POST /photos/comments/{id}/delete (back to the photo, by Referer-less
 * redirect to the feed when the comment is gone) */
int
photos_comment_delete_page(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 loc;
	const char		*rest, *back;
	int64_t			 id;
	int			 rc;

	if ((rc = core_begin_change(req, &ctx, CORE_NEED_USER)) != CORE_OK)
		return (core_yield(rc));
	if (core_path_id(req, "/photos/comments/", &id, &rest) == -1 ||
	    strcmp(rest, "/delete"))
		return (core_yield(core_error(req, 404, NULL)));
	if ((rc = photos_comment_delete(req, ctx, id)) != CORE_OK)
		return (core_yield(rc));

	back = core_form_get(req, "photo");
	kore_buf_init(&loc, 64);
	if (back != NULL && strspn(back, "0123456789") == strlen(back) &&
	    *back != '\0' && strlen(back) < 19)
		kore_buf_appendf(&loc, "/photos/%s", back);
	else
		kore_buf_appendf(&loc, "/photos");
	core_redirect(req, kore_buf_stringify(&loc, NULL));
	kore_buf_cleanup(&loc);

	return (KORE_RESULT_OK);
}

/*
 * A grid of photos for the feed, a user or a tag, ?cursor= paged.  The
 * feed's first page is the same for everyone: it comes from the core's
 * one-second cache.
 */
static int
grid_page(struct http_request *req, const char *mode, const char *arg,
    const char *title)
{
	struct core_ctx		*ctx;
	struct core_db		*db;
	struct kore_buf		 buf, list;
	const u_int8_t		*cached;
	const char		*cursor;
	size_t			 len;
	int			 rc, rows, shared;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));
	http_populate_get(req);
	if (!strcmp(mode, "user") &&
	    (rc = core_user_known(req, &ctx->db[1], arg)) != CORE_OK)
		return (core_yield(rc));

	cursor = core_form_get(req, "cursor");
	shared = !strcmp(mode, "feed") && cursor == NULL;
	kore_buf_init(&list, 16384);
	/* Once this request set out to build the grid, it finishes it. */
	if (shared && ctx->stage == 0 &&
	    (cached = core_cache_get("photos:feed:html", &len)) != NULL) {
		kore_buf_append(&list, cached, len);
	} else {
		ctx->stage = 1;
		db = &ctx->db[0];
		if ((rc = photos_list(req, ctx, db, mode, arg, cursor,
		    PHOTOS_PAGE)) != CORE_OK) {
			kore_buf_cleanup(&list);
			return (core_yield(rc));
		}
		rows = core_db_rows(db);
		grid(&list, db, rows < PHOTOS_PAGE ? rows : PHOTOS_PAGE);
		if (rows == 0)
			core_html_appendf(&list, "<p>No photos yet.</p>\n");
		if (rows > PHOTOS_PAGE)
			core_html_appendf(&list, "<nav class=\"pager\"><a "
			    "rel=\"next\" href=\"?cursor=%U\">Older photos →</a>"
			    "</nav>\n", core_db_value(db, PHOTOS_PAGE - 1,
			    PH_COL_CURSOR));
		if (shared)
			core_cache_put("photos:feed:html", list.data,
			    list.offset);
	}

	kore_buf_init(&buf, list.offset + 4096);
	core_page_begin(req, &buf, title != NULL ? title : arg);
	if (!strcmp(mode, "user"))
		core_html_appendf(&buf, "<h1>Photos by %s</h1>\n", arg);
	else if (!strcmp(mode, "tag") && title != NULL)
		core_html_appendf(&buf, "<h1>%s</h1>\n<p>Photos in which the "
		    "cat detector found a cat's face.</p>\n", title);
	else if (!strcmp(mode, "tag"))
		core_html_appendf(&buf, "<h1>#%s</h1>\n", arg);
	else
		core_html_appendf(&buf, "<h1>Photos</h1>\n");
	if (ctx->user.id != 0)
		core_html_appendf(&buf, "<p><a href=\"/photos/new\" "
		    "role=\"button\">Upload a photo</a> <a href=\"/photos/u/"
		    "%U\">Your photos</a> · <a href=\"/photos/cats\">Cat "
		    "zone</a></p>\n", ctx->user.username);
	kore_buf_append(&buf, list.data, list.offset);
	kore_buf_cleanup(&list);
	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

static void
grid(struct kore_buf *buf, struct core_db *db, int n)
{
	const char	*status;
	int		 i;

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
		core_html_appendf(buf, "</a><small>♥ %lld · %lld comment%s"
		    "</small></li>\n",
		    (long long)core_db_int(db, i, PH_COL_LIKES),
		    (long long)core_db_int(db, i, PH_COL_COMMENTS),
		    core_db_int(db, i, PH_COL_COMMENTS) == 1 ? "" : "s");
	}
	core_html_appendf(buf, "</ul>\n");
}

static void
photo_body(struct http_request *req, struct core_ctx *ctx,
    struct kore_buf *buf, struct core_db *db, struct core_db *cm)
{
	json_t		*people, *tag;
	const char	*status;
	size_t		 k;
	int64_t		 id;
	int		 i, owner, admin, liked;

	id = core_db_int(db, 0, PH_COL_ID);
	status = photos_status(db, 0);
	owner = core_db_int(db, 0, PH_COL_OWNER_ID) == ctx->user.id;
	admin = ctx->user.role == CORE_ROLE_ADMIN;
	liked = !strcmp(core_db_value(db, 0, PH_COL_LIKED), "t");

	core_html_appendf(buf, "<article class=\"photo\" data-status=\"%s\">\n",
	    status);
	if (!strcmp(status, "ready"))
		core_html_appendf(buf, "<img src=\"/media/display/%s.jpg\" "
		    "alt=\"%s\" width=\"%lld\" height=\"%lld\">\n",
		    core_db_value(db, 0, PH_COL_SHA),
		    core_db_value(db, 0, PH_COL_CAPTION),
		    (long long)core_db_int(db, 0, PH_COL_WIDTH),
		    (long long)core_db_int(db, 0, PH_COL_HEIGHT));
	else if (!strcmp(status, "processing"))
		core_html_appendf(buf, "<p class=\"photo-status\">Processing: "
		    "the photo appears here in a moment. Reload to see it."
		    "</p>\n");
	else if (!strcmp(status, "failed"))
		core_html_appendf(buf, "<p class=\"form-error\">This photo "
		    "could not be processed: %s</p>\n",
		    core_db_value(db, 0, PH_COL_MEDIA_REASON));
	else
		core_html_appendf(buf, "<p class=\"form-error\">Hidden by a "
		    "moderator.</p>\n");

	core_html_appendf(buf, "<p class=\"meta\">by <a href=\"/photos/u/%U\">"
	    "%s</a> · <time datetime=\"%s\">%s</time></p>\n",
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_CREATED),
	    core_db_value(db, 0, PH_COL_CREATED));
	core_html_appendf(buf, "<p class=\"caption\">");
	caption_html(buf, core_db_value(db, 0, PH_COL_CAPTION));
	core_html_appendf(buf, "</p>\n");

	people = json_loads(core_db_value(db, 0, PH_COL_PEOPLE), 0, NULL);
	if (json_array_size(people) > 0) {
		core_html_appendf(buf, "<p class=\"people\">With ");
		json_array_foreach(people, k, tag)
			core_html_appendf(buf, "%s<a href=\"/photos/u/%U\">@%s"
			    "</a>", k > 0 ? ", " : "", json_string_value(tag),
			    json_string_value(tag));
		core_html_appendf(buf, "</p>\n");
	}
	json_decref(people);

	core_html_appendf(buf, "<p class=\"likes\"><span id=\"like-count\">"
	    "%lld</span> like%s", (long long)core_db_int(db, 0, PH_COL_LIKES),
	    core_db_int(db, 0, PH_COL_LIKES) == 1 ? "" : "s");
	if (ctx->user.id != 0) {
		core_html_appendf(buf, " <form method=\"post\" class=\"inline\" "
		    "action=\"/photos/%lld/%s\">", (long long)id,
		    liked ? "unlike" : "like");
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<button type=\"submit\" class=\"%s\">%s"
		    "</button></form>", liked ? "secondary" : "",
		    liked ? "Unlike" : "♥ Like");
	}
	core_html_appendf(buf, "</p>\n");

	if (owner || admin) {
		core_html_appendf(buf, "<form method=\"post\" class=\"inline\" "
		    "action=\"/photos/%lld/delete\">", (long long)id);
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<button type=\"submit\" class=\"secondary "
		    "outline\">Delete photo</button></form>\n");
	} else if (ctx->user.id != 0) {
		core_html_appendf(buf, "<details><summary>Report</summary>"
		    "<form method=\"post\" action=\"/photos/%lld/report\">",
		    (long long)id);
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<input name=\"reason\" maxlength=\"500\" "
		    "placeholder=\"What is wrong?\"><button type=\"submit\" "
		    "class=\"secondary\">Send to moderators</button></form>"
		    "</details>\n");
	}
	if (req->query_string != NULL &&
	    strstr(req->query_string, "reported=1") != NULL)
		core_html_appendf(buf, "<p role=\"status\">Thank you: a "
		    "moderator will look at it.</p>\n");
	core_html_appendf(buf, "</article>\n");

	core_html_appendf(buf, "<section class=\"comments\" id=\"comments\">"
	    "<h2>Comments</h2>\n");
	for (i = 0; i < core_db_rows(cm); i++) {
		core_html_appendf(buf, "<article class=\"comment%s\" id=\"c%lld\">"
		    "<p class=\"meta\"><strong>%s</strong> · %s%s</p><p>%s</p>",
		    !strcmp(core_db_value(cm, i, 5), "t") ? " hidden-comment" : "",
		    (long long)core_db_int(cm, i, 0), core_db_value(cm, i, 3),
		    core_db_value(cm, i, 2),
		    !strcmp(core_db_value(cm, i, 5), "t") ?
		    " · held for review" : "", core_db_value(cm, i, 1));
		if (core_db_int(cm, i, 4) == ctx->user.id || owner || admin) {
			core_html_appendf(buf, "<form method=\"post\" class=\""
			    "inline\" action=\"/photos/comments/%lld/delete\">"
			    "<input type=\"hidden\" name=\"photo\" value=\"%lld\">",
			    (long long)core_db_int(cm, i, 0), (long long)id);
			core_form_csrf(req, buf);
			core_html_appendf(buf, "<button type=\"submit\" class=\""
			    "secondary outline\">Delete</button></form>");
		}
		core_html_appendf(buf, "</article>\n");
	}
	if (ctx->user.id != 0 && !strcmp(status, "ready")) {
		core_html_appendf(buf, "<form method=\"post\" action=\"/photos/"
		    "%lld/comments\">", (long long)id);
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<textarea name=\"body\" rows=\"3\" "
		    "maxlength=\"2000\" required aria-label=\"Comment\">"
		    "</textarea><button type=\"submit\">Comment</button>"
		    "</form>\n");
	}
	core_html_appendf(buf, "</section>\n");
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

static void
new_form(struct http_request *req, struct kore_buf *buf, const char *caption,
    const char *error)
{
	core_html_appendf(buf, "<h1>Upload a photo</h1>\n");
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\">%s</p>\n", error);
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
