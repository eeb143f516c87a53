/*
 * The API's JSON form of posts and comments.  Each function reads rows
 * of a finished statement and returns a new json_t the caller owns; none
 * of them touches the request, so they can be tested on rows built
 * without a server.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blog/blog.h"

/* Minutes to read `words` at 200 words a minute, at least one. */
int
blog_reading_minutes(int64_t words)
{
	return (words <= 200 ? 1 : (int)((words + 199) / 200));
}

/*
 * The excerpt of row `row` (BLOG_COL_EXCERPT, BLOG_COL_MORE) as plain
 * text, to free() with free(); `*more` says whether the post goes on.
 * With `lead`, the lead picture too: the first of the site's own images
 * in the same start of the text.  NULL when cmark runs out of memory.
 */
char *
blog_excerpt(struct core_db *db, int row, int *more, struct blog_lead *lead)
{
	const char	*md;
	char		*text;

	md = core_db_value(db, row, BLOG_COL_EXCERPT);
	text = blog_markdown_summary(md, strlen(md), BLOG_EXCERPT_MAX, more,
	    lead);
	if (core_db_bool(db, row, BLOG_COL_MORE))
		*more = 1;

	return (text);
}

/* A lead picture as the API shows it, or null. */
json_t *
blog_lead_json(const struct blog_lead *lead)
{
	char		display[96], thumb[96];

	if (lead->sha[0] == '\0')
		return (json_null());
	(void)snprintf(display, sizeof(display), "/media/display/%s.jpg",
	    lead->sha);
	(void)snprintf(thumb, sizeof(thumb), "/media/thumb/%s.jpg", lead->sha);

	return (json_pack("{s:s, s:s, s:s}", "url", display, "thumb_url",
	    thumb, "alt", lead->alt));
}

/* Space-separated tags (BLOG_COL_TAGS) as a JSON array of strings. */
json_t *
blog_tags_json(const char *tags)
{
	json_t		*list;
	size_t		 n;

	list = json_array();
	for (;;) {
		tags += strspn(tags, " ");
		if (*tags == '\0')
			break;
		n = strcspn(tags, " ");
		json_array_append_new(list, json_stringn(tags, n));
		tags += n;
	}

	return (list);
}

/* The API's view of a post; `full` adds the text and its HTML. */
json_t *
blog_post_json(struct core_db *db, int row, int full)
{
	json_t		*o, *edit;
	const char	*body;
	struct blog_lead lead;
	char		*html, *excerpt, url[128];
	int		 more;

	(void)snprintf(url, sizeof(url), "/blog/%lld-%s",
	    (long long)core_db_int(db, row, BLOG_COL_ID),
	    core_db_value(db, row, BLOG_COL_SLUG));

	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I}",
	    "id", (json_int_t)core_db_int(db, row, BLOG_COL_ID),
	    "title", core_db_value(db, row, BLOG_COL_TITLE),
	    "slug", core_db_value(db, row, BLOG_COL_SLUG),
	    "status", core_db_value(db, row, BLOG_COL_STATUS),
	    "created_at", core_db_value(db, row, BLOG_COL_CREATED),
	    "author", core_db_value(db, row, BLOG_COL_AUTHOR),
	    "author_id", (json_int_t)core_db_int(db, row, BLOG_COL_AUTHOR_ID),
	    "url", url,
	    "reading_minutes",
	    blog_reading_minutes(core_db_int(db, row, BLOG_COL_WORDS)),
	    "comment_count",
	    (json_int_t)core_db_int(db, row, BLOG_COL_COMMENTS));
	if (o == NULL)
		return (json_object());

	excerpt = blog_excerpt(db, row, &more, &lead);
	json_object_set_new(o, "excerpt", json_string(excerpt != NULL ?
	    excerpt : ""));
	json_object_set_new(o, "lead_image", blog_lead_json(&lead));
	free(excerpt);
	json_object_set_new(o, "tags",
	    blog_tags_json(core_db_value(db, row, BLOG_COL_TAGS)));
	json_object_set_new(o, "publish_at",
	    *core_db_value(db, row, BLOG_COL_PUBLISH_AT) == '\0' ? json_null() :
	    json_string(core_db_value(db, row, BLOG_COL_PUBLISH_AT)));
	json_object_set_new(o, "published_at",
	    *core_db_value(db, row, BLOG_COL_PUBLISHED) == '\0' ? json_null() :
	    json_string(core_db_value(db, row, BLOG_COL_PUBLISHED)));
	if (*core_db_value(db, row, BLOG_COL_UPDATED) != '\0')
		json_object_set_new(o, "updated_at",
		    json_string(core_db_value(db, row, BLOG_COL_UPDATED)));
	if (!core_db_isnull(db, row, BLOG_COL_REASON))
		json_object_set_new(o, "reject_reason",
		    json_string(core_db_value(db, row, BLOG_COL_REASON)));

	if (full) {
		body = core_db_value(db, row, BLOG_COL_BODY);
		json_object_set_new(o, "body", json_string(body));
		html = blog_markdown_html(body, strlen(body));
		json_object_set_new(o, "html", json_string(html != NULL ?
		    html : ""));
		free(html);
	}

	/* A single post's load: its edit that is not public yet. */
	if (full && !core_db_isnull(db, row, BLOG_COL_EDIT_ID)) {
		edit = json_pack("{s:I, s:s, s:s, s:s, s:s}",
		    "revision", (json_int_t)core_db_int(db, row,
		    BLOG_COL_EDIT_ID),
		    "status", core_db_value(db, row, BLOG_COL_EDIT_STATUS),
		    "created_at", core_db_value(db, row, BLOG_COL_EDIT_AT),
		    "title", core_db_value(db, row, BLOG_COL_EDIT_TITLE),
		    "body", core_db_value(db, row, BLOG_COL_EDIT_BODY));
		if (edit != NULL && !core_db_isnull(db, row,
		    BLOG_COL_EDIT_REASON))
			json_object_set_new(edit, "reason", json_string(
			    core_db_value(db, row, BLOG_COL_EDIT_REASON)));
		if (edit != NULL) {
			json_object_set_new(edit, "tags", blog_tags_json(
			    core_db_value(db, row, BLOG_COL_EDIT_TAGS)));
			json_object_set_new(o, "edit", edit);
		}
	}
	if (full && core_db_int(db, row, BLOG_COL_REVISIONS) > 0)
		json_object_set_new(o, "revision_count", json_integer(
		    (json_int_t)core_db_int(db, row, BLOG_COL_REVISIONS)));

	return (o);
}

/* Posts (BLOG_SQL_LIST_COLS) as a JSON array, at most `max` of them. */
json_t *
blog_posts_json(struct core_db *db, int max)
{
	json_t		*list;
	int		 i, rows;

	rows = core_db_rows(db);
	list = json_array();
	for (i = 0; i < rows && i < max; i++)
		json_array_append_new(list, blog_post_json(db, i, 0));

	return (list);
}

/* Comment `row` (BLOG_SQL_COMMENT_COLS) of post `post_id`. */
json_t *
blog_comment_json(struct core_db *db, int row, int64_t post_id)
{
	json_t		*o;

	o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:b}",
	    "id", (json_int_t)core_db_int(db, row, BLOG_CCOL_ID),
	    "post_id", (json_int_t)post_id,
	    "author", core_db_value(db, row, BLOG_CCOL_AUTHOR),
	    "body", core_db_value(db, row, BLOG_CCOL_BODY),
	    "created_at", core_db_value(db, row, BLOG_CCOL_CREATED),
	    "hidden", core_db_bool(db, row, BLOG_CCOL_HIDDEN));
	if (o == NULL)
		return (json_object());
	json_object_set_new(o, "parent_id",
	    core_db_isnull(db, row, BLOG_CCOL_PARENT) ? json_null() :
	    json_integer((json_int_t)core_db_int(db, row, BLOG_CCOL_PARENT)));
	json_object_set_new(o, "edited_at",
	    *core_db_value(db, row, BLOG_CCOL_EDITED) == '\0' ? json_null() :
	    json_string(core_db_value(db, row, BLOG_CCOL_EDITED)));

	return (o);
}

/* Every comment of `db` (blog_comments_load) as a JSON array. */
json_t *
blog_comments_json(struct core_db *db, int64_t post_id)
{
	json_t		*list;
	int		 i;

	list = json_array();
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(list, blog_comment_json(db, i, post_id));

	return (list);
}
