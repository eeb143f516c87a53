/*
 * Kore's multipart/form-data parser (http_populate_multipart_form, from
 * the source the kore package ships) as form.c and media.c use it: the
 * fields photos' upload declares, each checked by v_text, and every file
 * read back through http_file_read and probed as media.c does.
 *
 * Input: the boundary, a NUL, then the body.
 */

#include "core/core.h"
#include "image_probe.h"
#include "fuzz.h"

#define BODY_MAX	(256 * 1024)

static struct kore_module_handle	hdlr;
static struct kore_handler_params	params[3];
static struct kore_validator		validator;

static void
fuzz_init(void)
{
	static char		 names[][8] = { "_csrf", "caption", "title" };
	size_t			 i;

	kore_mem_init();
	TAILQ_INIT(&hdlr.params);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		params[i].name = names[i];
		params[i].method = HTTP_METHOD_POST;
		params[i].validator = &validator;
		TAILQ_INSERT_TAIL(&hdlr.params, &params[i], list);
	}
}

static void
read_file(struct http_file *f, size_t body)
{
	static u_int8_t		 probe[CORE_IMAGE_PROBE_BYTES];
	struct core_image	 img;
	ssize_t			 n;
	size_t			 got;

	FUZZ_CHECK(f->position <= body && f->length <= body - f->position,
	    "file at %zu+%zu outside a body of %zu", f->position, f->length,
	    body);
	FUZZ_CHECK(f->name != NULL && f->filename != NULL &&
	    f->filename[0] != '\0', "file without names");

	for (got = 0; got < sizeof(probe); got += n) {
		n = http_file_read(f, probe + got, sizeof(probe) - got);
		FUZZ_CHECK(n >= 0, "http_file_read failed");
		if (n == 0)
			break;
	}
	FUZZ_CHECK(got == (f->length < sizeof(probe) ? f->length :
	    sizeof(probe)), "read %zu of a %zu byte file", got, f->length);
	(void)core_image_probe(probe, got, &img);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int		 ready;
	struct http_request	 req;
	struct http_header	 ct;
	struct http_arg		*q;
	struct http_file	*f;
	struct kore_buf		*body;
	const uint8_t		*nul;
	char			 type[HTTP_BOUNDARY_MAX + 64];
	size_t			 blen;

	if (!ready) {
		fuzz_init();
		ready = 1;
	}
	if ((nul = memchr(data, '\0', len)) == NULL)
		return (0);
	blen = len - (nul + 1 - data);
	if (blen > BODY_MAX || (size_t)(nul - data) > HTTP_BOUNDARY_MAX)
		return (0);
	(void)snprintf(type, sizeof(type), "multipart/form-data; boundary=%.*s",
	    (int)(nul - data), (const char *)data);

	memset(&req, 0, sizeof(req));
	req.method = HTTP_METHOD_POST;
	req.hdlr = &hdlr;
	req.http_body_fd = -1;
	TAILQ_INIT(&req.req_headers);
	TAILQ_INIT(&req.arguments);
	TAILQ_INIT(&req.files);
	ct.header = "content-type";
	ct.value = type;
	TAILQ_INSERT_TAIL(&req.req_headers, &ct, list);

	/* As Kore holds a body it read into memory. */
	body = kore_buf_alloc(blen > 0 ? blen : 1);
	kore_buf_append(body, nul + 1, blen);
	kore_buf_reset(body);
	req.http_body = body;
	req.http_body_length = blen;
	req.content_length = blen;

	http_populate_multipart_form(&req);

	while ((q = TAILQ_FIRST(&req.arguments)) != NULL) {
		TAILQ_REMOVE(&req.arguments, q, list);
		FUZZ_CHECK(strlen(q->s_value) <= blen, "a field longer than "
		    "its body");
		FUZZ_CHECK(v_text(&req, q->s_value) == KORE_RESULT_OK,
		    "a field v_text refuses");
		kore_free(q->name);
		kore_free(q->s_value);
		kore_free(q);
	}
	while ((f = TAILQ_FIRST(&req.files)) != NULL) {
		TAILQ_REMOVE(&req.files, f, list);
		read_file(f, blen);
		kore_free(f->name);
		kore_free(f->filename);
		kore_free(f);
	}
	kore_buf_free(body);

	return (0);
}
