/*
 * Admin area: users, the job queue, the development mailbox; moderation
 * joins it with the apps.
 * Everything here answers 403 to anyone but an admin.
 *
 * The handlers are declared by CORE_HANDLER in admin_users.c,
 * admin_settings.c, admin_audit.c, admin_jobs.c, admin_moderation.c and
 * admin_mail.c; routes.conf and routes-dev.conf name them.
 */

#ifndef __H_AGORA_ADMIN_H
#define __H_AGORA_ADMIN_H

#include "core/core.h"

#define ADMIN_ACT_BAN		1
#define ADMIN_ACT_UNBAN		2
#define ADMIN_ACT_PROMOTE	3
#define ADMIN_ACT_DEMOTE	4
#define ADMIN_ACT_SUSPEND	5
#define ADMIN_ACT_UNSUSPEND	6
#define ADMIN_ACT_TRUST		7

#define ADMIN_REASON_MAX	500
#define ADMIN_SUSPEND_MAX	(366 * 86400)	/* seconds */

/*
 * SQL: users row `u` as the admin area shows it, CORE_SQL_USER_COLS
 * then its standing (enum admin_user_col).  The level is worked out from
 * the row itself, so a statement that changed the override answers the
 * new one.
 */
#define ADMIN_SQL_USER_COLS						\
	CORE_SQL_USER_COLS ","						\
	" CASE WHEN u.trust_override IS NOT NULL THEN u.trust_override"	\
	" WHEN u.role = 'admin' THEN 'trusted'"				\
	" ELSE user_trust_earned(u.id) END,"				\
	" u.trust_override IS NOT NULL,"				\
	" user_suspended(u.suspended_until),"				\
	" coalesce(" CORE_SQL_TS("u.suspended_until") ", ''),"		\
	" u.suspend_reason,"						\
	" coalesce((SELECT " CORE_SQL_TS("max(ls.last_seen_at)")	\
	" FROM sessions ls WHERE ls.user_id = u.id), ''),"		\
	" user_approved_items(u.id),"					\
	" (SELECT count(*) FROM moderation_queue rq WHERE"		\
	" rq.author_id = u.id AND rq.source = 'report'),"		\
	" (SELECT count(*) FROM moderation_queue dq WHERE"		\
	" dq.author_id = u.id AND dq.decision = 'rejected'),"		\
	" u.email_verified_at IS NOT NULL"

/* The columns of ADMIN_SQL_USER_COLS, in its order. */
enum admin_user_col {
	ADMIN_USER_ID,
	ADMIN_USER_NAME,
	ADMIN_USER_EMAIL,
	ADMIN_USER_ROLE,
	ADMIN_USER_BANNED,
	ADMIN_USER_CREATED,
	ADMIN_USER_TRUST,	/* new, member, trusted */
	ADMIN_USER_OVERRIDE,	/* the level was set by an admin */
	ADMIN_USER_SUSPENDED,
	ADMIN_USER_UNTIL,	/* the suspension's end, or '' */
	ADMIN_USER_WHY,		/* the suspension's reason */
	ADMIN_USER_SEEN,	/* the last use of a session, or '' */
	ADMIN_USER_ITEMS,	/* approved items (user_approved_items) */
	ADMIN_USER_REPORTED,	/* items of theirs others reported */
	ADMIN_USER_REJECTED,	/* items of theirs admins rejected */
	ADMIN_USER_VERIFIED	/* the email address is verified */
};

/* The audit records of admin_user_history() and the audit log. */
enum admin_history_col {
	ADMIN_H_ID,
	ADMIN_H_ACTION,
	ADMIN_H_ADMIN,
	ADMIN_H_SUBJECT,
	ADMIN_H_REASON,
	ADMIN_H_CREATED,
	ADMIN_H_TARGET,		/* the log only: the user acted on */
	ADMIN_H_DETAIL		/* the log only: JSON */
};

/* What an action on a user carries besides its name. */
struct admin_user_act {
	int		 act;		/* ADMIN_ACT_* */
	const char	*reason;	/* "" when none */
	int64_t		 seconds;	/* a suspension's length */
	const char	*level;		/* a trust override, or "auto" */
};

/* Columns of the moderation queue (ADMIN_SQL_QUEUE_COLS), in order. */
enum admin_queue_col {
	ADMIN_Q_ID,
	ADMIN_Q_KIND,
	ADMIN_Q_ITEM,
	ADMIN_Q_REASON,
	ADMIN_Q_SOURCE,
	ADMIN_Q_AUTHOR,
	ADMIN_Q_TITLE,
	ADMIN_Q_BODY,
	ADMIN_Q_LINK,
	ADMIN_Q_CREATED,
	ADMIN_Q_TOTAL,		/* every open item, on each row */
	ADMIN_Q_LABEL,		/* what it is, in words */
	ADMIN_Q_THUMB,		/* sha256 of its picture, or '' */
	ADMIN_Q_APP,		/* blog, photos, chat */
	ADMIN_Q_TRUST,		/* the author's level */
	ADMIN_Q_ITEMS,		/* the author's approved items */
	ADMIN_Q_REJECTED,	/* the author's items rejected before */
	ADMIN_Q_REPORTS,	/* how many reports */
	ADMIN_Q_REPORTERS	/* who reported it, comma-separated */
};

/* `q` moderation_queue, `u` the author (LEFT JOIN), `l` its label. */
#define ADMIN_SQL_QUEUE_COLS						\
	"q.id, q.kind, q.item_id, q.reason, q.source,"			\
	" coalesce(u.username, ''), coalesce(q.preview_title, ''),"	\
	" coalesce(q.preview_body, ''), coalesce(q.link, ''), "		\
	CORE_SQL_TS("q.created_at") ","					\
	" (SELECT count(*) FROM moderation_queue WHERE decided_at IS NULL),"	\
	" l.label, coalesce(l.thumb, ''), moderation_app(q.kind),"	\
	" coalesce(user_trust(q.author_id), ''),"			\
	" coalesce(user_approved_items(q.author_id), 0),"		\
	" (SELECT count(*) FROM moderation_queue dq WHERE"		\
	" dq.author_id = q.author_id AND dq.decision = 'rejected'),"	\
	" (SELECT count(*) FROM moderation_reports r WHERE"		\
	" r.queue_id = q.id),"						\
	" coalesce((SELECT string_agg(DISTINCT ru.username, ', ')"	\
	" FROM moderation_reports r JOIN users ru ON"			\
	" ru.id = r.reporter_id WHERE r.queue_id = q.id), '')"

/* The queue's filters: the app ("" all) and why an item is there. */
struct admin_queue_filter {
	const char	*app;		/* blog, photos, chat or "" */
	const char	*why;		/* auto, report, review, new or "" */
};

/* admin_store.c */
int	admin_users_list(struct http_request *, struct core_db *,
	    const char *);
int	admin_user_get(struct http_request *, struct core_db *, int64_t);
int	admin_user_history(struct http_request *, struct core_db *,
	    int64_t);
int	admin_user_apply(struct http_request *, struct core_ctx *,
	    struct core_db *, struct admin_user_act *, int64_t);
int	admin_queue_load(struct http_request *, struct core_db *, int64_t,
	    int, struct admin_queue_filter *);
int	admin_decide(struct http_request *, struct core_ctx *,
	    struct core_db *, const char *, const char *, const char *,
	    const char *);
int	admin_outbox_forget(struct http_request *, struct core_db *,
	    const char *);
int	admin_job_audit(struct http_request *, struct core_ctx *,
	    struct core_db *, int, const char *);

/* admin_settings.c */
int		admin_settings_load(struct http_request *, struct core_ctx *);
void		admin_render_settings(struct http_request *, struct kore_buf *,
		    struct core_ctx *);

/* admin_audit.c */
json_t		*admin_audit_json(struct core_db *, int);

#endif /* !__H_AGORA_ADMIN_H */
