/*
 * A post's history: every save that changed its text is a revision
 * (sql/016_revisions.sql).  Its author and admins see the list, each
 * revision, the difference between two, and can restore one; restoring
 * is an edit with that revision's text, reviewed like any other.  Anyone
 * else gets what blog_post_load answers them (404, or 403 when they may
 * read the post).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blog/blog.h"

#define REV_LIST_MAX	200

/* Columns of the revision statements, in this order. */
enum rev_col {
	REV_COL_ID,
	REV_COL_TITLE,
	REV_COL_CREATED,
	REV_COL_EDITOR,
	REV_COL_STATE,
	REV_COL_RESTORED,
	REV_COL_CHARS,
	REV_COL_BODY,		/* sql_revision_get only */
	REV_COL_TAGS		/* the same, as an SQL array */
};

/*
 * The state of a revision: "published" (what readers see), the status
 * of the edit waiting ("pending", "draft", "rejected"), for a post never
 * published its status on the newest revision; "" for the others.
 */
#define REV_SQL_COLS							\
	"r.id, r.title, " CORE_SQL_TS("r.created_at") ", "		\
	"coalesce(u.username, ''), CASE"				\
	"  WHEN r.id = p.live_revision THEN 'published'"		\
	"  WHEN r.id = p.edit_revision THEN p.edit_status"		\
	"  WHEN p.status <> 'approved' AND r.id = blog_post_head(p.id)"	\
	"  THEN p.status ELSE '' END, "					\
	"r.restored_from, char_length(r.body)"

/* $1 post: its newest revisions first. */
static const char sql_revisions[] =
	"SELECT " REV_SQL_COLS
	"  FROM post_revisions r JOIN posts p ON p.id = r.post_id"
	"  LEFT JOIN users u ON u.id = r.editor_id"
	" WHERE r.post_id = $1 ORDER BY r.id DESC LIMIT 200";

/* $1 post, $2 revision. */
static const char sql_revision_get[] =
	"SELECT " REV_SQL_COLS ", r.body, r.tags::text"
	"  FROM post_revisions r JOIN posts p ON p.id = r.post_id"
	"  LEFT JOIN users u ON u.id = r.editor_id"
	" WHERE r.post_id = $1 AND r.id = $2";

static int	path_ids(struct http_request *, const char *, int64_t *,
		    int64_t *, const char *);
static int	query_id(struct http_request *, const char *, int64_t *);
static int	revisions_load(struct http_request *, struct core_db *,
		    int64_t);
static int	revision_load(struct http_request *, struct core_db *,
		    int64_t, int64_t);
static int	restore(struct http_request *, struct core_ctx *,
		    struct core_db *, struct core_db *, int64_t);
static json_t	*revision_json(struct core_db *, int, int);
static void	state_badge(struct kore_buf *, const char *);
static void	diff_render(struct kore_buf *, const char *, const char *);

/* GET /blog/{id}/history */
CORE_HANDLER_NEED(blog_history_page, CORE_NEED_USER)
{
	struct kore_buf		*buf;
	struct core_db		*post, *revs;
	const char		*rest, *state;
	char			 action[96];
	long long		 id, rid, prev;
	int			 i, n;
	int64_t			 pid;

	if (core_path_id(req, "/blog/", &pid, &rest) == -1 ||
	    strcmp(rest, "/history"))
		return (core_error(req, 404, NULL));
	post = &ctx->db[0];
	revs = &ctx->db[1];
	CORE_TRY(blog_post_load(req, ctx, post, pid, 1));
	CORE_TRY(revisions_load(req, revs, pid));

	id = (long long)pid;
	buf = core_page_open(req, "History");
	core_html_appendf(buf, "<h1>History of “<a href=\"/blog/%lld-%s\">%s"
	    "</a>”</h1>\n<p>Every save is kept. Restoring a revision is an "
	    "edit: %s</p>\n", id, core_db_value(post, 0, BLOG_COL_SLUG),
	    core_db_value(post, 0, BLOG_COL_TITLE),
	    ctx->user.role == CORE_ROLE_ADMIN ?
	    "it is published at once." :
	    "on a published post it waits for review while the published "
	    "version stays up.");

	n = core_db_rows(revs);
	core_html_appendf(buf, "<ol class=\"revisions\" reversed>\n");
	for (i = 0; i < n; i++) {
		rid = (long long)core_db_int(revs, i, REV_COL_ID);
		state = core_db_value(revs, i, REV_COL_STATE);
		core_html_appendf(buf, "<li id=\"r%lld\"><p><a href=\""
		    "/blog/%lld/revisions/%lld\">%s</a>", rid, id, rid,
		    core_db_value(revs, i, REV_COL_TITLE));
		state_badge(buf, state);
		core_html_appendf(buf, "</p>\n<p class=\"meta\">%T by %s · "
		    "%lld characters",
		    core_db_value(revs, i, REV_COL_CREATED),
		    *core_db_value(revs, i, REV_COL_EDITOR) != '\0' ?
		    core_db_value(revs, i, REV_COL_EDITOR) : "a deleted user",
		    (long long)core_db_int(revs, i, REV_COL_CHARS));
		if (!core_db_isnull(revs, i, REV_COL_RESTORED))
			core_html_appendf(buf, " · restored from <a href=\"#r%lld\">"
			    "revision %lld</a>",
			    (long long)core_db_int(revs, i, REV_COL_RESTORED),
			    (long long)core_db_int(revs, i, REV_COL_RESTORED));
		core_html_appendf(buf, "</p>\n");
		if (i + 1 < n) {
			prev = (long long)core_db_int(revs, i + 1, REV_COL_ID);
			core_html_appendf(buf, "<a href=\"/blog/%lld/diff?from="
			    "%lld&amp;to=%lld\">Changes from the revision "
			    "before</a> ", id, prev, rid);
		}
		if (i > 0) {
			(void)snprintf(action, sizeof(action),
			    "/blog/%lld/revisions/%lld/restore", id, rid);
			core_form_button(req, buf, action, "inline",
			    "secondary outline", "Restore");
		}
		core_html_appendf(buf, "</li>\n");
	}
	core_html_appendf(buf, "</ol>\n");
	if (n == REV_LIST_MAX)
		core_html_appendf(buf, "<p class=\"meta\">The %d newest "
		    "revisions.</p>\n", REV_LIST_MAX);

	return (core_page_close(req, 200, buf));
}

/* GET /blog/{id}/revisions/{rev} */
CORE_HANDLER_NEED(blog_revision_page, CORE_NEED_USER)
{
	struct kore_buf		*buf;
	struct core_db		*post, *rev;
	const char		*body;
	char			*html, action[96];
	int64_t			 pid, rid;

	if (path_ids(req, "/blog/", &pid, &rid, "") == -1)
		return (core_error(req, 404, NULL));
	post = &ctx->db[0];
	rev = &ctx->db[1];
	CORE_TRY(blog_post_load(req, ctx, post, pid, 1));
	CORE_TRY(revision_load(req, rev, pid, rid));

	buf = core_page_open(req, core_db_value(rev, 0, REV_COL_TITLE));
	core_html_appendf(buf, "<article class=\"post-full\">\n<header>\n"
	    "<p><a href=\"/blog/%lld/history\">← History</a></p>\n<h1>%s",
	    (long long)pid, core_db_value(rev, 0, REV_COL_TITLE));
	state_badge(buf, core_db_value(rev, 0, REV_COL_STATE));
	core_html_appendf(buf, "</h1>\n<p class=\"meta\">Revision %lld, "
	    "saved %T by %s</p>\n</header>\n", (long long)rid,
	    core_db_value(rev, 0, REV_COL_CREATED),
	    core_db_value(rev, 0, REV_COL_EDITOR));
	body = core_db_value(rev, 0, REV_COL_BODY);
	html = blog_markdown_html(body, strlen(body));
	core_html_appendf(buf, "<div class=\"post-body\">%R</div>\n",
	    html != NULL ? html : "");
	free(html);
	(void)snprintf(action, sizeof(action),
	    "/blog/%lld/revisions/%lld/restore", (long long)pid,
	    (long long)rid);
	core_html_appendf(buf, "<footer class=\"actions\">");
	core_form_button(req, buf, action, "inline", "outline",
	    "Restore this revision");
	core_html_appendf(buf, "</footer>\n</article>\n");

	return (core_page_close(req, 200, buf));
}

/* POST /blog/{id}/revisions/{rev}/restore */
CORE_HANDLER_NEED(blog_restore_page, CORE_NEED_CHANGE)
{
	char			 loc[128];
	int64_t			 pid, rid;

	if (path_ids(req, "/blog/", &pid, &rid, "/restore") == -1)
		return (core_error(req, 404, NULL));
	CORE_TRY(blog_post_load(req, ctx, &ctx->db[0], pid, 1));
	CORE_TRY(revision_load(req, &ctx->db[1], pid, rid));
	CORE_TRY(restore(req, ctx, &ctx->db[1], &ctx->db[2], pid));

	(void)snprintf(loc, sizeof(loc), "/blog/%lld-%s", (long long)pid,
	    core_db_value(&ctx->db[2], 0, BLOG_WCOL_SLUG));
	core_redirect(req, loc);
	return (CORE_DONE);
}

/* GET /blog/{id}/diff?from={rev}&to={rev} */
CORE_HANDLER_NEED(blog_diff_page, CORE_NEED_USER)
{
	struct kore_buf		*buf;
	struct core_db		*a, *b;
	const char		*rest;
	int64_t			 pid, from, to;

	if (core_path_id(req, "/blog/", &pid, &rest) == -1 ||
	    strcmp(rest, "/diff"))
		return (core_error(req, 404, NULL));
	if (!ctx->form_loaded) {
		ctx->form_loaded = 1;
		http_populate_get(req);
	}
	if (query_id(req, "from", &from) == -1 ||
	    query_id(req, "to", &to) == -1)
		return (core_error(req, 404, "Choose two revisions of this "
		    "post."));
	a = &ctx->db[1];
	b = &ctx->db[2];
	CORE_TRY(blog_post_load(req, ctx, &ctx->db[0], pid, 1));
	CORE_TRY(revision_load(req, a, pid, from));
	CORE_TRY(revision_load(req, b, pid, to));

	buf = core_page_open(req, "Changes");
	core_html_appendf(buf, "<p><a href=\"/blog/%lld/history\">← History"
	    "</a></p>\n<h1>Changes</h1>\n<p class=\"meta\">From <a href=\""
	    "/blog/%lld/revisions/%lld\">revision %lld</a> (%T) to <a href=\""
	    "/blog/%lld/revisions/%lld\">revision %lld</a> (%T)</p>\n",
	    (long long)pid, (long long)pid, (long long)from, (long long)from,
	    core_db_value(a, 0, REV_COL_CREATED), (long long)pid,
	    (long long)to, (long long)to,
	    core_db_value(b, 0, REV_COL_CREATED));
	core_html_appendf(buf, "<h2>Title</h2>\n");
	diff_render(buf, core_db_value(a, 0, REV_COL_TITLE),
	    core_db_value(b, 0, REV_COL_TITLE));
	core_html_appendf(buf, "<h2>Text</h2>\n");
	diff_render(buf, core_db_value(a, 0, REV_COL_BODY),
	    core_db_value(b, 0, REV_COL_BODY));

	return (core_page_close(req, 200, buf));
}

/* GET /api/v1/blog/posts/{id}/revisions */
CORE_HANDLER(blog_api_revisions)
{
	struct core_db		*revs;
	json_t			*list;
	const char		*rest;
	int64_t			 pid;
	int			 i;

	if (core_path_id(req, "/api/v1/blog/posts/", &pid, &rest) == -1 ||
	    strcmp(rest, "/revisions"))
		return (core_error(req, 404, NULL));
	CORE_TRY(core_need(req, ctx, CORE_NEED_USER));
	revs = &ctx->db[1];
	CORE_TRY(blog_post_load(req, ctx, &ctx->db[0], pid, 1));
	CORE_TRY(revisions_load(req, revs, pid));

	list = json_array();
	for (i = 0; i < core_db_rows(revs); i++)
		json_array_append_new(list, revision_json(revs, i, 0));

	return (core_json_send(req, 200, json_pack("{s:o}", "revisions",
	    list)));
}

/*
 * GET /api/v1/blog/posts/{id}/revisions/{rev} and
 * POST /api/v1/blog/posts/{id}/revisions/{rev}/restore
 */
CORE_HANDLER(blog_api_revision)
{
	int64_t			 pid, rid;
	int			 restoring;

	restoring = req->method == HTTP_METHOD_POST;
	if (path_ids(req, "/api/v1/blog/posts/", &pid, &rid,
	    restoring ? "/restore" : "") == -1)
		return (core_error(req, 404, NULL));
	CORE_TRY(core_need(req, ctx, restoring ? CORE_NEED_CHANGE :
	    CORE_NEED_USER));
	CORE_TRY(blog_post_load(req, ctx, &ctx->db[0], pid, 1));
	CORE_TRY(revision_load(req, &ctx->db[1], pid, rid));
	if (!restoring)
		return (core_json_send(req, 200, json_pack("{s:o}",
		    "revision", revision_json(&ctx->db[1], 0, 1))));

	CORE_TRY(restore(req, ctx, &ctx->db[1], &ctx->db[2], pid));
	CORE_TRY(blog_post_load(req, ctx, &ctx->db[3], pid, 0));

	return (core_json_send(req, 200, json_pack("{s:o}", "post",
	    blog_post_json(&ctx->db[3], 0, 1))));
}

/*
 * "{prefix}{post}/revisions/{rev}{tail}" in the path; 0, or -1 when the
 * path is not that.
 */
static int
path_ids(struct http_request *req, const char *prefix, int64_t *pid,
    int64_t *rid, const char *tail)
{
	const char	*rest, *p;
	char		 num[21];
	size_t		 len;
	int		 err;

	if (core_path_id(req, prefix, pid, &rest) == -1 ||
	    strncmp(rest, "/revisions/", 11))
		return (-1);
	p = rest + 11;
	len = strspn(p, "0123456789");
	if (len == 0 || len >= sizeof(num) || strcmp(p + len, tail))
		return (-1);
	memcpy(num, p, len);
	num[len] = '\0';
	*rid = kore_strtonum64(num, 1, &err);
	if (err != KORE_RESULT_OK || *rid < 1)
		return (-1);

	return (0);
}

/* ?{name}= as a positive id; -1 when absent or not one. */
static int
query_id(struct http_request *req, const char *name, int64_t *id)
{
	const char	*v;
	int		 err;

	if ((v = core_form_get(req, name)) == NULL)
		return (-1);
	*id = kore_strtonum64(v, 1, &err);
	if (err != KORE_RESULT_OK || *id < 1)
		return (-1);

	return (0);
}

static int
revisions_load(struct http_request *req, struct core_db *db, int64_t pid)
{
	struct core_num	 p;
	const char	*params[1];

	params[0] = core_num(&p, pid);

	return (core_db_run(req, db, sql_revisions, 1, params));
}

/* Revision `rid` of post `pid` into `db`; 404 when it is not one. */
static int
revision_load(struct http_request *req, struct core_db *db, int64_t pid,
    int64_t rid)
{
	struct core_num	 p, r;
	const char	*params[2];

	params[0] = core_num(&p, pid);
	params[1] = core_num(&r, rid);
	CORE_TRY(core_db_run(req, db, sql_revision_get, 2, params));

	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "There is no such revision of "
		    "this post."));

	return (CORE_OK);
}

/*
 * Save the revision in `rev` as an edit of post `pid` (loaded and
 * allowed), with `db` for the statement.
 */
static int
restore(struct http_request *req, struct core_ctx *ctx, struct core_db *rev,
    struct core_db *db, int64_t pid)
{
	struct blog_post_in	 in;

	memset(&in, 0, sizeof(in));
	in.title = core_db_value(rev, 0, REV_COL_TITLE);
	in.body = core_db_value(rev, 0, REV_COL_BODY);
	in.restored = core_db_int(rev, 0, REV_COL_ID);
	in.tags_sql = core_db_value(rev, 0, REV_COL_TAGS);

	return (blog_post_update(req, ctx, db, pid, &in));
}

/* A revision as the API shows it; `full` adds its text. */
static json_t *
revision_json(struct core_db *db, int row, int full)
{
	json_t		*o;

	o = json_pack("{s:I, s:s, s:s, s:s, s:I}",
	    "id", (json_int_t)core_db_int(db, row, REV_COL_ID),
	    "title", core_db_value(db, row, REV_COL_TITLE),
	    "created_at", core_db_value(db, row, REV_COL_CREATED),
	    "editor", core_db_value(db, row, REV_COL_EDITOR),
	    "characters", (json_int_t)core_db_int(db, row, REV_COL_CHARS));
	if (o == NULL)
		return (json_object());
	json_object_set_new(o, "state",
	    *core_db_value(db, row, REV_COL_STATE) == '\0' ? json_null() :
	    json_string(core_db_value(db, row, REV_COL_STATE)));
	json_object_set_new(o, "restored_from",
	    core_db_isnull(db, row, REV_COL_RESTORED) ? json_null() :
	    json_integer((json_int_t)core_db_int(db, row, REV_COL_RESTORED)));
	if (full)
		json_object_set_new(o, "body",
		    json_string(core_db_value(db, row, REV_COL_BODY)));

	return (o);
}

static void
state_badge(struct kore_buf *buf, const char *state)
{
	static const char *labels[][2] = {
		{ "published", "published" },
		{ "pending", "waiting for review" },
		{ "draft", "draft" },
		{ "rejected", "not published" },
	};
	size_t		i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		if (!strcmp(state, labels[i][0])) {
			core_html_appendf(buf, " <mark class=\"status "
			    "status-%s\">%s</mark>", state, labels[i][1]);
			return;
		}
	}
}

/* Lines of `s` (LF), pointers into `s`; the count. */
static size_t
split_lines(const char *s, const char ***out, size_t **lens)
{
	const char	*p, *nl;
	size_t		 n, i;

	n = 1;
	for (p = s; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	*out = kore_calloc(n, sizeof(**out));
	*lens = kore_calloc(n, sizeof(**lens));
	for (i = 0, p = s; i < n; i++) {
		nl = strchr(p, '\n');
		(*out)[i] = p;
		(*lens)[i] = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}

	return (n);
}

static int
line_eq(const char *a, size_t al, const char *b, size_t bl)
{
	return (al == bl && memcmp(a, b, al) == 0);
}

static void
diff_line(struct kore_buf *buf, char mark, const char *s, size_t len)
{
	char		*copy;

	copy = kore_malloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	core_html_appendf(buf, "<%s>%s</%s>\n", mark == '-' ? "del" :
	    mark == '+' ? "ins" : "span", copy, mark == '-' ? "del" :
	    mark == '+' ? "ins" : "span");
	kore_free(copy);
}

/*
 * The lines removed from `a` and added in `b`, with the unchanged lines
 * around them, as <pre class="diff"> of <del>, <ins> and <span>.  The
 * common head and tail are cut first; the rest is a longest common
 * subsequence when it fits in DIFF_CELLS cells (posts have at most
 * 100,000 characters), else all of it removed and added.
 */
#define DIFF_CELLS	(1024 * 1024)

static void
diff_render(struct kore_buf *buf, const char *a, const char *b)
{
	const char	**al, **bl;
	size_t		 *alen, *blen, na, nb, head, tail, i, j, m, n;
	u_int32_t	 *t;

	if (!strcmp(a, b)) {
		core_html_appendf(buf, "<p class=\"meta\">No change.</p>\n");
		return;
	}
	na = split_lines(a, &al, &alen);
	nb = split_lines(b, &bl, &blen);
	for (head = 0; head < na && head < nb &&
	    line_eq(al[head], alen[head], bl[head], blen[head]); head++)
		;
	for (tail = 0; tail < na - head && tail < nb - head &&
	    line_eq(al[na - 1 - tail], alen[na - 1 - tail],
	    bl[nb - 1 - tail], blen[nb - 1 - tail]); tail++)
		;
	m = na - head - tail;
	n = nb - head - tail;

	core_html_appendf(buf, "<pre class=\"diff\">");
	for (i = 0; i < head; i++)
		diff_line(buf, ' ', al[i], alen[i]);

	t = NULL;
	if (m > 0 && n > 0 && (m + 1) <= DIFF_CELLS / (n + 1))
		t = kore_calloc((m + 1) * (n + 1), sizeof(*t));
	if (t != NULL) {
		/* t[i][j]: the LCS of a's lines from i and b's from j. */
		for (i = m; i-- > 0;) {
			for (j = n; j-- > 0;) {
				if (line_eq(al[head + i], alen[head + i],
				    bl[head + j], blen[head + j]))
					t[i * (n + 1) + j] =
					    t[(i + 1) * (n + 1) + j + 1] + 1;
				else
					t[i * (n + 1) + j] =
					    t[(i + 1) * (n + 1) + j] >
					    t[i * (n + 1) + j + 1] ?
					    t[(i + 1) * (n + 1) + j] :
					    t[i * (n + 1) + j + 1];
			}
		}
		i = j = 0;
		while (i < m || j < n) {
			if (i < m && j < n && line_eq(al[head + i],
			    alen[head + i], bl[head + j], blen[head + j])) {
				diff_line(buf, ' ', al[head + i],
				    alen[head + i]);
				i++;
				j++;
			} else if (j < n && (i == m ||
			    t[i * (n + 1) + j + 1] >= t[(i + 1) * (n + 1) + j])) {
				diff_line(buf, '+', bl[head + j],
				    blen[head + j]);
				j++;
			} else {
				diff_line(buf, '-', al[head + i],
				    alen[head + i]);
				i++;
			}
		}
		kore_free(t);
	} else {
		for (i = 0; i < m; i++)
			diff_line(buf, '-', al[head + i], alen[head + i]);
		for (j = 0; j < n; j++)
			diff_line(buf, '+', bl[head + j], blen[head + j]);
	}

	for (i = na - tail; i < na; i++)
		diff_line(buf, ' ', al[i], alen[i]);
	core_html_appendf(buf, "</pre>\n");

	kore_free(al);
	kore_free(alen);
	kore_free(bl);
	kore_free(blen);
}
