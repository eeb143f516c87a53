/*
 * The blog's section of the home page (core_home_register): the latest
 * published posts, and how many appeared since the viewer's last visit.
 */

#include "blog/blog.h"

#define HOME_POSTS	5

/* $1 the viewer's previous visit, or '', $2 the viewer (0: anonymous). */
static const char sql_home[] =
	"SELECT p.id, p.slug, p.title, u.username,"
	"       " CORE_SQL_TS("coalesce(p.published_at, p.created_at)") ","
	"       (SELECT count(*) FROM posts n JOIN users nu"
	"            ON nu.id = n.author_id WHERE n.status = 'approved'"
	"         AND agora_post_visible(n.status, n.author_id, nu.banned, 0,"
	"             false) AND agora_shown(n.author_id, $2::bigint)"
	"         AND $1 <> '' AND n.listed_at > nullif($1, '')::timestamptz)"
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	"   AND " BLOG_SQL_SHOWN("$2")
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 5";

enum home_col {
	HOME_ID,
	HOME_SLUG,
	HOME_TITLE,
	HOME_AUTHOR,
	HOME_AT,
	HOME_NEW
};

static void	home_render(struct kore_buf *, struct core_db *);
static void	home_register(void) __attribute__((constructor));

static const struct core_home_part blog_home = {
	1, "Blog", "/blog", "post", sql_home, HOME_NEW, home_render
};

/* The home page's section, and how a post reads in the moderation queue. */
static void
home_register(void)
{
	core_home_register(&blog_home);
	core_preview_register("post", blog_markdown_html);
}

static void
home_render(struct kore_buf *buf, struct core_db *db)
{
	int	i;

	if (core_db_rows(db) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">No posts yet. <a "
		    "href=\"/blog/new\">Write the first one</a>.</p>");
		return;
	}
	core_html_appendf(buf, "<ul class=\"home-list\">");
	for (i = 0; i < core_db_rows(db) && i < HOME_POSTS; i++)
		core_html_appendf(buf, "<li><a href=\"/blog/%lld-%s\">%s</a> "
		    "<small>by <a href=\"/u/%U\">%s</a> · %T</small></li>",
		    (long long)core_db_int(db, i, HOME_ID),
		    core_db_value(db, i, HOME_SLUG),
		    core_db_value(db, i, HOME_TITLE),
		    core_db_value(db, i, HOME_AUTHOR),
		    core_db_value(db, i, HOME_AUTHOR),
		    core_db_value(db, i, HOME_AT));
	core_html_appendf(buf, "</ul><footer><a href=\"/blog\">All posts"
	    "</a> · <a href=\"/blog/new\">Write a post</a></footer>");
}
