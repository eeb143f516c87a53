/*
 * The one page layout every app renders into, error pages and redirects.
 */

#include <string.h>

#include "core/core.h"

static const char *page_status_title(int);

/*
 * Open a page: <head>, the navigation (with the signed-in user and a
 * logout form, or login/register links) and <main>.  A request that never
 * resolved its user gets the anonymous navigation.
 */
void
core_page_begin(struct http_request *req, struct kore_buf *buf,
    const char *title)
{
	struct core_ctx		*ctx = http_state_get(req);

	core_html_appendf(buf,
	    "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n"
	    "<title>%s · Agora</title>\n"
	    "<link rel=\"stylesheet\" href=\"/static/pico.min.css\">\n"
	    "<link rel=\"stylesheet\" href=\"/static/agora.css\">\n"
	    "</head>\n<body>\n"
	    "<header class=\"container\">\n<nav class=\"site-nav\">\n"
	    "<ul><li><a href=\"/\" class=\"brand\"><strong>Agora</strong>"
	    "</a></li></ul>\n<ul>\n"
	    "<li><a href=\"/blog\">Blog</a></li>\n"
	    "<li><a href=\"/chat\">Chat</a></li>\n"
	    "<li><a href=\"/photos\">Photos</a></li>\n", title);

	if (ctx != NULL && ctx->user.role == CORE_ROLE_ADMIN)
		core_html_appendf(buf, "<li><a href=\"/admin\">Admin</a></li>\n");

	if (ctx != NULL && ctx->user.id != 0 &&
	    ctx->auth == CORE_AUTH_COOKIE) {
		core_html_appendf(buf,
		    "<li><span class=\"who\" data-user=\"%s\">%s</span></li>\n"
		    "<li><form method=\"post\" action=\"/logout\" "
		    "class=\"inline\">", ctx->user.username,
		    ctx->user.username);
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<button type=\"submit\" "
		    "class=\"secondary outline\">Log out</button></form></li>\n");
	} else {
		core_html_appendf(buf,
		    "<li><a href=\"/login\">Log in</a></li>\n"
		    "<li><a href=\"/register\" role=\"button\">Register</a>"
		    "</li>\n");
	}

	core_html_appendf(buf, "</ul>\n</nav>\n</header>\n"
	    "<main class=\"container\">\n");
}

void
core_page_end(struct kore_buf *buf)
{
	core_html_appendf(buf, "</main>\n<footer class=\"container\">"
	    "<small>Agora · blog, chat and photos</small></footer>\n"
	    "</body>\n</html>\n");
}

/*
 * A page in one buffer: core_page_open() starts it, the caller writes
 * the body, core_page_close() ends, sends and frees it (CORE_DONE).
 */
struct kore_buf *
core_page_open(struct http_request *req, const char *title)
{
	struct kore_buf		*buf;

	buf = kore_buf_alloc(16384);
	core_page_begin(req, buf, title);

	return (buf);
}

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
	http_response_header(req, "content-type", "text/html; charset=utf-8");
	http_response_header(req, "content-security-policy",
	    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
	    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
	http_response_header(req, "referrer-policy", "same-origin");
	http_response_header(req, "cache-control", "no-cache");
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
 * Open a POST form to `action` (a local path the program built) with its
 * CSRF field; `cls` NULL for none.  The caller writes the fields and
 * closes it.
 */
void
core_form_open(struct http_request *req, struct kore_buf *buf,
    const char *action, const char *cls)
{
	core_html_appendf(buf, "<form method=\"post\" action=\"%s\"", action);
	if (cls != NULL)
		core_html_appendf(buf, " class=\"%s\"", cls);
	core_html_appendf(buf, ">");
	core_form_csrf(req, buf);
}

/* A form that is one button: POST to `action`, its CSRF field, `label`. */
void
core_form_button(struct http_request *req, struct kore_buf *buf,
    const char *action, const char *form_cls, const char *button_cls,
    const char *label)
{
	core_form_open(req, buf, action, form_cls);
	core_html_appendf(buf, "<button type=\"submit\"");
	if (button_cls != NULL)
		core_html_appendf(buf, " class=\"%s\"", button_cls);
	core_html_appendf(buf, ">%s</button></form>", label);
}

/* The hidden CSRF field every state-changing form carries. */
void
core_form_csrf(struct http_request *req, struct kore_buf *buf)
{
	struct core_ctx		*ctx = http_state_get(req);

	if (ctx == NULL)
		return;
	core_csrf_prepare(req, ctx);
	core_html_appendf(buf, "<input type=\"hidden\" name=\"%s\" "
	    "value=\"%s\">", CORE_CSRF_FIELD, ctx->csrf);
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
