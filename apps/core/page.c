/*
 * The one page layout every app renders into, and its CSRF form fields.
 */

#include <stdio.h>
#include <string.h>

#include "core/core.h"

/* The nav link of the section the page is in. */
#define CURRENT		" aria-current=\"page\""

static void	nav_link(struct http_request *, struct kore_buf *,
		    const char *, const char *);
static void	nav_bell(struct http_request *, struct kore_buf *,
		    struct core_ctx *);

/*
 * Open a page: <head>, the navigation (the signed-in user's menu, a
 * <details> that needs no script: profile, settings and the logout
 * form; or login/register links), the search box (its
 * suggestions by /static/search.js) and <main>.  A request that never
 * resolved its user gets the anonymous navigation.
 */
void
core_page_begin(struct http_request *req, struct kore_buf *buf,
    const char *title)
{
	struct core_ctx		*ctx = http_state_get(req);
	char			 unread[32], live[160];

	/* The count in the tab's title too: "(3) Blog · Agora". */
	unread[0] = '\0';
	if (ctx != NULL && ctx->user.id != 0 && ctx->user.unread > 0)
		(void)snprintf(unread, sizeof(unread), "(%lld) ",
		    (long long)ctx->user.unread);

	/* Signed-in pages keep the bell live (notify.js). */
	live[0] = '\0';
	if (ctx != NULL && ctx->user.id != 0 && ctx->auth == CORE_AUTH_COOKIE)
		(void)snprintf(live, sizeof(live),
		    "<script src=\"%s\" defer></script>\n",
		    core_static_url("/static/notify.js"));

	core_html_appendf(buf,
	    "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n"
	    "<title>%R%s · Agora</title>\n"
	    "<link rel=\"icon\" href=\"/favicon.svg\" "
	    "type=\"image/svg+xml\">\n"
	    "<link rel=\"stylesheet\" href=\"%s\">\n"
	    "<link rel=\"stylesheet\" href=\"%s\">\n"
	    "<script src=\"%s\" defer></script>\n"
	    "<script src=\"%s\" defer></script>\n"
	    "%R%R</head>\n<body>\n"
	    "<header class=\"container\">\n<nav class=\"site-nav\">\n"
	    "<ul><li><a href=\"/\" class=\"brand\"%R><strong>Agora</strong>"
	    "</a></li></ul>\n<ul>\n", unread, title,
	    core_static_url("/static/pico.min.css"),
	    core_static_url("/static/agora.css"),
	    core_static_url("/static/time.js"),
	    core_static_url("/static/search.js"), live,
	    ctx != NULL && ctx->page_head != NULL ? ctx->page_head : "",
	    req != NULL && !strcmp(req->path, "/") ? CURRENT : "");
	nav_link(req, buf, "/blog", "Blog");
	nav_link(req, buf, "/chat", "Chat");
	nav_link(req, buf, "/photos", "Photos");

	if (ctx != NULL && ctx->user.role == CORE_ROLE_ADMIN)
		nav_link(req, buf, "/admin", "Admin");

	if (ctx != NULL && ctx->user.id != 0 &&
	    ctx->auth == CORE_AUTH_COOKIE) {
		nav_bell(req, buf, ctx);
		core_html_appendf(buf,
		    "<li><details class=\"dropdown user-menu\">"
		    "<summary class=\"who\" data-user=\"%s\" "
		    "aria-label=\"Account menu of %s\">%A<span>%s</span>"
		    "</summary>\n<ul dir=\"rtl\">"
		    "<li><a href=\"/u/%U\" dir=\"ltr\">Profile</a></li>"
		    "<li><a href=\"/settings\" dir=\"ltr\">Settings</a></li>"
		    "<li><form method=\"post\" action=\"/logout\" "
		    "class=\"menu-form\" dir=\"ltr\">", ctx->user.username,
		    ctx->user.username, ctx->user.username,
		    ctx->user.display_name, ctx->user.avatar,
		    ctx->user.username, ctx->user.username);
		core_form_csrf(req, buf);
		core_html_appendf(buf, "<button type=\"submit\" "
		    "class=\"secondary outline\">Log out</button></form></li>"
		    "</ul></details></li>\n");
	} else {
		core_html_appendf(buf,
		    "<li><a href=\"/login\">Log in</a></li>\n"
		    "<li><a href=\"/register\" role=\"button\">Register</a>"
		    "</li>\n");
	}

	core_html_appendf(buf, "</ul>\n</nav>\n"
	    "<form role=\"search\" action=\"/search\" method=\"get\" "
	    "class=\"nav-search\" id=\"nav-search\">"
	    "<input type=\"search\" name=\"q\" maxlength=\"256\" "
	    "placeholder=\"Search\" aria-label=\"Search the site\" "
	    "autocomplete=\"off\" aria-autocomplete=\"list\" "
	    "aria-controls=\"nav-suggest\">"
	    "<ul id=\"nav-suggest\" class=\"nav-suggest\" role=\"listbox\" "
	    "aria-label=\"Suggestions\" hidden></ul></form>\n"
	    "</header>\n<main class=\"container\">\n");
}

/*
 * The bell: the unread count the session lookup brought (one indexed
 * count in the same statement, no query of its own), kept current
 * without a reload by /static/notify.js.
 */
static void
nav_bell(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx)
{
	long long	n;
	int		in;

	n = ctx->user.unread;
	in = req != NULL && !strcmp(req->path, "/notifications");
	core_html_appendf(buf,
	    "<li><a href=\"/notifications\" class=\"bell\" id=\"nav-bell\" "
	    "data-unread=\"%lld\" aria-label=\"Notifications, %lld unread\"%R>"
	    "<span class=\"bell-icon\" aria-hidden=\"true\"></span>"
	    "<span class=\"bell-count\"%R>%lld</span></a></li>\n",
	    n, n, in ? CURRENT : "", n > 0 ? "" : " hidden", n);
}

/* A nav link to section `path`, marked when the page is in it. */
static void
nav_link(struct http_request *req, struct kore_buf *buf, const char *path,
    const char *label)
{
	size_t		n;
	int		in;

	n = strlen(path);
	in = req != NULL && !strncmp(req->path, path, n) &&
	    (req->path[n] == '\0' || req->path[n] == '/');
	core_html_appendf(buf, "<li><a href=\"%s\"%R>%s</a></li>\n", path,
	    in ? CURRENT : "", label);
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
 * the body, core_page_close() (response.c) ends, sends and frees it.
 */
struct kore_buf *
core_page_open(struct http_request *req, const char *title)
{
	struct kore_buf		*buf;

	buf = kore_buf_alloc(16384);
	core_page_begin(req, buf, title);

	return (buf);
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

/*
 * A destructive action that asks first: the button `label` opens a
 * <details> whose form POSTs to `action` with the button `confirm`
 * ("Yes, delete this post").  It needs no script.
 */
void
core_form_confirm(struct http_request *req, struct kore_buf *buf,
    const char *action, const char *label, const char *confirm)
{
	core_html_appendf(buf, "<details class=\"confirm inline\"><summary "
	    "role=\"button\" class=\"secondary outline\">%s…</summary>",
	    label);
	core_form_open(req, buf, action, "inline");
	core_html_appendf(buf, "<button type=\"submit\" class=\"contrast\">"
	    "%s</button></form></details>", confirm);
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
