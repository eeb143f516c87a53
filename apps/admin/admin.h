/*
 * Admin area: users, the job queue, the development mailbox; moderation
 * joins it with the apps.
 * Everything here answers 403 to anyone but an admin.
 */

#ifndef __H_AGORA_ADMIN_H
#define __H_AGORA_ADMIN_H

#include "core/core.h"

#define ADMIN_ACT_BAN		1
#define ADMIN_ACT_UNBAN		2
#define ADMIN_ACT_PROMOTE	3
#define ADMIN_ACT_DEMOTE	4

/* admin_users.c */
int	admin_index(struct http_request *);
int	admin_users_page(struct http_request *);
int	admin_user_action_page(struct http_request *);
int	admin_api_users(struct http_request *);
int	admin_api_user_action(struct http_request *);

/* admin_jobs.c */
int	admin_jobs_page(struct http_request *);
int	admin_job_action_page(struct http_request *);
int	admin_api_jobs(struct http_request *);
int	admin_api_job_action(struct http_request *);

/* admin_moderation.c */
int	admin_moderation_page(struct http_request *);
int	admin_moderation_action(struct http_request *);
int	admin_api_moderation(struct http_request *);
int	admin_api_moderation_action(struct http_request *);

/* admin_mail.c */
int	admin_mail_page(struct http_request *);
int	admin_mail_message(struct http_request *);

#endif /* !__H_AGORA_ADMIN_H */
