/*
 * The assets kodev compiles into the module (assets/), served through
 * one handler so that they get the framing check and the headers every
 * response of the site carries (core_request_guard).
 */

#include <string.h>

#include "core/core.h"

int	core_static(struct http_request *);

/* kodev's generated handlers (.objs/assets.h, not a header we own). */
int	asset_serve_openapi_json(struct http_request *);
int	asset_serve_pico_min_css(struct http_request *);
int	asset_serve_agora_css(struct http_request *);
int	asset_serve_blog_editor_js(struct http_request *);
int	asset_serve_chat_js(struct http_request *);
int	asset_serve_search_js(struct http_request *);

static const struct {
	const char	*path;
	int		(*serve)(struct http_request *);
} static_assets[] = {
	{ "/api/v1/openapi.json",	asset_serve_openapi_json },
	{ "/static/pico.min.css",	asset_serve_pico_min_css },
	{ "/static/agora.css",		asset_serve_agora_css },
	{ "/static/blog-editor.js",	asset_serve_blog_editor_js },
	{ "/static/chat.js",		asset_serve_chat_js },
	{ "/static/search.js",		asset_serve_search_js },
};

int
core_static(struct http_request *req)
{
	size_t		i;

	core_request_guard(req);
	for (i = 0; i < sizeof(static_assets) / sizeof(static_assets[0]); i++) {
		if (!strcmp(req->path, static_assets[i].path))
			return (static_assets[i].serve(req));
	}

	core_error(req, 404, NULL);
	return (KORE_RESULT_OK);
}
