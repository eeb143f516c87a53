/*
 * Photos: uploads in a shared feed, #tags from captions, people tagged
 * by the owner, likes, moderated comments and reports.  HTML under
 * /photos, JSON under /api/v1/photos; the image copies are core media
 * under /media/.
 */

#ifndef __H_AGORA_PHOTOS_H
#define __H_AGORA_PHOTOS_H

#include "core/core.h"

#define PHOTOS_PAGE		24
#define PHOTOS_LIMIT_MAX	100
#define PHOTOS_CAPTION_MAX	2000
#define PHOTOS_COMMENT_MAX	2000
#define PHOTOS_PEOPLE_MAX	20

/* Statement parameters: an item's id, the viewer, and one more. */
struct photos_args {
	char		 id[24];
	char		 uid[24];
	const char	*v[4];
};

/* Columns of every photo query (PHOTOS_SQL_COLS), in this order. */
#define PH_COL_ID		0
#define PH_COL_OWNER_ID		1
#define PH_COL_OWNER		2
#define PH_COL_CAPTION		3
#define PH_COL_HIDDEN		4
#define PH_COL_CREATED		5
#define PH_COL_MEDIA_STATUS	6
#define PH_COL_MEDIA_REASON	7
#define PH_COL_SHA		8
#define PH_COL_WIDTH		9
#define PH_COL_HEIGHT		10
#define PH_COL_LIKES		11
#define PH_COL_COMMENTS		12
#define PH_COL_LIKED		13
#define PH_COL_TAGS		14	/* JSON array of tags */
#define PH_COL_PEOPLE		15	/* JSON array of usernames */
#define PH_COL_CURSOR		16
#define PH_COL_MEDIA_ID		17
#define PH_COL_CAT_SCORE	18	/* NULL until the detector looked */
#define PH_COL_CAT_BOXES	19

/* `p` photos, `m` its media, `u` its owner; $V the viewer's id (or 0). */
#define PHOTOS_SQL_COLS(v)						\
	"p.id, p.owner_id, u.username, p.caption, p.hidden, "		\
	CORE_SQL_TS("p.created_at") ", m.status, coalesce(m.reason, ''), " \
	"m.sha256, coalesce(m.width, 0), coalesce(m.height, 0), "	\
	"p.like_count, p.comment_count, "				\
	"EXISTS (SELECT 1 FROM photo_likes l WHERE l.photo_id = p.id"	\
	" AND l.user_id = " v "), "					\
	"coalesce((SELECT json_agg(t.tag ORDER BY t.tag) FROM photo_tags t" \
	" WHERE t.photo_id = p.id), '[]'), "				\
	"coalesce((SELECT json_agg(pu.username ORDER BY pu.username)"	\
	" FROM photo_people pp JOIN users pu ON pu.id = pp.user_id"	\
	" WHERE pp.photo_id = p.id), '[]'), "				\
	"(extract(epoch FROM p.created_at) * 1000000)::bigint || '.' || p.id, " \
	"p.media_id, p.cat_score, p.cat_boxes"

#define PHOTOS_SQL_FROM							\
	" FROM photos p JOIN media_files m ON m.id = p.media_id"	\
	" JOIN users u ON u.id = p.owner_id"

/*
 * Who sees a photo: everyone once it is processed and not hidden; its
 * owner and admins always.  $V viewer id, $A viewer is an admin.
 */
#define PHOTOS_SQL_VISIBLE(v, a)					\
	"((NOT p.hidden AND m.status = 'ready') OR p.owner_id = " v	\
	" OR " a "::bool)"

/* photos_store.c */
json_t		*photos_json(struct core_db *, int, int);
const char	*photos_status(struct core_db *, int);
int		 photos_load(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
int		 photos_caption_check(const char *, json_t **);
int		 photos_list(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *, const char *,
		    const char *, int);
int		 photos_create(struct http_request *, struct core_ctx *,
		    const char *);
int		 photos_delete(struct http_request *, struct core_ctx *,
		    int64_t);
void		 photos_args(struct core_ctx *, int64_t,
		    struct photos_args *);

/* photos_social.c */
int		 photos_like(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, int);
int		 photos_comments_load(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
int		 photos_comment_add(struct http_request *, struct core_ctx *,
		    int64_t, const char *);
int		 photos_comment_delete(struct http_request *,
		    struct core_ctx *, int64_t);
int		 photos_report(struct http_request *, struct core_ctx *,
		    int64_t, const char *);
int		 photos_person_add(struct http_request *, struct core_ctx *,
		    int64_t, const char *);
int		 photos_comment_check(const char *, json_t **);

#endif /* !__H_AGORA_PHOTOS_H */
