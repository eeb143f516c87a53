/*
 * email: render a template and send it over SMTP with libcurl.
 *
 * args: {"template": name, "to": address, ...template fields}.
 * A job id that reached the SMTP server is recorded in sent_emails and
 * never sent again, so a re-delivered job (worker killed after sending)
 * does not mail twice.  Connection trouble and 4xx answers retry; a 5xx
 * answer (the server refuses the message for good) does not.  A
 * password-reset mail names its request ("reset_id"), a mail that
 * verifies or confirms an address its own ("email_token_id"); their
 * links are made here (mail_link.c).
 */

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "unsubscribe.h"
#include "worker.h"

static const char sql_sent_check[] =
	"SELECT 1 FROM sent_emails WHERE job_id = $1";

static const char sql_sent_record[] =
	"INSERT INTO sent_emails (job_id, recipient, template, message_id)"
	"  VALUES ($1, $2, $3, $4) ON CONFLICT (job_id) DO NOTHING";

struct upload {
	const char	*data;
	size_t		 len;
	size_t		 off;
};

static int	smtp_send(const char *, struct mbuf *, char *, size_t);
static int	unsub_link(json_t *, struct mbuf *, char *, size_t);
static size_t	upload_read(char *, size_t, size_t, void *);
static void	one_line(char *);

int
job_email(struct worker *w, struct worker_job *job, char *err, size_t len)
{
	struct mbuf	 subject, text, html, msg, unsub;
	PGresult	*res;
	const char	*to, *tmpl, *params[4];
	char		 msgid[160], link_hash[65];
	int		 rc, sent, link, skip;

	to = json_string_value(json_object_get(job->args, "to"));
	tmpl = json_string_value(json_object_get(job->args, "template"));
	if (to == NULL || !mail_address_ok(to)) {
		(void)snprintf(err, len, "no valid recipient address");
		return (JOB_FAIL);
	}

	params[0] = job->id;
	if ((res = worker_db_exec(w, sql_sent_check, 1, params)) == NULL) {
		(void)snprintf(err, len, "database unavailable");
		return (JOB_RETRY);
	}
	sent = PQntuples(res) > 0;
	PQclear(res);
	if (sent)
		return (JOB_OK);

	/* A single-use link is made now (mail_link.c). */
	link = mail_link_wanted(job->args);
	if (link) {
		rc = mail_link_mint(w, job->args, &skip, link_hash,
		    sizeof(link_hash), err, len);
		if (rc != JOB_OK || skip)
			return (rc);
	}

	memset(&subject, 0, sizeof(subject));
	memset(&text, 0, sizeof(text));
	memset(&html, 0, sizeof(html));
	memset(&msg, 0, sizeof(msg));
	memset(&unsub, 0, sizeof(unsub));

	/* A notification email names its user and kind: it can be stopped. */
	if ((rc = unsub_link(job->args, &unsub, err, len)) != JOB_OK)
		goto done;

	if (mail_render(tmpl, job->args, &subject, &text, &html) == -1) {
		(void)snprintf(err, len, "unknown template '%s'",
		    tmpl != NULL ? tmpl : "");
		rc = JOB_FAIL;
		goto done;
	}
	one_line(subject.d);

	if (mail_build_list(&msg, to, subject.d, text.d, html.d, job->id,
	    unsub.d, msgid, sizeof(msgid)) == -1) {
		(void)snprintf(err, len, "cannot build the message (check "
		    "AGORA_MAIL_FROM and the recipient)");
		rc = JOB_FAIL;
		goto done;
	}

	if ((rc = smtp_send(to, &msg, err, len)) != JOB_OK)
		goto done;

	params[0] = job->id;
	params[1] = to;
	params[2] = tmpl;
	params[3] = msgid;
	if ((res = worker_db_exec(w, sql_sent_record, 4, params)) != NULL)
		PQclear(res);

done:
	if (link && rc == JOB_FAIL)
		mail_link_forget(w, job->args, link_hash);
	mbuf_free(&subject);
	mbuf_free(&text);
	mbuf_free(&html);
	mbuf_free(&msg);
	mbuf_free(&unsub);

	return (rc);
}

/*
 * For args with "unsubscribe" (a kind) and "user_id": the signed
 * one-click link into `out` and args.unsubscribe_link (the footer's).
 * Others are transactional: `out` stays empty.  JOB_OK, or JOB_FAIL
 * with the reason.
 */
static int
unsub_link(json_t *args, struct mbuf *out, char *err, size_t len)
{
	json_t		*uid;
	const char	*kind;
	char		 token[AGORA_UNSUB_TOKEN_MAX];

	if ((kind = json_string_value(json_object_get(args,
	    "unsubscribe"))) == NULL)
		return (JOB_OK);

	uid = json_object_get(args, "user_id");
	if (!json_is_integer(uid) || agora_unsub_kind_ok(kind) == 0) {
		(void)snprintf(err, len, "args.unsubscribe without a user "
		    "or with an unknown kind");
		return (JOB_FAIL);
	}
	if (!wcfg.has_secret) {
		(void)snprintf(err, len, "AGORA_SECRET_KEY is not set: no "
		    "unsubscribe link can be signed");
		return (JOB_RETRY);
	}
	if (agora_unsub_sign(wcfg.secret, json_integer_value(uid), kind,
	    token, sizeof(token)) == -1) {
		(void)snprintf(err, len, "cannot sign the unsubscribe link");
		return (JOB_FAIL);
	}

	mbuf_addf(out, "%s/unsubscribe?token=%s", wcfg.site_url, token);
	json_object_set_new(args, "unsubscribe_link", json_string(out->d));

	return (JOB_OK);
}

static int
smtp_send(const char *to, struct mbuf *msg, char *err, size_t len)
{
	CURL			*c;
	struct curl_slist	*rcpt;
	struct upload		 up;
	char			 from[256], addr[300];
	long			 code;
	CURLcode		 res;

	if (mail_addr_spec(wcfg.mail_from, from, sizeof(from)) == NULL) {
		(void)snprintf(err, len, "AGORA_MAIL_FROM has no address");
		return (JOB_FAIL);
	}

	if ((c = curl_easy_init()) == NULL) {
		(void)snprintf(err, len, "libcurl: out of memory");
		return (JOB_RETRY);
	}

	(void)snprintf(addr, sizeof(addr), "<%s>", to);
	rcpt = curl_slist_append(NULL, addr);
	(void)snprintf(addr, sizeof(addr), "<%s>", from);

	up.data = msg->d;
	up.len = msg->len;
	up.off = 0;

	curl_easy_setopt(c, CURLOPT_URL, wcfg.smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (!strcmp(wcfg.smtp_tls, "require"))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	else if (!strcmp(wcfg.smtp_tls, "try"))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);

	res = curl_easy_perform(c);
	code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);

	if (res == CURLE_OK)
		return (JOB_OK);

	(void)snprintf(err, len, "smtp: %s (%ld)", curl_easy_strerror(res),
	    code);

	return (code >= 500 && code < 600 ? JOB_FAIL : JOB_RETRY);
}

static size_t
upload_read(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct upload	*up = arg;
	size_t		 n;

	if (size == 0 || nmemb > SIZE_MAX / size)
		return (0);

	n = size * nmemb;
	if (n > up->len - up->off)
		n = up->len - up->off;
	memcpy(ptr, up->data + up->off, n);
	up->off += n;

	return (n);
}

/* A subject is one line: turn CR, LF and tabs into spaces. */
static void
one_line(char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\r' || *s == '\n' || *s == '\t')
			*s = ' ';
	}
}
