/*
 * Development mailbox: what the local SMTP sink (scripts/mailsink.py)
 * received, newest first.  Only with AGORA_DEV=1; otherwise 404.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "admin/admin.h"

#define MAIL_LIST_MAX	50
#define MAIL_SIZE_MAX	(1024 * 1024)

static int	mail_gate(struct http_request *, struct core_ctx *);
static size_t	mail_names(char **, size_t);
static void	mail_row(struct kore_buf *, const char *);
static char	*mail_read(const char *, size_t *);
static void	mail_header(const char *, const char *, char *, size_t);
static void	mail_decode_words(const char *, char *, size_t);
static int	name_cmp(const void *, const void *);

CORE_HANDLER(admin_mail_page)
{
	struct kore_buf		*buf;
	char			*names[MAIL_LIST_MAX * 4];
	size_t			 n, i;

	CORE_TRY(mail_gate(req, ctx));

	n = mail_names(names, sizeof(names) / sizeof(names[0]));
	buf = core_page_open(req, "Mail");
	core_html_appendf(buf, "<h1>Mail</h1>\n<p>Messages the development "
	    "SMTP sink received (nothing is delivered). Newest first.</p>\n");
	if (n == 0)
		core_html_appendf(buf, "<p>No mail yet.</p>\n");
	else
		core_html_appendf(buf, "<div class=\"overflow-auto\"><table "
		    "class=\"striped\"><thead><tr><th>Date</th><th>To</th>"
		    "<th>Subject</th></tr></thead><tbody>\n");

	for (i = 0; i < n; i++) {
		if (i < MAIL_LIST_MAX)
			mail_row(buf, names[i]);
		kore_free(names[i]);
	}
	if (n > 0)
		core_html_appendf(buf, "</tbody></table></div>\n");

	return (core_page_close(req, 200, buf));
}

/* One message, source as received (escaped). */
CORE_HANDLER(admin_mail_message)
{
	struct kore_buf		*buf;
	const char		*name;
	char			 path[1024], subj[512], raw[512], *msg;
	size_t			 len;

	CORE_TRY(mail_gate(req, ctx));

	/* The route's regex allows only digits, '-' and ".eml" here. */
	name = req->path + strlen("/admin/mail/");
	(void)snprintf(path, sizeof(path), "%s/%s", core_cfg.dev_mail_dir,
	    name);
	if ((msg = mail_read(path, &len)) == NULL)
		return (core_error(req, 404, "No such message."));

	mail_header(msg, "Subject", raw, sizeof(raw));
	mail_decode_words(raw, subj, sizeof(subj));

	buf = core_page_open(req, "Mail");
	core_html_appendf(buf, "<p><a href=\"/admin/mail\">All mail</a></p>\n"
	    "<h1>%s</h1>\n<pre class=\"mail-source\">%s</pre>\n", subj, msg);
	kore_free(msg);

	return (core_page_close(req, 200, buf));
}

/* Development builds only, and admins only. */
static int
mail_gate(struct http_request *req, struct core_ctx *ctx)
{
	if (!core_cfg.dev)
		return (core_error(req, 404, NULL));

	return (core_require_admin(req, ctx));
}

/* Up to `max` message file names, newest first; the caller frees them. */
static size_t
mail_names(char **names, size_t max)
{
	DIR			*d;
	struct dirent		*de;
	size_t			 n, len;

	n = 0;
	if ((d = opendir(core_cfg.dev_mail_dir)) != NULL) {
		while ((de = readdir(d)) != NULL && n < max) {
			len = strlen(de->d_name);
			if (de->d_name[0] == '.' || len < 5 ||
			    strcmp(de->d_name + len - 4, ".eml"))
				continue;
			names[n++] = kore_strdup(de->d_name);
		}
		closedir(d);
	}
	qsort(names, n, sizeof(names[0]), name_cmp);

	return (n);
}

/* The table row of message file `name`; nothing when it is unreadable. */
static void
mail_row(struct kore_buf *buf, const char *name)
{
	char		 path[1024], to[256], subj[512], raw[512];
	char		 date[128], *msg;
	size_t		 len;

	(void)snprintf(path, sizeof(path), "%s/%s", core_cfg.dev_mail_dir,
	    name);
	if ((msg = mail_read(path, &len)) == NULL)
		return;
	mail_header(msg, "To", to, sizeof(to));
	mail_header(msg, "Date", date, sizeof(date));
	mail_header(msg, "Subject", raw, sizeof(raw));
	mail_decode_words(raw, subj, sizeof(subj));
	core_html_appendf(buf, "<tr><td>%s</td><td>%s</td><td><a href=\""
	    "/admin/mail/%U\">%s</a></td></tr>\n", date, to, name, subj);
	kore_free(msg);
}

/* The whole file, NUL-terminated, at most MAIL_SIZE_MAX bytes. */
static char *
mail_read(const char *path, size_t *len)
{
	struct stat	 st;
	char		*data;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) == -1)
		return (NULL);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAIL_SIZE_MAX) {
		close(fd);
		return (NULL);
	}

	data = kore_malloc(st.st_size + 1);
	*len = 0;
	while (*len < (size_t)st.st_size) {
		r = read(fd, data + *len, st.st_size - *len);
		if (r <= 0)
			break;
		*len += r;
	}
	close(fd);
	data[*len] = '\0';

	return (data);
}

/* The value of header `name` (unfolded), or "" when absent. */
static void
mail_header(const char *msg, const char *name, char *out, size_t len)
{
	const char	*p, *end;
	size_t		 n, o;

	out[0] = '\0';
	n = strlen(name);
	for (p = msg; *p != '\0' && !(p[0] == '\r' && p[1] == '\n') &&
	    *p != '\n'; ) {
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			p += n + 1;
			o = 0;
			for (;;) {
				while (*p == ' ' || *p == '\t')
					p++;
				end = p + strcspn(p, "\r\n");
				while (p < end && o + 1 < len)
					out[o++] = *p++;
				p = end;
				if (*p == '\r')
					p++;
				if (*p == '\n')
					p++;
				if (*p != ' ' && *p != '\t')
					break;
				if (o + 1 < len)
					out[o++] = ' ';
			}
			out[o] = '\0';
			return;
		}
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
}

/* Decode RFC 2047 "=?UTF-8?B?...?=" words; everything else as is. */
static void
mail_decode_words(const char *in, char *out, size_t len)
{
	const char	*p, *end;
	size_t		 o, got;

	o = 0;
	for (p = in; *p != '\0' && o + 1 < len; ) {
		if (!strncasecmp(p, "=?UTF-8?B?", 10) &&
		    (end = strstr(p + 10, "?=")) != NULL) {
			if (sodium_base642bin((unsigned char *)out + o,
			    len - o - 1, p + 10, end - p - 10, NULL, &got,
			    NULL, sodium_base64_VARIANT_ORIGINAL) == 0)
				o += got;
			p = end + 2;
			while (*p == ' ' && strncasecmp(p + 1, "=?", 2) == 0)
				p++;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)b, *(char *const *)a));
}
