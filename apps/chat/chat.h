/*
 * The chat: public rooms and direct conversations between two users,
 * a polling JSON API under /api/v1/chat and the page at /chat.
 */

#ifndef __H_AGORA_CHAT_H
#define __H_AGORA_CHAT_H

#include "core/core.h"

#define CHAT_ROOM_NAME_MAX	64
#define CHAT_BODY_MAX		4000
#define CHAT_PAGE_DEFAULT	50
#define CHAT_PAGE_MAX		200
#define CHAT_MENTIONS_MAX	10
/* A message of 4,000 characters, each escaped as 12 bytes, and room. */
#define CHAT_JSON_BODY_MAX	(CHAT_BODY_MAX * 12 + 1024)

/* Columns of every message query, in this order (CHAT_SQL_MSG_COLS). */
enum {
	CHAT_COL_ID,
	CHAT_COL_ROOM,
	CHAT_COL_AUTHOR_ID,
	CHAT_COL_AUTHOR,
	CHAT_COL_BODY,
	CHAT_COL_CREATED,
	CHAT_COL_EDITED,
	CHAT_COL_DELETED,
	CHAT_COL_VERSION,
	CHAT_COL_AUTHOR_NAME,	/* the author's display name */
	CHAT_COL_AUTHOR_AVATAR,	/* the author's avatar sha256, or '' */
};

/* `m` is chat_messages, `u` its author; deleted messages lose their text. */
#define CHAT_SQL_MSG_COLS						\
	"m.id, m.room_id, m.author_id, u.username,"			\
	" CASE WHEN m.deleted THEN '' ELSE m.body END, "		\
	CORE_SQL_TS("m.created_at") ", coalesce("			\
	CORE_SQL_TS("m.edited_at") ", ''), m.deleted, m.version,"	\
	" u.display_name, coalesce(u.avatar_sha, '')"

/* Whether user $U may read room `r`: public, or one of its two people. */
#define CHAT_SQL_CAN_READ(r, u)						\
	"agora_room_readable(" r ".id, " r ".kind, " u "::bigint)"

/*
 * Which messages reader `v` of the room sees (`m`, its author `u`):
 * not deleted, and not by someone `v` blocked or muted
 * (sql/023_blocks.sql).
 */
#define CHAT_SQL_MSG_VISIBLE(v)						\
	"agora_message_visible(m.deleted, u.banned)"			\
	" AND agora_shown(m.author_id, " v "::bigint)"

/* Room columns for viewer `u` (CHAT_SQL_ROOM_COLS), in this order. */
enum {
	CHAT_RCOL_ID,
	CHAT_RCOL_KIND,
	CHAT_RCOL_NAME,		/* a DM: the other person's name */
	CHAT_RCOL_ARCHIVED,
	CHAT_RCOL_CREATED,
	CHAT_RCOL_LAST_ID,
	CHAT_RCOL_UNREAD,	/* at most 100 */
	CHAT_RCOL_COUNT,
};

#define CHAT_SQL_ROOM_COLS(u)						\
	"r.id, r.kind, CASE r.kind WHEN 'public' THEN r.name ELSE"	\
	" coalesce((SELECT ou.username FROM chat_members om JOIN users ou" \
	" ON ou.id = om.user_id WHERE om.room_id = r.id AND"		\
	" om.user_id <> " u " LIMIT 1), '') END, r.archived, "	\
	CORE_SQL_TS("r.created_at") ", coalesce((SELECT max(x.id) FROM" \
	" chat_messages x WHERE x.room_id = r.id), 0), (SELECT count(*)" \
	" FROM (SELECT 1 FROM chat_messages x WHERE x.room_id = r.id AND" \
	" x.id > coalesce((SELECT rd.last_read_id FROM chat_reads rd"	\
	" WHERE rd.room_id = r.id AND rd.user_id = " u "), 0) AND"	\
	" NOT x.deleted AND x.author_id <> " u " AND"		\
	" agora_shown(x.author_id, " u "::bigint) LIMIT 100) z)"

/*
 * $1 room, $2 author, $3 body, $4 and $5 the kind and hash of the
 * author's credential, checked again here: a WebSocket may outlive it.
 * Nothing is written to a conversation where one of the two blocked
 * the other (agora_blocked, sql/023_blocks.sql).
 * Who is told, and by email when still unread later, is
 * notify_message's (sql/015_notifications.sql, sql/018_notify_email.sql,
 * sql/022_chat_post.sql).
 * The room's row is locked first so ids and versions follow commit order
 * (sql/007_chat.sql).  A macro, so bench/chat_sql.c can print it.
 */
#define CHAT_SQL_POST							\
	"WITH a AS ("							\
	"  SELECT " CORE_SQL_CRED_LIVE("$2", "$4", "$5") " AS live"	\
	"), r AS ("							\
	"  SELECT r.id, r.kind, r.name, r.archived FROM chat_rooms r"	\
	"   WHERE r.id = $1 AND " CHAT_SQL_CAN_READ("r", "$2")		\
	"     AND (SELECT live FROM a)"					\
	"     FOR UPDATE"						\
	"), b AS ("							\
	"  SELECT EXISTS (SELECT 1 FROM r JOIN chat_members cm"	\
	"      ON cm.room_id = r.id WHERE r.kind = 'dm'"		\
	"     AND cm.user_id <> $2 AND agora_blocked(cm.user_id, $2))"	\
	"         AS yes"						\
	"), t AS ("							\
	"  SELECT chat_take_token($2) AS ok FROM r WHERE NOT r.archived" \
	"     AND NOT (SELECT yes FROM b)"				\
	"), m AS ("							\
	"  INSERT INTO chat_messages (room_id, author_id, body)"	\
	"  SELECT r.id, $2, $3 FROM r, t WHERE t.ok RETURNING *"	\
	"), rd AS ("							\
	"  INSERT INTO chat_reads (user_id, room_id, last_read_id)"	\
	"  SELECT $2, m.room_id, m.id FROM m"				\
	"  ON CONFLICT (user_id, room_id) DO UPDATE"			\
	"  SET last_read_id = greatest(chat_reads.last_read_id,"	\
	"      EXCLUDED.last_read_id)"					\
	"), n AS ("							\
	"  SELECT notify_message(m.id, m.room_id, m.author_id, m.body) AS uid" \
	"    FROM m"							\
	")"								\
	"SELECT (SELECT count(*) FROM r),"				\
	"       coalesce((SELECT bool_or(archived) FROM r), false),"	\
	"       coalesce((SELECT bool_or(ok) FROM t), false),"		\
	"       '[]'::json, (SELECT live FROM a), "			\
	"       " CORE_NOTIFY_JSON("n") ", (SELECT yes FROM b), "	\
	        CHAT_SQL_MSG_COLS					\
	"  FROM (SELECT 1) one"						\
	"  LEFT JOIN (m JOIN users u ON u.id = m.author_id) ON true"

/* The columns of chat_sql_post's answer. */
enum {
	CHAT_POST_COL_ROOMS,	/* 0: no such room for the author */
	CHAT_POST_COL_ARCHIVED,
	CHAT_POST_COL_ALLOWED,	/* f: over the rate limit */
	CHAT_POST_COL_JOBS,
	CHAT_POST_COL_LIVE,	/* f: the credential has ended */
	CHAT_POST_COL_NOTIFY,	/* who was notified, core_notify_push */
	CHAT_POST_COL_BLOCKED,	/* a conversation with a block either way */
	CHAT_POST_COL_MSG,	/* CHAT_SQL_MSG_COLS, NULL if none */
};

/* chat_publish.c */
#define CHAT_CHANNEL		"agora:chat"

extern const char chat_sql_post[];
void		 chat_online_mark(const char *);
void		 chat_publish(json_t *);

/* chat_hides.c */
struct chat_hides {
	int64_t		*ids;		/* sorted */
	size_t		 n;
	size_t		 cap;
};

extern const char chat_sql_hides[];
void		 chat_hides_load(struct chat_hides *, struct core_db *);
int		 chat_hides_has(const struct chat_hides *, int64_t);
void		 chat_hides_set(struct chat_hides *, int64_t, int);
void		 chat_hides_free(struct chat_hides *);

/* chat_json.c */
json_t		*chat_message_json(struct core_db *, int, int);
json_t		*chat_room_json(struct core_db *, int);
int		 chat_text_check(const char *, size_t, const char *,
		    json_t **);

#endif /* !__H_AGORA_CHAT_H */
