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
#define PHOTOS_ALT_MAX		500
#define PHOTOS_ALBUM_MAX	CORE_MEDIA_BATCH_MAX	/* photos in a post */
#define PHOTOS_SAVES_MAX	10000	/* saved photos per user */

/* Statement parameters: an item's id, the viewer, and two more. */
struct photos_args {
	struct core_num	 id;
	struct core_num	 uid;
	const char	*v[5];
};

/* Columns of every photo query (PHOTOS_SQL_COLS), in this order. */
enum photos_col {
	PH_COL_ID,
	PH_COL_OWNER_ID,
	PH_COL_OWNER,
	PH_COL_CAPTION,
	PH_COL_HIDDEN,
	PH_COL_CREATED,
	PH_COL_MEDIA_STATUS,
	PH_COL_MEDIA_REASON,
	PH_COL_SHA,
	PH_COL_WIDTH,
	PH_COL_HEIGHT,
	PH_COL_LIKES,
	PH_COL_COMMENTS,
	PH_COL_LIKED,
	PH_COL_TAGS,		/* JSON array of {tag, source} */
	PH_COL_PEOPLE,		/* JSON array of usernames */
	PH_COL_CURSOR,
	PH_COL_MEDIA_ID,
	PH_COL_CAT_SCORE,	/* NULL until the detector looked */
	PH_COL_CAT_BOXES,
	PH_COL_DETECTIONS,	/* JSON array, best first */
	PH_COL_DETECTED_AT,	/* '' until the detector looked */
	PH_COL_ALT_TEXT,	/* the owner's alt text, maybe '' */
	PH_COL_ALT,		/* what its <img alt> says (photo_alt) */
	PH_COL_EDITED,		/* '' unless edited after posting */
	PH_COL_EDIT_HELD,	/* its latest edit waits for a moderator */
	PH_COL_OWNER_NAME,	/* the owner's display name */
	PH_COL_OWNER_AVATAR,	/* the owner's avatar sha256, or '' */
	PH_COL_ITEMS,		/* JSON: the album's pictures 2 to 10 */
	PH_COL_SAVED,		/* in the viewer's saved photos */
	PH_COL_HELD		/* hidden: why it waits for a moderator, or '' */
};

/* `p` photos, `m` its media, `u` its owner; $V the viewer's id (or 0). */
#define PHOTOS_SQL_COLS(v)						\
	"p.id, p.owner_id, u.username, p.caption, p.hidden, "		\
	CORE_SQL_TS("p.created_at") ", m.status, coalesce(m.reason, ''), " \
	"m.sha256, coalesce(m.width, 0), coalesce(m.height, 0), "	\
	"p.like_count, p.comment_count, "				\
	"EXISTS (SELECT 1 FROM photo_likes l WHERE l.photo_id = p.id"	\
	" AND l.user_id = " v "), "					\
	"coalesce((SELECT json_agg(json_build_object('tag', t.tag,"	\
	" 'source', t.source) ORDER BY t.tag) FROM photo_tags t"		\
	" WHERE t.photo_id = p.id), '[]'), "				\
	"coalesce((SELECT json_agg(pu.username ORDER BY pu.username)"	\
	" FROM photo_people pp JOIN users pu ON pu.id = pp.user_id"	\
	" WHERE pp.photo_id = p.id), '[]'), "				\
	"(extract(epoch FROM p.created_at) * 1000000)::bigint || '.' || p.id, " \
	"p.media_id, p.cat_score, p.cat_boxes, "			\
	"coalesce((SELECT json_agg(json_build_object('label', d.label,"	\
	" 'score', round(d.score::numeric, 3), 'x', d.x, 'y', d.y,"	\
	" 'w', d.w, 'h', d.h) ORDER BY d.score DESC)"			\
	" FROM photo_detections d WHERE d.photo_id = p.id), '[]'), "	\
	"coalesce(to_char(p.cat_checked_at AT TIME ZONE 'UTC',"		\
	" 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''), "			\
	"p.alt_text, photo_alt(p.alt_text, u.username), "		\
	"coalesce(" CORE_SQL_TS("p.edited_at") ", ''), "			\
	"coalesce((SELECT e.status = 'held' FROM photo_edits e"		\
	" WHERE e.photo_id = p.id ORDER BY e.id DESC LIMIT 1), false), "	\
	"u.display_name, coalesce(u.avatar_sha, ''), "			\
	PHOTOS_SQL_ITEMS(v) ", "						\
	"EXISTS (SELECT 1 FROM photo_saves s WHERE s.photo_id = p.id"	\
	" AND s.user_id = " v "), "					\
	"CASE WHEN p.hidden THEN coalesce((SELECT q.reason"		\
	" FROM moderation_queue q WHERE q.kind = 'photo'"		\
	" AND q.item_id = p.id AND q.decided_at IS NULL"		\
	" AND q.source = 'review' ORDER BY q.id LIMIT 1), '') ELSE '' END"

/*
 * An album's pictures after the first (sql/027_albums_saves.sql), in
 * order: the ready ones, and all of them for the owner.
 */
#define PHOTOS_SQL_ITEMS(v)						\
	"coalesce((SELECT json_agg(json_build_object('position',"	\
	" i.position, 'media_id', i.media_id, 'sha256', im.sha256,"	\
	" 'status', im.status, 'reason', coalesce(im.reason, ''),"	\
	" 'width', coalesce(im.width, 0), 'height',"			\
	" coalesce(im.height, 0), 'alt_text', i.alt_text,"		\
	" 'alt', photo_alt(i.alt_text, u.username))"			\
	" ORDER BY i.position) FROM photo_items i"			\
	" JOIN media_files im ON im.id = i.media_id"			\
	" WHERE i.photo_id = p.id AND (im.status = 'ready'"		\
	" OR p.owner_id = " v ")), '[]')"

#define PHOTOS_SQL_FROM							\
	" FROM photos p JOIN media_files m ON m.id = p.media_id"	\
	" JOIN users u ON u.id = p.owner_id"

/*
 * Who sees a photo: everyone once it is processed and not hidden; its
 * owner and admins always.  $V viewer id, $A viewer is an admin.
 */
/* Not by someone viewer `v` blocked or muted (sql/023_blocks.sql). */
#define PHOTOS_SQL_SHOWN(v)						\
	"agora_shown(p.owner_id, " v "::bigint)"
#define PHOTOS_SQL_VISIBLE(v, a)					\
	"agora_photo_visible(p.hidden, m.status, p.owner_id, u.banned, " \
	v "::bigint, " a "::bool)"

/* An owner's edit of a photo, refused and shown again. */
struct photos_edit_in {
	const char	*caption;
	const char	*alt;
	json_t		*item_alts;	/* pictures 2 to 10: position -> text */
	json_t		*errors;
};

/* Columns of a photo's comments (photos_comments_load), in this order. */
enum photos_comment_col {
	PH_CM_ID,
	PH_CM_BODY,
	PH_CM_CREATED,
	PH_CM_AUTHOR,
	PH_CM_AUTHOR_ID,
	PH_CM_HIDDEN,
	PH_CM_AUTHOR_NAME,
	PH_CM_AUTHOR_AVATAR
};

/* `c` photo_comments, `u` its author. */
#define PHOTOS_SQL_COMMENT_COLS						\
	"c.id, c.body, " CORE_SQL_TS("c.created_at") ", u.username, "	\
	"c.author_id, c.hidden, u.display_name, coalesce(u.avatar_sha, '')"

/* What photos_comment_add() leaves in its db, in this order. */
enum photos_comment_new_col {
	PH_CMNEW_ID,
	PH_CMNEW_CREATED,
	PH_CMNEW_JOBS,
	PH_CMNEW_NOTIFY
};

/* What core_media_upload() leaves in ctx->db[3] (core/media.c). */
enum photos_upload_col {
	PH_UPLOAD_MEDIA_ID,
	PH_UPLOAD_JOBS
};

/* An upload: the caption, and the alt text of each of its files. */
struct photos_new_in {
	const char	*caption;
	const char	*alt[PHOTOS_ALBUM_MAX];
	int		 alts;		/* alt texts sent */
	json_t		*errors;	/* by field, or NULL */
};

/* What photos_like() leaves in its db. */
enum photos_like_col {
	PH_LIKE_COUNT,
	PH_LIKE_NOTIFY
};

/* photos_store.c */
int		 photos_load(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
int		 photos_caption_check(const char *, json_t **);
int		 photos_list(struct http_request *, struct core_ctx *,
		    struct core_db *, const char *, const char *,
		    const char *, int);
int		 photos_alt_check(const char *, json_t **);
int		 photos_create(struct http_request *, struct core_ctx *,
		    struct core_db *, struct core_media_batch *,
		    const struct photos_new_in *, int64_t *);
int		 photos_edit(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *, const char *,
		    json_t *);
json_t		*photos_edit_items_read(struct http_request *,
		    struct core_db *, json_t **);
int		 photos_edit_items_json(json_t *, const char **, json_t **,
		    json_t **);
void		 photos_render_edit_items(struct kore_buf *, struct core_db *,
		    json_t *, json_t *);
int		 photos_delete(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
void		 photos_args(struct core_ctx *, int64_t,
		    struct photos_args *);

/* photos_social.c */
int		 photos_like(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, int);
int		 photos_comments_load(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t);
int		 photos_comment_add(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *);
int		 photos_comment_delete(struct http_request *,
		    struct core_ctx *, struct core_db *, int64_t);
int		 photos_report(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *);
int		 photos_person_add(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *);
int		 photos_comment_check(const char *, json_t **);

/* What photos_correct() corrects. */
#define PHOTOS_CORRECT_REMOVE	0	/* a detected tag is wrong */
#define PHOTOS_CORRECT_CAT	1	/* there is a cat here */

/* photos_detect.c */
int		 photos_correct(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, const char *, int);
void		 photos_detect_json(json_t *, struct core_db *, int);
void		 photos_render_boxes(struct kore_buf *, struct core_db *);
void		 photos_render_seen(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *);

/* photos_album.c */
struct core_media_batch	*photos_batch(struct core_ctx *);
void		 photos_new_read(struct http_request *,
		    struct photos_new_in *);
json_t		*photos_refused_json(struct core_media_batch *);
void		 photos_render_refused(struct kore_buf *,
		    struct core_media_batch *);
void		 photos_refused_text(struct kore_buf *,
		    struct core_media_batch *);
int		 photos_render_album(struct kore_buf *, struct core_db *,
		    const char *, int);
void		 photos_render_tile_count(struct kore_buf *, struct core_db *,
		    int);
void		 photos_items_json(json_t *, struct core_db *, int, int);
void		 photos_render_new_alts(struct kore_buf *,
		    const struct photos_new_in *);

/* photos_saved.c */
int		 photos_save(struct http_request *, struct core_ctx *,
		    struct core_db *, int64_t, int);
void		 photos_render_save(struct http_request *, struct kore_buf *,
		    struct core_db *, int, const char *, const char *);

/* photos_viewer.c */
int		 photos_viewer_page(struct http_request *, struct core_ctx *,
		    int64_t);

/* photos_render.c */
const char	*photos_status(struct core_db *, int);
json_t		*photos_json(struct core_db *, int, int);
json_t		*photos_comment_json(struct core_db *, int, int64_t);
void		 photos_render_heading(struct kore_buf *, struct core_ctx *,
		    const char *, const char *, const char *);
void		 photos_render_grid(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *, int, const char *);
void		 photos_render_photo(struct http_request *, struct kore_buf *,
		    struct core_ctx *, struct core_db *,
		    const struct photos_edit_in *);
void		 photos_render_comments(struct http_request *,
		    struct kore_buf *, struct core_ctx *, struct core_db *,
		    struct core_db *);
void		 photos_render_new_form(struct http_request *,
		    struct kore_buf *, const struct photos_new_in *);
void		 photos_render_alt_field(struct kore_buf *, const char *,
		    const char *);
void		 photos_render_edit_form(struct http_request *,
		    struct kore_buf *, struct core_db *,
		    const struct photos_edit_in *);

#endif /* !__H_AGORA_PHOTOS_H */
