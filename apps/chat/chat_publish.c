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

/* The message statement (CHAT_SQL_POST, chat.h). */
const char chat_sql_post[] = CHAT_SQL_POST;

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
