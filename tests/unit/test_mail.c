/*
 * Mail headers (workers/mail_message.c): the Subject as encoded-words.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "worker.h"

struct worker_config	wcfg = { .mail_from = "Agora <noreply@agora.example>" };

void
worker_log(const char *level, const char *fmt, ...)
{
}

/* The Subject header's value, encoded-words decoded and joined. */
static size_t
subject_of(const char *msg, char *out, size_t outlen)
{
	const char	*p, *q, *end;
	size_t		 total, n;

	p = strstr(msg, "\r\nSubject:");
	assert_non_null(p);
	p += 10;
	total = 0;
	while (!strncmp(p, " =?UTF-8?B?", 11)) {
		q = p + 11;
		assert_non_null(end = strstr(q, "?="));
		/* RFC 2047: an encoded-word is at most 75 characters. */
		assert_true(end + 2 - (p + 1) <= 75);
		assert_int_equal(sodium_base642bin((unsigned char *)out +
		    total, outlen - total, q, end - q, NULL, &n, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		total += n;
		p = end + 2;
		if (!strncmp(p, "\r\n", 2))
			p += 2;
	}
	out[total] = '\0';

	return (total);
}

static void
build(struct mbuf *msg, const char *subject)
{
	char	msgid[128];

	memset(msg, 0, sizeof(*msg));
	assert_int_equal(mail_build(msg, "alice@example.org", subject,
	    "text", "<p>html</p>", "o1", msgid, sizeof(msgid)), 0);
}

static void
utf8_subject_folds(void **state)
{
	struct mbuf	 msg;
	char		 subject[512], got[512];
	int		 i;

	subject[0] = '\0';
	for (i = 0; i < 20; i++)
		strcat(subject, "caf\xc3\xa9 \xe2\x98\x95 ");
	build(&msg, subject);
	assert_int_equal(subject_of(msg.d, got, sizeof(got)), strlen(subject));
	assert_string_equal(got, subject);
	mbuf_free(&msg);
}

/*
 * Bytes that are not UTF-8 (a run of continuation bytes longer than one
 * encoded-word) still end up in the Subject, and building ends.
 */
static void
continuation_bytes_end(void **state)
{
	struct mbuf	 msg;
	char		 subject[101], got[128];

	memset(subject, 0x80, 100);
	subject[100] = '\0';
	alarm(5);		/* it used to loop for ever */
	build(&msg, subject);
	alarm(0);
	assert_int_equal(subject_of(msg.d, got, sizeof(got)), 100);
	assert_memory_equal(got, subject, 100);
	mbuf_free(&msg);
}

/* RFC 5322: no line over 998 bytes, however long a plain subject. */
static void
long_ascii_subject_folds(void **state)
{
	struct mbuf	 msg;
	char		 subject[1201], got[1300];
	const char	*p, *eol;

	memset(subject, 'x', 1200);
	subject[1200] = '\0';
	build(&msg, subject);
	for (p = msg.d; (eol = strstr(p, "\r\n")) != NULL; p = eol + 2)
		assert_true(eol - p <= 998);
	assert_int_equal(subject_of(msg.d, got, sizeof(got)), 1200);
	assert_string_equal(got, subject);
	mbuf_free(&msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_subject_folds),
		cmocka_unit_test(continuation_bytes_end),
		cmocka_unit_test(long_ascii_subject_folds),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
