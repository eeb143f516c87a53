/*
 * Messages: read by id (new ones after an id, history before one, or
 * every change after a version), posted within each user's allowance,
 * edited and deleted by their authors (deleted by admins too), and
 * reported to the moderation queue.
 */

#include <stdio.h>
#include <string.h>

#include "chat/chat.h"

#define REPORT_REASON_MAX	500

/* $1 viewer, $2 room: the room when the viewer may read it. */
static const char sql_can_read[] =
	"SELECT r.archived FROM chat_rooms r"
	" WHERE r.id = $2 AND " CHAT_SQL_CAN_READ("r", "$1");

enum { CAN_READ_COL_ARCHIVED };

/*
 * $1 room, $2 id or version, $3 rows wanted (one more than the limit),
 * $4 viewer.
 */
static const char sql_after[] =
	"SELECT " CHAT_SQL_MSG_COLS
	"  FROM chat_messages m JOIN users u ON u.id = m.author_id"
	" WHERE m.room_id = $1 AND m.id > $2 AND " CHAT_SQL_MSG_VISIBLE("$4")
	" ORDER BY m.id LIMIT $3";

static const char sql_before[] =
	"SELECT " CHAT_SQL_MSG_COLS
	"  FROM chat_messages m JOIN users u ON u.id = m.author_id"
	" WHERE m.room_id = $1 AND m.id < $2 AND " CHAT_SQL_MSG_VISIBLE("$4")
	" ORDER BY m.id DESC LIMIT $3";

static const char sql_since[] =
	"SELECT " CHAT_SQL_MSG_COLS
	"  FROM chat_messages m JOIN users u ON u.id = m.author_id"
	" WHERE m.room_id = $1 AND m.version > $2"
	"   AND agora_shown(m.author_id, $4::bigint)"
	" ORDER BY m.version LIMIT $3";

/*
 * $1 message, $2 user, $3 new body (NULL: delete), $4 user is an admin,
 * $5 request id.  Authors edit and delete their messages; admins delete
 * any in a room they can read (a conversation they are not in does not
 * exist for them), leaving an audit record (sql/026_trust_audit.sql).
 * An archived room changes no more.
 */
static const char sql_change[] =
	"WITH x AS ("
	"  SELECT id, room_id FROM chat_messages WHERE id = $1 AND NOT deleted"
	"), r AS ("
	"  SELECT r.id, r.archived"
	"    FROM chat_rooms r JOIN x ON x.room_id = r.id"
	"   WHERE " CHAT_SQL_CAN_READ("r", "$2")
	"     FOR UPDATE OF r"
	"), m AS ("
	"  UPDATE chat_messages m"
	"     SET body = coalesce($3::text, m.body),"
	"         edited_at = CASE WHEN $3 IS NULL THEN m.edited_at"
	"                     ELSE now() END,"
	"         deleted = ($3 IS NULL),"
	"         version = nextval('chat_version_seq')"
	"    FROM r WHERE m.id = $1 AND m.room_id = r.id AND NOT m.deleted"
	"     AND NOT r.archived"
	"     AND (m.author_id = $2 OR ($4::bool AND $3::text IS NULL))"
	"  RETURNING m.*"
	"), a AS ("
	"  SELECT audit_log($2, 'delete', m.author_id, 'chat message ' ||"
	"      m.id, '', jsonb_build_object('room', m.room_id), $5) FROM m"
	"   WHERE $3::text IS NULL AND m.author_id <> $2::bigint"
	")"
	"SELECT (SELECT count(*) FROM r),"
	"       coalesce((SELECT bool_or(archived) FROM r), false), "
	        CHAT_SQL_MSG_COLS ", (SELECT count(*) FROM a)"
	"  FROM (SELECT 1) one"
	"  LEFT JOIN (m JOIN users u ON u.id = m.author_id) ON true";

enum {
	CHANGE_COL_ROOMS,	/* 0: no such message for the user */
	CHANGE_COL_ARCHIVED,
	CHANGE_COL_MSG,		/* CHAT_SQL_MSG_COLS, NULL if none */
};

/* $1 message, $2 reporter, $3 reason. */
static const char sql_report[] =
	"SELECT moderation_flag('chat_message', m.id,"
	"       'Reported by ' || me.username || ': ' || $3, 'report', $2)"
	"  FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id,"
	"       users me"
	" WHERE m.id = $1 AND NOT m.deleted AND me.id = $2"
	"   AND " CHAT_SQL_CAN_READ("r", "$2");

enum { REPORT_COL_FLAG };

static int	messages_list(struct http_request *, struct core_ctx *,
		    struct core_db *, struct core_db *, int64_t);
static int	message_post(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
static int	message_change(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *);
static int	message_report(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);

/* GET and POST /api/v1/chat/rooms/{id}/messages */
CORE_HANDLER_NEED(chat_api_room_messages, CORE_NEED_USER)
{
	const char		*rest;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/chat/rooms/", &id, &rest) == -1 ||
	    strcmp(rest, "/messages"))
		return (core_error(req, 404, NULL));

	if (req->method == HTTP_METHOD_POST) {
		CORE_TRY(core_csrf_check(req, ctx));
		return (message_post(req, ctx, &ctx->db[0], id));
	}

	return (messages_list(req, ctx, &ctx->db[0], &ctx->db[1], id));
}

/*
 * PATCH and DELETE /api/v1/chat/messages/{id},
 * POST /api/v1/chat/messages/{id}/report {reason}
 */
CORE_HANDLER_NEED(chat_api_message, CORE_NEED_CHANGE)
{
	struct core_db		*db;
	json_t			*body, *errors;
	const char		*rest, *text;
	int64_t			 id;

	if (core_path_id(req, "/api/v1/chat/messages/", &id, &rest) == -1)
		return (core_error(req, 404, NULL));

	db = &ctx->db[0];
	if (req->method == HTTP_METHOD_POST) {
		if (strcmp(rest, "/report"))
			return (core_error(req, 404, NULL));
		return (message_report(req, ctx, db, id));
	}
	if (*rest != '\0')
		return (core_error(req, 404, NULL));

	if (req->method == HTTP_METHOD_DELETE)
		return (message_change(req, ctx, db, id, NULL));

	CORE_TRY(core_json_body_max(req, ctx, CHAT_JSON_BODY_MAX, &body));
	text = core_json_str(body, "body");
	if (chat_text_check(text, CHAT_BODY_MAX, "body", &errors) == -1)
		return (core_problem(req, 422, "Invalid input",
		    "The message is not valid.", errors));

	return (message_change(req, ctx, db, id, text));
}

/*
 * ?after={id} new messages, ?before={id} history (newest first in the
 * query, oldest first in the answer), ?since={version} every change
 * including edits and deletions, or else the latest; ?limit= up to 200.
 */
static int
messages_list(struct http_request *req, struct core_ctx *ctx,
    struct core_db *room, struct core_db *db, int64_t id)
{
	struct core_num		 uid, rid, pos, lim;
	const char		*params[4], *v, *sql, *mode;
	const char		*modes[] = { "after", "before", "since" };
	long long		 n, limit;
	json_t			*list;
	int			 i, rows, err, given;

	http_populate_get(req);
	sql = sql_before;
	mode = "before";
	(void)core_num(&pos, INT64_MAX);
	given = 0;
	for (i = 0; i < 3; i++) {
		if ((v = core_form_get(req, modes[i])) == NULL)
			continue;
		if (given++)
			return (core_bad_param(req, modes[i],
			    "Use one of after, before and since."));
		n = kore_strtonum(v, 10, 0, INT64_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, modes[i],
			    "A message id or version."));
		mode = modes[i];
		sql = i == 0 ? sql_after : i == 1 ? sql_before : sql_since;
		(void)core_num(&pos, n);
	}
	limit = CHAT_PAGE_DEFAULT;
	if ((v = core_form_get(req, "limit")) != NULL) {
		limit = kore_strtonum(v, 10, 1, CHAT_PAGE_MAX, &err);
		if (err != KORE_RESULT_OK)
			return (core_bad_param(req, "limit",
			    "A number from 1 to 200."));
	}

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = core_num(&rid, id);
	CORE_TRY(core_db_run(req, room, sql_can_read, 2, params));
	if (core_db_rows(room) != 1)
		return (core_error(req, 404, "No such room."));
	if (ctx->stage == 0) {
		ctx->stage = 1;
		chat_online_mark(ctx->user.username);
	}

	params[0] = rid.s;
	params[1] = pos.s;
	params[2] = core_num(&lim, limit + 1);
	params[3] = uid.s;
	CORE_TRY(core_db_run(req, db, sql, 4, params));

	rows = core_db_rows(db);
	if (rows > limit)
		rows = (int)limit;
	list = json_array();
	for (i = 0; i < rows; i++) {
		/* History comes newest first: answer oldest first. */
		json_array_append_new(list, chat_message_json(db,
		    !strcmp(mode, "before") ? rows - 1 - i : i, 0));
	}

	return (core_json_send(req, 200, json_pack("{s:o, s:b}",
	    "messages", list, "has_more", core_db_rows(db) > limit)));
}

static int
message_post(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num		 uid, rid;
	json_t			*body, *errors;
	const char		*text, *params[5];
	char			 loc[64], hex[CORE_HASH_HEX];

	CORE_TRY(core_json_body_max(req, ctx, CHAT_JSON_BODY_MAX, &body));
	text = core_json_str(body, "body");
	if (chat_text_check(text, CHAT_BODY_MAX, "body", &errors) == -1)
		return (core_problem(req, 422, "Invalid input",
		    "The message is not valid.", errors));

	params[0] = core_num(&rid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = text;
	core_hex(ctx->cred_hash, sizeof(ctx->cred_hash), hex);
	params[3] = core_credential_kind(ctx->auth);
	params[4] = hex;
	CORE_TRY(core_db_run_prepared(req, db, chat_sql_post, 5, params));

	if (!core_db_bool(db, 0, CHAT_POST_COL_LIVE))
		return (core_problem(req, 401, "Authentication required",
		    "Your session or token has ended.", NULL));

	if (core_db_int(db, 0, CHAT_POST_COL_ROOMS) == 0)
		return (core_error(req, 404, "No such room."));
	if (core_db_bool(db, 0, CHAT_POST_COL_BLOCKED))
		return (core_problem(req, 403, "Blocked",
		    "You cannot send messages to this person.", NULL));
	if (core_db_bool(db, 0, CHAT_POST_COL_ARCHIVED))
		return (core_problem(req, 409, "Room archived",
		    "This room is archived: it can be read, not written to.",
		    NULL));
	if (!core_db_bool(db, 0, CHAT_POST_COL_ALLOWED)) {
		http_response_header(req, "retry-after", "1");
		return (core_problem(req, 429, "Slow down",
		    "You are sending messages too fast. Wait a second.",
		    NULL));
	}

	core_jobs_push(db, 0, CHAT_POST_COL_JOBS);
	core_notify_push(db, 0, CHAT_POST_COL_NOTIFY);
	chat_publish(json_pack("{s:s, s:o}", "type", "message", "message",
	    chat_message_json(db, 0, CHAT_POST_COL_MSG)));
	(void)snprintf(loc, sizeof(loc), "/api/v1/chat/messages/%lld",
	    (long long)core_db_int(db, 0, CHAT_POST_COL_MSG + CHAT_COL_ID));
	http_response_header(req, "location", loc);

	return (core_json_send(req, 201, json_pack("{s:o}", "message",
	    chat_message_json(db, 0, CHAT_POST_COL_MSG))));
}

static int
message_change(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id, const char *text)
{
	struct core_num		 uid, mid;
	const char		*params[5];

	params[0] = core_num(&mid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = text;
	params[3] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	params[4] = ctx->request_id;
	CORE_TRY(core_db_run(req, db, sql_change, 5, params));

	if (core_db_int(db, 0, CHANGE_COL_ROOMS) == 0)
		return (core_error(req, 404, "No such message."));
	if (core_db_bool(db, 0, CHANGE_COL_ARCHIVED))
		return (core_problem(req, 409, "Room archived",
		    "This room is archived: its messages can be read, not "
		    "changed.", NULL));
	if (core_db_isnull(db, 0, CHANGE_COL_MSG + CHAT_COL_ID))
		return (core_error(req, 403, text == NULL ?
		    "Only its author or an admin can delete a message." :
		    "Only its author can edit a message."));

	if (text == NULL) {
		chat_publish(json_pack("{s:s, s:I, s:I, s:I}", "type",
		    "deleted", "room_id",
		    (json_int_t)core_db_int(db, 0, CHANGE_COL_MSG +
		    CHAT_COL_ROOM), "id",
		    (json_int_t)core_db_int(db, 0, CHANGE_COL_MSG +
		    CHAT_COL_ID), "version",
		    (json_int_t)core_db_int(db, 0, CHANGE_COL_MSG +
		    CHAT_COL_VERSION)));
		http_response(req, 204, NULL, 0);
		return (CORE_DONE);
	}

	chat_publish(json_pack("{s:s, s:o}", "type", "edited", "message",
	    chat_message_json(db, 0, CHANGE_COL_MSG)));
	return (core_json_send(req, 200, json_pack("{s:o}", "message",
	    chat_message_json(db, 0, CHANGE_COL_MSG))));
}

static int
message_report(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int64_t id)
{
	struct core_num	 uid, mid;
	json_t		*body;
	const char	*reason, *params[3];

	CORE_TRY(core_json_body(req, ctx, &body));
	reason = core_json_str(body, "reason");
	if (reason == NULL || strspn(reason, " \t\r\n") == strlen(reason))
		reason = "no reason given";
	if (core_utf8_len(reason) > REPORT_REASON_MAX ||
	    !core_text_clean(reason, 1))
		return (core_problem(req, 422, "Invalid input",
		    "The reason is not valid.", json_pack("{s:s}", "reason",
		    "At most 500 characters, no control characters.")));

	CORE_TRY(core_limit_user(req, ctx, "reports",
	    core_trust_limit(ctx, LIMIT_REPORTS_MAX),
	    LIMIT_REPORTS_WINDOW, "You have sent many reports in the last "
	    "hour. Try again later."));

	params[0] = core_num(&mid, id);
	params[1] = core_num(&uid, ctx->user.id);
	params[2] = reason;
	CORE_TRY(core_db_run(req, db, sql_report, 3, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such message."));

	return (core_json_send(req, 202, json_pack("{s:b}", "reported", 1)));
}
