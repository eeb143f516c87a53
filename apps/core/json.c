/*
 * JSON in and out of the API, through jansson (Kore 4.1.0's own JSON
 * writer does not escape strings), and RFC 9457 problem details.
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
 * Send `obj` (reference stolen) with `status`.  Returns CORE_DONE so
 * handlers can `return (core_yield(core_json_send(...)))`.
 */
int
core_json_send(struct http_request *req, int status, json_t *obj)
{
	char		*text;

	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text == NULL) {
		http_response_header(req, "content-type", "text/plain");
		http_response(req, 500, "internal error\n", 15);
		return (CORE_DONE);
	}

	http_response_header(req, "content-type",
	    "application/json; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, status, text, strlen(text));
	free(text);

	return (CORE_DONE);
}

/*
 * Answer with an application/problem+json document.  `errors` (stolen,
 * may be NULL) maps field names to messages.  Returns CORE_DONE.
 */
int
core_problem(struct http_request *req, int status, const char *title,
    const char *detail, json_t *errors)
{
	json_t		*obj;
	char		*text;

	obj = json_pack("{s:s, s:s, s:i, s:s}",
	    "type", "about:blank", "title", title, "status", status,
	    "detail", detail != NULL ? detail : title);
	if (obj == NULL)
		obj = json_object();
	if (errors != NULL)
		json_object_set_new(obj, "errors", errors);

	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);

	if (status == 401)
		http_response_header(req, "www-authenticate",
		    "Bearer realm=\"agora\"");
	http_response_header(req, "content-type",
	    "application/problem+json; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, status, text, text != NULL ? strlen(text) : 0);
	free(text);

	return (CORE_DONE);
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
/*
 * Send JSON that is already encoded (a cached page): 200, never stored
 * by caches, like core_json_send().  CORE_DONE.
 */
int
core_json_send_raw(struct http_request *req, const void *data, size_t len)
{
	http_response_header(req, "content-type",
	    "application/json; charset=utf-8");
	http_response_header(req, "cache-control", "no-store");
	http_response(req, 200, data, len);

	return (CORE_DONE);
}

/* 400 for a bad query parameter: problem+json naming it, or a page. */
int
core_bad_param(struct http_request *req, const char *field, const char *why)
{
	if (!core_is_api(req))
		return (core_error(req, 400, why));

	return (core_problem(req, 400, "Invalid parameter", why,
	    json_pack("{s:s}", field, why)));
}

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
	json_object_set_new(u, "id", json_integer(core_db_int(db, row, 0)));
	json_object_set_new(u, "username",
	    json_string(core_db_value(db, row, 1)));
	if (nf > 2)
		json_object_set_new(u, "email",
		    json_string(core_db_value(db, row, 2)));
	if (nf > 3)
		json_object_set_new(u, "role",
		    json_string(core_db_value(db, row, 3)));
	if (nf > 4)
		json_object_set_new(u, "banned",
		    json_boolean(!strcmp(core_db_value(db, row, 4), "t")));
	if (nf > 5)
		json_object_set_new(u, "created_at",
		    json_string(core_db_value(db, row, 5)));

	return (u);
}

static int
body_fail(struct http_request *req, int status, const char *title,
    const char *detail)
{
	return (core_problem(req, status, title, detail, NULL));
}
