/*
 * /chat: the page shell.  The room list, the messages and the composer
 * are drawn by /static/chat.js from the JSON API, with text set through
 * the DOM (never parsed as HTML), so nothing a user writes can become
 * markup.  Signed-out visitors are sent to log in.
 */

#include <string.h>

#include "chat/chat.h"

CORE_HANDLER(chat_page)
{
	struct kore_buf		*buf;

	if (ctx->user.id == 0) {
		core_redirect(req, "/login?next=/chat");
		return (CORE_DONE);
	}
	core_csrf_prepare(req, ctx);

	buf = core_page_open(req, "Chat");
	core_html_appendf(buf,
	    "<div class=\"chat\" id=\"chat\" data-user=\"%s\" data-uid=\"%lld\" "
	    "data-admin=\"%d\" data-csrf=\"%s\">\n"
	    "<aside class=\"chat-rooms\">\n"
	    "<h2>Rooms</h2>\n<ul id=\"rooms\" class=\"room-list\"></ul>\n"
	    "<form id=\"new-room\" class=\"inline-form\"><input name=\"name\" "
	    "maxlength=\"64\" placeholder=\"New room\" required "
	    "aria-label=\"New room name\"><button type=\"submit\">Create"
	    "</button></form>\n"
	    "<h2>Direct messages</h2>\n<ul id=\"dms\" class=\"room-list\"></ul>\n"
	    "<form id=\"new-dm\" class=\"inline-form\"><input name=\"username\" "
	    "maxlength=\"32\" pattern=\"[A-Za-z0-9_]{3,32}\" "
	    "placeholder=\"Username\" required aria-label=\"Message a user\">"
	    "<button type=\"submit\">Message</button></form>\n"
	    "</aside>\n"
	    "<section class=\"chat-pane\">\n"
	    "<header class=\"chat-head\"><h2 id=\"room-title\">Choose a room"
	    "</h2><span id=\"link-state\" class=\"link-state\"></span>"
	    "</header>\n"
	    "<button id=\"older\" class=\"secondary outline\" hidden>Load "
	    "earlier messages</button>\n"
	    "<ol id=\"messages\" class=\"messages\" aria-live=\"polite\"></ol>\n"
	    "<p id=\"typing\" class=\"typing\"></p>\n"
	    "<form id=\"composer\" class=\"composer\" hidden>"
	    "<textarea name=\"body\" rows=\"2\" maxlength=\"4000\" required "
	    "placeholder=\"Write a message\" aria-label=\"Message\"></textarea>"
	    "<button type=\"submit\">Send</button></form>\n"
	    "<p id=\"chat-error\" class=\"form-error\" role=\"alert\"></p>\n"
	    "</section>\n</div>\n",
	    ctx->user.username, (long long)ctx->user.id,
	    ctx->user.role == CORE_ROLE_ADMIN, ctx->csrf);
	core_html_appendf(buf, "<script src=\"%s\" defer></script>\n",
	    core_static_url("/static/chat.js"));

	return (core_page_close(req, 200, buf));
}
