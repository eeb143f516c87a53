/*
 * RFC 5322 / MIME messages: UTF-8 text and HTML alternatives, both
 * base64-encoded (safe for any content and line length), an encoded-word
 * Subject, Date and a unique Message-ID.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "worker.h"

/* "Subject: " and this many characters make RFC 5322's 78 a line. */
#define SUBJECT_PLAIN_MAX	69

static void	add_base64(struct mbuf *, const char *, size_t);
static void	add_subject(struct mbuf *, const char *);
static int	has_crlf(const char *);

/*
 * A plausible single address: no spaces, controls or brackets, one @ with
 * text on both sides, at most 254 bytes.  Returns 1 when acceptable.
 */
int
mail_address_ok(const char *a)
{
	const char	*at, *p;

	if (a == NULL || strlen(a) == 0 || strlen(a) > 254)
		return (0);

	for (p = a; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' ||
		    *p == '>' || *p == '"' || *p == ',' || *p == ';' ||
		    *p == '(' || *p == ')' || *p == '\\')
			return (0);
	}

	at = strchr(a, '@');
	return (at != NULL && at != a && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL);
}

/*
 * The bare address of "Name <addr>" or "addr", into `out`.  Returns out,
 * or NULL when there is no acceptable address.
 */
const char *
mail_addr_spec(const char *from, char *out, size_t len)
{
	const char	*lt, *gt;
	size_t		 n;

	if ((lt = strrchr(from, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) == NULL)
			return (NULL);
		n = gt - lt - 1;
		if (n == 0 || n >= len)
			return (NULL);
		memcpy(out, lt + 1, n);
		out[n] = '\0';
	} else {
		if (strlen(from) >= len)
			return (NULL);
		memcpy(out, from, strlen(from) + 1);
	}

	return (mail_address_ok(out) ? out : NULL);
}

/*
 * Build the whole message into `msg`: headers for `to` and `subject`,
 * then the text and HTML parts.  `msgid_out` receives the Message-ID.
 * Returns 0, or -1 when an address or the subject is unusable.  A
 * transactional message (mail_build_list for the others).
 */
int
mail_build(struct mbuf *msg, const char *to, const char *subject,
    const char *text, const char *html, const char *job_id, char *msgid_out,
    size_t msgid_len)
{
	return (mail_build_list(msg, to, subject, text, html, job_id, NULL,
	    msgid_out, msgid_len));
}

/*
 * As mail_build, for a message one may stop receiving: with `unsub`
 * (an https or http URL, not NULL) it carries List-Unsubscribe and
 * RFC 8058's List-Unsubscribe-Post, so that mail clients offer a
 * one-click unsubscribe that POSTs to that URL.  -1 also for an
 * unusable URL.
 */
int
mail_build_list(struct mbuf *msg, const char *to, const char *subject,
    const char *text, const char *html, const char *job_id,
    const char *unsub, char *msgid_out, size_t msgid_len)
{
	char		 from_addr[256], date[64], boundary[48];
	const char	*domain;
	u_int8_t	 rnd[12];
	char		 rhex[25];
	time_t		 now;
	struct tm	 tm;

	if (!mail_address_ok(to) || has_crlf(subject) ||
	    has_crlf(wcfg.mail_from) ||
	    mail_addr_spec(wcfg.mail_from, from_addr, sizeof(from_addr)) ==
	    NULL)
		return (-1);
	if (unsub != NULL && (has_crlf(unsub) || strlen(unsub) > 900 ||
	    strpbrk(unsub, "<> \t") != NULL ||
	    (strncmp(unsub, "https://", 8) && strncmp(unsub, "http://", 7))))
		return (-1);

	domain = strchr(from_addr, '@') + 1;
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(rhex, sizeof(rhex), rnd, sizeof(rnd));
	(void)snprintf(msgid_out, msgid_len, "<%s.%s@%s>", job_id, rhex,
	    domain);
	(void)snprintf(boundary, sizeof(boundary), "=_agora_%s", rhex);

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);

	mbuf_addf(msg, "From: %s\r\n", wcfg.mail_from);
	mbuf_addf(msg, "To: %s\r\n", to);
	add_subject(msg, subject);
	mbuf_addf(msg, "Date: %s\r\n", date);
	mbuf_addf(msg, "Message-ID: %s\r\n", msgid_out);
	mbuf_adds(msg, "MIME-Version: 1.0\r\n");
	mbuf_adds(msg, "Auto-Submitted: auto-generated\r\n");
	if (unsub != NULL) {
		mbuf_addf(msg, "List-Unsubscribe: <%s>\r\n", unsub);
		mbuf_adds(msg, "List-Unsubscribe-Post: "
		    "List-Unsubscribe=One-Click\r\n");
	}
	mbuf_addf(msg, "Content-Type: multipart/alternative; "
	    "boundary=\"%s\"\r\n\r\n", boundary);

	mbuf_addf(msg, "--%s\r\n", boundary);
	mbuf_adds(msg, "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64(msg, text, strlen(text));

	mbuf_addf(msg, "--%s\r\n", boundary);
	mbuf_adds(msg, "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64(msg, html, strlen(html));

	mbuf_addf(msg, "--%s--\r\n", boundary);

	return (0);
}

/*
 * Short plain ASCII subjects go as they are; others as RFC 2047
 * encoded-words, one per folded line, so no line passes RFC 5322's limit.
 */
static void
add_subject(struct mbuf *msg, const char *subject)
{
	const char	*p;
	char		 enc[128];
	size_t		 off, n;

	for (p = subject; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			break;
	}
	if (*p == '\0' && p - subject <= SUBJECT_PLAIN_MAX) {
		mbuf_addf(msg, "Subject: %s\r\n", subject);
		return;
	}

	/* 45 bytes -> 60 base64 chars per encoded word; split on UTF-8
	 * character boundaries, or anywhere in bytes that are not UTF-8. */
	mbuf_adds(msg, "Subject:");
	for (off = 0; off < strlen(subject); off += n) {
		n = strlen(subject) - off;
		if (n > 45) {
			n = 45;
			while (n > 0 &&
			    ((unsigned char)subject[off + n] & 0xc0) == 0x80)
				n--;
			if (n == 0)
				n = 45;
		}
		sodium_bin2base64(enc, sizeof(enc),
		    (const unsigned char *)subject + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		mbuf_addf(msg, " =?UTF-8?B?%s?=%s", enc,
		    off + n < strlen(subject) ? "\r\n" : "");
	}
	mbuf_adds(msg, "\r\n");
}

/* Base64 in lines of 76 characters. */
static void
add_base64(struct mbuf *msg, const char *data, size_t len)
{
	char		line[80];
	size_t		off, n;

	for (off = 0; off < len; off += n) {
		n = len - off > 57 ? 57 : len - off;
		sodium_bin2base64(line, sizeof(line),
		    (const unsigned char *)data + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		mbuf_adds(msg, line);
		mbuf_adds(msg, "\r\n");
	}
}

static int
has_crlf(const char *s)
{
	return (strpbrk(s, "\r\n") != NULL);
}
