/*
 * Site-wide pages: the home page, health check and the not-found page
 * that catches every route no app claimed.
 */

#include <string.h>

#include "core/core.h"

int	core_healthz(struct http_request *);

static const char sql_schema[] =
	"SELECT coalesce(max(version), '') FROM schema_migrations";
enum { SCHEMA_VERSION };

CORE_HANDLER(core_home)
{
	struct kore_buf		*buf;

	buf = core_page_open(req, "Home");

	if (ctx->user.id != 0)
		core_html_appendf(buf, "<hgroup><h1>Welcome back, %s</h1>"
		    "<p>Pick up where you left off.</p></hgroup>\n",
		    ctx->user.username);
	else
		core_html_appendf(buf, "<hgroup><h1>Agora</h1>"
		    "<p>One account for writing, talking and sharing "
		    "pictures.</p></hgroup>\n");

	core_html_appendf(buf,
	    "<div class=\"apps grid\">\n"
	    "<article><header><h2><a href=\"/blog\">Blog</a></h2></header>\n"
	    "<p>Write posts in Markdown with images, read what others "
	    "publish and discuss it in the comments.</p>\n"
	    "<footer><a href=\"/blog\" role=\"button\" class=\"outline\">"
	    "Read the blog</a></footer></article>\n"
	    "<article><header><h2><a href=\"/chat\">Chat</a></h2></header>\n"
	    "<p>Public rooms and direct messages in real time, from the "
	    "browser or from your own bots.</p>\n"
	    "<footer><a href=\"/chat\" role=\"button\" class=\"outline\">"
	    "Open the chat</a></footer></article>\n"
	    "<article><header><h2><a href=\"/photos\">Photos</a></h2>"
	    "</header>\n"
	    "<p>Share photos with captions and tags, like and comment, "
	    "and find every cat in the cat zone.</p>\n"
	    "<footer><a href=\"/photos\" role=\"button\" class=\"outline\">"
	    "See the photos</a></footer></article>\n"
	    "</div>\n");

	if (ctx->user.id == 0)
		core_html_appendf(buf, "<p class=\"cta\"><a href=\"/register\" "
		    "role=\"button\">Create an account</a> or "
		    "<a href=\"/login\">log in</a>.</p>\n");

	return (core_page_close(req, 200, buf));
}

/* Liveness: the process answers.  No dependency is checked here. */
int
core_healthz(struct http_request *req)
{
	core_request_guard(req);
	http_response_header(req, "content-type", "text/plain");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 200, "ok\n", 3);

	return (KORE_RESULT_OK);
}

/*
 * Readiness: PostgreSQL answers and has the migrations this build needs,
 * Redis answers.  200 {"status":"ready",...}, or 503 with the reasons.
 */
CORE_HANDLER(core_readyz)
{
	struct core_db		*db;
	json_t			*checks;
	const char		*have;
	void			*r;
	int			 ok;

	db = &ctx->db[0];
	db->quiet = 1;
	CORE_TRY(core_db_run(req, db, sql_schema, 0, NULL));

	checks = json_object();
	ok = 1;
	have = core_db_value(db, 0, SCHEMA_VERSION);
	if (core_db_failed(db) || core_db_rows(db) != 1) {
		json_object_set_new(checks, "database",
		    json_string("unreachable"));
		ok = 0;
	} else {
		json_object_set_new(checks, "database", json_string("ok"));
		if (strcmp(have, CORE_SCHEMA_VERSION)) {
			json_object_set_new(checks, "migrations", json_pack(
			    "s++", "at ", *have != '\0' ? have : "none",
			    ", need " CORE_SCHEMA_VERSION));
			ok = 0;
		} else {
			json_object_set_new(checks, "migrations",
			    json_string("ok"));
		}
	}

	if ((r = core_redis_command("PING")) == NULL) {
		json_object_set_new(checks, "redis",
		    json_string("unreachable"));
		ok = 0;
	} else {
		json_object_set_new(checks, "redis", json_string("ok"));
		core_redis_free(r);
	}

	return (core_json_send(req, ok ? 200 : 503,
	    json_pack("{s:s, s:o, s:s}", "status", ok ? "ready" : "not ready",
	    "checks", checks, "schema", CORE_SCHEMA_VERSION)));
}

CORE_HANDLER(core_notfound)
{
	return (core_error(req, 404, "There is nothing at this address."));
}
