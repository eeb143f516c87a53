/*
 * Development mailbox: what the local SMTP sink (scripts/mailsink.py)
 * received, newest first, whatever the folder holds (the sink names
 * files by arrival time and keeps the newest 500).  A message is shown
 * decoded: its headers (encoded words decoded), its text part with
 * links clickable, its HTML part rendered in a sandboxed frame (srcdoc,
 * escaped: no script, no access to the site; links open in a new tab)
 * and its source.  Only with AGORA_DEV=1; otherwise 404.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "admin/admin.h"

#define MAIL_LIST_MAX	50
#define MAIL_NAMES_MAX	20000
#define MAIL_SIZE_MAX	(1024 * 1024)
#define MAIL_HEADERS_MAX 64
#define MAIL_DEPTH_MAX	4

/* A message or a MIME part: its headers and its (undecoded) body. */
struct mail_part {
	const char	*head;
	size_t		 head_len;
	const char	*body;
	size_t		 body_len;
};

/* What the viewer shows of a message: its first text and HTML parts. */
struct mail_view {
	struct kore_buf	 text;
	struct kore_buf	 html;
	int		 has_text;
	int		 has_html;
};

static int	mail_gate(struct http_request *, struct core_ctx *);
static char	**mail_names(size_t *);
static void	mail_split(const char *, size_t, struct mail_part *);
static void	mail_param(const char *, const char *, char *, size_t);
static void	mail_walk(const struct mail_part *, struct mail_view *, int);
static void	mail_decode(const struct mail_part *, struct kore_buf *);
static void	mail_headers(struct kore_buf *, const struct mail_part *);
static void	mail_linkify(struct kore_buf *, const char *, size_t);
static int	hexval(int);
static const char *mem_find(const char *, const char *, const char *,
		    size_t);
static void	mail_row(struct kore_buf *, const char *);
static char	*mail_read(const char *, size_t *);
static void	mail_header(const char *, const char *, char *, size_t);
static void	mail_decode_words(const char *, char *, size_t);
static int	name_cmp(const void *, const void *);

CORE_HANDLER(admin_mail_page)
{
	struct kore_buf		*buf;
	char			**names;
	size_t			 n, i;

	CORE_TRY(mail_gate(req, ctx));

	names = mail_names(&n);
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
	kore_free(names);
	if (n > 0)
		core_html_appendf(buf, "</tbody></table></div>\n");
	if (n > MAIL_LIST_MAX)
		core_html_appendf(buf, "<p>The newest %d of %d messages.</p>\n",
		    MAIL_LIST_MAX, (int)n);

	return (core_page_close(req, 200, buf));
}

/* One message, decoded; its source below. */
CORE_HANDLER(admin_mail_message)
{
	struct kore_buf		*buf;
	struct mail_part	 top;
	struct mail_view	 v;
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

	mail_split(msg, len, &top);
	memset(&v, 0, sizeof(v));
	kore_buf_init(&v.text, 1024);
	kore_buf_init(&v.html, 1024);
	mail_walk(&top, &v, 0);

	buf = core_page_open(req, "Mail");
	core_html_appendf(buf, "<p><a href=\"/admin/mail\">All mail</a></p>\n"
	    "<h1>%s</h1>\n<section class=\"mail-headers\"><h2>Headers</h2>"
	    "<div class=\"overflow-auto\"><table><tbody>\n", subj);
	mail_headers(buf, &top);
	core_html_appendf(buf, "</tbody></table></div></section>\n");

	if (v.has_text) {
		core_html_appendf(buf, "<section class=\"mail-text\">"
		    "<h2>Text</h2><pre class=\"mail-source\">");
		mail_linkify(buf, (const char *)v.text.data, v.text.offset);
		core_html_appendf(buf, "</pre></section>\n");
	}
	if (v.has_html) {
		/* Links open outside the frame; nothing in it runs. */
		kore_buf_append(&v.html, "", 1);
		core_html_appendf(buf, "<section class=\"mail-html\">"
		    "<h2>HTML</h2><iframe class=\"mail-frame\" "
		    "title=\"The HTML part\" sandbox=\"allow-popups "
		    "allow-popups-to-escape-sandbox\" "
		    "referrerpolicy=\"no-referrer\" "
		    "srcdoc=\"&lt;base target=&quot;_blank&quot;&gt;%s\">"
		    "</iframe></section>\n", (const char *)v.html.data);
	}
	if (!v.has_text && !v.has_html)
		core_html_appendf(buf, "<p>No text or HTML part.</p>\n");
	core_html_appendf(buf, "<details><summary>Source</summary>"
	    "<pre class=\"mail-source\">%s</pre></details>\n", msg);

	kore_buf_cleanup(&v.text);
	kore_buf_cleanup(&v.html);
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

/*
 * Every message file name (at most MAIL_NAMES_MAX), newest first: the
 * sink names them <microseconds>-<sequence>.eml.  The array and each
 * name are the caller's to free; *n says how many.
 */
static char **
mail_names(size_t *n)
{
	DIR			*d;
	struct dirent		*de;
	char			**names;
	size_t			 cap, len;

	*n = 0;
	cap = 64;
	names = kore_calloc(cap, sizeof(*names));
	if ((d = opendir(core_cfg.dev_mail_dir)) != NULL) {
		while ((de = readdir(d)) != NULL && *n < MAIL_NAMES_MAX) {
			len = strlen(de->d_name);
			if (de->d_name[0] == '.' || len < 5 ||
			    strcmp(de->d_name + len - 4, ".eml"))
				continue;
			if (*n == cap) {
				cap *= 2;
				names = kore_realloc(names,
				    cap * sizeof(*names));
			}
			names[(*n)++] = kore_strdup(de->d_name);
		}
		closedir(d);
	}
	qsort(names, *n, sizeof(names[0]), name_cmp);

	return (names);
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

/* Newest first: by the time in the name, as a number, then the rest. */
static int
name_cmp(const void *a, const void *b)
{
	const char	*x = *(char *const *)a, *y = *(char *const *)b;
	size_t		 lx, ly;

	lx = strspn(x, "0123456789");
	ly = strspn(y, "0123456789");
	if (lx != ly)
		return (lx < ly ? 1 : -1);

	return (strcmp(y, x));
}

/* A message or part: headers up to the first empty line, then its body. */
static void
mail_split(const char *data, size_t len, struct mail_part *p)
{
	const char	*end;
	size_t		 i;

	p->head = data;
	p->head_len = len;
	p->body = data + len;
	p->body_len = 0;
	for (i = 0; i < len; i++) {
		if (data[i] != '\n')
			continue;
		end = data + i + 1;
		if (i + 1 < len && data[i + 1] == '\n') {
			p->head_len = i + 1;
			p->body = end + 1;
			break;
		}
		if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n') {
			p->head_len = i + 1;
			p->body = end + 2;
			break;
		}
	}
	p->body_len = data + len - p->body;
}

/* Parameter `name` of a header value (boundary="x"; charset=y), or "". */
static void
mail_param(const char *value, const char *name, char *out, size_t len)
{
	const char	*p;
	size_t		 n, o;

	out[0] = '\0';
	n = strlen(name);
	for (p = value; (p = strchr(p, ';')) != NULL; ) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, name, n) || p[n] != '=')
			continue;
		p += n + 1;
		o = 0;
		if (*p == '"') {
			for (p++; *p != '\0' && *p != '"' && o + 1 < len; p++)
				out[o++] = *p;
		} else {
			for (; *p != '\0' && *p != ';' && *p != ' ' &&
			    o + 1 < len; p++)
				out[o++] = *p;
		}
		out[o] = '\0';
		return;
	}
}

/*
 * Find the first text/plain and text/html parts (decoded into `v`),
 * through nested multiparts up to MAIL_DEPTH_MAX.
 */
static void
mail_walk(const struct mail_part *p, struct mail_view *v, int depth)
{
	struct mail_part	 sub;
	struct kore_buf		 head;
	char			 type[256], boundary[128], delim[136];
	const char		*cur, *end, *next, *line;
	size_t			 dlen;

	kore_buf_init(&head, p->head_len + 1);
	kore_buf_append(&head, p->head, p->head_len);
	kore_buf_append(&head, "", 1);
	mail_header((const char *)head.data, "Content-Type", type,
	    sizeof(type));
	kore_buf_cleanup(&head);
	if (type[0] == '\0')
		(void)kore_strlcpy(type, "text/plain", sizeof(type));

	if (!strncasecmp(type, "multipart/", 10)) {
		mail_param(type, "boundary", boundary, sizeof(boundary));
		if (boundary[0] == '\0' || depth >= MAIL_DEPTH_MAX)
			return;
		dlen = (size_t)snprintf(delim, sizeof(delim), "--%s",
		    boundary);
		cur = p->body;
		end = p->body + p->body_len;
		/* Parts lie between delimiter lines. */
		line = mem_find(cur, end, delim, dlen);
		while (line != NULL) {
			cur = line + dlen;
			if (end - cur >= 2 && cur[0] == '-' && cur[1] == '-')
				break;
			while (cur < end && *cur != '\n')
				cur++;
			if (cur < end)
				cur++;
			line = mem_find(cur, end, delim, dlen);
			next = line != NULL ? line : end;
			mail_split(cur, next - cur, &sub);
			mail_walk(&sub, v, depth + 1);
		}
		return;
	}

	if (!strncasecmp(type, "text/plain", 10) && !v->has_text) {
		mail_decode(p, &v->text);
		v->has_text = 1;
	} else if (!strncasecmp(type, "text/html", 9) && !v->has_html) {
		mail_decode(p, &v->html);
		v->has_html = 1;
	}
}

/* A part's body, undone from base64 or quoted-printable, into `out`. */
static void
mail_decode(const struct mail_part *p, struct kore_buf *out)
{
	struct kore_buf		 head;
	char			 cte[64];
	unsigned char		*bin;
	size_t			 got, i;
	int			 hi, lo;
	u_int8_t		 c;

	kore_buf_init(&head, p->head_len + 1);
	kore_buf_append(&head, p->head, p->head_len);
	kore_buf_append(&head, "", 1);
	mail_header((const char *)head.data, "Content-Transfer-Encoding", cte,
	    sizeof(cte));
	kore_buf_cleanup(&head);

	if (!strcasecmp(cte, "base64")) {
		bin = kore_malloc(p->body_len + 1);
		if (sodium_base642bin(bin, p->body_len + 1, p->body,
		    p->body_len, " \t\r\n", &got, NULL,
		    sodium_base64_VARIANT_ORIGINAL) == 0)
			kore_buf_append(out, bin, got);
		kore_free(bin);
		return;
	}

	if (!strcasecmp(cte, "quoted-printable")) {
		for (i = 0; i < p->body_len; i++) {
			if (p->body[i] != '=') {
				kore_buf_append(out, p->body + i, 1);
				continue;
			}
			if (i + 1 < p->body_len && p->body[i + 1] == '\n') {
				i += 1;
				continue;
			}
			if (i + 2 < p->body_len && p->body[i + 1] == '\r' &&
			    p->body[i + 2] == '\n') {
				i += 2;
				continue;
			}
			if (i + 2 < p->body_len &&
			    (hi = hexval(p->body[i + 1])) != -1 &&
			    (lo = hexval(p->body[i + 2])) != -1) {
				c = (u_int8_t)(hi * 16 + lo);
				kore_buf_append(out, &c, 1);
				i += 2;
				continue;
			}
			kore_buf_append(out, p->body + i, 1);
		}
		return;
	}

	kore_buf_append(out, p->body, p->body_len);
}

/* The first `n` bytes `needle` in [from, to), or NULL. */
static const char *
mem_find(const char *from, const char *to, const char *needle, size_t n)
{
	const char	*p;

	for (p = from; to - p >= (ptrdiff_t)n; p++) {
		if (*p == *needle && !memcmp(p, needle, n))
			return (p);
	}

	return (NULL);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);

	return (-1);
}

/* Every header of the message as a table row, unfolded and decoded. */
static void
mail_headers(struct kore_buf *buf, const struct mail_part *top)
{
	const char	*p, *end, *colon, *eol;
	char		 name[80], raw[2048], value[2048];
	size_t		 n, o;
	int		 count;

	p = top->head;
	end = top->head + top->head_len;
	for (count = 0; p < end && count < MAIL_HEADERS_MAX; count++) {
		if ((colon = memchr(p, ':', end - p)) == NULL)
			break;
		n = colon - p;
		eol = memchr(p, '\n', end - p);
		if (eol != NULL && eol < colon) {
			p = eol + 1;
			continue;
		}
		if (n == 0 || n >= sizeof(name))
			break;
		memcpy(name, p, n);
		name[n] = '\0';
		/* The value and its continuation lines. */
		o = 0;
		for (p = colon + 1; p < end; ) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			while (p < end && *p != '\r' && *p != '\n') {
				if (o + 1 < sizeof(raw))
					raw[o++] = *p;
				p++;
			}
			if (p < end && *p == '\r')
				p++;
			if (p < end && *p == '\n')
				p++;
			if (p >= end || (*p != ' ' && *p != '\t'))
				break;
			if (o + 1 < sizeof(raw))
				raw[o++] = ' ';
		}
		raw[o] = '\0';
		mail_decode_words(raw, value, sizeof(value));
		core_html_appendf(buf, "<tr><th scope=\"row\">%s</th>"
		    "<td>%s</td></tr>\n", name, value);
	}
}

/* Text, escaped, with its http(s) links made links. */
static void
mail_linkify(struct kore_buf *buf, const char *text, size_t len)
{
	struct kore_buf	 run;
	size_t		 i, start, n;

	kore_buf_init(&run, 256);
	for (i = 0; i < len; ) {
		if ((len - i > 7 && !strncmp(text + i, "http://", 7)) ||
		    (len - i > 8 && !strncmp(text + i, "https://", 8))) {
			start = i;
			while (i < len && (unsigned char)text[i] > 0x20 &&
			    text[i] != '<' && text[i] != '>' &&
			    text[i] != '"' && text[i] != '\'')
				i++;
			n = i - start;
			kore_buf_reset(&run);
			kore_buf_append(&run, text + start, n);
			kore_buf_append(&run, "", 1);
			core_html_appendf(buf, "<a href=\"%s\" "
			    "rel=\"noreferrer\">%s</a>",
			    (const char *)run.data, (const char *)run.data);
			continue;
		}
		kore_buf_reset(&run);
		for (start = i; i < len && !((len - i > 7 &&
		    !strncmp(text + i, "http://", 7)) || (len - i > 8 &&
		    !strncmp(text + i, "https://", 8))); i++)
			;
		kore_buf_append(&run, text + start, i - start);
		kore_buf_append(&run, "", 1);
		core_html_appendf(buf, "%s", (const char *)run.data);
	}
	kore_buf_cleanup(&run);
}
