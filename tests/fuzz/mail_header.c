/*
 * mail_build and mail_addr_spec (workers/mail_message.c), with the
 * subject from mail_render (workers/mail_templates.c): the headers of a
 * message whose From, To and template values come from outside.  Every
 * line must end in CR LF and stay under RFC 5322's 998 bytes, no value
 * may start a header of its own, and the Subject's encoded-words must
 * decode to the subject.  Input: a template number byte, then From, To,
 * a value for every template field and a raw subject, NUL-separated.
 */

#include <sodium.h>

#include "worker.h"
#include "fuzz.h"

struct worker_config	wcfg;

static const char *const names[] = {
	"welcome", "password_reset", "post_approved", "post_rejected",
	"item_rejected", "comment_new", "mentioned", "tagged",
	"email_verify", "email_change", "email_change_notice", "nosuch"
};
#define NAMES_N	(sizeof(names) / sizeof(names[0]))

void
worker_log(const char *level, const char *fmt, ...)
{
}

static void	check_message(const char *, const char *, const char *,
		    const char *);
static void	check_subject(const char *, size_t, const char *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzz_fields	 ff;
	struct mbuf		 subject, text, html, msg;
	json_t			*args;
	char			 addr[256], msgid[256];
	const char		*spec, *subj;
	int			 rc;

	if (len < 1)
		return (0);
	fuzz_split(data + 1, len - 1, 6, &ff);
	memset(&subject, 0, sizeof(subject));
	memset(&text, 0, sizeof(text));
	memset(&html, 0, sizeof(html));
	memset(&msg, 0, sizeof(msg));

	/* From is the operator's setting, not a visitor's: kept short. */
	if (strlen(ff.f[0]) > 300)
		ff.f[0][300] = '\0';
	wcfg.site_url = "https://agora.example";
	wcfg.mail_from = ff.f[0];
	spec = mail_addr_spec(ff.f[0], addr, sizeof(addr));
	FUZZ_CHECK(spec == NULL || (spec == addr && mail_address_ok(addr)),
	    "From \"%s\" gave \"%s\"", ff.f[0], addr);

	args = json_object();
	json_object_set_new(args, "username", json_string(ff.f[2]));
	json_object_set_new(args, "by", json_string(ff.f[2]));
	json_object_set_new(args, "title", json_string(ff.f[3]));
	json_object_set_new(args, "path", json_string(ff.f[4]));
	json_object_set_new(args, "commenter", json_string(ff.f[2]));
	json_object_set_new(args, "what", json_string(ff.f[3]));
	json_object_set_new(args, "excerpt", json_string(ff.f[3]));
	json_object_set_new(args, "reason", json_string(ff.f[5]));
	json_object_set_new(args, "where", json_string(ff.f[5]));
	json_object_set_new(args, "new_email", json_string(ff.f[1]));
	if (mail_render(names[(data[0] & 0x7f) % NAMES_N], args, &subject,
	    &text, &html) == 0 && subject.d != NULL)
		subj = subject.d;
	else
		subj = ff.f[5];
	if (data[0] & 0x80)
		subj = ff.f[5];		/* bytes no template would make */

	rc = mail_build(&msg, ff.f[1], subj, text.d != NULL ? text.d : "",
	    html.d != NULL ? html.d : "", "o1", msgid, sizeof(msgid));
	if (rc == 0) {
		FUZZ_CHECK(mail_address_ok(ff.f[1]), "To \"%s\"", ff.f[1]);
		FUZZ_CHECK(spec != NULL, "From \"%s\"", ff.f[0]);
		check_message(msg.d, ff.f[0], ff.f[1], subj);
	} else {
		FUZZ_CHECK(!mail_address_ok(ff.f[1]) || spec == NULL ||
		    strpbrk(subj, "\r\n") != NULL ||
		    strpbrk(ff.f[0], "\r\n") != NULL,
		    "refused a usable message");
	}

	mbuf_free(&msg);
	mbuf_free(&subject);
	mbuf_free(&text);
	mbuf_free(&html);
	json_decref(args);
	fuzz_fields_free(&ff);
	return (0);
}

static void
check_message(const char *m, const char *from, const char *to,
    const char *subj)
{
	const char	*p, *eol, *body;
	size_t		 n;
	int		 subject;

	FUZZ_CHECK((body = strstr(m, "\r\n\r\n")) != NULL, "no header end");
	for (p = m; p < body + 2; p = eol + 2) {
		eol = strstr(p, "\r\n");
		n = eol - p;
		FUZZ_CHECK(memchr(p, '\r', n) == NULL &&
		    memchr(p, '\n', n) == NULL, "bare CR or LF: %.*s",
		    (int)n, p);
		FUZZ_CHECK(n <= 998, "header line of %zu bytes", n);
		/* Each line is a header we wrote or folds the Subject. */
		subject = !strncmp(p, "Subject:", 8);
		FUZZ_CHECK(subject || p[0] == ' ' ||
		    !strncmp(p, "From: ", 6) || !strncmp(p, "To: ", 4) ||
		    !strncmp(p, "Date: ", 6) ||
		    !strncmp(p, "Message-ID: ", 12) ||
		    !strncmp(p, "MIME-Version: ", 14) ||
		    !strncmp(p, "Auto-Submitted: ", 16) ||
		    !strncmp(p, "Content-Type: ", 14),
		    "header line %.*s", (int)n, p);
		if (!strncmp(p, "From: ", 6))
			FUZZ_CHECK(n == 6 + strlen(from) &&
			    !strncmp(p + 6, from, n - 6), "From: %.*s",
			    (int)n, p);
		if (!strncmp(p, "To: ", 4))
			FUZZ_CHECK(n == 4 + strlen(to) &&
			    !strncmp(p + 4, to, n - 4), "To: %.*s", (int)n, p);
		if (subject)
			check_subject(p + 8, body + 2 - (p + 8), subj);
	}
}

/*
 * The Subject's value up to the end of its last folded line: the text
 * itself, or encoded-words of at most 75 characters that decode to it.
 */
static void
check_subject(const char *v, size_t len, const char *subj)
{
	const char	*p, *end, *q;
	unsigned char	*dec;
	size_t		 total, n, dlen;

	if (*v == ' ' && strncmp(v, " =?UTF-8?B?", 11)) {
		FUZZ_CHECK(strncmp(v + 1, subj, strlen(subj)) == 0 &&
		    !strncmp(v + 1 + strlen(subj), "\r\n", 2),
		    "Subject %.*s for \"%s\"", (int)len, v, subj);
		return;
	}

	if ((dec = malloc(strlen(subj) + 1)) == NULL)
		abort();
	total = 0;
	for (p = v; p < v + len && !strncmp(p, " =?UTF-8?B?", 11); ) {
		q = p + 11;
		FUZZ_CHECK((end = strstr(q, "?=")) != NULL, "open word");
		FUZZ_CHECK(end + 2 - (p + 1) <= 75, "encoded-word of %zu",
		    (size_t)(end + 2 - (p + 1)));
		n = end - q;
		FUZZ_CHECK(sodium_base642bin(dec + total,
		    strlen(subj) + 1 - total, q, n, NULL, &dlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) == 0, "base64 %.*s",
		    (int)n, q);
		total += dlen;
		p = end + 2;
		if (!strncmp(p, "\r\n", 2))
			p += 2;
	}
	FUZZ_CHECK(total == strlen(subj) && !memcmp(dec, subj, total),
	    "Subject decodes to %zu bytes of %zu", total, strlen(subj));
	free(dec);
}
