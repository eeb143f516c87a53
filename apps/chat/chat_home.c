/*
 * The chat's section of the home page (core_home_register): the public
 * rooms with the most messages in the last day, and how many messages
 * were written in public rooms since the viewer's last visit.
 */

#include "chat/chat.h"

/* $1 the viewer's previous visit, or '', $2 the viewer (0: anonymous). */
static const char sql_home[] =
	"SELECT r.id, r.name, a.n, " CORE_SQL_TS("a.last") ","
	"       (SELECT count(*) FROM chat_messages m"
	"          JOIN chat_rooms mr ON mr.id = m.room_id"
	"          JOIN users mu ON mu.id = m.author_id"
	"         WHERE mr.kind = 'public' AND NOT mr.archived"
	"           AND agora_message_visible(m.deleted, mu.banned)"
	"           AND agora_shown(m.author_id, $2::bigint)"
	"           AND $1 <> ''"
	"           AND m.created_at > nullif($1, '')::timestamptz)"
	"  FROM (SELECT m.room_id, count(*) AS n, max(m.created_at) AS last"
	"          FROM chat_messages m JOIN users mu ON mu.id = m.author_id"
	"         WHERE m.created_at > now() - interval '1 day'"
	"           AND agora_message_visible(m.deleted, mu.banned)"
	"         GROUP BY m.room_id) a"
	"  JOIN chat_rooms r ON r.id = a.room_id"
	" WHERE r.kind = 'public' AND NOT r.archived"
	" ORDER BY a.n DESC, a.last DESC LIMIT 5";

enum home_col {
	HOME_ID,
	HOME_NAME,
	HOME_MESSAGES,
	HOME_LAST,
	HOME_NEW
};

static void	home_render(struct kore_buf *, struct core_db *);
static void	home_register(void) __attribute__((constructor));

static const struct core_home_part chat_home = {
	2, "Chat", "/chat", "message", sql_home, HOME_NEW, home_render
};

static void
home_register(void)
{
	core_home_register(&chat_home);
}

static void
home_render(struct kore_buf *buf, struct core_db *db)
{
	long long	n;
	int		i;

	if (core_db_rows(db) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">The rooms are quiet "
		    "today. <a href=\"/chat\">Start a conversation</a>.</p>");
		return;
	}
	core_html_appendf(buf, "<ul class=\"home-list\">");
	for (i = 0; i < core_db_rows(db); i++) {
		n = core_db_int(db, i, HOME_MESSAGES);
		core_html_appendf(buf, "<li><a href=\"/chat?room=%lld\">#%s</a> "
		    "<small>%lld message%s today · %T</small></li>",
		    (long long)core_db_int(db, i, HOME_ID),
		    core_db_value(db, i, HOME_NAME), n, n == 1 ? "" : "s",
		    core_db_value(db, i, HOME_LAST));
	}
	core_html_appendf(buf, "</ul><footer><a href=\"/chat\">Open the chat"
	    "</a></footer>");
}
