/*
 * Getting a message out, for the API and the WebSocket alike: the
 * statement that stores a post, who is online, and the event published
 * on agora:chat that every worker fans out to its own sockets
 * (chat_ws.c).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "chat/chat.h"

#define CHAT_ONLINE_TTL		45	/* seconds a poll keeps one online */

/*
 * $1 room, $2 author, $3 body, $4 and $5 the kind and hash of the
 * author's credential, checked again here: a WebSocket may outlive it.
 * Who is told, and by email when still unread later, is
 * notify_message's (sql/015_notifications.sql, sql/018_notify_email.sql,
 * sql/022_chat_post.sql).
 * The room's row is locked first so ids and versions follow commit order
 * (sql/007_chat.sql).
 */
const char chat_sql_post[] =
	"WITH a AS ("
	"  SELECT " CORE_SQL_CRED_LIVE("$2", "$4", "$5") " AS live"
	"), r AS ("
	"  SELECT r.id, r.kind, r.name, r.archived FROM chat_rooms r"
	"   WHERE r.id = $1 AND " CHAT_SQL_CAN_READ("r", "$2")
	"     AND (SELECT live FROM a)"
	"     FOR UPDATE"
	"), t AS ("
	"  SELECT chat_take_token($2) AS ok FROM r WHERE NOT r.archived"
	"), m AS ("
	"  INSERT INTO chat_messages (room_id, author_id, body)"
	"  SELECT r.id, $2, $3 FROM r, t WHERE t.ok RETURNING *"
	"), rd AS ("
	"  INSERT INTO chat_reads (user_id, room_id, last_read_id)"
	"  SELECT $2, m.room_id, m.id FROM m"
	"  ON CONFLICT (user_id, room_id) DO UPDATE"
	"  SET last_read_id = greatest(chat_reads.last_read_id,"
	"      EXCLUDED.last_read_id)"
	"), n AS ("
	"  SELECT notify_message(m.id, m.room_id, m.author_id, m.body) AS uid"
	"    FROM m"
	")"
	"SELECT (SELECT count(*) FROM r),"
	"       coalesce((SELECT bool_or(archived) FROM r), false),"
	"       coalesce((SELECT bool_or(ok) FROM t), false),"
	"       '[]'::json, (SELECT live FROM a), "
	"       " CORE_NOTIFY_JSON("n") ", "
	        CHAT_SQL_MSG_COLS
	"  FROM (SELECT 1) one"
	"  LEFT JOIN (m JOIN users u ON u.id = m.author_id) ON true";

/*
 * Publish an event for a room's live clients (message, edited, deleted,
 * typing).  Takes ownership of `event`.
 */
void
chat_publish(json_t *event)
{
	char		*text;

	if ((text = json_dumps(event, JSON_COMPACT)) != NULL) {
		if (core_publish(CHAT_CHANNEL, text, strlen(text)) == -1)
			kore_log(LOG_NOTICE, "chat: event not published");
		free(text);
	}
	json_decref(event);
}

/* A user who polls (or holds a WebSocket) is online for a while. */
void
chat_online_mark(const char *username)
{
	core_redis_free(core_redis_command("SET chat:online:%s 1 EX %d",
	    username, CHAT_ONLINE_TTL));
}
