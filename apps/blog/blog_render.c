/*
 * How posts look: the list on /blog, a post page and the editor form.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blog/blog.h"

static void	status_badge(struct kore_buf *, const char *);
static void	post_url(struct kore_buf *, struct core_db *, int);
static const char *shown_at(struct core_db *, int);
static void	empty_list(struct http_request *, struct kore_buf *);
static void	edit_notice(struct kore_buf *, struct core_db *);
static void	edit_badge(struct kore_buf *, const char *);

/* No posts: and what the reader can do about it. */
static void
empty_list(struct http_request *req, struct kore_buf *buf)
{
	struct core_ctx		*ctx = http_state_get(req);

	if (ctx != NULL && ctx->user.id != 0)
		core_html_appendf(buf, "<p class=\"empty\">No posts yet. "
		    "<a href=\"/blog/new\">Write the first one</a>.</p>\n");
	else
		core_html_appendf(buf, "<p class=\"empty\">No posts yet. "
		    "<a href=\"/login?next=/blog/new\">Log in</a> to write the "
		    "first one.</p>\n");
}

/*
 * The posts of `db` (BLOG_SQL_POST_COLS) as a list, at most `max` of
 * them; status badges when `badges` (an author's own list).
 */
void
blog_render_list(struct http_request *req, struct kore_buf *buf,
    struct core_db *db, int max, int badges)
{
	struct blog_lead lead;
	char		*excerpt;
	int		 i, n, comments, more;

	n = core_db_rows(db);
	if (n > max)
		n = max;
	if (n == 0) {
		empty_list(req, buf);
		return;
	}

	core_html_appendf(buf, "<ul class=\"posts\">\n");
	for (i = 0; i < n; i++) {
		comments = (int)core_db_int(db, i, BLOG_COL_COMMENTS);
		excerpt = blog_excerpt(db, i, &more, &lead);
		core_html_appendf(buf, "<li class=\"post%R\"><article>\n",
		    lead.sha[0] != '\0' ? " has-lead" : "");
		if (lead.sha[0] != '\0')
			core_html_appendf(buf, "<img class=\"lead\" src=\""
			    "/media/thumb/%s.jpg\" alt=\"%s\" width=\"320\" "
			    "height=\"320\" loading=\"lazy\" decoding=\"async"
			    "\">\n", lead.sha, lead.alt);
		core_html_appendf(buf, "<h2><a href=\"");
		post_url(buf, db, i);
		core_html_appendf(buf, "\">%s</a>",
		    core_db_value(db, i, BLOG_COL_TITLE));
		if (badges) {
			status_badge(buf, core_db_value(db, i,
			    BLOG_COL_STATUS));
			edit_badge(buf, core_db_value(db, i,
			    BLOG_COL_EDIT_STATE));
		}
		core_html_appendf(buf, "</h2>\n<p class=\"meta\"><span>by "
		    "</span>%P <span>·</span> "
		    "%T <span>· %d min read · %d comment%s</span></p>\n",
		    core_db_value(db, i, BLOG_COL_AUTHOR),
		    core_db_value(db, i, BLOG_COL_AUTHOR_NAME),
		    core_db_value(db, i, BLOG_COL_AUTHOR_AVATAR), 0,
		    shown_at(db, i),
		    blog_reading_minutes(core_db_int(db, i, BLOG_COL_WORDS)),
		    comments, comments == 1 ? "" : "s");
		core_html_appendf(buf, "<p class=\"excerpt\">%s%R</p>\n",
		    excerpt != NULL ? excerpt : "", more ? "…" : "");
		free(excerpt);
		blog_render_tags(buf, core_db_value(db, i, BLOG_COL_TAGS));
		core_html_appendf(buf, "</article></li>\n");
	}
	core_html_appendf(buf, "</ul>\n");
}

/* One post: title, byline, status, the rendered body and its actions. */
void
blog_render_post(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct core_db *db)
{
	const char	*body, *status;
	char		*html, action[64];
	long long	 id;

	status = core_db_value(db, 0, BLOG_COL_STATUS);
	core_html_appendf(buf, "<article class=\"post-full\">\n<header>\n"
	    "<h1>%s", core_db_value(db, 0, BLOG_COL_TITLE));
	if (strcmp(status, "approved"))
		status_badge(buf, status);
	core_html_appendf(buf, "</h1>\n<p class=\"meta\">by %P"
	    " · %T · %d min read</p>\n",
	    core_db_value(db, 0, BLOG_COL_AUTHOR),
	    core_db_value(db, 0, BLOG_COL_AUTHOR_NAME),
	    core_db_value(db, 0, BLOG_COL_AUTHOR_AVATAR), 0,
	    shown_at(db, 0),
	    blog_reading_minutes(core_db_int(db, 0, BLOG_COL_WORDS)));
	blog_render_tags(buf, core_db_value(db, 0, BLOG_COL_TAGS));

	if (!strcmp(status, "rejected") &&
	    !core_db_isnull(db, 0, BLOG_COL_REASON))
		core_html_appendf(buf, "<p class=\"form-error\">Not published: "
		    "%s</p>\n", core_db_value(db, 0, BLOG_COL_REASON));
	else if (!strcmp(status, "pending"))
		core_html_appendf(buf, "<p class=\"notice\">Waiting for an "
		    "admin's review; only you and the admins can see it.</p>\n");
	else if (!strcmp(status, "scheduled"))
		core_html_appendf(buf, "<p class=\"notice\" role=\"status\">"
		    "Scheduled: published %T by itself; until then only its "
		    "author and the admins can see it.</p>\n",
		    core_db_value(db, 0, BLOG_COL_PUBLISH_AT));
	if (!core_db_isnull(db, 0, BLOG_COL_EDIT_ID))
		edit_notice(buf, db);
	core_html_appendf(buf, "</header>\n");

	body = core_db_value(db, 0, BLOG_COL_BODY);
	html = blog_markdown_html(body, strlen(body));
	core_html_appendf(buf, "<div class=\"post-body\">%R</div>\n",
	    html != NULL ? html : "");
	free(html);

	if (blog_can_edit(ctx, db)) {
		id = (long long)core_db_int(db, 0, BLOG_COL_ID);
		(void)snprintf(action, sizeof(action), "/blog/%lld/delete", id);
		core_html_appendf(buf, "<footer class=\"actions\"><a "
		    "href=\"/blog/%lld/edit\" role=\"button\" "
		    "class=\"outline\">Edit</a> <a href=\"/blog/%lld/history\" "
		    "role=\"button\" class=\"secondary outline\">History</a> ",
		    id, id);
		core_form_confirm(req, buf, action, "Delete",
		    "Yes, delete this post");
		core_html_appendf(buf, "</footer>\n");
	}
	core_html_appendf(buf, "</article>\n");
}

/* The editor: new post (action /blog/new) or an edit. */
void
blog_render_form(struct http_request *req, struct kore_buf *buf,
    const char *action, struct blog_post_in *in, json_t *errors)
{
	const char	*msg, *pub;
	char		 local[17];
	int		 utc;

	if (errors != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "Please correct the marked fields.</p>\n");

	core_form_open(req, buf, action, "post-editor");
	core_html_appendf(buf, "\n<label>Title\n<input name=\"title\" "
	    "value=\"%s\" maxlength=\"200\" required%R></label>\n", in->title,
	    json_object_get(errors, "title") ? " aria-invalid=\"true\"" : "");
	if ((msg = json_string_value(json_object_get(errors, "title"))))
		core_html_appendf(buf, "<small class=\"field-error\">%s</small>\n",
		    msg);
	core_html_appendf(buf, "<label>Text <small>(Markdown)</small>\n"
	    "<textarea name=\"body\" rows=\"16\" "
	    "data-preview=\"/api/v1/blog/preview\"%R>%s</textarea></label>\n"
	    "<label class=\"image-upload\">Add an image <small>(JPEG, PNG or "
	    "WebP)</small>\n<input type=\"file\" accept=\"image/jpeg,"
	    "image/png,image/webp\" data-upload=\"/api/v1/blog/images\">"
	    "</label>\n<p class=\"upload-status\" role=\"status\"></p>\n",
	    json_object_get(errors, "body") ? " aria-invalid=\"true\"" : "",
	    in->body);
	if ((msg = json_string_value(json_object_get(errors, "body"))))
		core_html_appendf(buf, "<small class=\"field-error\">%s</small>\n",
		    msg);
	core_html_appendf(buf, "<label>Tags <small>(up to 5, separated by "
	    "commas: letters, digits and hyphens)</small>\n<input name=\"tags\" "
	    "value=\"%s\" maxlength=\"200\" autocomplete=\"off\" "
	    "autocapitalize=\"none\" placeholder=\"travel, north-ridge\"%R>"
	    "</label>\n", in->tags,
	    json_object_get(errors, "tags") ? " aria-invalid=\"true\"" : "");
	if ((msg = json_string_value(json_object_get(errors, "tags"))))
		core_html_appendf(buf, "<small class=\"field-error\">%s</small>\n",
		    msg);
	/*
	 * A post never published may wait for a time.  The field shows
	 * UTC; the editor's script shows and sends the reader's own time.
	 */
	if (!in->published) {
		pub = in->publish_at != NULL ? in->publish_at : "";
		(void)snprintf(local, sizeof(local), "%.16s", pub);
		utc = strlen(pub) > 16 && pub[strlen(pub) - 1] == 'Z';
		core_html_appendf(buf, "<label>Publish at <small>(optional: "
		    "leave empty to publish on approval; times are UTC "
		    "without the page's script)</small>\n<input "
		    "type=\"datetime-local\" name=\"publish_at\" "
		    "value=\"%s\" data-utc=\"%s\"%R></label>\n"
		    "<input type=\"hidden\" name=\"tz_offset\" value=\"%s\">\n",
		    local, utc ? pub : "",
		    json_object_get(errors, "publish_at") ?
		    " aria-invalid=\"true\"" : "",
		    !utc && in->tz_offset != NULL ? in->tz_offset : "");
		if ((msg = json_string_value(json_object_get(errors,
		    "publish_at"))))
			core_html_appendf(buf, "<small class=\"field-error\">%s"
			    "</small>\n", msg);
	}
	core_html_appendf(buf, "<div class=\"grid\">"
	    "<button type=\"submit\" name=\"status\" value=\"pending\">"
	    "Publish</button>"
	    "<button type=\"submit\" name=\"status\" value=\"draft\" "
	    "class=\"secondary\">Save as draft</button></div>\n"
	    "<small>Posts are published once an admin has reviewed them."
	    "</small>\n</form>\n");
	core_html_appendf(buf, "<script src=\"%s\" defer></script>\n",
	    core_static_url("/static/blog-editor.js"));
}

/*
 * The edit of a published post that is not public yet, as its author and
 * admins see it above the published version (BLOG_COL_EDIT_* set).
 */
static void
edit_notice(struct kore_buf *buf, struct core_db *db)
{
	const char	*es;
	long long	 id;

	es = core_db_value(db, 0, BLOG_COL_EDIT_STATUS);
	id = (long long)core_db_int(db, 0, BLOG_COL_ID);
	if (!strcmp(es, "pending"))
		core_html_appendf(buf, "<p class=\"notice\" role=\"status\">"
		    "An edit saved %T is waiting for an admin's review; readers "
		    "see the published version until it is approved. ",
		    core_db_value(db, 0, BLOG_COL_EDIT_AT));
	else if (!strcmp(es, "draft"))
		core_html_appendf(buf, "<p class=\"notice\" role=\"status\">"
		    "There is a draft of an edit, saved %T; readers see the "
		    "published version. ",
		    core_db_value(db, 0, BLOG_COL_EDIT_AT));
	else
		core_html_appendf(buf, "<p class=\"form-error\">An edit saved "
		    "%T was not published: %s ",
		    core_db_value(db, 0, BLOG_COL_EDIT_AT),
		    core_db_value(db, 0, BLOG_COL_EDIT_REASON));
	core_html_appendf(buf, "<a href=\"/blog/%lld/edit\">Go on editing</a>",
	    id);
	if (!core_db_isnull(db, 0, BLOG_COL_LIVE_REV))
		core_html_appendf(buf, " · <a href=\"/blog/%lld/diff?from=%lld"
		    "&amp;to=%lld\">See the changes</a>", id,
		    (long long)core_db_int(db, 0, BLOG_COL_LIVE_REV),
		    (long long)core_db_int(db, 0, BLOG_COL_EDIT_ID));
	core_html_appendf(buf, "</p>\n");
}

/*
 * Above the editor of a loaded post (blog_post_load): what a save will
 * do to what readers see.
 */
void
blog_render_edit_state(struct kore_buf *buf, struct core_ctx *ctx,
    struct core_db *db)
{
	const char	*status;

	status = core_db_value(db, 0, BLOG_COL_STATUS);
	if (!core_db_isnull(db, 0, BLOG_COL_EDIT_ID)) {
		edit_notice(buf, db);
		return;
	}
	if (strcmp(status, "approved"))
		return;
	if (ctx->user.role == CORE_ROLE_ADMIN)
		core_html_appendf(buf, "<p class=\"notice\">This post is "
		    "published: your changes replace it as soon as you "
		    "publish them.</p>\n");
	else
		core_html_appendf(buf, "<p class=\"notice\">This post is "
		    "published and stays up while you edit: your changes "
		    "replace it once an admin has reviewed them.</p>\n");
}

/* In the author's own list: a published post with an edit not public. */
static void
edit_badge(struct kore_buf *buf, const char *state)
{
	if (!strcmp(state, "pending"))
		core_html_appendf(buf, " <mark class=\"status status-edit\">"
		    "edit waiting for review</mark>");
	else if (!strcmp(state, "draft"))
		core_html_appendf(buf, " <mark class=\"status status-edit\">"
		    "draft of an edit</mark>");
	else if (!strcmp(state, "rejected"))
		core_html_appendf(buf, " <mark class=\"status status-edit\">"
		    "edit not published</mark>");
}

static void
status_badge(struct kore_buf *buf, const char *status)
{
	if (!strcmp(status, "approved"))
		return;
	core_html_appendf(buf, " <mark class=\"status status-%s\">%s</mark>",
	    status, status);
}

static void
post_url(struct kore_buf *buf, struct core_db *db, int row)
{
	core_html_appendf(buf, "/blog/%lld-%s",
	    (long long)core_db_int(db, row, BLOG_COL_ID),
	    core_db_value(db, row, BLOG_COL_SLUG));
}

/*
 * The <head> of post page `db` (row 0): its canonical address, a
 * description, Open Graph and Twitter card meta.  Everything from the
 * post goes through the escaper (quoted attributes).
 */
void
blog_render_head(struct kore_buf *buf, struct core_db *db)
{
	const char	*site, *tags;
	struct blog_lead lead;
	char		*excerpt, tag[BLOG_TAG_MAX + 1];
	size_t		 n;
	int		 more;

	site = core_cfg.site_url;
	excerpt = blog_excerpt(db, 0, &more, &lead);
	core_html_appendf(buf, "<link rel=\"canonical\" href=\"%s", site);
	post_url(buf, db, 0);
	core_html_appendf(buf, "\">\n"
	    "<meta name=\"description\" content=\"%s\">\n"
	    "<meta property=\"og:type\" content=\"article\">\n"
	    "<meta property=\"og:site_name\" content=\"Agora\">\n"
	    "<meta property=\"og:title\" content=\"%s\">\n"
	    "<meta property=\"og:description\" content=\"%s\">\n"
	    "<meta property=\"og:url\" content=\"%s",
	    excerpt != NULL ? excerpt : "",
	    core_db_value(db, 0, BLOG_COL_TITLE),
	    excerpt != NULL ? excerpt : "", site);
	post_url(buf, db, 0);
	core_html_appendf(buf, "\">\n");
	if (*core_db_value(db, 0, BLOG_COL_PUBLISHED) != '\0')
		core_html_appendf(buf, "<meta property=\"article:published_time"
		    "\" content=\"%s\">\n",
		    core_db_value(db, 0, BLOG_COL_PUBLISHED));
	core_html_appendf(buf, "<meta property=\"article:author\" "
	    "content=\"%s/blog/u/%U\">\n", site,
	    core_db_value(db, 0, BLOG_COL_AUTHOR));
	tags = core_db_value(db, 0, BLOG_COL_TAGS);
	while (*(tags += strspn(tags, " ")) != '\0') {
		n = strcspn(tags, " ");
		if (n < sizeof(tag)) {
			memcpy(tag, tags, n);
			tag[n] = '\0';
			core_html_appendf(buf, "<meta property=\"article:tag\" "
			    "content=\"%s\">\n", tag);
		}
		tags += n;
	}
	if (lead.sha[0] != '\0')
		core_html_appendf(buf, "<meta property=\"og:image\" content=\""
		    "%s/media/display/%s.jpg\">\n<meta property=\"og:image:"
		    "alt\" content=\"%s\">\n<meta name=\"twitter:image\" "
		    "content=\"%s/media/display/%s.jpg\">\n", site, lead.sha,
		    lead.alt, site, lead.sha);
	core_html_appendf(buf, "<meta name=\"twitter:card\" content=\"%R"
	    "\">\n<meta name=\"twitter:title\" content=\"%s\">\n"
	    "<meta name=\"twitter:description\" content=\"%s\">\n",
	    lead.sha[0] != '\0' ? "summary_large_image" : "summary",
	    core_db_value(db, 0, BLOG_COL_TITLE),
	    excerpt != NULL ? excerpt : "");
	free(excerpt);
}

/*
 * A post's tags (BLOG_COL_TAGS, space-separated) as links to their
 * pages; nothing when it has none.
 */
void
blog_render_tags(struct kore_buf *buf, const char *tags)
{
	char		tag[BLOG_TAG_MAX + 1];
	size_t		n;
	int		open;

	open = 0;
	while (*(tags += strspn(tags, " ")) != '\0') {
		n = strcspn(tags, " ");
		if (n < sizeof(tag)) {
			memcpy(tag, tags, n);
			tag[n] = '\0';
			if (!open++)
				core_html_appendf(buf, "<ul class=\"tags\" "
				    "aria-label=\"Tags\">");
			core_html_appendf(buf, "<li><a href=\"/blog/tag/%U\" "
			    "rel=\"tag\">#%s</a></li>", tag, tag);
		}
		tags += n;
	}
	if (open)
		core_html_appendf(buf, "</ul>\n");
}

/* The date a reader sees: publication, or creation for the unpublished. */
static const char *
shown_at(struct core_db *db, int row)
{
	const char	*published;

	published = core_db_value(db, row, BLOG_COL_PUBLISHED);
	if (*published != '\0')
		return (published);

	return (core_db_value(db, row, BLOG_COL_CREATED));
}
