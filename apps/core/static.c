/*
 * The assets kodev compiles into the module (assets/), served through
 * one handler so that they get the framing check and the headers every
 * response of the site carries (core_request_guard).
 *
 * Each asset has a plain name (/static/agora.css: revalidated with its
 * ETag) and a name with its content's hash (/static/agora.6f91a6d3.css:
 * cached for a year, immutable), which the pages link (core_static_url):
 * a new build changes the name, so no browser keeps a stale copy.  Text
 * is sent gzip-compressed to clients that take it, compressed once per
 * worker on first use.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "core/core.h"

#define STATIC_PREFIX	"/static/"
#define HASH_SHOWN	8

int	core_static(struct http_request *);

/* kodev's generated assets (.objs/assets.h, not a header we own). */
#define ASSET_DECL(n)							\
	extern const u_int8_t asset_##n[];				\
	extern const u_int32_t asset_len_##n;				\
	extern const char *asset_sha256_##n

ASSET_DECL(openapi_json);
ASSET_DECL(pico_min_css);
ASSET_DECL(agora_css);
ASSET_DECL(blog_editor_js);
ASSET_DECL(chat_js);
ASSET_DECL(photos_js);
ASSET_DECL(time_js);
ASSET_DECL(search_js);
ASSET_DECL(notify_js);
ASSET_DECL(favicon_svg);
ASSET_DECL(favicon_ico);

struct asset {
	const char		*path;		/* its plain path */
	const u_int8_t		*data;
	const u_int32_t		*len;
	const char *const	*sha256;	/* quoted hex, kodev's ETag */
	const char		*type;
	int			 hashed_name;	/* served under one too */

	/* Made once per worker. */
	int			 ready;
	char			 hashed[96];
	char			 etag_gz[80];
	u_int8_t		*gz;
	size_t			 gz_len;
};

#define ASSET(p, n, t, h)						\
	{ p, asset_##n, &asset_len_##n, &asset_sha256_##n, t, h, 0,	\
	  { 0 }, { 0 }, NULL, 0 }

static struct asset static_assets[] = {
	ASSET("/api/v1/openapi.json", openapi_json,
	    "application/json; charset=utf-8", 0),
	ASSET("/static/pico.min.css", pico_min_css, "text/css; charset=utf-8",
	    1),
	ASSET("/static/agora.css", agora_css, "text/css; charset=utf-8", 1),
	ASSET("/static/blog-editor.js", blog_editor_js,
	    "text/javascript; charset=utf-8", 1),
	ASSET("/static/chat.js", chat_js, "text/javascript; charset=utf-8", 1),
	ASSET("/static/photos.js", photos_js, "text/javascript; charset=utf-8",
	    1),
	ASSET("/static/time.js", time_js, "text/javascript; charset=utf-8", 1),
	ASSET("/static/search.js", search_js,
	    "text/javascript; charset=utf-8", 1),
	ASSET("/static/notify.js", notify_js,
	    "text/javascript; charset=utf-8", 1),
	ASSET("/favicon.svg", favicon_svg, "image/svg+xml", 0),
	ASSET("/favicon.ico", favicon_ico, "image/x-icon", 0),
};

#define ASSETS		(sizeof(static_assets) / sizeof(static_assets[0]))

static struct asset	*asset_find(const char *, int *);
static void		 asset_prepare(struct asset *);
static int		 takes_gzip(struct http_request *);

int
core_static(struct http_request *req)
{
	struct asset	*a;
	const char	*etag, *match;
	int		 hashed, gz;

	core_request_guard(req);
	if ((a = asset_find(req->path, &hashed)) == NULL) {
		core_error(req, 404, NULL);
		return (KORE_RESULT_OK);
	}
	asset_prepare(a);

	gz = a->gz != NULL && takes_gzip(req);
	etag = gz ? a->etag_gz : *a->sha256;
	http_response_header(req, "vary", "accept-encoding");
	http_response_header(req, "cache-control", hashed ?
	    "public, max-age=31536000, immutable" : "no-cache");
	http_response_header(req, "etag", etag);
	if (http_request_header(req, "if-none-match", &match) &&
	    !strcmp(match, etag)) {
		http_response(req, HTTP_STATUS_NOT_MODIFIED, NULL, 0);
		return (KORE_RESULT_OK);
	}

	http_response_header(req, "content-type", a->type);
	if (gz) {
		http_response_header(req, "content-encoding", "gzip");
		http_response(req, HTTP_STATUS_OK, a->gz, a->gz_len);
	} else {
		http_response(req, HTTP_STATUS_OK, a->data, *a->len);
	}

	return (KORE_RESULT_OK);
}

/*
 * The path a page links for asset `path` (its plain path, e.g.
 * "/static/agora.css"): the name with its content's hash.  The plain
 * path when the asset has none.
 */
const char *
core_static_url(const char *path)
{
	struct asset	*a;
	int		 hashed;

	if ((a = asset_find(path, &hashed)) == NULL || !a->hashed_name)
		return (path);
	asset_prepare(a);

	return (a->hashed);
}

/* The asset at `path`, plain or hashed (*hashed says which), or NULL. */
static struct asset *
asset_find(const char *path, int *hashed)
{
	size_t		i;

	for (i = 0; i < ASSETS; i++) {
		if (!strcmp(path, static_assets[i].path)) {
			*hashed = 0;
			return (&static_assets[i]);
		}
	}
	if (strncmp(path, STATIC_PREFIX, strlen(STATIC_PREFIX)))
		return (NULL);
	for (i = 0; i < ASSETS; i++) {
		if (!static_assets[i].hashed_name)
			continue;
		asset_prepare(&static_assets[i]);
		if (!strcmp(path, static_assets[i].hashed)) {
			*hashed = 1;
			return (&static_assets[i]);
		}
	}

	return (NULL);
}

/* Its hashed name and gzip copy, once per worker. */
static void
asset_prepare(struct asset *a)
{
	z_stream	 z;
	const char	*dot, *hex;
	uLong		 bound;
	u_int8_t	*out;

	if (a->ready)
		return;
	a->ready = 1;

	/* "/static/pico.min.css" -> "/static/pico.min.6f91a6d3.css" */
	hex = *a->sha256 + 1;
	dot = strrchr(a->path, '.');
	(void)snprintf(a->hashed, sizeof(a->hashed), "%.*s.%.*s%s",
	    (int)(dot - a->path), a->path, HASH_SHOWN, hex, dot);
	(void)snprintf(a->etag_gz, sizeof(a->etag_gz), "\"%.64s-gz\"", hex);

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	bound = deflateBound(&z, *a->len);
	out = kore_malloc(bound);
	z.next_in = (Bytef *)(uintptr_t)a->data;
	z.avail_in = *a->len;
	z.next_out = out;
	z.avail_out = bound;
	if (deflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out < *a->len) {
		a->gz = out;
		a->gz_len = z.total_out;
	} else {
		kore_free(out);
	}
	(void)deflateEnd(&z);
}

/* Whether Accept-Encoding names gzip (or *) with a q above 0. */
static int
takes_gzip(struct http_request *req)
{
	const char	*v, *p, *q;
	char		 item[64];
	size_t		 n;

	if (!http_request_header(req, "accept-encoding", &v))
		return (0);
	for (p = v; *p != '\0'; p += n) {
		p += strspn(p, " ,");
		n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(item))
			continue;
		memcpy(item, p, n);
		item[n] = '\0';
		if (strncasecmp(item, "gzip", 4) && item[0] != '*')
			continue;
		q = item + (item[0] == '*' ? 1 : 4);
		if (*q != '\0' && *q != ' ' && *q != ';')
			continue;
		if ((q = strstr(item, "q=")) != NULL && strtod(q + 2, NULL) <= 0)
			return (0);
		return (1);
	}

	return (0);
}
