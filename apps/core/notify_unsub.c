/*
 * One-click unsubscribe (RFC 8058) from notification emails.
 *
 * Every notification email carries List-Unsubscribe with
 * /unsubscribe?token=<user>-<kind>-<signature> (lib/unsubscribe.c,
 * signed by the job worker under the site's secret) and
 * List-Unsubscribe-Post: List-Unsubscribe=One-Click.  GET shows what
 * the link does and a button; POST with the body
 * List-Unsubscribe=One-Click (what mail clients send, and the button)
 * turns that kind's email off for that user: it stays in the site.  No
 * sign-in and no CSRF token: the signature is the authority, and all it
 * can do is stop some email.  A token that does not verify is 400 and
 * changes nothing.
 */

#include <string.h>

#include "core/core.h"
#include "unsubscribe.h"

/* $1 user, $2 kind (checked): the kinds turned to the site only. */
static const char sql_unsubscribe[] =
	"SELECT notify_unsubscribe(u.id, $2) FROM users u WHERE u.id = $1";

static const char	*unsub_label(const char *);

CORE_HANDLER(core_unsubscribe_page)
{
	struct kore_buf		*buf;
	struct core_num		 uid_num;
	const char		*params[2], *body;
	char			*token, kind[AGORA_UNSUB_KIND_MAX];
	int64_t			 uid;

	if (req->method == HTTP_METHOD_POST)
		CORE_TRY(core_form_load(req, ctx));
	if (!ctx->args_loaded) {
		ctx->args_loaded = 1;
		http_populate_qs(req);
	}

	if (!http_argument_get_string(req, "token", &token) ||
	    agora_unsub_verify(core_cfg.secret, token, &uid, kind,
	    sizeof(kind)) == -1)
		return (core_error(req, 400, "This unsubscribe link is not "
		    "valid. Copy the whole link from the email, or change "
		    "your notification settings after signing in."));

	if (req->method != HTTP_METHOD_POST) {
		buf = core_page_open(req, "Unsubscribe");
		core_html_appendf(buf, "<h1>Unsubscribe</h1>\n"
		    "<p>Stop emails about %s? They stay in the site, in "
		    "your notifications.</p>\n"
		    "<form method=\"post\" action=\"/unsubscribe?token=%U\">"
		    "<input type=\"hidden\" name=\"List-Unsubscribe\" "
		    "value=\"One-Click\">"
		    "<button type=\"submit\">Stop these emails</button>"
		    "</form>\n<p><a href=\"/settings/notifications\">"
		    "Notification settings</a> (after signing in)</p>\n",
		    unsub_label(kind), token);
		return (core_page_close(req, 200, buf));
	}

	body = core_form_get(req, "List-Unsubscribe");
	if (body == NULL || strcmp(body, "One-Click"))
		return (core_error(req, 400, "An unsubscribe request says "
		    "List-Unsubscribe=One-Click."));

	params[0] = core_num(&uid_num, uid);
	params[1] = kind;
	CORE_TRY(core_db_run(req, &ctx->db[0], sql_unsubscribe, 2, params));
	if (core_db_rows(&ctx->db[0]) != 1)
		return (core_error(req, 404, "This account no longer "
		    "exists."));

	buf = core_page_open(req, "Unsubscribed");
	core_html_appendf(buf, "<h1>Unsubscribed</h1>\n"
	    "<p role=\"status\">You will get no more emails about %s. "
	    "They stay in the site, in your notifications.</p>\n"
	    "<p><a href=\"/settings/notifications\">Notification "
	    "settings</a></p>\n", unsub_label(kind));

	return (core_page_close(req, 200, buf));
}

static const char *
unsub_label(const char *kind)
{
	if (!strcmp(kind, "comment"))
		return ("comments on your posts and photos");
	if (!strcmp(kind, "mention"))
		return ("mentions of you");
	if (!strcmp(kind, "dm"))
		return ("direct messages");
	if (!strcmp(kind, "like"))
		return ("likes of your photos");

	return ("your notifications in a daily digest");
}
