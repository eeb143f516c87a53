/*
 * Admin area: users, the job queue, the development mailbox; moderation
 * joins it with the apps.
 * Everything here answers 403 to anyone but an admin.
 *
 * The handlers are declared by CORE_HANDLER in admin_users.c,
 * admin_jobs.c, admin_moderation.c and admin_mail.c; routes.conf and
 * routes-dev.conf name them.
 */

#ifndef __H_AGORA_ADMIN_H
#define __H_AGORA_ADMIN_H

#include "core/core.h"

#define ADMIN_ACT_BAN		1
#define ADMIN_ACT_UNBAN		2
#define ADMIN_ACT_PROMOTE	3
#define ADMIN_ACT_DEMOTE	4

/* The user columns of core.h's CORE_SQL_USER_COLS, in its order. */
enum admin_user_col {
	ADMIN_USER_ID,
	ADMIN_USER_NAME,
	ADMIN_USER_EMAIL,
	ADMIN_USER_ROLE,
	ADMIN_USER_BANNED,
	ADMIN_USER_CREATED,
	ADMIN_USER_VERIFIED	/* admin_users_list only */
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
	ADMIN_Q_TOTAL		/* every open item, on each row */
};

/* `q` moderation_queue, `u` the author (LEFT JOIN). */
#define ADMIN_SQL_QUEUE_COLS						\
	"q.id, q.kind, q.item_id, q.reason, q.source,"			\
	" coalesce(u.username, ''), coalesce(q.preview_title, ''),"	\
	" coalesce(q.preview_body, ''), coalesce(q.link, ''), "		\
	CORE_SQL_TS("q.created_at") ","					\
	" (SELECT count(*) FROM moderation_queue WHERE decided_at IS NULL)"

/* admin_store.c */
int	admin_users_list(struct http_request *, struct core_db *,
	    const char *);
int	admin_user_apply(struct http_request *, struct core_db *, int,
	    int64_t);
int	admin_queue_load(struct http_request *, struct core_db *, int64_t,
	    int);
int	admin_decide(struct http_request *, struct core_ctx *,
	    struct core_db *, const char *, const char *, const char *,
	    const char *);
int	admin_outbox_forget(struct http_request *, struct core_db *,
	    const char *);

/* admin_settings.c */
int		admin_settings_load(struct http_request *, struct core_db *);
void		admin_render_settings(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *);

#endif /* !__H_AGORA_ADMIN_H */
