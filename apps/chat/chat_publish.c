/*
 * Getting a message out, for the API and the WebSocket alike: the
 * statement that stores a post, who is online (so that mentions of the
 * others are mailed), and the event published on agora:chat that every
 * worker fans out to its own sockets (chat_ws.c).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "chat/chat.h"

#define CHAT_ONLINE_TTL		45	/* seconds a poll keeps one online */

/*
 * $1 room, $2 author, $3 body, $4 mentioned users who are offline (a
 * text[] literal), $5 request id, $6 and $7 the kind and hash of the
 * author's credential, checked again here: a WebSocket may outlive it.
 * The room's row is locked first so ids and versions follow commit order
 * (sql/007_chat.sql).
 */
const char chat_sql_post[] =
	"WITH a AS ("
	"  SELECT " CORE_SQL_CRED_LIVE("$2", "$6", "$7") " AS live"
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
	"), j AS ("
	"  INSERT INTO job_outbox (type, queue, args, request_id)"
	"  SELECT 'email', 'default', jsonb_build_object('template',"
	"         'mentioned', 'to', o.email, 'username', o.username,"
	"         'by', me.username, 'where', CASE r.kind WHEN 'public'"
	"         THEN '#' || r.name ELSE 'a direct message' END,"
	"         'excerpt', left(m.body, 300),"
	"         'path', '/chat?room=' || m.room_id || '#m' || m.id), $5"
	"    FROM m, r, users me, users o"
	"   WHERE me.id = $2 AND o.username = ANY($4::text[])"
	"     AND notify_channel(o.id, 'mention') = 'email'"
	"     AND o.id <> $2 AND NOT o.banned"
	"     AND " CHAT_SQL_CAN_READ("r", "o.id")
	   CORE_JOB_RETURNING
	"), n AS ("
	"  SELECT notify_message(m.id, m.room_id, m.author_id, m.body) AS uid"
	"    FROM m"
	")"
	"SELECT (SELECT count(*) FROM r),"
	"       coalesce((SELECT bool_or(archived) FROM r), false),"
	"       coalesce((SELECT bool_or(ok) FROM t), false),"
	"       " CORE_JOBS_JSON("j") ", (SELECT live FROM a), "
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

/*
 * The users @mentioned in `text` (not `self`) who are not online, as a
 * PostgreSQL array literal of names.  Names are [a-z0-9_]{3,32}, so they
 * need no quoting.
 */
void
chat_mentions_offline(const char *text, const char *self,
    struct kore_buf *out)
{
	char		 names[CHAT_MENTIONS_MAX][CORE_USERNAME_MAX + 1];
	char		 name[CORE_USERNAME_MAX + 1];
	const char	*p;
	void		*r;
	size_t		 len;
	int		 n, i, dup;

	n = 0;
	kore_buf_append(out, "{", 1);
	for (p = text; (p = strchr(p, '@')) != NULL && n < CHAT_MENTIONS_MAX;
	    p++) {
		if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		for (len = 0; len < sizeof(name) &&
		    (isalnum((unsigned char)p[1 + len]) || p[1 + len] == '_');
		    len++)
			name[len] = tolower((unsigned char)p[1 + len]);
		if (len < 3 || len > CORE_USERNAME_MAX)
			continue;
		name[len] = '\0';
		for (dup = 0, i = 0; i < n; i++)
			dup |= !strcmp(names[i], name);
		if (dup || !strcmp(name, self))
			continue;
		(void)snprintf(names[n++], sizeof(names[0]), "%s", name);

		r = core_redis_command("EXISTS chat:online:%s", name);
		if (r != NULL && ((redisReply *)r)->type ==
		    REDIS_REPLY_INTEGER && ((redisReply *)r)->integer == 1) {
			core_redis_free(r);
			continue;
		}
		core_redis_free(r);
		kore_buf_appendf(out, "%s%s", out->offset > 1 ? "," : "",
		    name);
	}
	kore_buf_append(out, "}", 1);
}

/* A user who polls (or holds a WebSocket) is online for a while. */
void
chat_online_mark(const char *username)
{
	core_redis_free(core_redis_command("SET chat:online:%s 1 EX %d",
	    username, CHAT_ONLINE_TTL));
}
