/*
 * People: the profile of each user (/u/{username} and
 * /api/v1/users/{username}) and the account's own settings (/settings,
 * PATCH /api/v1/me, the password, sessions and API tokens).
 *
 * A profile reads every app's tables, as the search does, through the
 * agora_*_visible functions of sql/013_search.sql: it shows a viewer
 * only what the apps' own pages would.
 */

#ifndef __H_AGORA_PEOPLE_H
#define __H_AGORA_PEOPLE_H

#include "core/core.h"

#define PEOPLE_DISPLAY_NAME_MAX	50	/* characters */
#define PEOPLE_BIO_MAX		500
#define PEOPLE_WEBSITE_MAX	200

#define PEOPLE_RECENT_POSTS	5
#define PEOPLE_RECENT_PHOTOS	9
#define PEOPLE_RECENT_ROOMS	10
#define PEOPLE_FOLLOWS_SHOWN	100	/* newest followers, following */

/* The columns of people_sql_profile. */
enum people_profile_col {
	PROFILE_ID,
	PROFILE_USERNAME,
	PROFILE_DISPLAY_NAME,
	PROFILE_BIO,
	PROFILE_WEBSITE,
	PROFILE_CREATED_AT,
	PROFILE_POSTS,
	PROFILE_PHOTOS,
	PROFILE_ROOMS,
	PROFILE_AVATAR,		/* sha256 of the uploaded avatar, or "" */
	PROFILE_FOLLOWERS,
	PROFILE_FOLLOWING,
	PROFILE_FOLLOWED,	/* the viewer follows them */
	PROFILE_BLOCKED,	/* the viewer blocked them */
	PROFILE_MUTED		/* the viewer muted them */
};

enum people_post_col { PPOST_ID, PPOST_SLUG, PPOST_TITLE, PPOST_AT };
enum people_photo_col { PPHOTO_ID, PPHOTO_SHA, PPHOTO_CAPTION, PPHOTO_ALT };
enum people_room_col { PROOM_ID, PROOM_NAME, PROOM_MESSAGES, PROOM_LAST };

/* A profile as a viewer may see it: the statements' results. */
struct people_profile {
	struct core_db	*user;
	struct core_db	*posts;
	struct core_db	*photos;
	struct core_db	*rooms;
};

/* The columns of the user's own fields (people_account.c). */
enum people_me_col {
	ME_USERNAME,
	ME_EMAIL,
	ME_DISPLAY_NAME,
	ME_BIO,
	ME_WEBSITE,
	ME_AVATAR,		/* sha256 of the avatar's copies, or "" */
	ME_AVATAR_SET		/* an avatar was uploaded (maybe not ready) */
};

/* The columns of the user's address state (people_email.c). */
enum people_email_col {
	EMAIL_ADDRESS,
	EMAIL_VERIFIED,
	EMAIL_PENDING,		/* the address a change waits for, or NULL */
	EMAIL_HELD,		/* what they post waits for a moderator */
	EMAIL_NEW_HELD		/* their photos and comments wait: a new account */
};

/* What a profile change sets; NULL leaves a field as it is. */
struct people_fields {
	const char	*display_name;
	const char	*bio;
	const char	*website;
	/* What the settings page shows beside them (not saved from here). */
	const char	*avatar;	/* sha256, or "" */
	int		 avatar_set;	/* uploaded, maybe not ready yet */
};

/* people_store.c */
int		people_profile_load(struct http_request *, struct core_ctx *,
		    const char *, int, struct people_profile *);

/* people_block.c */
enum people_block_col {
	PBLOCK_USERNAME,
	PBLOCK_DISPLAY_NAME,
	PBLOCK_SINCE,
	PBLOCK_AVATAR,
	PBLOCK_KIND		/* "block" or "mute" */
};

int		people_blocks_load(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *);
void		people_render_blocks(struct http_request *, struct kore_buf *,
		    struct core_db *);

/* people_account.c */
int		people_me_load(struct http_request *, struct core_ctx *,
		    struct core_db *);
int		people_profile_save(struct http_request *, struct core_ctx *,
		    struct core_db *, struct people_fields *, json_t **);
int		people_password_change(struct http_request *,
		    struct core_ctx *, const char *, const char *, int, int *,
		    json_t **);
json_t		*people_json_me(struct core_db *);

/* people_settings.c */
int		people_settings_again(struct http_request *, struct core_ctx *,
		    int, json_t *, const char *, const char *);

/* people_email.c */
int		people_email_load(struct http_request *, struct core_ctx *,
		    struct core_db *);
int		people_email_change(struct http_request *, struct core_ctx *,
		    const char *, const char *, int *, json_t **);
int		people_email_resend(struct http_request *, struct core_ctx *,
		    int *);
json_t		*people_json_email(struct core_db *);
void		people_render_email_notice(struct http_request *,
		    struct kore_buf *, struct core_db *);
void		people_render_email_section(struct http_request *,
		    struct kore_buf *, struct core_db *, json_t *,
		    const char *);

/* people_avatar.c */
int		people_avatar_upload(struct http_request *, struct core_ctx *);
int		people_avatar_remove(struct http_request *, struct core_ctx *);
void		people_render_avatar_form(struct http_request *,
		    struct kore_buf *);

/* people_pages.c */
const char	*people_path_name(const char *, size_t, char *, size_t);

/* people_twofactor.c */
#define PEOPLE_2FA_URI_MAX	256

/* sql_state's columns, as people_2fa_load() leaves them. */
enum people_2fa_col {
	PEOPLE_2FA_SECRET,
	PEOPLE_2FA_ENABLED,
	PEOPLE_2FA_SINCE,
	PEOPLE_2FA_LAST_STEP,
	PEOPLE_2FA_CODES_LEFT
};

int		people_2fa_load(struct http_request *, struct core_ctx *,
		    struct core_db *);
void		people_render_2fa_section(struct http_request *,
		    struct kore_buf *, struct core_db *);
int		people_2fa_setup_run(struct http_request *, struct core_ctx *,
		    int *);
int		people_2fa_setup_key(struct core_ctx *, struct core_db *,
		    char *, char *);
int		people_2fa_enable_run(struct http_request *, struct core_ctx *,
		    const char *, int *, char (**)[CORE_RECOVERY_LEN + 1]);
int		people_2fa_disable_run(struct http_request *,
		    struct core_ctx *, const char *, const char *, int *,
		    const char **);

/* people_sessions.c */
enum people_session_col {
	SESS_ID,
	SESS_CREATED,
	SESS_SEEN,
	SESS_ADDRESS,
	SESS_AGENT,
	SESS_CURRENT
};

int		people_sessions_load(struct http_request *, struct core_ctx *,
		    struct core_db *);
int		people_sessions_end(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
void		people_render_sessions(struct http_request *,
		    struct kore_buf *, struct core_db *);
json_t		*people_json_sessions(struct core_db *);

/* people_export.c */
#define PEOPLE_EXPORTS_DAY	3	/* exports begun in 24 hours */

enum people_export_col {
	EXPORT_ID,
	EXPORT_STATE,		/* queued, building, ready, failed, expired */
	EXPORT_BYTES,
	EXPORT_CREATED,
	EXPORT_EXPIRES,		/* "" until ready */
	EXPORT_READY		/* ready and not expired: downloadable */
};

int		people_export_load(struct http_request *, struct core_ctx *,
		    struct core_db *);
void		people_render_export(struct http_request *,
		    struct kore_buf *, struct core_db *);

/* people_delete.c */
#define PEOPLE_USERNAME_HOLD	"30 days"

void		people_render_delete(struct http_request *,
		    struct kore_buf *);

/* people_rules.c */
int		people_rule_display_name(const char *, const char **);
int		people_rule_bio(const char *, const char **);
int		people_rule_website(const char *, const char **);

/* people_render.c */
void		people_render_profile(struct http_request *,
		    struct kore_buf *, struct core_ctx *,
		    struct people_profile *);
json_t		*people_json_profile(struct people_profile *);
json_t		*people_json_avatar(const char *);
void		people_html_text_links(struct kore_buf *, const char *);

#endif /* !__H_AGORA_PEOPLE_H */
