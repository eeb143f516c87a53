/*
 * /blog/feed.atom: the 20 newest published posts as an Atom 1.0 feed,
 * with absolute links from AGORA_SITE_URL and the rendered HTML.
 */

#include <stdlib.h>
#include <string.h>

#include "blog/blog.h"

static const char sql_feed[] =
	"SELECT " BLOG_SQL_POST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 20";

CORE_HANDLER(blog_feed)
{
	struct core_db		*db;
	struct kore_buf		 buf;
	const char		*site, *body, *updated;
	char			*html;
	int			 i;

	db = &ctx->db[0];
	CORE_TRY(core_db_run(req, db, sql_feed, 0, NULL));

	site = core_cfg.site_url;
	updated = "1970-01-01T00:00:00Z";
	for (i = 0; i < core_db_rows(db); i++) {
		if (strcmp(core_db_value(db, i, BLOG_COL_UPDATED), updated) > 0)
			updated = core_db_value(db, i, BLOG_COL_UPDATED);
	}

	kore_buf_init(&buf, 32768);
	core_html_appendf(&buf, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	    "<title>Agora blog</title>\n<id>%s/blog</id>\n"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"%s/blog\"/>\n"
	    "<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"%s/blog/feed.atom\"/>\n<updated>%s</updated>\n",
	    site, site, site, updated);

	for (i = 0; i < core_db_rows(db); i++) {
		body = core_db_value(db, i, BLOG_COL_BODY);
		html = blog_markdown_html(body, strlen(body));
		core_html_appendf(&buf, "<entry>\n<title>%s</title>\n"
		    "<id>%s/blog/%lld</id>\n"
		    "<link rel=\"alternate\" type=\"text/html\" "
		    "href=\"%s/blog/%lld-%s\"/>\n"
		    "<published>%s</published>\n<updated>%s</updated>\n"
		    "<author><name>%s</name><uri>%s/blog/u/%U</uri></author>\n"
		    "<content type=\"html\">%s</content>\n</entry>\n",
		    core_db_value(db, i, BLOG_COL_TITLE),
		    site, (long long)core_db_int(db, i, BLOG_COL_ID),
		    site, (long long)core_db_int(db, i, BLOG_COL_ID),
		    core_db_value(db, i, BLOG_COL_SLUG),
		    core_db_value(db, i, BLOG_COL_PUBLISHED),
		    core_db_value(db, i, BLOG_COL_UPDATED),
		    core_db_value(db, i, BLOG_COL_AUTHOR), site,
		    core_db_value(db, i, BLOG_COL_AUTHOR),
		    html != NULL ? html : "");
		free(html);
	}
	core_html_appendf(&buf, "</feed>\n");

	http_response_header(req, "content-type",
	    "application/atom+xml; charset=utf-8");
	http_response_header(req, "cache-control", "public, max-age=60");
	http_response(req, 200, buf.data, buf.offset);
	kore_buf_cleanup(&buf);

	return (CORE_DONE);
}
