/*
 * The signed-in browsers of the user's (on /settings and
 * /api/v1/me/sessions): when each began and was last used, from where
 * and with what; end one, or every one but this.  Each ended session is
 * published as a revocation, so the chat sockets it opened close.
 */

#include <string.h>

#include "people/people.h"

/* $1 user, $2 the hash (hex) of the request's own credential. */
static const char sql_sessions[] =
	"SELECT id, " CORE_SQL_TS("created_at") ", "
	"       " CORE_SQL_TS("last_seen_at") ", address, user_agent,"
	"       token_hash = decode($2, 'hex')"
	"  FROM sessions WHERE user_id = $1 AND expires_at > now()"
	" ORDER BY last_seen_at DESC, id DESC LIMIT 100";

/* $3 session id, or NULL for every one but the request's own. */
static const char sql_sessions_end[] =
	"DELETE FROM sessions WHERE user_id = $1"
	"   AND token_hash <> decode($2, 'hex')"
	"   AND ($3::bigint IS NULL OR id = $3::bigint)"
	" RETURNING encode(token_hash, 'hex')";

static void	agent_summary(struct kore_buf *, const char *);

/* The user's live sessions into `db` (people_session_col). */
int
people_sessions_load(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num	 uid;
	const char	*params[2];
	char		 hex[CORE_HASH_HEX];

	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	return (core_db_run(req, db, sql_sessions, 2, params));
}

/*
 * End session `id` of the user's (0: every one but the request's own);
 * never the request's own.  `db` holds a row for each ended, already
 * published as revoked.
 */
int
people_sessions_end(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num	 uid, sid;
	const char	*params[3];
	char		 hex[CORE_HASH_HEX];
	int		 i;

	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
	params[0] = core_num(&uid, ctx->user.id);
	params[1] = hex;
	params[2] = id > 0 ? core_num(&sid, id) : NULL;
	CORE_TRY(core_db_run(req, db, sql_sessions_end, 3, params));
	for (i = 0; i < core_db_rows(db); i++)
		core_revoke_credential(core_db_value(db, i, 0));
	return (CORE_OK);
}

/* The sessions section of /settings, from people_sessions_load's `db`. */
void
people_render_sessions(struct http_request *req, struct kore_buf *buf,
    struct core_db *db)
{
	char	action[64];
	int	i, others;

	core_html_appendf(buf, "<section id=\"sessions\">\n<h2>Sessions</h2>\n"
	    "<p>The browsers signed in to your account. End any you do not "
	    "recognise, then change your password.</p>\n"
	    "<ul class=\"sessions\">\n");
	others = 0;
	for (i = 0; i < core_db_rows(db); i++) {
		core_html_appendf(buf, "<li class=\"session\"><div><strong>");
		agent_summary(buf, core_db_value(db, i, SESS_AGENT));
		core_html_appendf(buf, "</strong>%R<br><small>%s · signed in %T"
		    " · last seen %T</small>",
		    core_db_bool(db, i, SESS_CURRENT) ?
		    " <mark>this browser</mark>" : "",
		    *core_db_value(db, i, SESS_ADDRESS) != '\0' ?
		    core_db_value(db, i, SESS_ADDRESS) : "unknown address",
		    core_db_value(db, i, SESS_CREATED),
		    core_db_value(db, i, SESS_SEEN));
		if (*core_db_value(db, i, SESS_AGENT) != '\0')
			core_html_appendf(buf, "<br><small class=\"agent\">%s"
			    "</small>", core_db_value(db, i, SESS_AGENT));
		core_html_appendf(buf, "</div>");
		if (!core_db_bool(db, i, SESS_CURRENT)) {
			others++;
			(void)snprintf(action, sizeof(action),
			    "/settings/sessions/%lld/end",
			    (long long)core_db_int(db, i, SESS_ID));
			core_form_button(req, buf, action, "inline", "secondary "
			    "outline", "End");
		}
		core_html_appendf(buf, "</li>\n");
	}
	core_html_appendf(buf, "</ul>\n");
	if (others > 0)
		core_form_button(req, buf, "/settings/sessions/end-others",
		    NULL, "secondary", "Sign out every other browser");
	else
		core_html_appendf(buf, "<p class=\"empty\">No other browser is "
		    "signed in.</p>\n");
	core_html_appendf(buf, "</section>\n");
}

/* The sessions as the API gives them. */
json_t *
people_json_sessions(struct core_db *db)
{
	json_t	*list;
	int	 i;

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, "
		    "s:s, s:b}",
		    "id", (json_int_t)core_db_int(db, i, SESS_ID),
		    "created_at", core_db_value(db, i, SESS_CREATED),
		    "last_seen_at", core_db_value(db, i, SESS_SEEN),
		    "address", core_db_value(db, i, SESS_ADDRESS),
		    "user_agent", core_db_value(db, i, SESS_AGENT),
		    "current", core_db_bool(db, i, SESS_CURRENT)));
	return (list);
}

/* A browser's name in words, from its User-Agent: "Firefox on Linux". */
static void
agent_summary(struct kore_buf *buf, const char *ua)
{
	const char	*browser, *os;

	if (strstr(ua, "Firefox/") != NULL)
		browser = "Firefox";
	else if (strstr(ua, "Edg/") != NULL)
		browser = "Edge";
	else if (strstr(ua, "Chrome/") != NULL ||
	    strstr(ua, "Chromium/") != NULL)
		browser = "Chrome";
	else if (strstr(ua, "Safari/") != NULL)
		browser = "Safari";
	else if (strstr(ua, "curl/") != NULL)
		browser = "curl";
	else if (strstr(ua, "python") != NULL)
		browser = "A script";
	else
		browser = "A browser";

	if (strstr(ua, "Android") != NULL)
		os = " on Android";
	else if (strstr(ua, "iPhone") != NULL || strstr(ua, "iPad") != NULL)
		os = " on iOS";
	else if (strstr(ua, "Windows") != NULL)
		os = " on Windows";
	else if (strstr(ua, "Mac OS") != NULL)
		os = " on macOS";
	else if (strstr(ua, "Linux") != NULL)
		os = " on Linux";
	else
		os = "";
	core_html_appendf(buf, "%s%s", browser, os);
}

/* POST /settings/sessions/{id}/end and /settings/sessions/end-others. */
CORE_HANDLER_NEED(people_settings_session_end, CORE_NEED_CHANGE)
{
	const char	*rest;
	int64_t		 id;

	if (!strcmp(req->path, "/settings/sessions/end-others"))
		id = 0;
	else if (core_path_id(req, "/settings/sessions/", &id, &rest) == -1 ||
	    strcmp(rest, "/end"))
		return (core_error(req, 404, NULL));

	CORE_TRY(people_sessions_end(req, ctx, &ctx->db[0], id));
	if (id != 0 && core_db_rows(&ctx->db[0]) == 0)
		return (core_error(req, 404, "You have no other session with "
		    "this id."));
	core_redirect(req, id != 0 ? "/settings?saved=session#sessions" :
	    "/settings?saved=sessions#sessions");
	return (CORE_DONE);
}

/*
 * GET /api/v1/me/sessions lists them; DELETE ends every one but the
 * caller's; DELETE /api/v1/me/sessions/{id} ends one (204, or 404).
 */
CORE_HANDLER_NEED(people_api_me_sessions, CORE_NEED_USER)
{
	const char	*rest;
	int64_t		 id;

	id = 0;
	if (strcmp(req->path, "/api/v1/me/sessions") &&
	    (core_path_id(req, "/api/v1/me/sessions/", &id, &rest) == -1 ||
	    *rest != '\0'))
		return (core_error(req, 404, NULL));

	if (req->method == HTTP_METHOD_GET) {
		if (id != 0)
			return (core_error(req, 404, NULL));
		CORE_TRY(people_sessions_load(req, ctx, &ctx->db[0]));
		return (core_json_send(req, 200, json_pack("{s:o}",
		    "sessions", people_json_sessions(&ctx->db[0]))));
	}

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(people_sessions_end(req, ctx, &ctx->db[0], id));
	if (id == 0)
		return (core_json_send(req, 200, json_pack("{s:I}", "ended",
		    (json_int_t)core_db_rows(&ctx->db[0]))));
	if (core_db_rows(&ctx->db[0]) == 0)
		return (core_problem(req, 404, "Not found", "You have no "
		    "other session with this id.", NULL));
	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}
