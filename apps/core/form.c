/*
 * HTML form input (application/x-www-form-urlencoded).
 *
 * Kore 4.1.0's own form parser drops any value holding a control
 * character once decoded, newlines included, so a <textarea> with two
 * lines would arrive empty.  Form bodies are therefore parsed here: tabs
 * and newlines are kept (CR LF becomes LF), other control characters and
 * invalid UTF-8 make the field absent, and handlers check what each field
 * means.  Query strings still go through Kore's `params qs:get` blocks.
 */

#include <string.h>
#include <strings.h>

#include "core/core.h"

#define FORM_BODY_MAX		(1024 * 1024)
#define FORM_FIELDS_MAX		64

struct core_form {
	int		 n;
	char		*name[FORM_FIELDS_MAX];
	char		*value[FORM_FIELDS_MAX];
	char		*data;
};

static void	form_free(void *);
static void	form_parse(struct core_form *, char *);

/*
 * Parse the urlencoded or multipart body of a POST once per request
 * (other bodies are left for their own readers).  Answers nothing:
 * returns 0, or -1 for a body over 1 MiB (core_form_load answers 413).
 */
int
core_form_read(struct http_request *req, struct core_ctx *ctx)
{
	struct core_form	*form;
	struct kore_buf		 buf;
	const char		*ct;
	char			 chunk[4096];
	ssize_t			 n;

	if (ctx->form_loaded)
		return (0);
	ctx->form_loaded = 1;

	if (req->method != HTTP_METHOD_POST ||
	    !http_request_header(req, "content-type", &ct))
		return (0);

	/* Files and the fields its route declares, Kore's way. */
	if (!strncasecmp(ct, "multipart/form-data", 19)) {
		http_populate_multipart_form(req);
		return (0);
	}

	if (strncasecmp(ct, "application/x-www-form-urlencoded", 33))
		return (0);

	if (req->content_length > FORM_BODY_MAX)
		return (-1);

	kore_buf_init(&buf, 1024);
	for (;;) {
		if ((n = http_body_read(req, chunk, sizeof(chunk))) <= 0)
			break;
		if (buf.offset + n > FORM_BODY_MAX) {
			kore_buf_cleanup(&buf);
			return (-1);
		}
		kore_buf_append(&buf, chunk, n);
	}

	form = kore_calloc(1, sizeof(*form));
	form->data = kore_buf_stringify(&buf, NULL);	/* owned by form */
	form_parse(form, form->data);
	ctx->form = form;
	ctx->form_free = form_free;

	return (0);
}

/*
 * A field's value: from the POST form when one was loaded, otherwise from
 * the query string (declared in a `params qs:get` block).  NULL if absent.
 */
const char *
core_form_get(struct http_request *req, const char *name)
{
	struct core_ctx		*ctx;
	struct core_form	*form;
	char			*v;
	int			 i;

	ctx = http_state_get(req);
	if (ctx != NULL && (form = ctx->form) != NULL) {
		for (i = 0; i < form->n; i++) {
			if (!strcmp(form->name[i], name))
				return (form->value[i]);
		}
		return (NULL);
	}

	if (!http_argument_get_string(req, name, &v))
		return (NULL);

	return (v);
}

/* The `i`th value of repeated field `name` (checkbox lists), or NULL. */
const char *
core_form_get_nth(struct http_request *req, const char *name, int nth)
{
	struct core_ctx		*ctx;
	struct core_form	*form;
	int			 i;

	if ((ctx = http_state_get(req)) == NULL || (form = ctx->form) == NULL)
		return (NULL);

	for (i = 0; i < form->n; i++) {
		if (strcmp(form->name[i], name))
			continue;
		if (nth-- == 0)
			return (form->value[i]);
	}

	return (NULL);
}

static void
form_parse(struct core_form *form, char *data)
{
	form->n = core_form_split(data, form->name, form->value,
	    FORM_FIELDS_MAX);
}

static void
form_free(void *arg)
{
	struct core_form	*form = arg;

	kore_free(form->data);
	kore_free(form);
}
