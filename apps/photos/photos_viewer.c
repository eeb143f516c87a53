/*
 * The full-screen viewer: /photos/{id}?in=feed|user|tag|cats (u= the
 * username, t= the tag) shows one photo over the whole screen with links
 * to the previous (newer) and next (older) photo of that list, as the
 * list's grid orders them, and a close link back to the grid.  It works
 * as plain links; /static/photos.js adds the arrow keys, swipes, Escape
 * and keeps the focus in it.
 */

#include <stdio.h>
#include <string.h>

#include "photos/photos.h"

/* The photos of a list around photo $3: $1 viewer, $2 admin, $4 arg. */
#define VIEWER_FROM							\
	" FROM photos p JOIN media_files m ON m.id = p.media_id"	\
	" JOIN users u ON u.id = p.owner_id"

#define VIEWER_AROUND(cond)						\
	"WITH c AS (SELECT created_at, id FROM photos WHERE id = $3) "	\
	"SELECT (SELECT p.id" VIEWER_FROM " WHERE " cond		\
	"   AND (p.created_at, p.id) > (c.created_at, c.id)"		\
	" ORDER BY p.created_at, p.id LIMIT 1),"			\
	" (SELECT p.id" VIEWER_FROM " WHERE " cond			\
	"   AND (p.created_at, p.id) < (c.created_at, c.id)"		\
	" ORDER BY p.created_at DESC, p.id DESC LIMIT 1)"		\
	" FROM c"

/* As the grids list them (photos_store.c). */
static const char sql_around_feed[] = VIEWER_AROUND(
	"NOT p.hidden AND " PHOTOS_SQL_VISIBLE("0", "false")
	" AND " PHOTOS_SQL_SHOWN("$1") " AND $2::bool IS NOT NULL"
	" AND $4::text IS NULL");

static const char sql_around_user[] = VIEWER_AROUND(
	"u.username = $4 AND " PHOTOS_SQL_VISIBLE("$1", "$2"));

static const char sql_around_tag[] = VIEWER_AROUND(
	"NOT p.hidden AND " PHOTOS_SQL_VISIBLE("0", "false")
	" AND " PHOTOS_SQL_SHOWN("$1") " AND $2::bool IS NOT NULL"
	" AND p.id IN (SELECT t.photo_id FROM photo_tags t WHERE t.tag = $4)");

enum around_col {
	AROUND_NEWER,
	AROUND_OLDER
};

/* Which list, and the grid it comes from. */
struct viewer_list {
	const char	*mode;		/* feed, user, tag, cats */
	const char	*arg;		/* username or tag, or NULL */
	char		 query[96];	/* in=…, for links */
	char		 grid[96];	/* the grid's path */
};

static int	viewer_list(struct http_request *, struct viewer_list *);
static int	word_ok(const char *, size_t);
static void	viewer_render(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *, struct core_db *,
		    const struct viewer_list *);
static void	viewer_link(struct kore_buf *, struct core_db *, int,
		    const struct viewer_list *, const char *, const char *,
		    const char *);

/*
 * The viewer of photo `id` within the list the query names: 404 for a
 * photo the viewer does not see, 400 for a list that is not one.
 */
int
photos_viewer_page(struct http_request *req, struct core_ctx *ctx,
    int64_t id)
{
	struct viewer_list	 list;
	struct photos_args	 a;
	struct kore_buf		*buf;
	const char		*params[4], *sql;

	if (viewer_list(req, &list) == -1)
		return (core_error(req, 400, "That list of photos does not "
		    "exist."));
	CORE_TRY(photos_load(req, ctx, &ctx->db[0], id));

	photos_args(ctx, id, &a);
	params[0] = a.v[1];
	params[1] = a.v[2];
	params[2] = a.v[0];
	params[3] = list.arg;
	if (!strcmp(list.mode, "user"))
		sql = sql_around_user;
	else if (list.arg != NULL)
		sql = sql_around_tag;
	else
		sql = sql_around_feed;
	CORE_TRY(core_db_run(req, &ctx->db[1], sql, 4, params));

	buf = core_page_open(req, "Photo");
	viewer_render(req, buf, ctx, &ctx->db[0], &ctx->db[1], &list);
	core_html_appendf(buf, "<script src=\"%s\" defer></script>\n",
	    core_static_url("/static/photos.js"));

	return (core_page_close(req, 200, buf));
}

/* The list of ?in= (and u= or t=) in `list`; -1 when it names none. */
static int
viewer_list(struct http_request *req, struct viewer_list *list)
{
	const char	*in, *arg;

	in = core_form_get(req, "in");
	list->arg = NULL;
	if (in == NULL)
		return (-1);
	if (!strcmp(in, "feed")) {
		list->mode = "feed";
		(void)kore_strlcpy(list->query, "in=feed",
		    sizeof(list->query));
		(void)kore_strlcpy(list->grid, "/photos",
		    sizeof(list->grid));
		return (0);
	}
	if (!strcmp(in, "cats")) {
		list->mode = "cats";
		list->arg = "cat";
		(void)kore_strlcpy(list->query, "in=cats",
		    sizeof(list->query));
		(void)kore_strlcpy(list->grid, "/photos/cats",
		    sizeof(list->grid));
		return (0);
	}
	if (!strcmp(in, "user")) {
		arg = core_form_get(req, "u");
		if (arg == NULL || !word_ok(arg, 32))
			return (-1);
		list->mode = "user";
		list->arg = arg;
		(void)snprintf(list->query, sizeof(list->query),
		    "in=user&u=%s", arg);
		(void)snprintf(list->grid, sizeof(list->grid),
		    "/photos/u/%s", arg);
		return (0);
	}
	if (!strcmp(in, "tag")) {
		arg = core_form_get(req, "t");
		if (arg == NULL || !word_ok(arg, 50))
			return (-1);
		list->mode = "tag";
		list->arg = arg;
		(void)snprintf(list->query, sizeof(list->query),
		    "in=tag&t=%s", arg);
		(void)snprintf(list->grid, sizeof(list->grid),
		    "/photos/tag/%s", arg);
		return (0);
	}

	return (-1);
}

/* 1 to `max` of [a-z0-9_], as usernames and tags are. */
static int
word_ok(const char *s, size_t max)
{
	size_t		n;

	n = strlen(s);
	return (n > 0 && n <= max &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n);
}

static void
viewer_render(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db, struct core_db *around,
    const struct viewer_list *list)
{
	struct kore_buf	 back;
	const char	*status;
	int64_t		 id;
	int		 liked;

	id = core_db_int(db, 0, PH_COL_ID);
	status = photos_status(db, 0);
	core_html_appendf(buf, "<div class=\"viewer\" id=\"viewer\" "
	    "role=\"dialog\" aria-modal=\"true\" aria-labelledby=\"viewer-title\" "
	    "tabindex=\"-1\" data-grid=\"%s\">\n"
	    "<h1 id=\"viewer-title\" class=\"visually-hidden\">Photo by %s</h1>\n"
	    "<a class=\"viewer-close\" href=\"%s#p%lld\" "
	    "aria-label=\"Close the viewer\" aria-keyshortcuts=\"Escape\">"
	    "<span aria-hidden=\"true\">×</span></a>\n",
	    list->grid, core_db_value(db, 0, PH_COL_OWNER), list->grid,
	    (long long)id);

	core_html_appendf(buf, "<div class=\"viewer-stage\">");
	if (photos_render_album(buf, db, status, 0) == 1)
		;
	else if (!strcmp(status, "ready"))
		core_html_appendf(buf, "<img src=\"/media/display/%s.jpg\" "
		    "alt=\"%s\" width=\"%lld\" height=\"%lld\">",
		    core_db_value(db, 0, PH_COL_SHA),
		    core_db_value(db, 0, PH_COL_ALT),
		    (long long)core_db_int(db, 0, PH_COL_WIDTH),
		    (long long)core_db_int(db, 0, PH_COL_HEIGHT));
	else
		core_html_appendf(buf, "<p class=\"photo-status\">%s</p>",
		    !strcmp(status, "processing") ? "Processing: the photo "
		    "appears here in a moment." : "This photo cannot be shown.");
	core_html_appendf(buf, "</div>\n");

	viewer_link(buf, around, AROUND_NEWER, list, "viewer-prev", "prev",
	    "Previous photo");
	viewer_link(buf, around, AROUND_OLDER, list, "viewer-next", "next",
	    "Next photo");

	core_html_appendf(buf, "<div class=\"viewer-info\"><p>%A<a href=\"/u/"
	    "%U\">%s</a> · %T</p>",
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_OWNER_NAME),
	    core_db_value(db, 0, PH_COL_OWNER_AVATAR),
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_OWNER),
	    core_db_value(db, 0, PH_COL_CREATED));
	if (*core_db_value(db, 0, PH_COL_CAPTION) != '\0')
		core_html_appendf(buf, "<p class=\"viewer-caption\">%s</p>",
		    core_db_value(db, 0, PH_COL_CAPTION));

	core_html_appendf(buf, "<p class=\"viewer-actions\">");
	liked = core_db_bool(db, 0, PH_COL_LIKED);
	if (ctx->user.id != 0 && !strcmp(status, "ready")) {
		kore_buf_init(&back, 128);
		kore_buf_appendf(&back, "/photos/%lld?%s", (long long)id,
		    list->query);
		core_html_appendf(buf, "<form method=\"post\" action=\"/photos/"
		    "%lld/%s\" class=\"inline like-form\">", (long long)id,
		    liked ? "unlike" : "like");
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<input type=\"hidden\" name=\"back\" "
		    "value=\"%s\"><button type=\"submit\" class=\"like-button%s\" "
		    "aria-pressed=\"%s\" aria-label=\"Like the photo by %s\" "
		    "data-photo=\"%lld\"><span aria-hidden=\"true\">♥</span> "
		    "<span class=\"like-n\">%lld</span></button></form>",
		    kore_buf_stringify(&back, NULL), liked ? " liked" : "",
		    liked ? "true" : "false", core_db_value(db, 0, PH_COL_OWNER),
		    (long long)id,
		    (long long)core_db_int(db, 0, PH_COL_LIKES));
		core_html_appendf(buf, " ");
		photos_render_save(req, buf, db, 0, kore_buf_stringify(&back,
		    NULL), "inline save-form");
		kore_buf_cleanup(&back);
	} else
		core_html_appendf(buf, "<span>♥ %lld</span>",
		    (long long)core_db_int(db, 0, PH_COL_LIKES));
	core_html_appendf(buf, " <a href=\"/photos/%lld\">Comments and details"
	    " (%lld)</a></p></div>\n</div>\n", (long long)id,
	    (long long)core_db_int(db, 0, PH_COL_COMMENTS));
}

/* The previous or next link, or a disabled one at the list's end. */
static void
viewer_link(struct kore_buf *buf, struct core_db *around, int col,
    const struct viewer_list *list, const char *cls, const char *rel,
    const char *label)
{
	const char	*arrow;

	arrow = col == AROUND_NEWER ? "‹" : "›";
	if (core_db_rows(around) != 1 || core_db_isnull(around, 0, col)) {
		core_html_appendf(buf, "<span class=\"%s\" aria-disabled=\"true\" "
		    "aria-label=\"%s (none: %s of the list)\"><span "
		    "aria-hidden=\"true\">%s</span></span>\n", cls, label,
		    col == AROUND_NEWER ? "the start" : "the end", arrow);
		return;
	}
	core_html_appendf(buf, "<a class=\"%s\" rel=\"%s\" href=\"/photos/%lld?"
	    "%s\" aria-label=\"%s\" aria-keyshortcuts=\"%s\"><span "
	    "aria-hidden=\"true\">%s</span></a>\n", cls, rel,
	    (long long)core_db_int(around, 0, col), list->query, label,
	    col == AROUND_NEWER ? "ArrowLeft" : "ArrowRight", arrow);
}
