/*
 * JSON in and out of the API, through jansson (Kore 4.1.0's own JSON
 * writer does not escape strings).  Sending it: response.c.
 */

#include <string.h>

#include "core/core.h"

static int	body_fail(struct http_request *, int, const char *,
		    const char *);

/* core_json_body_max() with the usual limit, CORE_JSON_BODY_MAX. */
int
core_json_body(struct http_request *req, struct core_ctx *ctx, json_t **out)
{
	return (core_json_body_max(req, ctx, CORE_JSON_BODY_MAX, out));
}

/*
 * Parse the request body as a JSON object into *out (owned by ctx).
 * Returns CORE_OK, or CORE_DONE after answering 415 (not JSON), 413 (over
 * `max` bytes) or 400 (malformed, or not an object).
 */
int
core_json_body_max(struct http_request *req, struct core_ctx *ctx, size_t max,
    json_t **out)
{
	struct kore_buf		 buf;
	json_error_t		 err;
	const char		*ct;
	char			 chunk[4096];
	ssize_t			 n;

	if (ctx->body != NULL) {
		*out = ctx->body;
		return (CORE_OK);
	}

	if (!http_request_header(req, "content-type", &ct) ||
	    strncasecmp(ct, "application/json", 16) ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
		return (body_fail(req, 415, "Unsupported media type",
		    "Send the body as application/json."));

	if (req->content_length > max)
		return (body_fail(req, 413, "Body too large",
		    "The JSON body is over this endpoint's size limit."));

	kore_buf_init(&buf, 512);
	for (;;) {
		n = http_body_read(req, chunk, sizeof(chunk));
		if (n == -1) {
			kore_buf_cleanup(&buf);
			return (body_fail(req, 400, "Unreadable body",
			    "The request body could not be read."));
		}
		if (n == 0)
			break;
		if (buf.offset + (size_t)n > max) {
			kore_buf_cleanup(&buf);
			return (body_fail(req, 413, "Body too large",
			    "The JSON body is over this endpoint's size "
			    "limit."));
		}
		kore_buf_append(&buf, chunk, n);
	}

	ctx->body = json_loadb((const char *)buf.data, buf.offset,
	    JSON_REJECT_DUPLICATES, &err);
	kore_buf_cleanup(&buf);

	if (ctx->body == NULL)
		return (body_fail(req, 400, "Malformed JSON", err.text));

	if (!json_is_object(ctx->body)) {
		json_decref(ctx->body);
		ctx->body = NULL;
		return (body_fail(req, 400, "Malformed JSON",
		    "The body must be a JSON object."));
	}

	*out = ctx->body;
	return (CORE_OK);
}

/*
 * `obj` encoded compactly, for callers that keep the text (a cached
 * page).  Takes ownership of `obj` (NULL allowed) and releases it; the
 * text is the caller's to free(), NULL when encoding failed.
 */
char *
core_json_text(json_t *obj)
{
	char		*text;

	if (obj == NULL)
		return (NULL);
	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);

	return (text);
}

/* String member `key` of `obj`, or NULL when absent or not a string. */
const char *
core_json_str(json_t *obj, const char *key)
{
	return (json_string_value(json_object_get(obj, key)));
}

/*
 * The public view of a user from a row whose columns are: id, username,
 * email, role, banned, created_at (ISO 8601).  Columns beyond the result
 * width are left out.
 */
json_t *
core_json_user(struct core_db *db, int row)
{
	json_t		*u;
	int		 nf;

	nf = db->res != NULL ? PQnfields(db->res) : 0;
	u = json_object();
	json_object_set_new(u, "id",
	    json_integer(core_db_int(db, row, CORE_USER_COL_ID)));
	json_object_set_new(u, "username",
	    json_string(core_db_value(db, row, CORE_USER_COL_USERNAME)));
	if (nf > CORE_USER_COL_EMAIL)
		json_object_set_new(u, "email",
		    json_string(core_db_value(db, row, CORE_USER_COL_EMAIL)));
	if (nf > CORE_USER_COL_ROLE)
		json_object_set_new(u, "role",
		    json_string(core_db_value(db, row, CORE_USER_COL_ROLE)));
	if (nf > CORE_USER_COL_BANNED)
		json_object_set_new(u, "banned",
		    json_boolean(core_db_bool(db, row, CORE_USER_COL_BANNED)));
	if (nf > CORE_USER_COL_CREATED_AT)
		json_object_set_new(u, "created_at", json_string(
		    core_db_value(db, row, CORE_USER_COL_CREATED_AT)));

	return (u);
}

static int
body_fail(struct http_request *req, int status, const char *title,
    const char *detail)
{
	return (core_problem(req, status, title, detail, NULL));
}
