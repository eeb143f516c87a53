/*
 * The admin area's statements: users and what admins do to them (each
 * with its audit record, sql/026), the moderation queue and its
 * decisions, and the outbox row a deleted dead job leaves behind.  Each
 * runs in the `struct core_db` it is given.
 */

#include <string.h>

#include "admin/admin.h"

/*
 * $1 part of a username or email address ("" for all);
 * ADMIN_SQL_USER_COLS.
 */
static const char sql_users_list[] =
	"SELECT " ADMIN_SQL_USER_COLS " FROM users u"
	"  WHERE $1 = '' OR strpos(u.username, lower($1)) > 0"
	"     OR strpos(lower(u.email), lower($1)) > 0"
	"  ORDER BY u.id LIMIT 200";

/* $1 user. */
static const char sql_user_get[] =
	"SELECT " ADMIN_SQL_USER_COLS " FROM users u WHERE u.id = $1";

/*
 * $1 user: the decisions on their items and what admins did to them,
 * newest first (enum admin_history_col).
 */
static const char sql_user_history[] =
	"SELECT a.id, a.action, a.admin_name, a.subject, a.reason,"
	"       " CORE_SQL_TS("a.created_at")
	"  FROM admin_audit a WHERE a.target_id = $1"
	" ORDER BY a.id DESC LIMIT 100";

/*
 * Each action: $1 user, $2 admin, $3 reason, $4 request id (and $5 its
 * argument); each answers ADMIN_SQL_USER_COLS of the changed user, and
 * writes its audit record in the same statement.
 */
#define USER_ACTION(upd, name, detail)					\
	"WITH u AS (" upd "), a AS ("					\
	"  SELECT audit_log($2, '" name "', u.id, '', $3, " detail	\
	"      , $4) FROM u"						\
	")"								\
	"SELECT " ADMIN_SQL_USER_COLS " FROM u, a"

static const char sql_user_ban[] =
	"WITH u AS ("
	"  UPDATE users SET banned = true WHERE id = $1 RETURNING *"
	"), s AS ("
	"  DELETE FROM sessions WHERE user_id = (SELECT id FROM u)"
	"), t AS ("
	"  DELETE FROM api_tokens WHERE user_id = (SELECT id FROM u)"
	"), a AS ("
	"  SELECT audit_log($2, 'ban', u.id, '', $3, '{}', $4) FROM u"
	")"
	"SELECT " ADMIN_SQL_USER_COLS " FROM u, a";

static const char sql_user_unban[] =
	USER_ACTION("UPDATE users SET banned = false WHERE id = $1"
	    " RETURNING *", "unban", "'{}'");

static const char sql_user_promote[] =
	USER_ACTION("UPDATE users SET role = 'admin' WHERE id = $1"
	    " RETURNING *", "promote", "'{}'");

static const char sql_user_demote[] =
	USER_ACTION("UPDATE users SET role = 'user' WHERE id = $1"
	    " RETURNING *", "demote", "'{}'");

/*
 * $5 seconds.  The sessions end now (the tokens are refused until the
 * suspension ends); the suspension ends by itself.
 */
static const char sql_user_suspend[] =
	"WITH u AS ("
	"  UPDATE users SET suspended_until = now() +"
	"         make_interval(secs => $5::bigint), suspend_reason = $3"
	"   WHERE id = $1 RETURNING *"
	"), s AS ("
	"  DELETE FROM sessions WHERE user_id = (SELECT id FROM u)"
	"), a AS ("
	"  SELECT audit_log($2, 'suspend', u.id, '', $3,"
	"      jsonb_build_object('until', " CORE_SQL_TS("u.suspended_until")
	"      , 'seconds', $5::bigint), $4) FROM u"
	")"
	"SELECT " ADMIN_SQL_USER_COLS " FROM u, a";

static const char sql_user_unsuspend[] =
	USER_ACTION("UPDATE users SET suspended_until = NULL,"
	    " suspend_reason = '' WHERE id = $1 RETURNING *", "unsuspend",
	    "'{}'");

/* $5 'new', 'member', 'trusted' or 'auto' (computed again). */
static const char sql_user_trust[] =
	USER_ACTION("UPDATE users SET trust_override = nullif($5, 'auto')"
	    " WHERE id = $1 RETURNING *", "trust",
	    "jsonb_build_object('level', $5::text)");

/*
 * $1 the last queue id seen, $2 rows, $3 the app ('' all), $4 why it is
 * there: a source ('auto' flagged by the moderate job, 'report',
 * 'review'), 'new' (a new user's) or '' (all); ADMIN_SQL_QUEUE_COLS.
 */
static const char sql_queue[] =
	"SELECT " ADMIN_SQL_QUEUE_COLS
	"  FROM moderation_queue q LEFT JOIN users u ON u.id = q.author_id,"
	"       LATERAL moderation_label(q.kind, q.item_id) l"
	" WHERE q.decided_at IS NULL AND q.id > $1"
	"   AND ($3 = '' OR moderation_app(q.kind) = $3)"
	"   AND ($4 = '' OR q.source = $4 OR ($4 = 'new' AND"
	"        user_trust(q.author_id) = 'new'))"
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

/* $1 admin, $2 'job_retry' or 'job_delete', $3 the job's id, $4 request. */
static const char sql_job_audit[] =
	"SELECT audit_log($1, $2, NULL, 'job ' || $3, '', '{}', $4)";

/* Up to 200 users whose name or email holds `q`, by id, in `db`. */
int
admin_users_list(struct http_request *req, struct core_db *db,
    const char *q)
{
	const char	*params[1];

	params[0] = q;
	return (core_db_run(req, db, sql_users_list, 1, params));
}

/* User `uid` (ADMIN_SQL_USER_COLS) in `db`; 404 when there is none. */
int
admin_user_get(struct http_request *req, struct core_db *db, int64_t uid)
{
	struct core_num	 id;
	const char	*params[1];

	params[0] = core_num(&id, uid);
	CORE_TRY(core_db_run(req, db, sql_user_get, 1, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such user."));

	return (CORE_OK);
}

/* The audit records about user `uid`, newest first, in `db`. */
int
admin_user_history(struct http_request *req, struct core_db *db,
    int64_t uid)
{
	struct core_num	 id;
	const char	*params[1];

	params[0] = core_num(&id, uid);
	return (core_db_run(req, db, sql_user_history, 1, params));
}

/*
 * Apply `a` to user `uid` as the admin of `ctx`, its audit record in the
 * same statement; CORE_OK leaves the changed user (ADMIN_SQL_USER_COLS)
 * in `db`, 404 when there is no such user.
 */
int
admin_user_apply(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, struct admin_user_act *a, int64_t uid)
{
	struct core_num	 id, admin, secs;
	const char	*sql, *params[5];
	int		 n;

	n = 4;
	params[0] = core_num(&id, uid);
	params[1] = core_num(&admin, ctx->user.id);
	params[2] = a->reason != NULL ? a->reason : "";
	params[3] = ctx->request_id;
	switch (a->act) {
	case ADMIN_ACT_BAN:
		sql = sql_user_ban;
		break;
	case ADMIN_ACT_UNBAN:
		sql = sql_user_unban;
		break;
	case ADMIN_ACT_PROMOTE:
		sql = sql_user_promote;
		break;
	case ADMIN_ACT_SUSPEND:
		sql = sql_user_suspend;
		params[n++] = core_num(&secs, a->seconds);
		break;
	case ADMIN_ACT_UNSUSPEND:
		sql = sql_user_unsuspend;
		break;
	case ADMIN_ACT_TRUST:
		sql = sql_user_trust;
		params[n++] = a->level;
		break;
	default:
		sql = sql_user_demote;
		break;
	}

	CORE_TRY(core_db_run(req, db, sql, n, params));
	if (core_db_rows(db) != 1)
		return (core_error(req, 404, "No such user."));

	return (CORE_OK);
}

/*
 * Up to `limit` open queue items after id `after` that pass filter `f`,
 * oldest first.
 */
int
admin_queue_load(struct http_request *req, struct core_db *db,
    int64_t after, int limit, struct admin_queue_filter *f)
{
	struct core_num	 a, l;
	const char	*params[4];

	params[0] = core_num(&a, after);
	params[1] = core_num(&l, limit);
	params[2] = f->app;
	params[3] = f->why;
	return (core_db_run(req, db, sql_queue, 4, params));
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

/* The audit log's record of an admin retrying or deleting a dead job. */
int
admin_job_audit(struct http_request *req, struct core_ctx *ctx,
    struct core_db *db, int del, const char *id)
{
	struct core_num	 uid;
	const char	*params[4];

	params[0] = core_num(&uid, ctx->user.id);
	params[1] = del ? "job_delete" : "job_retry";
	params[2] = id;
	params[3] = ctx->request_id;
	return (core_db_run(req, db, sql_job_audit, 4, params));
}
