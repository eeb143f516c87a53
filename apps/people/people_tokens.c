/*
 * /settings/tokens: the page for the API tokens that only the API could
 * manage (apps/core/tokens.c does the work for both): make one with a
 * name and an optional expiry, see its secret once, list, revoke.
 */

#include <string.h>

#include "people/people.h"

static int	tokens_render(struct http_request *, struct core_ctx *, int,
		    const char *, const char *, const char *);
static int	tokens_create(struct http_request *, struct core_ctx *);

/* The lifetimes the form offers, in days; 0 never expires. */
static const int	token_days[] = { 0, 7, 30, 90, 365 };

CORE_HANDLER_NEED(people_tokens_page, CORE_NEED_USER)
{
	const char	*done;

	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
		return (tokens_create(req, ctx));
	}
	http_populate_get(req);
	done = core_form_get(req, "revoked");
	return (tokens_render(req, ctx, 200, NULL, done != NULL ?
	    "The token was revoked: it no longer signs anything in." : NULL,
	    NULL));
}

/* POST /settings/tokens: name, expires (days, "" for never). */
static int
tokens_create(struct http_request *req, struct core_ctx *ctx)
{
	const char	*name, *expires, *field, *why;
	size_t		 i;
	int		 days, err;

	name = core_form_get(req, "name");
	expires = core_form_get(req, "expires");
	if (name == NULL)
		name = "";
	days = 0;
	if (expires != NULL && *expires != '\0') {
		days = (int)kore_strtonum(expires, 10, 0, CORE_TOKEN_DAYS_MAX,
		    &err);
		if (err != KORE_RESULT_OK)
			days = -1;
		for (i = 0; days > 0 && i < sizeof(token_days) /
		    sizeof(token_days[0]); i++) {
			if (token_days[i] == days)
				break;
		}
		if (days > 0 && i == sizeof(token_days) / sizeof(token_days[0]))
			days = -1;
	}
	if (core_token_rules(name, days, &field, &why) == -1)
		return (tokens_render(req, ctx, 422, NULL, NULL, why));

	CORE_TRY(core_token_create(req, ctx, &ctx->db[0], name, days));
	if (core_db_rows(&ctx->db[0]) != 1)
		return (tokens_render(req, ctx, 429, NULL, NULL, "You have too "
		    "many API tokens. Revoke one you no longer use first."));

	return (tokens_render(req, ctx, 201, ctx->new_token, NULL, NULL));
}

/* POST /settings/tokens/{id}/revoke */
CORE_HANDLER_NEED(people_tokens_revoke, CORE_NEED_CHANGE)
{
	const char	*rest;
	int64_t		 id;

	if (core_path_id(req, "/settings/tokens/", &id, &rest) == -1 ||
	    strcmp(rest, "/revoke"))
		return (core_error(req, 404, NULL));
	CORE_TRY(core_token_revoke(req, ctx, &ctx->db[0], id));
	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 404, "You have no token with this id."));
	core_redirect(req, "/settings/tokens?revoked=1");
	return (CORE_DONE);
}

/*
 * The page: the new token's secret when one was just made (shown this
 * once), a notice or an error, the list and the form.
 */
static int
tokens_render(struct http_request *req, struct core_ctx *ctx, int status,
    const char *secret, const char *notice, const char *error)
{
	struct kore_buf		*buf;
	struct core_db		*db = &ctx->db[1];
	char			 action[64];
	size_t			 k;
	int			 i;

	CORE_TRY(core_tokens_load(req, ctx, db));

	buf = core_page_open(req, "API tokens");
	core_html_appendf(buf, "<div class=\"settings\">\n<hgroup><h1>API "
	    "tokens</h1><p>For scripts, bots and apps: send one as "
	    "<code>Authorization: Bearer &lt;token&gt;</code>. <a href=\""
	    "/settings\">Back to settings</a></p></hgroup>\n");
	if (secret != NULL)
		core_html_appendf(buf, "<article class=\"new-token\" "
		    "role=\"status\"><h2>Your new token</h2><p>Copy it now: it "
		    "is shown only this once.</p><input readonly "
		    "aria-label=\"The new token\" value=\"%s\" "
		    "id=\"new-token\"></article>\n", secret);
	if (notice != NULL)
		core_html_appendf(buf, "<p class=\"notice\" role=\"status\">"
		    "%s</p>\n", notice);
	if (error != NULL)
		core_html_appendf(buf, "<p class=\"form-error\" role=\"alert\">"
		    "%s</p>\n", error);

	if (core_db_rows(db) == 0)
		core_html_appendf(buf, "<p class=\"empty\">You have no API "
		    "tokens. Make one below to use the API from a script."
		    "</p>\n");
	else
		core_html_appendf(buf, "<ul class=\"tokens\">\n");
	for (i = 0; i < core_db_rows(db); i++) {
		core_html_appendf(buf, "<li class=\"token\"><div><strong>%s"
		    "</strong>%R<br><small>made %T · ",
		    *core_db_value(db, i, CORE_TOKEN_COL_NAME) != '\0' ?
		    core_db_value(db, i, CORE_TOKEN_COL_NAME) : "(no name)",
		    core_db_bool(db, i, CORE_TOKEN_COL_EXPIRED) ?
		    " <mark>expired</mark>" : "",
		    core_db_value(db, i, CORE_TOKEN_COL_CREATED));
		if (core_db_isnull(db, i, CORE_TOKEN_COL_USED))
			core_html_appendf(buf, "never used");
		else
			core_html_appendf(buf, "last used %T",
			    core_db_value(db, i, CORE_TOKEN_COL_USED));
		if (core_db_isnull(db, i, CORE_TOKEN_COL_EXPIRES))
			core_html_appendf(buf, " · does not expire");
		else
			core_html_appendf(buf, " · %s %T",
			    core_db_bool(db, i, CORE_TOKEN_COL_EXPIRED) ?
			    "expired" : "expires",
			    core_db_value(db, i, CORE_TOKEN_COL_EXPIRES));
		core_html_appendf(buf, "</small></div>");
		(void)snprintf(action, sizeof(action),
		    "/settings/tokens/%lld/revoke",
		    (long long)core_db_int(db, i, CORE_TOKEN_COL_ID));
		core_form_button(req, buf, action, "inline", "secondary outline",
		    "Revoke");
		core_html_appendf(buf, "</li>\n");
	}
	if (core_db_rows(db) > 0)
		core_html_appendf(buf, "</ul>\n");

	core_html_appendf(buf, "<section><h2>Make a token</h2>\n");
	core_form_open(req, buf, "/settings/tokens", NULL);
	core_html_appendf(buf, "\n<label>Name\n<input name=\"name\" "
	    "maxlength=\"100\" placeholder=\"e.g. my laptop's backup script\">"
	    "<small>So you can tell your tokens apart.</small></label>\n"
	    "<label>Expires\n<select name=\"expires\">");
	for (k = 0; k < sizeof(token_days) / sizeof(token_days[0]); k++) {
		if (token_days[k] == 0)
			core_html_appendf(buf, "<option value=\"\">Never"
			    "</option>");
		else
			core_html_appendf(buf, "<option value=\"%d\">In %d "
			    "days</option>", token_days[k], token_days[k]);
	}
	core_html_appendf(buf, "</select></label>\n<button type=\"submit\">"
	    "Make token</button>\n</form>\n</section>\n</div>\n");

	return (core_page_close(req, status, buf));
}
