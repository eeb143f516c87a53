/*
 * The emails Agora sends.  Each template has a subject, a text body and
 * an HTML body with {placeholders} filled from the job's args: plain in
 * the subject and text, HTML-escaped in the HTML part.  Links are built
 * from AGORA_SITE_URL and a path the site put in args ("path").
 */

#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "worker.h"

struct mail_template {
	const char	*name;
	const char	*subject;
	const char	*text;
	const char	*html;
};

static const struct mail_template templates[] = {
	{
		/* With the link that verifies the address (mail_link.c). */
		"welcome",
		"Welcome to Agora, {username}",
		"Hello {username},\n\n"
		"your Agora account is ready. Write on the blog, talk in the "
		"chat and share photos.\n\n"
		"Please confirm that this is your email address by opening "
		"this link within 48 hours:\n\n{link}\n\n"
		"Until then what you post waits for a moderator. "
		"If you did not sign up, you can ignore this message.\n",
		"<p>Hello {username},</p>"
		"<p>your Agora account is ready. Write on the blog, talk in "
		"the chat and share photos.</p>"
		"<p>Please confirm that this is your email address by opening "
		"this link within 48 hours:</p>"
		"<p><a href=\"{link}\">Confirm my email address</a></p>"
		"<p>Until then what you post waits for a moderator. "
		"If you did not sign up, you can ignore this message.</p>"
	},
	{
		"email_verify",
		"Confirm your email address for Agora",
		"Hello {username},\n\n"
		"to confirm that this is the email address of your Agora "
		"account, open this link within 48 hours:\n\n{link}\n\n"
		"The link works once. If you did not ask for it, you can "
		"ignore this message.\n",
		"<p>Hello {username},</p>"
		"<p>to confirm that this is the email address of your Agora "
		"account, open this link within 48 hours:</p>"
		"<p><a href=\"{link}\">Confirm my email address</a></p>"
		"<p>The link works once. If you did not ask for it, you can "
		"ignore this message.</p>"
	},
	{
		/* To the new address. */
		"email_change",
		"Confirm your new email address for Agora",
		"Hello {username},\n\n"
		"you asked to use this address for your Agora account. "
		"To confirm it, open this link within 24 hours:\n\n{link}\n\n"
		"Until then your account keeps its old address. The link "
		"works once. If you did not ask for this, ignore this "
		"message.\n",
		"<p>Hello {username},</p>"
		"<p>you asked to use this address for your Agora account. "
		"To confirm it, open this link within 24 hours:</p>"
		"<p><a href=\"{link}\">Confirm my new email address</a></p>"
		"<p>Until then your account keeps its old address. The link "
		"works once. If you did not ask for this, ignore this "
		"message.</p>"
	},
	{
		/* To the old address, with no link. */
		"email_change_notice",
		"Your Agora email address is being changed",
		"Hello {username},\n\n"
		"someone asked to change the email address of your Agora "
		"account to {new_email}. It changes once a link mailed to "
		"that address is opened.\n\n"
		"If it wasn't you, change your password now: whoever asked "
		"knows it.\n",
		"<p>Hello {username},</p>"
		"<p>someone asked to change the email address of your Agora "
		"account to <strong>{new_email}</strong>. It changes once a "
		"link mailed to that address is opened.</p>"
		"<p>If it wasn't you, change your password now: whoever asked "
		"knows it.</p>"
	},
	{
		"password_reset",
		"Reset your Agora password",
		"Hello {username},\n\n"
		"someone asked to reset the password of your Agora account. "
		"To choose a new one, open this link within an hour:\n\n"
		"{link}\n\n"
		"The link works once. If you did not ask for this, ignore this "
		"message: your password stays as it is.\n",
		"<p>Hello {username},</p>"
		"<p>someone asked to reset the password of your Agora account. "
		"To choose a new one, open this link within an hour:</p>"
		"<p><a href=\"{link}\">Choose a new password</a></p>"
		"<p>The link works once. If you did not ask for this, ignore "
		"this message: your password stays as it is.</p>"
	},
	{
		"export_ready",
		"Your Agora data is ready",
		"Hello {username},\n\n"
		"the export of your data is ready. Download it from your "
		"settings, signed in, within a day:\n\n{link}\n\n"
		"After that it is deleted; you can make a new one.\n",
		"<p>Hello {username},</p>"
		"<p>the export of your data is ready. Download it from your "
		"settings, signed in, within a day.</p>"
		"<p><a href=\"{link}\">Your data</a></p>"
		"<p>After that it is deleted; you can make a new one.</p>"
	},
	{
		"post_approved",
		"Your post \"{title}\" is published",
		"Hello {username},\n\n"
		"your post \"{title}\" was approved and is now public:\n\n"
		"{link}\n",
		"<p>Hello {username},</p>"
		"<p>your post <strong>{title}</strong> was approved and is "
		"now public.</p><p><a href=\"{link}\">Read it</a></p>"
	},
	{
		"post_rejected",
		"Your post \"{title}\" was not published",
		"Hello {username},\n\n"
		"your post \"{title}\" was not approved.\n\nReason: {reason}\n\n"
		"You can edit it and submit it again:\n\n{link}\n",
		"<p>Hello {username},</p>"
		"<p>your post <strong>{title}</strong> was not approved.</p>"
		"<p>Reason: {reason}</p>"
		"<p><a href=\"{link}\">Edit it and submit it again</a></p>"
	},
	{
		"item_rejected",
		"Your {what} was removed",
		"Hello {username},\n\n"
		"a moderator removed your {what}.\n\nReason: {reason}\n",
		"<p>Hello {username},</p>"
		"<p>a moderator removed your {what}.</p><p>Reason: {reason}</p>"
	},
	{
		"comment_new",
		"{commenter} commented on \"{title}\"",
		"Hello {username},\n\n"
		"{commenter} wrote a comment on \"{title}\":\n\n{excerpt}\n\n"
		"{link}\n",
		"<p>Hello {username},</p>"
		"<p>{commenter} wrote a comment on <strong>{title}</strong>:"
		"</p><blockquote>{excerpt}</blockquote>"
		"<p><a href=\"{link}\">Read the discussion</a></p>"
	},
	{
		"mentioned",
		"{by} mentioned you",
		"Hello {username},\n\n"
		"{by} mentioned you in {where}:\n\n{excerpt}\n\n{link}\n",
		"<p>Hello {username},</p>"
		"<p>{by} mentioned you in {where}:</p>"
		"<blockquote>{excerpt}</blockquote>"
		"<p><a href=\"{link}\">See it on Agora</a></p>"
	},
	{
		"tagged",
		"{by} tagged you in a photo",
		"Hello {username},\n\n{by} tagged you in a photo:\n\n{link}\n",
		"<p>Hello {username},</p>"
		"<p>{by} tagged you in a photo.</p>"
		"<p><a href=\"{link}\">See the photo</a></p>"
	},
	{
		/* Notifications of one kind about one thing, batched. */
		"notify",
		"{subject}",
		"Hello {username},\n\n{subject}:\n\n{items}",
		"<p>Hello {username},</p><p>{subject}:</p>{items}"
	},
	{
		"digest",
		"{subject}",
		"Hello {username},\n\nwhat is waiting for you on Agora "
		"({count} unread):\n\n{items}{more}\nAll your notifications: "
		"{link}\n",
		"<p>Hello {username},</p><p>what is waiting for you on Agora "
		"({count} unread):</p>{items}{more}"
		"<p><a href=\"{link}\">All your notifications</a></p>"
	},
	{ NULL, NULL, NULL, NULL }
};

static void	fill(struct mbuf *, const char *, json_t *, int);
static void	fill_items(struct mbuf *, json_t *, int);
static void	footer(struct mbuf *, json_t *, int);
static void	site_link(struct mbuf *, const char *);
static void	html_escape(struct mbuf *, const char *);
static void	escape_put(void *, const char *, size_t);

/*
 * Render template `name` with `args` (which gains "link").  Returns 0,
 * or -1 for an unknown template.
 */
int
mail_render(const char *name, json_t *args, struct mbuf *subject,
    struct mbuf *text, struct mbuf *html)
{
	const struct mail_template	*t;
	struct mbuf			 link;
	const char			*path;

	for (t = templates; t->name != NULL; t++) {
		if (name != NULL && !strcmp(t->name, name))
			break;
	}
	if (t->name == NULL)
		return (-1);

	memset(&link, 0, sizeof(link));
	path = json_string_value(json_object_get(args, "path"));
	site_link(&link, path);
	json_object_set_new(args, "link", json_string(link.d));
	mbuf_free(&link);

	fill(subject, t->subject, args, 0);
	fill(text, t->text, args, 0);
	footer(text, args, 0);

	mbuf_adds(html, "<!doctype html><html><head><meta charset=\"utf-8\">"
	    "</head><body style=\"font-family: sans-serif; line-height: 1.5; "
	    "max-width: 36em\">");
	fill(html, t->html, args, 1);
	footer(html, args, 1);
	mbuf_adds(html, "</body></html>");

	return (0);
}

/* Copy `tmpl`, replacing {key} with the string args.key ("" if none). */
static void
fill(struct mbuf *out, const char *tmpl, json_t *args, int html)
{
	const char	*p, *end, *v;
	char		 key[32];
	size_t		 n;

	for (p = tmpl; *p != '\0'; p++) {
		if (*p != '{' || (end = strchr(p, '}')) == NULL ||
		    (n = end - p - 1) == 0 || n >= sizeof(key)) {
			mbuf_add(out, p, 1);
			continue;
		}
		memcpy(key, p + 1, n);
		key[n] = '\0';
		p = end;
		if (!strcmp(key, "items")) {
			fill_items(out, json_object_get(args, "items"), html);
			continue;
		}
		if (!strcmp(key, "more")) {
			v = json_string_value(json_object_get(args, "more"));
			if (v == NULL || *v == '\0')
				continue;
			mbuf_adds(out, html ? "<p>and " : "and ");
			if (html)
				html_escape(out, v);
			else
				mbuf_adds(out, v);
			mbuf_adds(out, html ? " more.</p>" : " more.\n");
			continue;
		}
		v = json_string_value(json_object_get(args, key));
		if (v == NULL)
			v = "";
		if (html)
			html_escape(out, v);
		else
			mbuf_adds(out, v);
	}
}

/*
 * The notifications of args.items ([{who, what, excerpt, path}]), one
 * paragraph each, with the link to the exact place.
 */
static void
fill_items(struct mbuf *out, json_t *items, int html)
{
	struct mbuf	 link;
	json_t		*it;
	const char	*who, *what, *excerpt;
	size_t		 i;

	if (html)
		mbuf_adds(out, "<ul>");
	json_array_foreach(items, i, it) {
		who = json_string_value(json_object_get(it, "who"));
		what = json_string_value(json_object_get(it, "what"));
		excerpt = json_string_value(json_object_get(it, "excerpt"));
		memset(&link, 0, sizeof(link));
		site_link(&link,
		    json_string_value(json_object_get(it, "path")));
		if (html) {
			mbuf_adds(out, "<li><p><strong>");
			html_escape(out, who != NULL ? who : "");
			mbuf_adds(out, "</strong> ");
			html_escape(out, what != NULL ? what : "");
			mbuf_adds(out, "</p>");
			if (excerpt != NULL && *excerpt != '\0') {
				mbuf_adds(out, "<blockquote>");
				html_escape(out, excerpt);
				mbuf_adds(out, "</blockquote>");
			}
			mbuf_adds(out, "<p><a href=\"");
			html_escape(out, link.d);
			mbuf_adds(out, "\">See it on Agora</a></p></li>");
		} else {
			mbuf_addf(out, "%s %s\n", who != NULL ? who : "",
			    what != NULL ? what : "");
			if (excerpt != NULL && *excerpt != '\0')
				mbuf_addf(out, "\n  %s\n", excerpt);
			mbuf_addf(out, "\n  %s\n\n", link.d);
		}
		mbuf_free(&link);
	}
	if (html)
		mbuf_adds(out, "</ul>");
}

/*
 * The signature; for an email one may stop (args.unsubscribe_link, set
 * by the email job), why it was sent, the preferences and the link
 * that stops it.
 */
static void
footer(struct mbuf *out, json_t *args, int html)
{
	struct mbuf	 prefs;
	const char	*unsub, *reason;

	unsub = json_string_value(json_object_get(args, "unsubscribe_link"));
	reason = json_string_value(json_object_get(args, "reason"));
	if (unsub == NULL) {
		mbuf_adds(out, html ? "<p style=\"color: #777\">Agora</p>" :
		    "\n-- \nAgora\n");
		return;
	}

	memset(&prefs, 0, sizeof(prefs));
	site_link(&prefs, "/settings/notifications");
	if (html) {
		mbuf_adds(out, "<hr><p style=\"color: #777; font-size: 90%\">"
		    "You get this email because your Agora notification "
		    "settings send you ");
		html_escape(out, reason != NULL ? reason : "notifications");
		mbuf_adds(out, " by email. <a href=\"");
		html_escape(out, prefs.d);
		mbuf_adds(out, "\">Change your notification settings</a> or "
		    "<a href=\"");
		html_escape(out, unsub);
		mbuf_adds(out, "\">unsubscribe from these emails</a>.</p>");
	} else {
		mbuf_addf(out, "\n-- \nAgora\nYou get this email because your "
		    "Agora notification settings send you %s by email.\n"
		    "Change them: %s\nUnsubscribe from these emails: %s\n",
		    reason != NULL ? reason : "notifications", prefs.d, unsub);
	}
	mbuf_free(&prefs);
}

/* AGORA_SITE_URL and a local path ("/" when it is not one). */
static void
site_link(struct mbuf *out, const char *path)
{
	mbuf_adds(out, wcfg.site_url);
	mbuf_adds(out, path != NULL && path[0] == '/' ? path : "/");
}

/* Through lib/escape.c, the site's escaper. */
static void
html_escape(struct mbuf *out, const char *s)
{
	agora_html_escape(s, escape_put, out);
}

static void
escape_put(void *arg, const char *s, size_t len)
{
	mbuf_add(arg, s, len);
}
