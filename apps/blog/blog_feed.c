/*
 * The blog's feeds: the 20 newest published posts, of everyone
 * (/blog/feed.atom, /blog/feed.json), of a tag (/blog/tag/{tag}/feed.*)
 * or of an author (/blog/u/{username}/feed.*), as Atom 1.0 and as JSON
 * Feed 1.1, with absolute links from AGORA_SITE_URL and the rendered
 * HTML.  Only what an anonymous reader sees is in a feed, whoever asks.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blog/blog.h"

/* $1 tag or NULL, $2 author or NULL. */
static const char sql_feed[] =
	"SELECT " BLOG_SQL_POST_COLS
	"  FROM posts p JOIN users u ON u.id = p.author_id"
	" WHERE p.status = 'approved' AND " BLOG_SQL_PUBLIC
	"   AND ($1::text IS NULL OR p.tags @> ARRAY[$1::text])"
	"   AND ($2::text IS NULL OR u.username = $2::text)"
	" ORDER BY p.listed_at DESC, p.id DESC LIMIT 20";

#define FEED_ATOM	0
#define FEED_JSON	1

/* What a feed's path asks for. */
struct feed {
	int		 format;
	char		 tag[BLOG_TAG_MAX + 1];
	char		 author[33];
	char		 home[128];	/* the HTML page, a site path */
	char		 self[160];	/* the feed, a site path */
	char		 title[96];
};

static int	feed_parse(const char *, struct feed *);
static void	feed_atom(struct kore_buf *, struct core_db *,
		    struct feed *);
static json_t	*feed_json(struct core_db *, struct feed *);

CORE_HANDLER(blog_feed)
{
	struct core_db		*db;
	struct kore_buf		 buf;
	struct feed		 f;
	const char		*params[2];
	char			*text;

	if (feed_parse(req->path, &f) == -1)
		return (core_error(req, 404, NULL));

	if (f.author[0] != '\0')
		CORE_TRY(core_user_known(req, &ctx->db[1], f.author));
	db = &ctx->db[0];
	params[0] = f.tag[0] != '\0' ? f.tag : NULL;
	params[1] = f.author[0] != '\0' ? f.author : NULL;
	CORE_TRY(core_db_run_prepared(req, db, sql_feed, 2, params));

	http_response_header(req, "cache-control", "public, max-age=60");
	if (f.format == FEED_JSON) {
		if ((text = core_json_text(feed_json(db, &f))) == NULL)
			return (core_error(req, 500, NULL));
		http_response_header(req, "content-type",
		    "application/feed+json; charset=utf-8");
		http_response(req, 200, text, strlen(text));
		free(text);
		return (CORE_DONE);
	}

	kore_buf_init(&buf, 32768);
	feed_atom(&buf, db, &f);
	http_response_header(req, "content-type",
	    "application/atom+xml; charset=utf-8");
	http_response(req, 200, buf.data, buf.offset);
	kore_buf_cleanup(&buf);

	return (CORE_DONE);
}

/*
 * /blog/feed.EXT, /blog/tag/{tag}/feed.EXT or /blog/u/{name}/feed.EXT
 * (the routes allow only these shapes).  -1 for anything else.
 */
static int
feed_parse(const char *path, struct feed *f)
{
	const char	*p, *end;
	size_t		 n;

	memset(f, 0, sizeof(*f));
	if ((end = strrchr(path, '/')) == NULL)
		return (-1);
	if (!strcmp(end, "/feed.atom"))
		f->format = FEED_ATOM;
	else if (!strcmp(end, "/feed.json"))
		f->format = FEED_JSON;
	else
		return (-1);

	if (end == path + strlen("/blog")) {
		kore_strlcpy(f->home, "/blog", sizeof(f->home));
		kore_strlcpy(f->title, "Agora blog", sizeof(f->title));
	} else if (!strncmp(path, "/blog/tag/", 10)) {
		p = path + 10;
		if ((n = end - p) > BLOG_TAG_MAX)
			return (-1);
		memcpy(f->tag, p, n);
		f->tag[n] = '\0';
		if (!blog_tag_valid(f->tag))
			return (-1);
		(void)snprintf(f->home, sizeof(f->home), "/blog/tag/%s",
		    f->tag);
		(void)snprintf(f->title, sizeof(f->title),
		    "Agora blog: posts tagged %s", f->tag);
	} else if (!strncmp(path, "/blog/u/", 8)) {
		p = path + 8;
		if ((n = end - p) == 0 || n >= sizeof(f->author))
			return (-1);
		memcpy(f->author, p, n);
		f->author[n] = '\0';
		(void)snprintf(f->home, sizeof(f->home), "/blog/u/%s",
		    f->author);
		(void)snprintf(f->title, sizeof(f->title),
		    "Agora blog: posts by %s", f->author);
	} else {
		return (-1);
	}
	(void)snprintf(f->self, sizeof(f->self), "%s/feed.%s", f->home,
	    f->format == FEED_JSON ? "json" : "atom");

	return (0);
}

static void
feed_atom(struct kore_buf *buf, struct core_db *db, struct feed *f)
{
	const char	*site, *body, *updated, *tags;
	char		*html, tag[BLOG_TAG_MAX + 1];
	size_t		 n;
	int		 i;

	site = core_cfg.site_url;
	updated = "1970-01-01T00:00:00Z";
	for (i = 0; i < core_db_rows(db); i++) {
		if (strcmp(core_db_value(db, i, BLOG_COL_UPDATED), updated) > 0)
			updated = core_db_value(db, i, BLOG_COL_UPDATED);
	}

	core_html_appendf(buf, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	    "<title>%s</title>\n<id>%s%s</id>\n"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"%s%s\"/>\n"
	    "<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"%s%s\"/>\n<updated>%s</updated>\n",
	    f->title, site, f->home, site, f->home, site, f->self, updated);

	for (i = 0; i < core_db_rows(db); i++) {
		body = core_db_value(db, i, BLOG_COL_BODY);
		html = blog_markdown_html(body, strlen(body));
		core_html_appendf(buf, "<entry>\n<title>%s</title>\n"
		    "<id>%s/blog/%lld</id>\n"
		    "<link rel=\"alternate\" type=\"text/html\" "
		    "href=\"%s/blog/%lld-%s\"/>\n"
		    "<published>%s</published>\n<updated>%s</updated>\n"
		    "<author><name>%s</name><uri>%s/blog/u/%U</uri></author>\n",
		    core_db_value(db, i, BLOG_COL_TITLE),
		    site, (long long)core_db_int(db, i, BLOG_COL_ID),
		    site, (long long)core_db_int(db, i, BLOG_COL_ID),
		    core_db_value(db, i, BLOG_COL_SLUG),
		    core_db_value(db, i, BLOG_COL_PUBLISHED),
		    core_db_value(db, i, BLOG_COL_UPDATED),
		    core_db_value(db, i, BLOG_COL_AUTHOR), site,
		    core_db_value(db, i, BLOG_COL_AUTHOR));
		tags = core_db_value(db, i, BLOG_COL_TAGS);
		while (*(tags += strspn(tags, " ")) != '\0') {
			n = strcspn(tags, " ");
			if (n < sizeof(tag)) {
				memcpy(tag, tags, n);
				tag[n] = '\0';
				core_html_appendf(buf, "<category term=\"%s\"/>\n",
				    tag);
			}
			tags += n;
		}
		core_html_appendf(buf, "<content type=\"html\">%s</content>\n"
		    "</entry>\n", html != NULL ? html : "");
		free(html);
	}
	core_html_appendf(buf, "</feed>\n");
}

/* https://jsonfeed.org/version/1.1 */
static json_t *
feed_json(struct core_db *db, struct feed *f)
{
	struct kore_buf	 url;
	json_t		*feed, *items, *item;
	const char	*site, *body, *author;
	struct blog_lead lead;
	char		*html, *excerpt, *u;
	long long	 id;
	int		 i, more;

	site = core_cfg.site_url;
	kore_buf_init(&url, 256);
	items = json_array();
	for (i = 0; i < core_db_rows(db); i++) {
		id = (long long)core_db_int(db, i, BLOG_COL_ID);
		author = core_db_value(db, i, BLOG_COL_AUTHOR);
		body = core_db_value(db, i, BLOG_COL_BODY);
		html = blog_markdown_html(body, strlen(body));
		excerpt = blog_excerpt(db, i, &more, &lead);

		kore_buf_reset(&url);
		kore_buf_appendf(&url, "%s/blog/%lld-%s", site, id,
		    core_db_value(db, i, BLOG_COL_SLUG));
		u = kore_buf_stringify(&url, NULL);
		item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
		    "id", u, "url", u,
		    "title", core_db_value(db, i, BLOG_COL_TITLE),
		    "content_html", html != NULL ? html : "",
		    "summary", excerpt != NULL ? excerpt : "",
		    "date_published", core_db_value(db, i, BLOG_COL_PUBLISHED),
		    "date_modified", core_db_value(db, i, BLOG_COL_UPDATED),
		    "tags", blog_tags_json(core_db_value(db, i,
		    BLOG_COL_TAGS)));
		free(html);
		free(excerpt);
		if (item == NULL)
			continue;
		kore_buf_reset(&url);
		core_html_appendf(&url, "%R/blog/u/%U", site, author);
		json_object_set_new(item, "authors", json_pack("[{s:s, s:s}]",
		    "name", author, "url", kore_buf_stringify(&url, NULL)));
		if (lead.sha[0] != '\0') {
			kore_buf_reset(&url);
			kore_buf_appendf(&url, "%s/media/display/%s.jpg", site,
			    lead.sha);
			json_object_set_new(item, "image",
			    json_string(kore_buf_stringify(&url, NULL)));
		}
		json_array_append_new(items, item);
	}

	feed = json_pack("{s:s, s:s, s:s+, s:s+, s:s, s:o}",
	    "version", "https://jsonfeed.org/version/1.1",
	    "title", f->title,
	    "home_page_url", site, f->home,
	    "feed_url", site, f->self,
	    "language", "en",
	    "items", items);
	kore_buf_cleanup(&url);

	return (feed != NULL ? feed : json_object());
}
