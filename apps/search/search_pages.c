/*
 * The search page, GET /search, and the parameters it shares with the
 * API (search_api.c): q, in, author, from, to, cursor, held (admins),
 * limit (API).
 */

#include <stdlib.h>
#include <string.h>

#include "search/search.h"

/* Bits are 1 << SEARCH_KIND_*. */
const struct search_scope search_scopes[] = {
	{ "all",	"Everything",	0x7e },
	{ "blog",	"Blog",		(1 << SEARCH_KIND_POST) |
					(1 << SEARCH_KIND_COMMENT) },
	{ "photos",	"Photos",	1 << SEARCH_KIND_PHOTO },
	{ "chat",	"Chat",		(1 << SEARCH_KIND_MESSAGE) |
					(1 << SEARCH_KIND_ROOM) },
	{ "people",	"People",	1 << SEARCH_KIND_USER },
	{ NULL,		NULL,		0 }
};

static const char	*arg(struct http_request *, const char *);
static int		 query_given(struct http_request *);

/* A query string argument that passed its validator, or NULL. */
static const char *
arg(struct http_request *req, const char *name)
{
	char		*v;

	if (!http_argument_get_string(req, name, &v))
		return (NULL);

	return (v);
}

/*
 * Was a ?q= with something in it sent (one its validator may have
 * refused: over 16 KB, not UTF-8)?
 */
static int
query_given(struct http_request *req)
{
	const char	*qs, *v;

	if ((qs = req->query_string) == NULL)
		return (0);
	if (!strncmp(qs, "q=", 2))
		v = qs + 2;
	else if ((v = strstr(qs, "&q=")) != NULL)
		v += 3;
	else
		return (0);

	return (*v != '\0' && *v != '&');
}

/* The request's search state, made on its first use. */
struct search_req *
search_req_of(struct core_ctx *ctx)
{
	if (ctx->app == NULL) {
		ctx->app = kore_calloc(1, sizeof(struct search_req));
		ctx->app_free = kore_free;
	}

	return (ctx->app);
}

/*
 * Read and check the search parameters of `req` into `s`.  0, or the
 * status to answer (400 a parameter, 422 the query) with `*why`.
 */
int
search_req_read(struct http_request *req, struct core_ctx *ctx,
    struct search_req *s, const char **why)
{
	const char	*v, *err;
	char		*end;
	long		 n;
	int		 i, rc;

	memset(s, 0, sizeof(*s));
	s->limit = SEARCH_PAGE_SIZE;
	s->scope = &search_scopes[0];
	*why = NULL;

	if (!ctx->form_loaded) {
		ctx->form_loaded = 1;
		http_populate_get(req);
	}

	if ((s->q = arg(req, "q")) == NULL) {
		s->q = "";
		if (query_given(req)) {
			*why = "A search is text of at most 256 characters.";
			return (422);
		}
	}
	rc = search_query_parse(s->q, strlen(s->q), &s->query);
	if (rc == SEARCH_Q_TOO_LONG) {
		*why = "A search has at most 256 characters.";
		return (422);
	}
	if (rc != SEARCH_Q_OK) {
		*why = "A search is text.";
		return (422);
	}

	if ((v = arg(req, "in")) != NULL && *v != '\0') {
		for (i = 0; search_scopes[i].name != NULL; i++) {
			if (!strcmp(v, search_scopes[i].name))
				break;
		}
		if (search_scopes[i].name == NULL) {
			*why = "in is all, blog, photos, chat or people.";
			return (400);
		}
		s->scope = &search_scopes[i];
	}

	if ((v = arg(req, "author")) != NULL && *v != '\0') {
		if (*v == '@')
			v++;
		if (core_rule_username(v, s->author_buf,
		    sizeof(s->author_buf), &err) == -1) {
			*why = "author is a user name.";
			return (400);
		}
		s->author = s->author_buf;
	}

	if ((v = arg(req, "from")) != NULL && *v != '\0') {
		if (!search_date_valid(v)) {
			*why = "from is a day, YYYY-MM-DD.";
			return (400);
		}
		s->from = v;
	}
	if ((v = arg(req, "to")) != NULL && *v != '\0') {
		if (!search_date_valid(v)) {
			*why = "to is a day, YYYY-MM-DD.";
			return (400);
		}
		s->to = v;
	}

	if ((v = arg(req, "cursor")) != NULL && *v != '\0') {
		if (search_cursor_parse(v, s->c_score, sizeof(s->c_score),
		    &s->c_kind, s->c_id, sizeof(s->c_id)) == -1) {
			*why = "cursor is not one this search handed out.";
			return (400);
		}
		s->cursor = v;
	}

	if ((v = arg(req, "limit")) != NULL && *v != '\0') {
		n = strtol(v, &end, 10);
		if (*end != '\0' || n < 1 || n > SEARCH_LIMIT_MAX) {
			*why = "limit is 1 to 50.";
			return (400);
		}
		s->limit = (int)n;
	}

	/* The switch is for admins; anyone else sees what they may. */
	if ((v = arg(req, "held")) != NULL && (!strcmp(v, "1") ||
	    !strcmp(v, "on") || !strcmp(v, "true")))
		s->held = ctx->user.role == CORE_ROLE_ADMIN;

	s->empty = s->query.words == 0 && !search_query_filtered(&s->query) &&
	    s->author == NULL && s->from == NULL && s->to == NULL;

	return (0);
}

/* GET /search */
CORE_HANDLER(search_page)
{
	struct kore_buf		*buf;
	struct search_req	*s;
	const char		*why;
	int			 status;

	s = search_req_of(ctx);

	if (ctx->stage == 0) {
		if ((status = search_req_read(req, ctx, s, &why)) != 0) {
			buf = core_page_open(req, "Search");
			search_render_form(buf, ctx, s);
			core_html_appendf(buf, "<p class=\"form-error\" "
			    "role=\"alert\">%s</p>\n", why);
			search_render_help(buf);
			return (core_page_close(req, status, buf));
		}
		ctx->stage = 1;
	}

	if (s->empty) {
		buf = core_page_open(req, "Search");
		search_render_form(buf, ctx, s);
		search_render_help(buf);
		return (core_page_close(req, 200, buf));
	}

	CORE_TRY(search_run(req, ctx, &ctx->db[0], s));

	buf = core_page_open(req, s->q[0] != '\0' ? s->q : "Search");
	search_render_form(buf, ctx, s);
	search_render_page(req, buf, ctx, s, &ctx->db[0]);

	return (core_page_close(req, 200, buf));
}
