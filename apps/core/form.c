/*
 * HTML form input.  Kore's `params` blocks in each app's routes.conf
 * declare which fields a route takes and run the first validator
 * (v_text: bounded, valid UTF-8); handlers re-check the meaning.
 */

#include <string.h>

#include "core/core.h"

/* Parse the urlencoded body once per request. */
void
core_form_load(struct http_request *req, struct core_ctx *ctx)
{
	if (ctx->form_loaded)
		return;

	ctx->form_loaded = 1;
	if (req->method == HTTP_METHOD_POST)
		http_populate_post(req);
}

/* A declared, valid field's value, or NULL. */
const char *
core_form_get(struct http_request *req, const char *name)
{
	char		*v;

	if (!http_argument_get_string(req, name, &v))
		return (NULL);

	return (v);
}

/*
 * Validator for free text fields: at most 16 KiB of valid UTF-8.
 * Anything else is dropped by Kore and treated as missing.
 */
int
v_text(struct http_request *req, char *data)
{
	size_t		len;

	len = strlen(data);
	if (len > 16 * 1024)
		return (KORE_RESULT_ERROR);

	return (core_utf8_valid(data, len) ? KORE_RESULT_OK :
	    KORE_RESULT_ERROR);
}

/* Validator for long text (post bodies): at most 512 KiB of valid UTF-8. */
int
v_longtext(struct http_request *req, char *data)
{
	size_t		len;

	len = strlen(data);
	if (len > 512 * 1024)
		return (KORE_RESULT_ERROR);

	return (core_utf8_valid(data, len) ? KORE_RESULT_OK :
	    KORE_RESULT_ERROR);
}
