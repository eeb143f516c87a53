/*
 * Site-wide pages: the home page, health check and the not-found page
 * that catches every route no app claimed.
 */

#include "core/core.h"

int	core_home(struct http_request *);
int	core_healthz(struct http_request *);
int	core_notfound(struct http_request *);

int
core_home(struct http_request *req)
{
	struct core_ctx		*ctx;
	struct kore_buf		 buf;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	kore_buf_init(&buf, 4096);
	core_page_begin(req, &buf, "Home");

	if (ctx->user.id != 0)
		core_html_appendf(&buf, "<hgroup><h1>Welcome back, %s</h1>"
		    "<p>Pick up where you left off.</p></hgroup>\n",
		    ctx->user.username);
	else
		core_html_appendf(&buf, "<hgroup><h1>Agora</h1>"
		    "<p>One account for writing, talking and sharing "
		    "pictures.</p></hgroup>\n");

	core_html_appendf(&buf,
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
		core_html_appendf(&buf, "<p class=\"cta\"><a href=\"/register\" "
		    "role=\"button\">Create an account</a> or "
		    "<a href=\"/login\">log in</a>.</p>\n");

	core_page_end(&buf);
	core_page_send(req, 200, &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

/* Liveness: the process answers.  No dependency is checked here. */
int
core_healthz(struct http_request *req)
{
	http_response_header(req, "content-type", "text/plain");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 200, "ok\n", 3);

	return (KORE_RESULT_OK);
}

int
core_notfound(struct http_request *req)
{
	struct core_ctx		*ctx;
	int			 rc;

	if ((rc = core_begin(req, &ctx)) != CORE_OK)
		return (core_yield(rc));

	return (core_yield(core_error(req, 404,
	    "There is nothing at this address.")));
}
