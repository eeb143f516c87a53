/*
 * The photos' section of the home page (core_home_register): the newest
 * photos as a row of thumbnails, and how many were shared since the
 * viewer's last visit.
 */

#include "photos/photos.h"

/*
 * $1 the viewer's previous visit, or '', $2 the viewer (0: anonymous).
 * "NOT hidden" is spelt out so the feed's partial index serves both
 * (without it, the newest six sorted every photo).
 */
static const char sql_home[] =
	"SELECT p.id, m.sha256, photo_alt(p.alt_text, u.username), u.username,"
	"       (SELECT count(*) FROM photos n"
	"          JOIN media_files nm ON nm.id = n.media_id"
	"          JOIN users nu ON nu.id = n.owner_id"
	"         WHERE NOT n.hidden AND agora_photo_visible(n.hidden,"
	"               nm.status, n.owner_id, nu.banned, 0, false)"
	"           AND $1 <> ''"
	"           AND agora_shown(n.owner_id, $2::bigint)"
	"           AND n.created_at > nullif($1, '')::timestamptz)"
	"  FROM photos p JOIN media_files m ON m.id = p.media_id"
	"  JOIN users u ON u.id = p.owner_id"
	" WHERE NOT p.hidden AND " PHOTOS_SQL_VISIBLE("0", "false")
	"   AND " PHOTOS_SQL_SHOWN("$2")
	" ORDER BY p.created_at DESC, p.id DESC LIMIT 6";

enum home_col {
	HOME_ID,
	HOME_SHA,
	HOME_ALT,
	HOME_OWNER,
	HOME_NEW
};

static void	home_render(struct kore_buf *, struct core_db *);
static void	home_register(void) __attribute__((constructor));

static const struct core_home_part photos_home = {
	3, "Photos", "/photos", "photo", sql_home, HOME_NEW, home_render
};

static void
home_register(void)
{
	core_home_register(&photos_home);
}

static void
home_render(struct kore_buf *buf, struct core_db *db)
{
	int	i;

	if (core_db_rows(db) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">No photos yet. <a "
		    "href=\"/photos/new\">Share the first one</a>.</p>");
		return;
	}
	core_html_appendf(buf, "<ul class=\"home-photos\">");
	for (i = 0; i < core_db_rows(db); i++)
		core_html_appendf(buf, "<li><a href=\"/photos/%lld\"><img "
		    "src=\"/media/thumb/%s.jpg\" alt=\"%s\" width=\"160\" "
		    "height=\"160\" loading=\"lazy\"></a></li>",
		    (long long)core_db_int(db, i, HOME_ID),
		    core_db_value(db, i, HOME_SHA),
		    core_db_value(db, i, HOME_ALT));
	core_html_appendf(buf, "</ul><footer><a href=\"/photos\">All photos"
	    "</a> · <a href=\"/photos/cats\">Cat zone</a> · <a href=\""
	    "/photos/new\">Upload a photo</a></footer>");
}
