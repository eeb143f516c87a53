/*
 * The search's JSON: GET /api/v1/search (the page's parameters, the
 * page's results) and GET /api/v1/search/suggest?q= (names, rooms and
 * tags that begin with the last word typed, for the nav box).
 */

#include <string.h>

#include "search/search.h"

/* GET /api/v1/search */
CORE_HANDLER(search_api)
{
	struct search_req	*s;
	const char		*why;
	int			 status;

	s = search_req_of(ctx);

	if (ctx->stage == 0) {
		if ((status = search_req_read(req, ctx, s, &why)) != 0) {
			return (core_problem(req, status, status == 422 ?
			    "Query refused" : "Invalid parameter", why,
			    NULL));
		}
		ctx->stage = 1;
	}

	if (s->empty) {
		return (core_json_send(req, 200, json_pack("{s:{s:s, s:s}, "
		    "s:[], s:n, s:s}", "query", "q", s->q, "in",
		    s->scope->name, "results", "next_cursor", "notice",
		    "empty")));
	}

	CORE_TRY(search_run(req, ctx, &ctx->db[0], s));

	return (core_json_send(req, 200, search_json(&ctx->db[0], s)));
}

/* GET /api/v1/search/suggest?q= */
CORE_HANDLER(search_api_suggest)
{
	char		*q, empty[1] = "";
	char		 prefix[SEARCH_PREFIX_MAX + 1];

	if (!ctx->form_loaded) {
		ctx->form_loaded = 1;
		http_populate_get(req);
	}
	if (!http_argument_get_string(req, "q", &q))
		q = empty;
	if (search_utf8_len(q, strlen(q)) > SEARCH_Q_MAX)
		return (core_problem(req, 422, "Query refused",
		    "A search has at most 256 characters.", NULL));

	if (search_prefix(q, prefix, sizeof(prefix)) == -1)
		return (core_json_send(req, 200, search_suggest_json(NULL)));

	CORE_TRY(search_suggest_run(req, ctx, &ctx->db[0], prefix));

	return (core_json_send(req, 200, search_suggest_json(&ctx->db[0])));
}
