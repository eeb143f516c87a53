/*
 * A profile as a page and as JSON.  Everything a person wrote is text:
 * escaped by core_html_appendf's %s, with http(s) addresses in the bio
 * made into links (nofollow, ugc) and nothing else.
 */

#include <stdio.h>
#include <string.h>

#include "people/people.h"

#define LINK_REL	"nofollow ugc noopener"

static void	render_counts(struct kore_buf *, struct people_profile *);
static void	render_posts(struct kore_buf *, struct core_db *, const char *);
static void	render_photos(struct kore_buf *, struct core_db *,
		    const char *);
static void	render_rooms(struct kore_buf *, struct core_ctx *,
		    struct core_db *);
static size_t	link_len(const char *);
static void	render_block_buttons(struct http_request *, struct kore_buf *,
		    struct core_db *, const char *);

/*
 * Mute or Unmute at once; Block through its confirmation page
 * (people_block.c), Unblock at once.
 */
static void
render_block_buttons(struct http_request *req, struct kore_buf *buf,
    struct core_db *u, const char *name)
{
	char		 action[64];

	(void)snprintf(action, sizeof(action), "/u/%s/%s", name,
	    core_db_bool(u, 0, PROFILE_MUTED) ? "unmute" : "mute");
	core_form_button(req, buf, action, "profile-mute",
	    "secondary outline", core_db_bool(u, 0, PROFILE_MUTED) ?
	    "Unmute" : "Mute");
	if (core_db_bool(u, 0, PROFILE_BLOCKED)) {
		(void)snprintf(action, sizeof(action), "/u/%s/unblock", name);
		core_form_button(req, buf, action, "profile-block",
		    "secondary outline", "Unblock");
	} else
		core_html_appendf(buf, "<a href=\"/u/%U/block\" role=\"button\" "
		    "class=\"profile-block secondary outline\">Block</a>", name);
}

/* The profile page's body: who, what they say, what they made. */
void
people_render_profile(struct http_request *req, struct kore_buf *buf,
    struct core_ctx *ctx, struct people_profile *pr)
{
	struct core_db	*u = pr->user;
	const char	*name, *shown, *bio, *site;
	char		 action[64];

	name = core_db_value(u, 0, PROFILE_USERNAME);
	shown = core_db_value(u, 0, PROFILE_DISPLAY_NAME);
	bio = core_db_value(u, 0, PROFILE_BIO);
	site = core_db_value(u, 0, PROFILE_WEBSITE);

	core_html_appendf(buf, "<article class=\"profile\">\n"
	    "<header class=\"profile-head\"><span class=\"avatar-lg\">");
	core_html_avatar_sized(buf, name, shown,
	    core_db_value(u, 0, PROFILE_AVATAR), 1);
	core_html_appendf(buf, "</span><hgroup><h1>%s</h1><p>@%s</p>"
	    "</hgroup>", *shown != '\0' ? shown : name, name);
	if (ctx->user.id != 0 && strcmp(ctx->user.username, name)) {
		/* No conversation with someone one blocked (people_block.c). */
		if (!core_db_bool(u, 0, PROFILE_BLOCKED))
			core_html_appendf(buf, "<a href=\"/chat?dm=%U\" "
			    "role=\"button\" class=\"profile-action\">"
			    "Message</a>", name);
		(void)snprintf(action, sizeof(action), "/u/%s/%s", name,
		    core_db_bool(u, 0, PROFILE_FOLLOWED) ? "unfollow" :
		    "follow");
		core_form_button(req, buf, action, "profile-follow",
		    core_db_bool(u, 0, PROFILE_FOLLOWED) ? "secondary outline" :
		    NULL, core_db_bool(u, 0, PROFILE_FOLLOWED) ? "Unfollow" :
		    "Follow");
		render_block_buttons(req, buf, u, name);
	} else if (ctx->user.id == 0)
		core_html_appendf(buf, "<a href=\"/login?next=/u/%U\" "
		    "role=\"button\" class=\"profile-action secondary\">Log in "
		    "to message</a>", name);
	else
		core_html_appendf(buf, "<a href=\"/settings\" role=\"button\" "
		    "class=\"profile-action secondary\">Edit profile</a>");
	core_html_appendf(buf, "</header>\n");

	if (*bio != '\0') {
		core_html_appendf(buf, "<p class=\"bio\">");
		people_html_text_links(buf, bio);
		core_html_appendf(buf, "</p>\n");
	}
	core_html_appendf(buf, "<p class=\"meta\">");
	if (*site != '\0')
		core_html_appendf(buf, "<a href=\"%s\" rel=\"" LINK_REL "\" "
		    "class=\"website\">%s</a> · ", site, site);
	core_html_appendf(buf, "Joined %T</p>\n",
	    core_db_value(u, 0, PROFILE_CREATED_AT));
	render_counts(buf, pr);
	core_html_appendf(buf, "</article>\n");

	render_posts(buf, pr->posts, name);
	render_photos(buf, pr->photos, name);
	render_rooms(buf, ctx, pr->rooms);
}

static void
render_counts(struct kore_buf *buf, struct people_profile *pr)
{
	long long	posts, photos, rooms, followers, following;
	const char	*name;

	posts = core_db_int(pr->user, 0, PROFILE_POSTS);
	photos = core_db_int(pr->user, 0, PROFILE_PHOTOS);
	rooms = core_db_int(pr->user, 0, PROFILE_ROOMS);
	followers = core_db_int(pr->user, 0, PROFILE_FOLLOWERS);
	following = core_db_int(pr->user, 0, PROFILE_FOLLOWING);
	name = core_db_value(pr->user, 0, PROFILE_USERNAME);
	core_html_appendf(buf, "<ul class=\"profile-counts\">"
	    "<li><a href=\"#posts\"><strong>%lld</strong> post%s</a></li>"
	    "<li><a href=\"#photos\"><strong>%lld</strong> photo%s</a></li>"
	    "<li><a href=\"#rooms\"><strong>%lld</strong> room%s</a></li>"
	    "<li><a href=\"/u/%U/followers\" class=\"followers\"><strong>"
	    "%lld</strong> follower%s</a></li>"
	    "<li><a href=\"/u/%U/following\" class=\"following\"><strong>"
	    "%lld</strong> following</a></li>"
	    "</ul>\n", posts, posts == 1 ? "" : "s", photos,
	    photos == 1 ? "" : "s", rooms, rooms == 1 ? "" : "s",
	    name, followers, followers == 1 ? "" : "s", name, following);
}

static void
render_posts(struct kore_buf *buf, struct core_db *db, const char *name)
{
	int	i;

	core_html_appendf(buf, "<section id=\"posts\" class=\"profile-part\">"
	    "<h2>Posts</h2>\n");
	if (core_db_rows(db) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">No published posts "
		    "yet. <a href=\"/blog\">Read the blog</a>.</p></section>\n");
		return;
	}
	core_html_appendf(buf, "<ul class=\"profile-posts\">");
	for (i = 0; i < core_db_rows(db); i++)
		core_html_appendf(buf, "<li><a href=\"/blog/%lld-%U\">%s</a> "
		    "<small>%T</small></li>",
		    (long long)core_db_int(db, i, PPOST_ID),
		    core_db_value(db, i, PPOST_SLUG),
		    core_db_value(db, i, PPOST_TITLE),
		    core_db_value(db, i, PPOST_AT));
	core_html_appendf(buf, "</ul><p><a href=\"/blog/u/%U\">All posts by "
	    "%s</a></p></section>\n", name, name);
}

static void
render_photos(struct kore_buf *buf, struct core_db *db, const char *name)
{
	int		 i;

	core_html_appendf(buf, "<section id=\"photos\" class=\"profile-part\">"
	    "<h2>Photos</h2>\n");
	if (core_db_rows(db) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">No photos yet. <a "
		    "href=\"/photos\">See everyone's photos</a>.</p>"
		    "</section>\n");
		return;
	}
	core_html_appendf(buf, "<ul class=\"profile-photos\">");
	for (i = 0; i < core_db_rows(db); i++) {
		core_html_appendf(buf, "<li><a href=\"/photos/%lld\"><img "
		    "src=\"/media/thumb/%s.jpg\" alt=\"%s\" width=\"160\" "
		    "height=\"160\" loading=\"lazy\"></a></li>",
		    (long long)core_db_int(db, i, PPHOTO_ID),
		    core_db_value(db, i, PPHOTO_SHA),
		    core_db_value(db, i, PPHOTO_ALT));
	}
	core_html_appendf(buf, "</ul><p><a href=\"/photos/u/%U\">All photos "
	    "by %s</a></p></section>\n", name, name);
}

static void
render_rooms(struct kore_buf *buf, struct core_ctx *ctx, struct core_db *db)
{
	long long	n;
	int		i;

	core_html_appendf(buf, "<section id=\"rooms\" class=\"profile-part\">"
	    "<h2>Rooms</h2>\n");
	if (core_db_rows(db) == 0) {
		core_html_appendf(buf, "<p class=\"empty\">Not talking in a "
		    "public room yet. <a href=\"/chat\">Open the chat</a>.</p>"
		    "</section>\n");
		return;
	}
	core_html_appendf(buf, "<ul class=\"profile-rooms\">");
	for (i = 0; i < core_db_rows(db); i++) {
		n = core_db_int(db, i, PROOM_MESSAGES);
		core_html_appendf(buf, "<li><a href=\"/chat?room=%lld\">#%s</a> "
		    "<small>%lld message%s · last %T</small></li>",
		    (long long)core_db_int(db, i, PROOM_ID),
		    core_db_value(db, i, PROOM_NAME), n, n == 1 ? "" : "s",
		    core_db_value(db, i, PROOM_LAST));
	}
	core_html_appendf(buf, "</ul>%R</section>\n", ctx->user.id == 0 ?
	    "<p><small>Log in to read the rooms.</small></p>" : "");
}

/*
 * `text` escaped, with each http:// or https:// address in it a link
 * (rel nofollow ugc noopener).  An address ends at a space, a quote or
 * an angle bracket, and gives back trailing punctuation to the text.
 */
void
people_html_text_links(struct kore_buf *buf, const char *text)
{
	struct kore_buf	 part;
	const char	*p, *start;
	size_t		 n;

	kore_buf_init(&part, 256);
	p = start = text;
	while (*p != '\0') {
		if ((strncasecmp(p, "https://", 8) && strncasecmp(p, "http://",
		    7)) || (n = link_len(p)) == 0) {
			p++;
			continue;
		}
		kore_buf_reset(&part);
		kore_buf_append(&part, start, p - start);
		kore_buf_stringify(&part, NULL);
		core_html_appendf(buf, "%s", (const char *)part.data);
		kore_buf_reset(&part);
		kore_buf_append(&part, p, n);
		kore_buf_stringify(&part, NULL);
		core_html_appendf(buf, "<a href=\"%s\" rel=\"" LINK_REL "\">%s"
		    "</a>", (const char *)part.data, (const char *)part.data);
		p += n;
		start = p;
	}
	core_html_appendf(buf, "%s", start);
	kore_buf_cleanup(&part);
}

/* The length of the address at `p`, 0 when it has no host. */
static size_t
link_len(const char *p)
{
	size_t	n, scheme;

	scheme = !strncasecmp(p, "https://", 8) ? 8 : 7;
	for (n = scheme; p[n] != '\0'; n++) {
		if ((unsigned char)p[n] <= ' ' || strchr("\"'<>`\\", p[n]))
			break;
	}
	while (n > scheme && strchr(".,;:!?)]", p[n - 1]) != NULL)
		n--;
	return (n > scheme ? n : 0);
}

/* The profile as the API gives it. */
json_t *
people_json_profile(struct people_profile *pr)
{
	struct core_db	*u = pr->user, *db;
	const char	*name;
	json_t		*posts, *photos, *rooms;
	char		 url[128];
	int		 i;

	name = core_db_value(u, 0, PROFILE_USERNAME);
	posts = json_array();
	db = pr->posts;
	for (i = 0; i < core_db_rows(db); i++) {
		(void)snprintf(url, sizeof(url), "/blog/%lld-%s",
		    (long long)core_db_int(db, i, PPOST_ID),
		    core_db_value(db, i, PPOST_SLUG));
		json_array_append_new(posts, json_pack("{s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)core_db_int(db, i, PPOST_ID),
		    "title", core_db_value(db, i, PPOST_TITLE),
		    "url", url,
		    "published_at", core_db_value(db, i, PPOST_AT)));
	}
	photos = json_array();
	db = pr->photos;
	for (i = 0; i < core_db_rows(db); i++) {
		(void)snprintf(url, sizeof(url), "/media/thumb/%s.jpg",
		    core_db_value(db, i, PPHOTO_SHA));
		json_array_append_new(photos, json_pack("{s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)core_db_int(db, i, PPHOTO_ID),
		    "caption", core_db_value(db, i, PPHOTO_CAPTION),
		    "alt", core_db_value(db, i, PPHOTO_ALT),
		    "thumb_url", url));
	}
	rooms = json_array();
	db = pr->rooms;
	for (i = 0; i < core_db_rows(db); i++)
		json_array_append_new(rooms, json_pack("{s:I, s:s, s:I, s:s}",
		    "id", (json_int_t)core_db_int(db, i, PROOM_ID),
		    "name", core_db_value(db, i, PROOM_NAME),
		    "messages", (json_int_t)core_db_int(db, i, PROOM_MESSAGES),
		    "last_message_at", core_db_value(db, i, PROOM_LAST)));

	(void)snprintf(url, sizeof(url), "/u/%s", name);
	return (json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, "
	    "s:{s:I, s:I, s:I, s:I, s:I}, s:b, s:b, s:b, s:o, s:o, s:o}",
	    "id", (json_int_t)core_db_int(u, 0, PROFILE_ID),
	    "username", name,
	    "display_name", core_db_value(u, 0, PROFILE_DISPLAY_NAME),
	    "bio", core_db_value(u, 0, PROFILE_BIO),
	    "website", core_db_value(u, 0, PROFILE_WEBSITE),
	    "created_at", core_db_value(u, 0, PROFILE_CREATED_AT),
	    "profile_url", url,
	    "avatar", people_json_avatar(core_db_value(u, 0, PROFILE_AVATAR)),
	    "counts",
	    "posts", (json_int_t)core_db_int(u, 0, PROFILE_POSTS),
	    "photos", (json_int_t)core_db_int(u, 0, PROFILE_PHOTOS),
	    "rooms", (json_int_t)core_db_int(u, 0, PROFILE_ROOMS),
	    "followers", (json_int_t)core_db_int(u, 0, PROFILE_FOLLOWERS),
	    "following", (json_int_t)core_db_int(u, 0, PROFILE_FOLLOWING),
	    "followed", (int)core_db_bool(u, 0, PROFILE_FOLLOWED),
	    "blocked", (int)core_db_bool(u, 0, PROFILE_BLOCKED),
	    "muted", (int)core_db_bool(u, 0, PROFILE_MUTED),
	    "posts", posts, "photos", photos, "rooms", rooms));
}

/* The user's own fields (people_me_col), as the API gives them. */
json_t *
people_json_me(struct core_db *db)
{
	json_t		*o;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}",
	    "username", core_db_value(db, 0, ME_USERNAME),
	    "email", core_db_value(db, 0, ME_EMAIL),
	    "display_name", core_db_value(db, 0, ME_DISPLAY_NAME),
	    "bio", core_db_value(db, 0, ME_BIO),
	    "website", core_db_value(db, 0, ME_WEBSITE),
	    "avatar", people_json_avatar(core_db_value(db, 0, ME_AVATAR)));
	if (o != NULL)
		json_object_set_new(o, "avatar_processing", json_boolean(
		    core_db_bool(db, 0, ME_AVATAR_SET) &&
		    *core_db_value(db, 0, ME_AVATAR) == '\0'));
	return (o);
}

/*
 * An uploaded avatar (sha256, or "" for none) as the API gives it:
 * {"small_url", "large_url"}, or null while there is none to show.
 */
json_t *
people_json_avatar(const char *sha)
{
	char		small[128], large[128];

	core_avatar_url(sha, 0, small, sizeof(small));
	core_avatar_url(sha, 1, large, sizeof(large));
	if (*small == '\0')
		return (json_null());
	return (json_pack("{s:s, s:s}", "small_url", small, "large_url",
	    large));
}
