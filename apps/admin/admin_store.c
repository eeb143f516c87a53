/*
 * The admin area's statements: users and what admins do to them, the
 * moderation queue and its decisions, and the outbox row a deleted dead
 * job leaves behind.  Each runs in the `struct core_db` it is given.
 */

#include <string.h>

#include "admin/admin.h"

/*
 * $1 the start of a username ("" for all); CORE_SQL_USER_COLS, then
 * whether the address is verified (ADMIN_USER_VERIFIED).
 */
static const char sql_users_list[] =
	"SELECT " CORE_SQL_USER_COLS ", u.email_verified_at IS NOT NULL"
	"  FROM users u"
	"  WHERE starts_with(u.username, $1)"
	"  ORDER BY u.id LIMIT 200";

/* $1 user; each answers CORE_SQL_USER_COLS of the changed user. */
static const char sql_user_ban[] =
	"WITH u AS ("
	"  UPDATE users SET banned = true WHERE id = $1 RETURNING *"
	"), s AS ("
	"  DELETE FROM sessions WHERE user_id = (SELECT id FROM u)"
	"), t AS ("
	"  DELETE FROM api_tokens WHERE user_id = (SELECT id FROM u)"
	")"
	"SELECT " CORE_SQL_USER_COLS " FROM u";

static const char sql_user_unban[] =
	"UPDATE users AS u SET banned = false WHERE id = $1"
	"  RETURNING " CORE_SQL_USER_COLS;

static const char sql_user_promote[] =
	"UPDATE users AS u SET role = 'admin' WHERE id = $1"
	"  RETURNING " CORE_SQL_USER_COLS;

static const char sql_user_demote[] =
	"UPDATE users AS u SET role = 'user' WHERE id = $1"
	"  RETURNING " CORE_SQL_USER_COLS;

/* $1 the last queue id seen, $2 rows; ADMIN_SQL_QUEUE_COLS. */
static const char sql_queue[] =
	"SELECT " ADMIN_SQL_QUEUE_COLS
	"  FROM moderation_queue q LEFT JOIN users u ON u.id = q.author_id"
	" WHERE q.decided_at IS NULL AND q.id > $1"
	" ORDER BY q.id LIMIT $2";

/* $1 queue ids (array), $2 decision, $3 reason, $4 admin, $5 request. */
static const char sql_decide_ids[] =
	"SELECT moderation_decide(q.id, $2, $3, $4, $5),"
	"       array_to_json(notify_recipients(q.kind, q.item_id))"
	"  FROM moderation_queue q"
	" WHERE q.id = ANY($1::bigint[]) AND q.decided_at IS NULL";

/* $1 kind, $2 item, then as above. */
static const char sql_decide_item[] =
	"SELECT moderation_decide(q.id, $3, $4, $5, $6),"
	"       array_to_json(notify_recipients(q.kind, q.item_id))"
	"  FROM moderation_queue q"
	" WHERE q.kind = $1 AND q.item_id = $2 AND q.decided_at IS NULL";

/*
 * Each decision's row: the jobs it queued, for core_jobs_push, and who
 * it notified (the author; a comment's readers again once approved).
 */
enum decide_col {
	DECIDE_JOBS,
	DECIDE_NOTIFY
};

/* $1 outbox id. */
static const char sql_outbox_forget[] =
	"DELETE FROM job_outbox WHERE id = $1";

/* Up to 200 users whose name starts with `q`, by id, in `db`. */
int
admin_users_list(struct http_request *req, struct core_db *db,
    const char *q)
{
	const char	*params[1];

	params[0] = q;
	return (core_db_run(req, db, sql_users_list, 1, params));
}

/*
 * ADMIN_ACT_* `act` on user `uid`; CORE_OK leaves the changed user
 * (CORE_SQL_USER_COLS) in `db`, 404 when there is no such user.
 */
int
admin_user_apply(struct http_request *req, struct core_db *db, int act,
    int64_t uid)
{
	struct core_num	 id;
	const char	*sql, *params[1];

	switch (act) {
	case ADMIN_ACT_BAN:
		sql = sql_user_ban;
		break;
	case ADMIN_ACT_UNBAN:
		sql = sql_user_unban;
		break;
	case ADMIN_ACT_PROMOTE:
		sql = sql_user_promote;
		break;
	default:
		sql = sql_user_demote;
		break;
	}

	params[0] = core_num(&id, uid);
	CORE_TRY(core_db_run(req, db, sql, 1, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such user."));

	return (CORE_OK);
}

/* Up to `limit` open queue items after id `after`, oldest first. */
int
admin_queue_load(struct http_request *req, struct core_db *db,
    int64_t after, int limit)
{
	struct core_num	 a, l;
	const char	*params[2];

	params[0] = core_num(&a, after);
	params[1] = core_num(&l, limit);
	return (core_db_run(req, db, sql_queue, 2, params));
}

/*
 * Record the decision: for the queue ids in `a` (array literal) when `b`
 * is NULL, else for item `b` of kind `a`; then push the jobs it queued.
 * 404 when nothing was open.
 */
int
admin_decide(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, const char *a, const char *b, const char *decision,
    const char *reason)
{
	struct core_num	 uid;
	const char	*params[6];

	core_num(&uid, ctx->user.id);
	if (b == NULL) {
		params[0] = a;
		params[1] = decision;
		params[2] = reason;
		params[3] = uid.s;
		params[4] = ctx->request_id;
		CORE_TRY(core_db_run(req, db, sql_decide_ids, 5, params));
	} else {
		params[0] = a;
		params[1] = b;
		params[2] = decision;
		params[3] = reason;
		params[4] = uid.s;
		params[5] = ctx->request_id;
		CORE_TRY(core_db_run(req, db, sql_decide_item, 6, params));
	}

	if (core_db_rows(db) == 0)
		return (core_error(req, 404, "Nothing is waiting for a decision "
		    "there."));

	core_jobs_push(db, -1, DECIDE_JOBS);
	core_notify_push(db, -1, DECIDE_NOTIFY);
	return (CORE_OK);
}

/* Drop outbox row `id` (digits), so the relay never brings it back. */
int
admin_outbox_forget(struct http_request *req, struct core_db *db,
    const char *id)
{
	const char	*params[1];

	params[0] = id;
	return (core_db_run(req, db, sql_outbox_forget, 1, params));
}
