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

/*
 * $1 viewer: what is new is counted since the previous visit.  A home
 * view more than CORE_VISIT_GAP after the last one starts a visit, whose
 * baseline (home_since) is that last view; views within a visit keep it.
 * A new account has none until it comes back ("Welcome", not "Welcome
 * back").
 */
static const char sql_visit[] =
	"UPDATE users SET home_since = CASE WHEN home_seen_at < now() -"
	"       interval '" CORE_VISIT_GAP "' THEN home_seen_at"
	"       ELSE home_since END,"
	"       home_seen_at = now()"
	" WHERE id = $1"
	" RETURNING coalesce(" CORE_SQL_TS("home_since") ", '')";
enum { VISIT_PREVIOUS };

static const struct core_home_part	*home_parts[CORE_HOME_PARTS];
static int				 home_nparts;

static void	home_greeting(struct kore_buf *, struct core_ctx *,
		    const char *);
static void	home_part(struct kore_buf *, const struct core_home_part *,
		    struct core_db *);

/*
 * Add a section to the home page; an app calls this from a constructor,
 * before any request.  At most CORE_HOME_PARTS (a db slot each).
 */
void
core_home_register(const struct core_home_part *part)
{
	int	i;

	if (home_nparts == CORE_HOME_PARTS)
		fatal("core_home_register: more than %d home sections",
		    CORE_HOME_PARTS);
	for (i = home_nparts; i > 0 && home_parts[i - 1]->order >
	    part->order; i--)
		home_parts[i] = home_parts[i - 1];
	home_parts[i] = part;
	home_nparts++;
}

/*
 * What is happening: each app's section (latest posts, newest photos,
 * active rooms), and for a signed-in user what is new since the last
 * visit.
 */
CORE_HANDLER(core_home)
{
	struct kore_buf		*buf, parts;
	struct core_num		 uid;
	const u_int8_t		*cached;
	const char		*params[2], *since;
	size_t			 len;
	int			 i, rc;

	since = "";
	(void)core_num(&uid, ctx->user.id);
	if (ctx->user.id != 0) {
		params[0] = uid.s;
		CORE_TRY(core_db_run(req, &ctx->db[0], sql_visit, 1, params));
		if (core_db_rows(&ctx->db[0]) == 1)
			since = core_db_value(&ctx->db[0], 0, VISIT_PREVIOUS);
	}

	/* The sections are the same for every visitor: a second's cache. */
	kore_buf_init(&parts, 8192);
	if (ctx->user.id == 0 && ctx->stage == 0 &&
	    (cached = core_cache_get("home:html", &len)) != NULL) {
		kore_buf_append(&parts, cached, len);
	} else {
		ctx->stage = 1;
		params[0] = since;
		params[1] = uid.s;
		for (i = 0; i < home_nparts; i++) {
			if ((rc = core_db_run(req, &ctx->db[1 + i],
			    home_parts[i]->sql, 2, params)) != CORE_OK) {
				kore_buf_cleanup(&parts);
				return (rc);
			}
		}
		core_html_appendf(&parts, "<div class=\"home grid\">\n");
		for (i = 0; i < home_nparts; i++)
			home_part(&parts, home_parts[i], &ctx->db[1 + i]);
		core_html_appendf(&parts, "</div>\n");
		if (ctx->user.id == 0)
			core_cache_put("home:html", parts.data, parts.offset);
	}

	buf = core_page_open(req, "Home");
	home_greeting(buf, ctx, since);
	kore_buf_append(buf, parts.data, parts.offset);
	kore_buf_cleanup(&parts);

	return (core_page_close(req, 200, buf));
}

/* One section: its heading with what is new, the app's body. */
static void
home_part(struct kore_buf *buf, const struct core_home_part *part,
    struct core_db *db)
{
	long long	fresh;

	fresh = core_db_rows(db) > 0 ? core_db_int(db, 0, part->fresh_col) : 0;
	core_html_appendf(buf, "<article class=\"home-part\"><header><h2><a "
	    "href=\"%s\">%s</a></h2>", part->href, part->title);
	if (fresh > 0)
		core_html_appendf(buf, "<p class=\"fresh\">%lld new %s%s</p>",
		    fresh, part->what, fresh == 1 ? "" : "s");
	core_html_appendf(buf, "</header>\n");
	part->render(buf, db);
	core_html_appendf(buf, "</article>\n");
}

static void
home_greeting(struct kore_buf *buf, struct core_ctx *ctx, const char *since)
{
	if (ctx->user.id == 0) {
		core_html_appendf(buf, "<hgroup><h1>Agora</h1><p>One account "
		    "for writing, talking and sharing pictures.</p></hgroup>\n"
		    "<p class=\"cta\"><a href=\"/register\" role=\"button\">"
		    "Create an account</a> or <a href=\"/login\">log in</a>."
		    "</p>\n");
		return;
	}
	if (*since == '\0') {
		core_html_appendf(buf, "<hgroup><h1>Welcome, %s</h1><p>Here is "
		    "what is happening on Agora. Write a post, say hello in a "
		    "room or share a photo.</p></hgroup>\n", ctx->user.username);
		return;
	}
	core_html_appendf(buf, "<hgroup><h1>Welcome back, %s</h1><p>What is "
	    "new since your last visit, %T.</p></hgroup>\n",
	    ctx->user.username, since);
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
