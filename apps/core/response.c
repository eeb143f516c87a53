/*
 * Every way the site answers a request: HTML pages in the site layout,
 * JSON and problem+json, error pages and redirects.  Nothing here looks
 * at the session, the CSRF token or the request's progress; it writes
 * what it is given.
 */

#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static const char *page_status_title(int);

/* Requests under /api/ are answered in JSON, the rest in HTML. */
int
core_is_api(struct http_request *req)
{
	return (!strncmp(req->path, "/api/", 5) || !strcmp(req->path, "/api"));
}

/*
 * End a page core_page_open() (page.c) started, send it and free it.
 * CORE_DONE.
 */
int
core_page_close(struct http_request *req, int status, struct kore_buf *buf)
{
	core_page_end(buf);
	core_page_send(req, status, buf);
	kore_buf_free(buf);

	return (CORE_DONE);
}

/* Send a finished page with the site's security headers.  CORE_DONE. */
int
core_page_send(struct http_request *req, int status, struct kore_buf *buf)
{
	struct core_ctx		*ctx;

	http_response_header(req, "content-type", "text/html; charset=utf-8");
	http_response_header(req, "content-security-policy",
	    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
	    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
	http_response_header(req, "referrer-policy", "same-origin");
	ctx = http_state_get(req);
	/* A page with a secret on it (a key, codes, a challenge): kept nowhere. */
	http_response_header(req, "cache-control",
	    ctx != NULL && ctx->no_store ? "no-store" : "no-cache");
	http_response(req, status, buf->data, buf->offset);

	return (CORE_DONE);
}

/*
 * Answer with an error: problem+json under /api/, otherwise a page in
 * the site layout.  `detail` NULL uses a generic text.  CORE_DONE.
 */
int
core_error(struct http_request *req, int status, const char *detail)
{
	struct kore_buf		 buf;
	const char		*title;

	title = page_status_title(status);
	if (detail == NULL) {
		detail = (status >= 500) ?
		    "Something went wrong on our side. Please try again." :
		    title;
	}

	if (core_is_api(req))
		return (core_problem(req, status, title, detail, NULL));

	kore_buf_init(&buf, 2048);
	core_page_begin(req, &buf, title);
	core_html_appendf(&buf, "<article class=\"error\">\n<h1>%s</h1>\n"
	    "<p>%s</p>\n<p><a href=\"/\">Back to the home page</a></p>\n"
	    "</article>\n", title, detail);
	core_page_end(&buf);
	core_page_send(req, status, &buf);
	kore_buf_cleanup(&buf);

	return (CORE_DONE);
}

/* 303 See Other to a local path (never a full URL from user input). */
void
core_redirect(struct http_request *req, const char *path)
{
	http_response_header(req, "location", path);
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 303, NULL, 0);
}

/*
 * Send `obj` (reference stolen) with `status`.  Returns CORE_DONE so
 * handlers can `return (core_yield(core_json_send(...)))`.
 */
int
core_json_send(struct http_request *req, int status, json_t *obj)
{
	char		*text;

	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text == NULL) {
		http_response_header(req, "content-type", "text/plain");
		http_response(req, 500, "internal error\n", 15);
		return (CORE_DONE);
	}

	http_response_header(req, "content-type",
	    "application/json; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, status, text, strlen(text));
	free(text);

	return (CORE_DONE);
}

/*
 * Answer with an application/problem+json document.  `errors` (stolen,
 * may be NULL) maps field names to messages.  Returns CORE_DONE.
 */
int
core_problem(struct http_request *req, int status, const char *title,
    const char *detail, json_t *errors)
{
	json_t		*extra;

	extra = NULL;
	if (errors != NULL)
		extra = json_pack("{s:o}", "errors", errors);
	return (core_problem_extra(req, status, "about:blank", title, detail,
	    extra));
}

/*
 * The same with a `type` of its own and the members of `extra` (stolen,
 * may be NULL) beside the standard ones.  Returns CORE_DONE.
 */
int
core_problem_extra(struct http_request *req, int status, const char *type,
    const char *title, const char *detail, json_t *extra)
{
	json_t		*obj;
	char		*text;

	obj = json_pack("{s:s, s:s, s:i, s:s}",
	    "type", type, "title", title, "status", status,
	    "detail", detail != NULL ? detail : title);
	if (obj == NULL)
		obj = json_object();
	if (extra != NULL) {
		json_object_update(obj, extra);
		json_decref(extra);
	}

	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);

	if (status == 401)
		http_response_header(req, "www-authenticate",
		    "Bearer realm=\"agora\"");
	http_response_header(req, "content-type",
	    "application/problem+json; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, status, text, text != NULL ? strlen(text) : 0);
	free(text);

	return (CORE_DONE);
}

/*
 * Send JSON that is already encoded (a cached page): 200, never stored
 * by caches, like core_json_send().  CORE_DONE.
 */
int
core_json_send_raw(struct http_request *req, const void *data, size_t len)
{
	http_response_header(req, "content-type",
	    "application/json; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 200, data, len);

	return (CORE_DONE);
}

/* 400 for a bad query parameter: problem+json naming it, or a page. */
int
core_bad_param(struct http_request *req, const char *field, const char *why)
{
	if (!core_is_api(req))
		return (core_error(req, 400, why));

	return (core_problem(req, 400, "Invalid parameter", why,
	    json_pack("{s:s}", field, why)));
}

static const char *
page_status_title(int status)
{
	switch (status) {
	case 400:
		return ("Bad request");
	case 401:
		return ("Sign in required");
	case 403:
		return ("Forbidden");
	case 404:
		return ("Page not found");
	case 405:
		return ("Method not allowed");
	case 409:
		return ("Conflict");
	case 413:
		return ("Too large");
	case 415:
		return ("Unsupported media type");
	case 422:
		return ("Invalid input");
	case 429:
		return ("Too many requests");
	case 503:
		return ("Service unavailable");
	default:
		return (status >= 500 ? "Server error" : "Error");
	}
}
