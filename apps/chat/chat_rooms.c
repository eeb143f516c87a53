/*
 * Rooms: the public ones every signed-in user may read and post in,
 * created by any user and archived by admins, and direct conversations
 * between two users that only those two can see (404 for anyone else).
 */

#include <stdio.h>
#include <string.h>

#include "chat/chat.h"

/* At most this many public rooms, and this many conversations, listed. */
#define ROOMS_LIST_MAX		500

/*
 * $1 viewer, $2 rows of each kind (one more than listed, to tell when
 * there are more).  Public rooms by name, then conversations by name,
 * each kind under its own limit: no number of public rooms hides a
 * conversation.
 */
static const char sql_rooms[] =
	"(SELECT " CHAT_SQL_ROOM_COLS("$1")
	"   FROM chat_rooms r WHERE r.kind = 'public' ORDER BY 3 LIMIT $2)"
	" UNION ALL "
	"(SELECT " CHAT_SQL_ROOM_COLS("$1")
	"   FROM chat_rooms r WHERE r.kind = 'dm' AND r.id IN"
	"        (SELECT room_id FROM chat_members WHERE user_id = $1)"
	"  ORDER BY 3 LIMIT $2)"
	" ORDER BY 2 DESC, 3";

/* $1 viewer, $2 room. */
static const char sql_room[] =
	"SELECT " CHAT_SQL_ROOM_COLS("$1")
	"  FROM chat_rooms r WHERE r.id = $2 AND " CHAT_SQL_CAN_READ("r", "$1");

/* $1 creator, $2 name.  A taken name breaks the unique index: 409. */
static const char sql_room_create[] =
	"WITH r AS ("
	"  INSERT INTO chat_rooms (kind, name, created_by)"
	"  VALUES ('public', $2, $1) RETURNING *"
	")"
	"SELECT " CHAT_SQL_ROOM_COLS("$1") " FROM r";

/* $1 room, $2 archived. */
static const char sql_room_archive[] =
	"UPDATE chat_rooms SET archived = $2::bool"
	" WHERE id = $1 AND kind = 'public' RETURNING id";

enum { ARCHIVE_COL_ID };

/*
 * $1 viewer, $2 room, $3 last id read.  Never moves backwards.  The
 * room's messages read are read in the inbox too (a DM, a mention);
 * READ_COL_NOTIFY names the viewer when that changed the inbox.
 */
static const char sql_room_read[] =
	"WITH x AS ("
	"  INSERT INTO chat_reads (user_id, room_id, last_read_id)"
	"  SELECT $1, r.id, $3 FROM chat_rooms r"
	"   WHERE r.id = $2 AND " CHAT_SQL_CAN_READ("r", "$1")
	"      ON CONFLICT (user_id, room_id) DO UPDATE"
	"     SET last_read_id = greatest(chat_reads.last_read_id,"
	"         EXCLUDED.last_read_id)"
	"  RETURNING room_id"
	"), n AS ("
	"  UPDATE notifications SET read_at = now()"
	"   WHERE user_id = $1 AND room_id IN (SELECT room_id FROM x)"
	"     AND message_id <= $3 AND read_at IS NULL"
	"  RETURNING user_id AS uid"
	")"
	"SELECT room_id, " CORE_NOTIFY_JSON("n") " FROM x";

enum { READ_COL_ROOM, READ_COL_NOTIFY };

/*
 * $1 viewer, $2 the other user's name.  The conversation of a pair is
 * one room, found or made; (xmax = 0) tells whether it was made.  None
 * between two people one of whom blocked the other (sql/023_blocks.sql).
 */
static const char sql_dm[] =
	"WITH o AS ("
	"  SELECT id FROM users WHERE username = $2 AND id <> $1 AND id > 0"
	"     AND NOT agora_blocked(id, $1)"
	"), r AS ("
	"  INSERT INTO chat_rooms (kind, dm_key, created_by)"
	"  SELECT 'dm', least($1::bigint, o.id) || ':' ||"
	"         greatest($1::bigint, o.id), $1 FROM o"
	"  ON CONFLICT (dm_key) DO UPDATE SET dm_key = EXCLUDED.dm_key"
	"  RETURNING *, (xmax = 0) AS made"
	"), m AS ("
	"  INSERT INTO chat_members (room_id, user_id)"
	"  SELECT r.id, x.uid FROM r, (SELECT $1::bigint AS uid UNION ALL"
	"         SELECT id FROM o) x"
	"  ON CONFLICT DO NOTHING"
	")"
	"SELECT r.id, r.kind, $2, r.archived, " CORE_SQL_TS("r.created_at") ","
	"       coalesce((SELECT max(x.id) FROM chat_messages x"
	"                  WHERE x.room_id = r.id), 0), 0, r.made"
	"  FROM r";

/* CHAT_SQL_ROOM_COLS' columns, then whether the room was made. */
enum { DM_COL_MADE = CHAT_RCOL_COUNT };

/* $1 viewer, $2 name: why sql_dm made nothing, a block or nobody. */
static const char sql_dm_blocked[] =
	"SELECT 1 FROM users WHERE username = $2 AND NOT banned"
	"   AND agora_blocked(id, $1)";

static int	rooms_create(struct http_request *, struct core_ctx *,
		    struct core_db *);
static int	room_read(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
static int	room_archive(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, int);

/* GET and POST /api/v1/chat/rooms */
CORE_HANDLER_NEED(chat_api_rooms, CORE_NEED_USER)
{
	struct core_db		*db;
	struct core_num		 uid, lim;
	const char		*params[2];
	json_t			*list;
	int			 i, dm, n[2];

	db = &ctx->db[0];
	if (req->method == HTTP_METHOD_POST)
		return (rooms_create(req, ctx, db));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = core_num(&lim, ROOMS_LIST_MAX + 1);
	CORE_TRY(core_db_run(req, db, sql_rooms, 2, params));

	/* One list, as before; "truncated" says which kind has more. */
	list = json_array();
	n[0] = n[1] = 0;
	for (i = 0; i < core_db_rows(db); i++) {
		dm = !strcmp(core_db_value(db, i, CHAT_RCOL_KIND), "dm");
		if (++n[dm] <= ROOMS_LIST_MAX)
			json_array_append_new(list, chat_room_json(db, i));
	}

	return (core_json_send(req, 200, json_pack(
	    "{s:o, s:{s:b, s:b}}", "rooms", list, "truncated",
	    "public", n[0] > ROOMS_LIST_MAX, "dm", n[1] > ROOMS_LIST_MAX)));
}

/*
 * GET /api/v1/chat/rooms/{id}, POST /api/v1/chat/rooms/{id}/read
 * {last_id}, POST /api/v1/chat/rooms/{id}/{archive,unarchive} (admins).
 */
CORE_HANDLER_NEED(chat_api_room, CORE_NEED_USER)
{
	struct core_db		*db;
	struct core_num		 uid, rid;
	const char		*rest, *params[2];
	int64_t			 id;

	if (core_path_id(req, "/api/v1/chat/rooms/", &id, &rest) == -1)
		return (core_error(req, 404, NULL));

	db = &ctx->db[0];
	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
		if (!strcmp(rest, "/read"))
			return (room_read(req, ctx, db, id));
		if (!strcmp(rest, "/archive") || !strcmp(rest, "/unarchive"))
			return (room_archive(req, ctx, db, id,
			    rest[1] == 'a'));
		return (core_error(req, 404, NULL));
	}
	if (*rest != '\0')
		return (core_error(req, 404, NULL));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = core_num(&rid, id);
	CORE_TRY(core_db_run(req, db, sql_room, 2, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such room."));

	return (core_json_send(req, 200,
	    json_pack("{s:o}", "room", chat_room_json(db, 0))));
}

/* POST /api/v1/chat/dm/{username}: the conversation with that user. */
CORE_HANDLER_NEED(chat_api_dm, CORE_NEED_CHANGE)
{
	struct core_db		*db;
	struct core_num		 uid;
	const char		*name, *params[2];
	char			 loc[64];
	int			 made;

	/* The route admits only [a-z0-9_]{1,32} here. */
	name = req->path + strlen("/api/v1/chat/dm/");
	if (!strcmp(name, ctx->user.username))
		return (core_problem(req, 422, "Invalid input",
		    "A conversation needs another user.",
		    json_pack("{s:s}", "username", "That is you.")));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = name;
	db = &ctx->db[0];
	CORE_TRY(core_db_run(req, db, sql_dm, 2, params));
	if (core_db_rows(db) != 1) {
		CORE_TRY(core_db_run(req, &ctx->db[1], sql_dm_blocked, 2,
		    params));
		if (core_db_rows(&ctx->db[1]) == 1)
			return (core_problem(req, 403, "Blocked",
			    "You cannot send messages to this person.", NULL));
		return (core_error(req, 404, "No such user."));
	}

	made = core_db_bool(db, 0, DM_COL_MADE);
	(void)snprintf(loc, sizeof(loc), "/api/v1/chat/rooms/%lld",
	    (long long)core_db_int(db, 0, CHAT_RCOL_ID));
	http_response_header(req, "location", loc);

	return (core_json_send(req, made ? 201 : 200,
	    json_pack("{s:o}", "room", chat_room_json(db, 0))));
}

/* POST /api/v1/chat/rooms {name} */
static int
rooms_create(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db)
{
	struct core_num		 uid;
	json_t			*body, *errors;
	const char		*name, *params[2];
	char			 loc[64];

	CORE_TRY(core_csrf_check(req, ctx));
	CORE_TRY(core_json_body(req, ctx, &body));

	name = core_json_str(body, "name");
	if (chat_text_check(name, CHAT_ROOM_NAME_MAX, "name", &errors) == -1 ||
	    (strpbrk(name, "\r\n") != NULL &&
	    (errors = json_pack("{s:s}", "name", "A room name is one line."))))
		return (core_problem(req, 422, "Invalid input",
		    "The room name is not valid.", errors));

	CORE_TRY(core_limit_user(req, ctx, "rooms",
	    core_trust_limit(ctx, LIMIT_ROOMS_MAX),
	    LIMIT_ROOMS_WINDOW, "You have created many rooms in the last "
	    "hour. Try again later."));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = name;
	CORE_TRY(core_db_run(req, db, sql_room_create, 2, params));
	if (!strcmp(core_db_sqlstate(db), "23505"))
		return (core_problem(req, 409, "Name taken",
		    "That room name is taken: choose another.",
		    json_pack("{s:s}", "name", "That room name is taken: "
		    "choose another.")));
	if (core_db_rows(db) != 1)
		return (core_error(req, 500, NULL));

	(void)snprintf(loc, sizeof(loc), "/api/v1/chat/rooms/%lld",
	    (long long)core_db_int(db, 0, CHAT_RCOL_ID));
	http_response_header(req, "location", loc);

	return (core_json_send(req, 201,
	    json_pack("{s:o}", "room", chat_room_json(db, 0))));
}

/* Remember that the viewer has read the room up to {last_id}. */
static int
room_read(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num	 uid, rid, lid;
	json_t		*body, *last;
	const char	*params[3];

	CORE_TRY(core_json_body(req, ctx, &body));
	last = json_object_get(body, "last_id");
	if (!json_is_integer(last) || json_integer_value(last) < 0)
		return (core_problem(req, 422, "Invalid input",
		    "Say up to which message the room was read.",
		    json_pack("{s:s}", "last_id", "A message id.")));

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = core_num(&rid, id);
	params[2] = core_num(&lid, json_integer_value(last));
	CORE_TRY(core_db_run(req, db, sql_room_read, 3, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such room."));
	core_notify_push(db, 0, READ_COL_NOTIFY);

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}

static int
room_archive(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, int archive)
{
	struct core_num	 rid;
	const char	*params[2];

	CORE_TRY(core_require_admin(req, ctx));

	params[0] = core_num(&rid, id);
	params[1] = archive ? "true" : "false";
	CORE_TRY(core_db_run(req, db, sql_room_archive, 2, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such room."));

	http_response(req, 204, NULL, 0);
	return (CORE_DONE);
}
