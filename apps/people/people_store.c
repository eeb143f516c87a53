/*
 * The statements of a profile: the person with what they made counted,
 * their latest published posts, their photos and the public rooms they
 * talk in, each kept to what the viewer may see by the agora_*_visible
 * functions (sql/013_search.sql) the apps' own pages use, and empty
 * for someone the person blocked (agora_profile_shown,
 * sql/023_blocks.sql).
 */

#include <ctype.h>
#include <string.h>

#include "people/people.h"

/*
 * $1 username, $2 viewer (0: a visitor), $3 viewer is an admin; for an
 * all-digit $1 that names nobody, $4 the id it spells (the API's older
 * /api/v1/users/{id}).  Banned people are nobody, to admins too.
 */
static const char sql_profile[] =
	"SELECT u.id, u.username, u.display_name, u.bio, u.website,"
	"       " CORE_SQL_TS("u.created_at") ","
	"       (SELECT count(*) FROM posts p WHERE p.author_id = u.id"
	"           AND p.status = 'approved' AND agora_post_visible(p.status,"
	"               p.author_id, u.banned, $2::bigint, $3::bool)"
	"           AND agora_profile_shown(u.id, $2::bigint)),"
	"       (SELECT count(*) FROM photos p"
	"          JOIN media_files m ON m.id = p.media_id"
	"         WHERE p.owner_id = u.id AND m.status = 'ready'"
	"           AND agora_photo_visible(p.hidden, m.status, p.owner_id,"
	"               u.banned, $2::bigint, $3::bool)"
	"           AND agora_profile_shown(u.id, $2::bigint)),"
	"       (SELECT count(DISTINCT m.room_id) FROM chat_messages m"
	"          JOIN chat_rooms r ON r.id = m.room_id"
	"         WHERE m.author_id = u.id AND r.kind = 'public'"
	"           AND agora_room_readable(r.id, r.kind, $2::bigint)"
	"           AND agora_message_visible(m.deleted, u.banned)"
	"           AND agora_profile_shown(u.id, $2::bigint)),"
	"       coalesce(u.avatar_sha, ''),"
	"       (SELECT count(*) FROM follows f JOIN users x"
	"           ON x.id = f.follower_id AND NOT x.banned"
	"         WHERE f.followee_id = u.id),"
	"       (SELECT count(*) FROM follows f JOIN users x"
	"           ON x.id = f.followee_id AND NOT x.banned"
	"         WHERE f.follower_id = u.id),"
	"       EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $2"
	"           AND f.followee_id = u.id),"
	"       EXISTS (SELECT 1 FROM user_blocks b WHERE b.user_id = $2"
	"           AND b.other_id = u.id AND b.kind = 'block'),"
	"       EXISTS (SELECT 1 FROM user_blocks b WHERE b.user_id = $2"
	"           AND b.other_id = u.id AND b.kind = 'mute')"
	"  FROM users u"
	" WHERE (u.username = $1 OR (u.id = $4::bigint AND NOT EXISTS ("
	"        SELECT 1 FROM users n WHERE n.username = $1)))"
	"   AND u.id > 0 AND agora_user_visible(u.banned, false)";

/* $1 user, $2 viewer, $3 admin: the latest published posts. */
static const char sql_posts[] =
	"SELECT p.id, p.slug, p.title, " CORE_SQL_TS("p.published_at")
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.author_id = $1 AND p.status = 'approved'"
	"   AND agora_post_visible(p.status, p.author_id, u.banned,"
	"       $2::bigint, $3::bool)"
	"   AND agora_profile_shown(p.author_id, $2::bigint)"
	" ORDER BY p.published_at DESC, p.id DESC LIMIT 5";

/* $1 user, $2 viewer, $3 admin: the newest photos with a thumbnail. */
static const char sql_photos[] =
	"SELECT p.id, m.sha256, p.caption, photo_alt(p.alt_text, u.username)"
	"  FROM photos p JOIN media_files m ON m.id = p.media_id"
	"  JOIN users u ON u.id = p.owner_id"
	" WHERE p.owner_id = $1 AND m.status = 'ready'"
	"   AND agora_photo_visible(p.hidden, m.status, p.owner_id, u.banned,"
	"       $2::bigint, $3::bool)"
	"   AND agora_profile_shown(p.owner_id, $2::bigint)"
	" ORDER BY p.created_at DESC, p.id DESC LIMIT 9";

/* $1 user, $2 viewer: public rooms they wrote in, latest first. */
static const char sql_rooms[] =
	"SELECT r.id, r.name, count(*), " CORE_SQL_TS("max(m.created_at)")
	"  FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id"
	"  JOIN users u ON u.id = m.author_id"
	" WHERE m.author_id = $1 AND r.kind = 'public'"
	"   AND agora_room_readable(r.id, r.kind, $2::bigint)"
	"   AND agora_message_visible(m.deleted, u.banned)"
	"   AND agora_profile_shown(m.author_id, $2::bigint)"
	" GROUP BY r.id, r.name ORDER BY max(m.created_at) DESC LIMIT 10";

/*
 * Load the profile of `name` as the request's viewer sees it, into
 * statement slots 0 to 3 (named in `out`); with `by_id`, an all-digit
 * `name` that names nobody is an id.  CORE_OK, CORE_WAIT, or
 * CORE_DONE after a 404 when there is nobody of that name to show.
 */
int
people_profile_load(struct http_request *req, struct core_ctx *ctx,
    const char *name, int by_id, struct people_profile *out)
{
	struct core_num	 viewer, uid, num;
	const char	*params[4];
	const char	*p;
	int64_t		 id;
	int		 err;

	out->user = &ctx->db[0];
	out->posts = &ctx->db[1];
	out->photos = &ctx->db[2];
	out->rooms = &ctx->db[3];

	for (p = name; isdigit((unsigned char)*p); p++)
		;
	id = 0;
	if (by_id && *p == '\0' && p != name) {
		id = kore_strtonum(name, 10, 1, INT64_MAX, &err);
		if (err != KORE_RESULT_OK)
			id = 0;
	}

	params[0] = name;
	params[1] = core_num(&viewer, ctx->user.id);
	params[2] = ctx->user.role == CORE_ROLE_ADMIN ? "true" : "false";
	params[3] = core_num(&num, id);
	CORE_TRY(core_db_run(req, out->user, sql_profile, 4, params));
	if (core_db_rows(out->user) != 1)
		return (core_error(req, 404, "No such user."));

	params[0] = core_num(&uid, core_db_int(out->user, 0, PROFILE_ID));
	CORE_TRY(core_db_run(req, out->posts, sql_posts, 3, params));
	CORE_TRY(core_db_run(req, out->photos, sql_photos, 3, params));
	CORE_TRY(core_db_run(req, out->rooms, sql_rooms, 2, params));

	return (CORE_OK);
}
