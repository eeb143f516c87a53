/*
 * Albums: a post of up to 10 pictures under one caption.  Reading the
 * upload's caption and alt texts, saying which files were refused, and
 * drawing an album: a carousel (CSS scroll-snap, with previous and next
 * buttons and the arrow keys from /static/photos.js) on the photo page
 * and in the viewer, "1/5" on a grid's tile, and its pictures in JSON.
 */

#include <stdio.h>
#include <string.h>

#include "photos/photos.h"

static void	alt_name(char *, size_t, int);
static void	slide_img(struct kore_buf *, const char *, const char *,
		    const char *, long long, long long, const char *);

/* The upload's batch of files, kept across the request's retries. */
struct core_media_batch *
photos_batch(struct core_ctx *ctx)
{
	if (ctx->app == NULL) {
		ctx->app = kore_calloc(1, sizeof(struct core_media_batch));
		ctx->app_free = kore_free;
	}

	return (ctx->app);
}

/* The field of photo `i`'s alt text: alt_text, alt_text_2, … */
static void
alt_name(char *out, size_t len, int i)
{
	if (i == 0)
		(void)snprintf(out, len, "alt_text");
	else
		(void)snprintf(out, len, "alt_text_%d", i + 1);
}

/*
 * The upload's caption and alt texts into `in`, checked: in->errors is
 * NULL, or an object by field (caption, alt_text, alt_text_2, …, alt).
 * Photo i's alt text is field alt_text (the first) or alt_text_{i+1};
 * the API may instead send one `alt` part per file, in the files'
 * order, which must then be as many as the files.  The caller frees
 * in->errors.
 */
void
photos_new_read(struct http_request *req, struct photos_new_in *in)
{
	struct http_arg		*q;
	struct http_file	*f;
	json_t			*e;
	char			 name[32];
	int			 i, files, alts;

	memset(in, 0, sizeof(*in));
	in->caption = core_form_get(req, "caption");
	for (i = 0; i < PHOTOS_ALBUM_MAX; i++) {
		alt_name(name, sizeof(name), i);
		in->alt[i] = core_form_get(req, name);
	}
	in->alts = PHOTOS_ALBUM_MAX;

	if (photos_caption_check(in->caption, &in->errors) == -1)
		return;

	alts = 0;
	TAILQ_FOREACH(q, &req->arguments, list) {
		if (strcmp(q->name, "alt"))
			continue;
		if (alts < PHOTOS_ALBUM_MAX)
			in->alt[alts] = q->s_value;
		alts++;
	}
	if (alts > 0) {
		files = 0;
		TAILQ_FOREACH(f, &req->files, list) {
			if (!strcmp(f->name, "file"))
				files++;
		}
		if (alts != files) {
			in->errors = json_pack("{s:s}", "alt", "Send one alt "
			    "part for each file part, in the same order.");
			return;
		}
	}

	for (i = 0; i < PHOTOS_ALBUM_MAX; i++) {
		if (photos_alt_check(in->alt[i], &e) == 0)
			continue;
		alt_name(name, sizeof(name), i);
		in->errors = json_object();
		json_object_set(in->errors, name,
		    json_object_get(e, "alt_text"));
		json_decref(e);
		return;
	}
}

/* The files of `b` that were refused, as JSON: [{file, name, reason}]. */
json_t *
photos_refused_json(struct core_media_batch *b)
{
	json_t		*list;
	int		 i;

	list = json_array();
	for (i = 0; i < b->count; i++) {
		if (b->item[i].status == 0)
			continue;
		json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:i}",
		    "file", i + 1, "name", b->item[i].name,
		    "reason", b->item[i].why, "status", b->item[i].status));
	}

	return (list);
}

/* Which files of `b` were refused and why, as a list. */
void
photos_render_refused(struct kore_buf *buf, struct core_media_batch *b)
{
	int		i;

	for (i = 0; i < b->count; i++) {
		if (b->item[i].status == 0)
			continue;
		core_html_appendf(buf, "<li>Photo %d", i + 1);
		if (b->item[i].name[0] != '\0')
			core_html_appendf(buf, " (%s)", b->item[i].name);
		core_html_appendf(buf, ": %s</li>", b->item[i].why);
	}
}

/* The same as plain text (escaped where it is written out). */
void
photos_refused_text(struct kore_buf *buf, struct core_media_batch *b)
{
	int		i;

	for (i = 0; i < b->count; i++) {
		if (b->item[i].status == 0)
			continue;
		kore_buf_appendf(buf, " Photo %d", i + 1);
		if (b->item[i].name[0] != '\0')
			kore_buf_appendf(buf, " (%s)", b->item[i].name);
		kore_buf_appendf(buf, ": %s", b->item[i].why);
	}
}

/* How many pictures photo row `row` of `db` shows: 1 for a single one. */
static int
album_size(struct core_db *db, int row, json_t **items)
{
	*items = json_loads(core_db_value(db, row, PH_COL_ITEMS), 0, NULL);
	if (!json_is_array(*items)) {
		json_decref(*items);
		*items = json_array();
	}

	return (1 + (int)json_array_size(*items));
}

/* A tile's "1/5" for an album (nothing for a single photo). */
void
photos_render_tile_count(struct kore_buf *buf, struct core_db *db, int row)
{
	json_t		*items;
	int		 n;

	n = album_size(db, row, &items);
	json_decref(items);
	if (n > 1)
		core_html_appendf(buf, "<span class=\"tile-count\"><span "
		    "aria-hidden=\"true\">1/%d</span><span class=\""
		    "visually-hidden\">, an album of %d photos</span></span>",
		    n, n);
}

/* One picture of an album: its image, or why it is not there yet. */
static void
slide_img(struct kore_buf *buf, const char *status, const char *sha,
    const char *alt, long long w, long long h, const char *reason)
{
	if (!strcmp(status, "ready"))
		core_html_appendf(buf, "<img src=\"/media/display/%s.jpg\" "
		    "alt=\"%s\" width=\"%lld\" height=\"%lld\" "
		    "draggable=\"false\">", sha, alt, w, h);
	else if (!strcmp(status, "processing"))
		core_html_appendf(buf, "<p class=\"photo-status\">Processing: "
		    "the photo appears here in a moment.</p>");
	else
		core_html_appendf(buf, "<p class=\"photo-status\">This photo "
		    "could not be processed: %s</p>", reason);
}

/*
 * Photo row 0 of `db` as an album's carousel, when it is one: returns 0
 * (and writes nothing) for a single photo.  `status` is the post's
 * (photos_status); `boxes` draws the detector's boxes over the first
 * picture (the photo page).
 */
int
photos_render_album(struct kore_buf *buf, struct core_db *db,
    const char *status, int boxes)
{
	json_t		*items, *it;
	size_t		 k;
	long long	 id;
	int		 n;

	if ((n = album_size(db, 0, &items)) == 1 || strcmp(status, "ready")) {
		json_decref(items);
		return (n == 1 ? 0 : -1);
	}
	id = core_db_int(db, 0, PH_COL_ID);
	core_html_appendf(buf, "<section class=\"album\" data-album=\"%d\" "
	    "aria-roledescription=\"carousel\" aria-label=\"Album of %d "
	    "photos\">\n<div class=\"album-track\" tabindex=\"0\" "
	    "aria-label=\"The album's photos: scroll sideways, or use the "
	    "arrow keys\">", n, n);
	core_html_appendf(buf, "<figure class=\"album-slide\" id=\"a%lld-1\" "
	    "role=\"group\" aria-roledescription=\"slide\" aria-label=\"1 of "
	    "%d\"><div class=\"photo-frame\">", id, n);
	slide_img(buf, "ready", core_db_value(db, 0, PH_COL_SHA),
	    core_db_value(db, 0, PH_COL_ALT),
	    (long long)core_db_int(db, 0, PH_COL_WIDTH),
	    (long long)core_db_int(db, 0, PH_COL_HEIGHT), "");
	if (boxes)
		photos_render_boxes(buf, db);
	core_html_appendf(buf, "</div></figure>");
	json_array_foreach(items, k, it) {
		core_html_appendf(buf, "<figure class=\"album-slide\" "
		    "id=\"a%lld-%d\" role=\"group\" aria-roledescription="
		    "\"slide\" aria-label=\"%d of %d\"><div class=\""
		    "photo-frame\">", id, (int)k + 2, (int)k + 2, n);
		slide_img(buf, json_string_value(json_object_get(it, "status")),
		    json_string_value(json_object_get(it, "sha256")),
		    json_string_value(json_object_get(it, "alt")),
		    (long long)json_integer_value(json_object_get(it, "width")),
		    (long long)json_integer_value(json_object_get(it,
		    "height")),
		    json_string_value(json_object_get(it, "reason")));
		core_html_appendf(buf, "</div></figure>");
	}
	json_decref(items);
	core_html_appendf(buf, "</div>\n<div class=\"album-nav\">"
	    "<button type=\"button\" class=\"album-prev secondary\" "
	    "aria-label=\"Previous photo of the album\" hidden>"
	    "<span aria-hidden=\"true\">‹</span></button>"
	    "<p class=\"album-pos\" aria-live=\"polite\"><span class=\""
	    "album-i\">1</span>/%d</p>"
	    "<button type=\"button\" class=\"album-next secondary\" "
	    "aria-label=\"Next photo of the album\" hidden>"
	    "<span aria-hidden=\"true\">›</span></button></div>\n"
	    "</section>\n", n);

	return (1);
}

/*
 * The post's pictures into `o` as "items" (the first one too, position
 * 0), each with its status, alt text and URLs once ready, and
 * "album_size"; `owner_view` adds why one failed.
 */
void
photos_items_json(json_t *o, struct core_db *db, int row, int owner_view)
{
	json_t		*items, *it, *list, *x, *urls;
	const char	*status, *sha;
	char		 url[128];
	size_t		 k;
	int		 n;

	n = album_size(db, row, &items);
	list = json_array();
	status = photos_status(db, row);
	sha = core_db_value(db, row, PH_COL_SHA);
	x = json_pack("{s:i, s:I, s:s, s:s, s:s}", "position", 0,
	    "media_id", (json_int_t)core_db_int(db, row, PH_COL_MEDIA_ID),
	    "status", status,
	    "alt_text", core_db_value(db, row, PH_COL_ALT_TEXT),
	    "alt", core_db_value(db, row, PH_COL_ALT));
	if (!strcmp(status, "ready")) {
		urls = json_object();
		(void)snprintf(url, sizeof(url), "/media/thumb/%s.jpg", sha);
		json_object_set_new(urls, "thumb", json_string(url));
		(void)snprintf(url, sizeof(url), "/media/display/%s.jpg", sha);
		json_object_set_new(urls, "display", json_string(url));
		json_object_set_new(x, "urls", urls);
		json_object_set_new(x, "width", json_integer(core_db_int(db,
		    row, PH_COL_WIDTH)));
		json_object_set_new(x, "height", json_integer(core_db_int(db,
		    row, PH_COL_HEIGHT)));
	} else
		json_object_set_new(x, "urls", json_null());
	json_array_append_new(list, x);

	json_array_foreach(items, k, it) {
		x = json_deep_copy(it);
		sha = json_string_value(json_object_get(it, "sha256"));
		status = json_string_value(json_object_get(it, "status"));
		json_object_del(x, "sha256");
		if (!owner_view || status == NULL || strcmp(status, "failed"))
			json_object_del(x, "reason");
		/* A hidden post hides every picture of it. */
		if (!strcmp(photos_status(db, row), "hidden"))
			json_object_set_new(x, "status", json_string("hidden"));
		if (status != NULL && sha != NULL && !strcmp(status, "ready") &&
		    strcmp(photos_status(db, row), "hidden")) {
			urls = json_object();
			(void)snprintf(url, sizeof(url),
			    "/media/thumb/%s.jpg", sha);
			json_object_set_new(urls, "thumb", json_string(url));
			(void)snprintf(url, sizeof(url),
			    "/media/display/%s.jpg", sha);
			json_object_set_new(urls, "display", json_string(url));
			json_object_set_new(x, "urls", urls);
		} else {
			json_object_set_new(x, "urls", json_null());
			json_object_del(x, "width");
			json_object_del(x, "height");
		}
		json_array_append_new(list, x);
	}
	json_decref(items);
	json_object_set_new(o, "items", list);
	json_object_set_new(o, "album_size", json_integer(n));
}

/*
 * The alt text fields of photos 2 to 10 of the upload form (the first
 * is photos_render_alt_field's), values of `in` kept, an error beside
 * its field.  Without scripts they wait in a <details>; photos.js
 * shows the chosen files' previews in their fields and hides the rest.
 */
void
photos_render_new_alts(struct kore_buf *buf, const struct photos_new_in *in)
{
	const char	*msg, *v;
	char		 name[32];
	int		 i, open;

	open = 0;
	for (i = 1; i < PHOTOS_ALBUM_MAX; i++) {
		alt_name(name, sizeof(name), i);
		if ((in->alt[i] != NULL && in->alt[i][0] != '\0') ||
		    json_object_get(in->errors, name) != NULL)
			open = 1;
	}
	core_html_appendf(buf, "<details class=\"album-alts\"%R><summary>Alt text of photos 2 to "
	    "%d (choose several files for an album)</summary>",
	    open ? " open" : "", PHOTOS_ALBUM_MAX);
	for (i = 1; i < PHOTOS_ALBUM_MAX; i++) {
		alt_name(name, sizeof(name), i);
		msg = json_string_value(json_object_get(in->errors, name));
		v = in->alt[i] != NULL ? in->alt[i] : "";
		core_html_appendf(buf, "<div class=\"alt-slot\" "
		    "data-slot=\"%d\"><label for=\"photo-alt-%d\">Alt text of "
		    "photo %d</label><input id=\"photo-alt-%d\" name=\"%s\" "
		    "maxlength=\"500\" value=\"%s\" aria-describedby=\"%s-error"
		    "\"%R><small class=\"field-error\" id=\"%s-error\"%R>%s"
		    "</small></div>", i + 1, i + 1, i + 1, i + 1, name, v, name,
		    msg != NULL ? " aria-invalid=\"true\"" : "", name,
		    msg != NULL ? "" : " hidden", msg != NULL ? msg : "");
	}
	core_html_appendf(buf, "</details>");
}

/*
 * The owner's edit form's alt texts of pictures 2 to 10 of photo row 0
 * of `db` (alt_text_2, …): position -> text of those sent, checked;
 * *errors (NULL, or an object by field) says which were refused.
 */
json_t *
photos_edit_items_read(struct http_request *req, struct core_db *db,
    json_t **errors)
{
	json_t		*items, *item, *alts, *err;
	const char	*v;
	char		 name[32], pos[8];
	size_t		 i;
	json_int_t	 at;

	*errors = NULL;
	alts = json_object();
	(void)album_size(db, 0, &items);
	json_array_foreach(items, i, item) {
		at = json_integer_value(json_object_get(item, "position"));
		alt_name(name, sizeof(name), (int)at);
		if ((v = core_form_get(req, name)) == NULL)
			continue;
		(void)snprintf(pos, sizeof(pos), "%lld", (long long)at);
		json_object_set_new(alts, pos, json_string(v));
		if (photos_alt_check(v, &err) == -1) {
			if (*errors == NULL)
				*errors = json_object();
			json_object_set(*errors, name,
			    json_object_get(err, "alt_text"));
			json_decref(err);
		}
	}
	json_decref(items);

	return (alts);
}

/*
 * The API's "items": [{"position": N, "alt_text": "…"}, …], numbered as
 * the photo's "items" are (0 the first picture, whose text goes into
 * *first), the others as position -> text into *alts, each checked.
 * 0, or -1 with *errors (for a 422) or, for a shape that is not this,
 * *errors NULL (a 400).
 */
int
photos_edit_items_json(json_t *list, const char **first, json_t **alts,
    json_t **errors)
{
	json_t		*item, *at, *alt;
	size_t		 i;
	char		 pos[8];

	*errors = NULL;
	*alts = json_object();
	if (!json_is_array(list) || json_array_size(list) > PHOTOS_ALBUM_MAX)
		goto bad;
	json_array_foreach(list, i, item) {
		at = json_object_get(item, "position");
		alt = json_object_get(item, "alt_text");
		if (!json_is_integer(at) || !json_is_string(alt) ||
		    json_integer_value(at) < 0 ||
		    json_integer_value(at) >= PHOTOS_ALBUM_MAX)
			goto bad;
		if (photos_alt_check(json_string_value(alt), errors) == -1) {
			json_decref(*alts);
			*alts = NULL;
			return (-1);
		}
		if (json_integer_value(at) == 0) {
			*first = json_string_value(alt);
			continue;
		}
		(void)snprintf(pos, sizeof(pos), "%lld",
		    (long long)json_integer_value(at));
		json_object_set(*alts, pos, alt);
	}

	return (0);
bad:
	json_decref(*alts);
	*alts = NULL;
	return (-1);
}

/*
 * The edit form's fields for pictures 2 to 10 of photo row 0 of `db`:
 * the texts of `alts` (position -> text) when an attempt is shown
 * again, else the pictures' own, an error of `errors` beside its field.
 */
void
photos_render_edit_items(struct kore_buf *buf, struct core_db *db,
    json_t *alts, json_t *errors)
{
	json_t		*items, *item;
	const char	*v, *msg;
	char		 name[32], pos[8];
	size_t		 i;
	json_int_t	 at;

	(void)album_size(db, 0, &items);
	json_array_foreach(items, i, item) {
		at = json_integer_value(json_object_get(item, "position"));
		alt_name(name, sizeof(name), (int)at);
		(void)snprintf(pos, sizeof(pos), "%lld", (long long)at);
		if ((v = json_string_value(json_object_get(alts, pos))) == NULL)
			v = json_string_value(json_object_get(item,
			    "alt_text"));
		msg = json_string_value(json_object_get(errors, name));
		core_html_appendf(buf, "<label for=\"edit-alt-%lld\">Alt text "
		    "of picture %lld</label><input id=\"edit-alt-%lld\" "
		    "name=\"%s\" maxlength=\"500\" value=\"%s\" "
		    "aria-describedby=\"%s-error\"%R><small class=\"field-error"
		    "\" id=\"%s-error\"%R>%s</small>", (long long)at + 1,
		    (long long)at + 1, (long long)at + 1, name,
		    v != NULL ? v : "", name,
		    msg != NULL ? " aria-invalid=\"true\"" : "", name,
		    msg != NULL ? "" : " hidden", msg != NULL ? msg : "");
	}
	json_decref(items);
}
