-- The chat message statement (chat_sql_post, apps/chat/chat_publish.c)
-- made cheaper for PostgreSQL, with the same result.
--
-- notify_message() was a SQL function holding an INSERT, which
-- PostgreSQL cannot inline: it planned its statement again for every
-- message, about a third of the message statement's time, though most
-- messages are in a public room and mention nobody.  As PL/pgSQL its
-- plan is kept for the connection's life, and a message with no '@' in
-- a room that is not a conversation returns before any of it runs.
-- Who is told stays as sql/015_notifications.sql defines it.

CREATE OR REPLACE FUNCTION notify_message(p_message bigint, p_room bigint,
    p_actor bigint, p_body text) RETURNS SETOF bigint
LANGUAGE plpgsql AS $$
BEGIN
	IF strpos(p_body, '@') = 0 AND NOT EXISTS (SELECT 1
	    FROM chat_rooms k WHERE k.id = p_room AND k.kind = 'dm') THEN
		RETURN;
	END IF;

	RETURN QUERY
	WITH r AS (
		SELECT cm.user_id AS uid, 'dm' AS kind
		  FROM chat_rooms k JOIN chat_members cm ON cm.room_id = k.id
		 WHERE k.id = p_room AND k.kind = 'dm'
		UNION ALL
		SELECT m, 'mention' FROM chat_rooms k, notify_mentioned(p_body) m
		 WHERE k.id = p_room AND k.kind = 'public'
	)
	INSERT INTO notifications (user_id, actor_id, kind, app, message_id,
	    room_id, subject, excerpt, link)
	SELECT r.uid, p_actor, r.kind, 'chat', p_message, p_room,
	       coalesce('#' || k.name, ''), left(p_body, 300),
	       '/chat?room=' || p_room || '#m' || p_message
	  FROM r, chat_rooms k
	 WHERE k.id = p_room AND r.uid <> p_actor
	   AND notify_channel(r.uid, r.kind) <> 'off'
	RETURNING notifications.user_id;
END $$;
