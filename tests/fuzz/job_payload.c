/*
 * core_job_payload and core_job_prio (lib/job_payload.c): an
 * outbox row (type, queue, args JSON text, request id, times) made into
 * the payload the worker reads, which must read back as exactly that row.
 * Input: 24 bytes of numbers, then type, queue, rid and args separated
 * by NUL bytes.
 */

#include "core/core.h"
#include "job_payload.h"
#include "fuzz.h"

static long long
number(const uint8_t *p)
{
	unsigned long long	v;
	int			i;

	for (v = 0, i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return ((long long)v);
}

static int
utf8(const char *s)
{
	return (core_utf8_valid(s, strlen(s)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzz_fields	 ff;
	json_t			*args, *p;
	json_error_t		 err;
	long long		 row, run_at, created;
	const char		*type, *queue, *rid;
	char			 id[24], want[24], *text;
	int			 prio;

	if (len < 24)
		return (0);
	row = number(data);
	run_at = number(data + 8);
	created = number(data + 16);
	fuzz_split(data + 24, len - 24, 4, &ff);
	type = ff.f[0];
	queue = ff.f[1];
	rid = ff.f[2];

	prio = core_job_prio(queue);
	FUZZ_CHECK(prio == (!strcmp(queue, "critical") ? 0 :
	    !strcmp(queue, "default") ? 1 : !strcmp(queue, "bulk") ? 2 : -1),
	    "queue \"%s\" has priority %d", queue, prio);

	args = json_loads(ff.f[3], 0, &err);
	text = core_job_payload(row, type, queue, args, run_at, created, rid,
	    id, sizeof(id));
	if (text == NULL) {
		FUZZ_CHECK(!json_is_object(args) || !utf8(type) ||
		    !utf8(queue), "no payload for a valid row");
		goto done;
	}

	FUZZ_CHECK(json_is_object(args), "a payload with args %s", ff.f[3]);
	(void)snprintf(want, sizeof(want), "o%lld", row);
	FUZZ_CHECK(!strcmp(id, want), "id %s for row %lld", id, row);

	p = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	FUZZ_CHECK(json_is_object(p), "payload does not parse: %s: %s",
	    err.text, text);
	FUZZ_CHECK(!strcmp(json_string_value(json_object_get(p, "id")), id),
	    "id in %s", text);
	FUZZ_CHECK(json_string_value(json_object_get(p, "type")) != NULL &&
	    !strcmp(json_string_value(json_object_get(p, "type")), type),
	    "type in %s", text);
	FUZZ_CHECK(json_string_value(json_object_get(p, "queue")) != NULL &&
	    !strcmp(json_string_value(json_object_get(p, "queue")), queue),
	    "queue in %s", text);
	FUZZ_CHECK(json_equal(json_object_get(p, "args"), args),
	    "args in %s", text);
	FUZZ_CHECK(json_integer_value(json_object_get(p, "run_at")) ==
	    run_at && json_integer_value(json_object_get(p,
	    "enqueued_at")) == created && json_integer_value(
	    json_object_get(p, "outbox")) == row, "times in %s", text);
	if (*rid != '\0' && utf8(rid))
		FUZZ_CHECK(json_string_value(json_object_get(p, "rid")) !=
		    NULL && !strcmp(json_string_value(json_object_get(p,
		    "rid")), rid), "rid in %s", text);
	else
		FUZZ_CHECK(json_object_get(p, "rid") == NULL, "rid in %s",
		    text);
	FUZZ_CHECK(json_object_size(p) == 7 + (json_object_get(p, "rid") !=
	    NULL), "members of %s", text);
	json_decref(p);
	free(text);

done:
	json_decref(args);
	fuzz_fields_free(&ff);
	return (0);
}
