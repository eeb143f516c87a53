/*
 * The search's output: the form, the results page and the JSON.  Every
 * excerpt goes through search_excerpt: escaped whole, the highlight
 * marks ts_headline put in the only markup that comes out.
 */

#include <string.h>

#include "search/search.h"

static const char *kind_names[] = {
	NULL, "post", "comment", "photo", "message", "person", "room"
};

static const char *kind_labels[] = {
	NULL, "Post", "Comment", "Photo", "Chat message", "Person", "Room"
};

static void	buf_put(void *, const char *, size_t);
static char	*excerpt_dup(const char *, int);
static void	search_link(struct kore_buf *, struct search_req *,
		    const char *, const char *);
static void	render_hit(struct kore_buf *, struct core_db *, int);
static int	hit_kind(struct core_db *, int);
static json_t	*str_or_null(const char *);

const char *
search_kind_name(int kind)
{
	if (kind < 1 || kind > SEARCH_KIND_LAST)
		return ("unknown");

	return (kind_names[kind]);
}

static int
hit_kind(struct core_db *db, int row)
{
	int64_t		k;

	k = core_db_int(db, row, SEARCH_COL_KIND);

	return (k >= 1 && k <= SEARCH_KIND_LAST ? (int)k : 0);
}

static json_t *
str_or_null(const char *s)
{
	return (s != NULL ? json_string(s) : json_null());
}

static void
buf_put(void *arg, const char *s, size_t n)
{
	kore_buf_append(arg, s, n);
}

/* An excerpt as a new string (kore_free), as HTML or as plain text. */
static char *
excerpt_dup(const char *s, int html)
{
	struct kore_buf		buf;
	char			*out;

	kore_buf_init(&buf, 256);
	search_excerpt(s, html, buf_put, &buf);
	out = kore_strdup(kore_buf_stringify(&buf, NULL));
	kore_buf_cleanup(&buf);

	return (out);
}

/* The search form: the box, where to look and, for admins, held items. */
void
search_render_form(struct kore_buf *buf, struct core_ctx *ctx,
    struct search_req *s)
{
	int		i;

	core_html_appendf(buf, "<h1>Search</h1>\n"
	    "<form role=\"search\" action=\"/search\" method=\"get\" "
	    "class=\"search-form\">\n<fieldset role=\"group\">"
	    "<input type=\"search\" name=\"q\" value=\"%s\" "
	    "maxlength=\"256\" aria-label=\"Search\" "
	    "placeholder=\"Words, &quot;a phrase&quot;, from:user, "
	    "#tag\">", s->q != NULL ? s->q : "");
	core_html_appendf(buf, "<button type=\"submit\">Search</button>"
	    "</fieldset>\n<label>Look in <select name=\"in\">");
	for (i = 0; search_scopes[i].name != NULL; i++) {
		core_html_appendf(buf, "<option value=\"%s\"%s>%s</option>",
		    search_scopes[i].name,
		    s->scope == &search_scopes[i] ? " selected" : "",
		    search_scopes[i].label);
	}
	core_html_appendf(buf, "</select></label>\n");
	if (ctx->user.role == CORE_ROLE_ADMIN) {
		core_html_appendf(buf, "<label><input type=\"checkbox\" "
		    "name=\"held\" value=\"1\" role=\"switch\"%s> Include "
		    "held items (drafts, items in review, hidden, banned "
		    "users)</label>\n", s->held ? " checked" : "");
	}
	core_html_appendf(buf, "</form>\n");
}

/* What the box understands, for an empty search or a refused one. */
void
search_render_help(struct kore_buf *buf)
{
	core_html_appendf(buf, "<section class=\"search-help\">\n"
	    "<h2>Find posts, photos, messages and people</h2>\n<ul>\n"
	    "<li><code>garden party</code>: both words (“gardening” "
	    "counts)</li>\n"
	    "<li><code>\"garden party\"</code>: the words together</li>\n"
	    "<li><code>garden -party</code>: without “party”</li>\n"
	    "<li><code>from:alice</code>: by alice</li>\n"
	    "<li><code>in:#general</code>: in that chat room</li>\n"
	    "<li><code>#cat</code>: photos tagged cat</li>\n"
	    "</ul>\n<p>Or browse the <a href=\"/blog\">blog</a>, the "
	    "<a href=\"/photos\">photos</a> or the <a href=\"/chat\">"
	    "chat</a>.</p>\n</section>\n");
}

/* A link to this search with `name`=`value` instead (scope, cursor). */
static void
search_link(struct kore_buf *buf, struct search_req *s, const char *name,
    const char *value)
{
	core_html_appendf(buf, "/search?q=%U", s->q);
	core_html_appendf(buf, "&amp;in=%U", !strcmp(name, "in") ? value :
	    s->scope->name);
	if (s->author != NULL)
		core_html_appendf(buf, "&amp;author=%U", s->author);
	if (s->from != NULL)
		core_html_appendf(buf, "&amp;from=%U", s->from);
	if (s->to != NULL)
		core_html_appendf(buf, "&amp;to=%U", s->to);
	if (s->held)
		core_html_appendf(buf, "&amp;held=1");
	if (!strcmp(name, "cursor"))
		core_html_appendf(buf, "&amp;cursor=%U", value);
}

static void
render_hit(struct kore_buf *buf, struct core_db *db, int i)
{
	char		*title, *excerpt;
	const char	*place;
	int		 kind;

	kind = hit_kind(db, i);
	title = excerpt_dup(core_db_value(db, i, SEARCH_COL_TITLE), 1);
	excerpt = excerpt_dup(core_db_value(db, i, SEARCH_COL_EXCERPT), 1);
	place = core_db_value(db, i, SEARCH_COL_PLACE);

	core_html_appendf(buf, "<li class=\"hit hit-%s\"><article>\n"
	    "<p class=\"hit-kind\">%s</p>\n<h2><a href=\"%s\">%R</a></h2>\n",
	    search_kind_name(kind), kind ? kind_labels[kind] : "",
	    core_db_value(db, i, SEARCH_COL_LINK), title);
	if (kind != SEARCH_KIND_USER && kind != SEARCH_KIND_ROOM)
		core_html_appendf(buf, "<p class=\"excerpt\">%R</p>\n",
		    excerpt);
	core_html_appendf(buf, "<p class=\"meta\">");
	if (kind == SEARCH_KIND_COMMENT)
		core_html_appendf(buf, "On “%s” · ", place);
	if (*core_db_value(db, i, SEARCH_COL_AUTHOR) != '\0' &&
	    kind != SEARCH_KIND_USER)
		core_html_appendf(buf, "by <a href=\"/blog/u/%U\">%s</a> · ",
		    core_db_value(db, i, SEARCH_COL_AUTHOR),
		    core_db_value(db, i, SEARCH_COL_AUTHOR));
	core_html_appendf(buf, "%T</p>\n</article></li>\n",
	    core_db_value(db, i, SEARCH_COL_AT));

	kore_free(title);
	kore_free(excerpt);
}

/* The results of `s` in `db` (search_run), after the form. */
void
search_render_page(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct search_req *s, struct core_db *db)
{
	int		i, n, shown;

	core_html_appendf(buf, "<nav class=\"search-scopes\" "
	    "aria-label=\"Where to look\"><ul>");
	for (i = 0; search_scopes[i].name != NULL; i++) {
		core_html_appendf(buf, "<li><a href=\"");
		search_link(buf, s, "in", search_scopes[i].name);
		core_html_appendf(buf, "\"%R>%s</a></li>",
		    s->scope == &search_scopes[i] ? " aria-current=\"page\"" :
		    "", search_scopes[i].label);
	}
	core_html_appendf(buf, "</ul></nav>\n");

	n = search_hits(db);
	if (n == 0) {
		if (s->query.words > 0 &&
		    core_db_int(db, 0, SEARCH_COL_TERMS) == 0) {
			core_html_appendf(buf, "<section class=\"empty\">"
			    "<h2>Only very common words</h2>\n<p>Words like "
			    "“the” or “and” (and symbols such as emoji) are "
			    "left out of a search, and nothing else was left "
			    "of “%s”. Add a word that says what you are "
			    "looking for.</p></section>\n", s->q);
		} else if (s->cursor != NULL) {
			core_html_appendf(buf, "<section class=\"empty\">"
			    "<h2>No more results</h2>\n<p><a href=\"");
			search_link(buf, s, "in", s->scope->name);
			core_html_appendf(buf, "\">Back to the first "
			    "results</a></p></section>\n");
		} else {
			core_html_appendf(buf, "<section class=\"empty\">"
			    "<h2>Nothing found</h2>\n<p>Nothing you can see "
			    "matches “%s”%s. Try fewer or other words, or "
			    "look everywhere.</p></section>\n", s->q,
			    s->scope != &search_scopes[0] ? " here" : "");
		}
		search_render_help(buf);
		return;
	}

	shown = n > s->limit ? s->limit : n;
	core_html_appendf(buf, "<ol class=\"search-results\">\n");
	for (i = 0; i < shown; i++)
		render_hit(buf, db, i);
	core_html_appendf(buf, "</ol>\n");

	if (n > s->limit) {
		core_html_appendf(buf, "<p class=\"pager\"><a rel=\"next\" "
		    "role=\"button\" class=\"secondary outline\" href=\"");
		search_link(buf, s, "cursor",
		    core_db_value(db, shown - 1, SEARCH_COL_CURSOR));
		core_html_appendf(buf, "\">More results</a></p>\n");
	}
}

/* The results of `s` in `db` as the API's JSON (a new reference). */
json_t *
search_json(struct core_db *db, struct search_req *s)
{
	json_t		*out, *list, *o, *tags;
	char		*t, *th, *e, *eh;
	const char	*notice;
	int		 i, n, shown, kind;

	list = json_array();
	n = search_hits(db);
	shown = n > s->limit ? s->limit : n;
	for (i = 0; i < shown; i++) {
		kind = hit_kind(db, i);
		t = excerpt_dup(core_db_value(db, i, SEARCH_COL_TITLE), 0);
		th = excerpt_dup(core_db_value(db, i, SEARCH_COL_TITLE), 1);
		e = excerpt_dup(core_db_value(db, i, SEARCH_COL_EXCERPT), 0);
		eh = excerpt_dup(core_db_value(db, i, SEARCH_COL_EXCERPT), 1);
		o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, "
		    "s:s, s:s}", "kind", search_kind_name(kind),
		    "id", (json_int_t)core_db_int(db, i, SEARCH_COL_ID),
		    "title", t, "title_html", th, "excerpt", e,
		    "excerpt_html", eh,
		    "url", core_db_value(db, i, SEARCH_COL_LINK),
		    "author", core_db_value(db, i, SEARCH_COL_AUTHOR),
		    "created_at", core_db_value(db, i, SEARCH_COL_AT),
		    "place", core_db_value(db, i, SEARCH_COL_PLACE));
		kore_free(t);
		kore_free(th);
		kore_free(e);
		kore_free(eh);
		if (o != NULL)
			json_array_append_new(list, o);
	}

	notice = NULL;
	if (s->empty)
		notice = "empty";
	else if (n == 0 && s->query.words > 0 &&
	    core_db_int(db, 0, SEARCH_COL_TERMS) == 0)
		notice = "stop_words";

	tags = json_array();
	for (i = 0; i < s->query.ntags; i++)
		json_array_append_new(tags, json_string(s->query.tags[i]));

	out = json_pack("{s:{s:s, s:s, s:s, s:o, s:o, s:o, s:b}, s:o, "
	    "s:o, s:o}",
	    "query", "q", s->q, "in", s->scope->name,
	    "text", s->query.text,
	    "from", str_or_null(s->query.from[0] != '\0' ? s->query.from :
	    s->author),
	    "room", str_or_null(s->query.room[0] != '\0' ? s->query.room :
	    NULL),
	    "tags", tags, "held", s->held,
	    "results", list,
	    "next_cursor", str_or_null(n > s->limit ?
	    core_db_value(db, shown - 1, SEARCH_COL_CURSOR) : NULL),
	    "notice", str_or_null(notice));

	return (out);
}

/* Suggestions in `db` (search_suggest_run) as JSON (a new reference). */
json_t *
search_suggest_json(struct core_db *db)
{
	json_t		*list;
	int		 i;

	list = json_array();
	for (i = 0; db != NULL && i < core_db_rows(db); i++) {
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "kind", core_db_value(db, i, SEARCH_SCOL_KIND),
		    "label", core_db_value(db, i, SEARCH_SCOL_LABEL),
		    "url", core_db_value(db, i, SEARCH_SCOL_LINK)));
	}

	return (json_pack("{s:o}", "suggestions", list));
}
