/*
 * What each user wants of each kind of notification
 * (sql/015_notifications.sql, notification_prefs, and
 * sql/018_notify_email.sql): in the site only, in the site and by
 * email when still unread a few minutes later, in the site and in a
 * daily digest email, or nothing.  /settings/notifications and
 * /api/v1/notifications/preferences read and change the caller's own.
 */

#include <string.h>

#include "core/core.h"

#define PREF_KINDS	7
#define PREF_CHANNELS	4

struct pref_kind {
	const char	*kind;
	const char	*label;
	int		 mailed;	/* email and digest are choices */
};

static const struct pref_kind kinds[PREF_KINDS] = {
	{ "comment", "Comments on your posts and photos", 1 },
	{ "reply", "Replies to your comments", 0 },
	{ "mention", "Mentions of you (@name)", 1 },
	{ "dm", "Direct messages", 1 },
	{ "like", "Likes of your photos", 1 },
	{ "tag", "Tags of you in photos", 1 },
	{ "follow", "New followers", 0 },
};

static const char *const channels[PREF_CHANNELS] = {
	"site", "email", "digest", "off"
};

/* $1 user: each kind and its channel, in the order of `kinds`. */
static const char sql_prefs[] =
	"SELECT k, notify_channel($1, k)"
	"  FROM unnest(ARRAY['comment', 'reply', 'mention', 'dm', 'like',"
	"         'tag', 'follow'])"
	"       WITH ORDINALITY AS x(k, o) ORDER BY o";

enum { PREFS_COL_KIND, PREFS_COL_CHANNEL };

/* $1 user, $2 kinds, $3 channels (text[] literals of checked names). */
static const char sql_prefs_set[] =
	"INSERT INTO notification_prefs (user_id, kind, channel)"
	"SELECT $1, k, c FROM unnest($2::text[], $3::text[]) AS x(k, c)"
	"    ON CONFLICT (user_id, kind) DO UPDATE SET channel = EXCLUDED.channel";

static int	prefs_check(const struct pref_kind *, const char *);
static int	prefs_save(struct http_request *, struct core_ctx *,
		    struct core_db *, const char **);
static json_t	*prefs_json(struct core_db *);

/* GET shows the choices; POST saves them (CSRF). */
CORE_HANDLER_NEED(core_notify_settings_page, CORE_NEED_USER)
{
	struct core_db		*db = &ctx->db[0];
	struct kore_buf		*buf;
	const char		*chosen[PREF_KINDS], *cur, *params[1];
	struct core_num		 uid;
	int			 i, j, saved;
	static const char	*labels[PREF_CHANNELS] = { "In the site only",
				    "In the site, and by email if still "
				    "unread a few minutes later",
				    "In the site, and in a daily digest email",
				    "Off" };

	saved = 0;
	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_need(req, ctx, CORE_NEED_CSRF));
		for (i = 0; i < PREF_KINDS; i++) {
			chosen[i] = core_form_get(req, kinds[i].kind);
			if (chosen[i] == NULL ||
			    prefs_check(&kinds[i], chosen[i]) == -1)
				return (core_error(req, 400, "Choose one of "
				    "the options for each kind."));
		}
		CORE_TRY(prefs_save(req, ctx, &ctx->db[1], chosen));
		saved = 1;
	}

	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_prefs, 1, params));
	if (core_db_rows(db) != PREF_KINDS)
		return (core_error(req, 500, NULL));

	buf = core_page_open(req, "Notification settings");
	core_html_appendf(buf, "<h1>Notification settings</h1>\n"
	    "<p>What reaches you, kind by kind. An email waits a few "
	    "minutes and is not sent if you have seen the notification "
	    "meanwhile; messages in one conversation come together. "
	    "Moderators' decisions on your posts, photos and comments, "
	    "and emails about your account, always reach you. "
	    "<a href=\"/notifications\">Back to your notifications</a></p>\n");
	if (saved)
		core_html_appendf(buf, "<p class=\"notice\" role=\"status\">"
		    "Saved.</p>\n");
	core_form_open(req, buf, "/settings/notifications", "notify-prefs");
	for (i = 0; i < PREF_KINDS; i++) {
		cur = core_db_value(db, i, PREFS_COL_CHANNEL);
		core_html_appendf(buf, "<fieldset><legend>%s</legend>",
		    kinds[i].label);
		for (j = 0; j < PREF_CHANNELS; j++) {
			if (prefs_check(&kinds[i], channels[j]) == -1)
				continue;
			core_html_appendf(buf, "<label><input type=\"radio\" "
			    "name=\"%s\" value=\"%s\"%R> %s</label>",
			    kinds[i].kind, channels[j],
			    !strcmp(cur, channels[j]) ? " checked" : "",
			    labels[j]);
		}
		core_html_appendf(buf, "</fieldset>\n");
	}
	core_html_appendf(buf, "<button type=\"submit\">Save</button></form>\n");
	/* notify.js shows it where the browser has the Notification API. */
	core_html_appendf(buf, "<section id=\"browser-notify\" hidden>"
	    "<h2>On this device</h2><p>Direct messages and mentions can show "
	    "as notifications of this browser while Agora is open in the "
	    "background. The browser asks you first.</p>"
	    "<button type=\"button\" id=\"browser-notify-button\" "
	    "aria-pressed=\"false\">Show notifications on this device"
	    "</button><p id=\"browser-notify-state\" role=\"status\"></p>"
	    "</section>\n");

	return (core_page_close(req, 200, buf));
}

/*
 * GET /api/v1/notifications/preferences: {"preferences":{kind:channel}};
 * POST with some kinds ({"like":"off"}) changes those and answers the
 * same.
 */
CORE_HANDLER_NEED(core_api_notify_prefs, CORE_NEED_USER)
{
	struct core_db		*db = &ctx->db[0];
	json_t			*body, *v, *errors;
	const char		*chosen[PREF_KINDS], *key;
	struct core_num		 uid;
	const char		*params[1];
	int			 i, known;

	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_need(req, ctx, CORE_NEED_CSRF));
		CORE_TRY(core_json_body(req, ctx, &body));
		errors = json_object();
		json_object_foreach(body, key, v) {
			for (known = 0, i = 0; i < PREF_KINDS; i++)
				known |= !strcmp(key, kinds[i].kind);
			if (!known)
				json_object_set_new(errors, key,
				    json_string("Not a kind of notification."));
		}
		for (i = 0; i < PREF_KINDS; i++) {
			chosen[i] = NULL;
			if ((v = json_object_get(body, kinds[i].kind)) == NULL)
				continue;
			chosen[i] = json_string_value(v);
			if (chosen[i] == NULL ||
			    prefs_check(&kinds[i], chosen[i]) == -1)
				json_object_set_new(errors, kinds[i].kind,
				    json_string(kinds[i].mailed ?
				    "site, email, digest or off." :
				    "site or off."));
		}
		if (json_object_size(errors) > 0)
			return (core_problem(req, 422, "Invalid input",
			    "Some choices are not possible.", errors));
		json_decref(errors);
		CORE_TRY(prefs_save(req, ctx, &ctx->db[1], chosen));
	}

	params[0] = core_num(&uid, ctx->user.id);
	CORE_TRY(core_db_run(req, db, sql_prefs, 1, params));

	return (core_json_send(req, 200, json_pack("{s:o}", "preferences",
	    prefs_json(db))));
}

/* Whether `channel` is one kind `k` may take: 0, or -1. */
static int
prefs_check(const struct pref_kind *k, const char *channel)
{
	int	i;

	if (!k->mailed && strcmp(channel, "site") && strcmp(channel, "off"))
		return (-1);
	for (i = 0; i < PREF_CHANNELS; i++) {
		if (!strcmp(channel, channels[i]))
			return (0);
	}

	return (-1);
}

/* Store the choices in `chosen` (an entry NULL: that kind unchanged). */
static int
prefs_save(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char **chosen)
{
	struct kore_buf		 k, c;
	struct core_num		 uid;
	const char		*params[3];
	int			 i, n, rc;

	kore_buf_init(&k, 64);
	kore_buf_init(&c, 64);
	kore_buf_append(&k, "{", 1);
	kore_buf_append(&c, "{", 1);
	for (n = 0, i = 0; i < PREF_KINDS; i++) {
		if (chosen[i] == NULL)
			continue;
		kore_buf_appendf(&k, "%s%s", n ? "," : "", kinds[i].kind);
		kore_buf_appendf(&c, "%s%s", n ? "," : "", chosen[i]);
		n++;
	}
	kore_buf_append(&k, "}", 2);
	kore_buf_append(&c, "}", 2);

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = (const char *)k.data;
	params[2] = (const char *)c.data;
	rc = core_db_run(req, db, sql_prefs_set, 3, params);
	kore_buf_cleanup(&k);
	kore_buf_cleanup(&c);

	return (rc);
}

static json_t *
prefs_json(struct core_db *db)
{
	json_t		*o;
	int		 i;

	o = json_object();
	for (i = 0; i < core_db_rows(db); i++)
		json_object_set_new(o, core_db_value(db, i, PREFS_COL_KIND),
		    json_string(core_db_value(db, i, PREFS_COL_CHANNEL)));

	return (o);
}
