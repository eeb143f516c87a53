/*
 * Output escaping.  Every string that reaches an HTML page goes through
 * core_html_escape, directly or through the %s of core_html_appendf.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "escape.h"

static void	escape_put(void *, const char *, size_t);

/*
 * Append `s` to `buf` escaped for HTML text and for quoted attribute
 * values (lib/escape.c).  NULL appends nothing.
 */
void
core_html_escape(struct kore_buf *buf, const char *s)
{
	agora_html_escape(s, escape_put, buf);
}

static void
escape_put(void *arg, const char *s, size_t len)
{
	core_buf_put(arg, s, len);
}

/*
 * kore_buf_append, but growing the buffer by doubling: Kore's grows it
 * by exactly what is appended, so a page written in thousands of small
 * pieces was reallocated (and the old copy cleared) at each one, most
 * of a long page's time.
 */
void
core_buf_put(struct kore_buf *buf, const void *data, size_t len)
{
	size_t		want;

	if (buf->offset + len < len)
		fatal("overflow in core_buf_put");
	if (buf->offset + len > buf->length) {
		want = buf->length < 512 ? 1024 : buf->length * 2;
		if (want < buf->offset + len)
			want = buf->offset + len;
		buf->data = kore_realloc(buf->data, want);
		buf->length = want;
	}
	memcpy(buf->data + buf->offset, data, len);
	buf->offset += len;
}

/*
 * Append `s` percent-encoded for use as a URL path segment or query
 * value: everything but RFC 3986 unreserved characters is encoded.
 */
void
core_url_escape(struct kore_buf *buf, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	char			enc[3];
	u_int8_t		c;

	if (s == NULL)
		return;

	for (; *s != '\0'; s++) {
		c = (u_int8_t)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			core_buf_put(buf, s, 1);
			continue;
		}
		enc[0] = '%';
		enc[1] = hex[c >> 4];
		enc[2] = hex[c & 0x0f];
		core_buf_put(buf, enc, sizeof(enc));
	}
}

/*
 * printf for HTML that escapes by default.  Conversions:
 *   %s  const char *, HTML-escaped (NULL prints nothing)
 *   %U  const char *, percent-encoded for a URL
 *   %R  const char *, raw: only for markup this program built itself
 *   %T  const char *, an ISO 8601 UTC time as the site's <time> (timefmt.c)
 *   %A  three const char *: username, display name and avatar sha256
 *       (NULL or empty: none) as the user's avatar (avatar.c)
 *   %P  the same three and an int `strong`: the avatar and the name
 *       linked to the profile (in <strong> when `strong`); the
 *       placeholder of deleted accounts as "deleted user", unlinked
 *   %d  int, %u unsigned int, %lld long long, %%  a percent sign
 * Anything else is a programming error and is written out literally.
 */
void
core_html_appendf(struct kore_buf *buf, const char *fmt, ...)
{
	va_list		 ap;
	const char	*p, *run, *s, *d, *a;
	char		 num[32];
	int		 n;

	va_start(ap, fmt);
	for (run = p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p > run)
			core_buf_put(buf, run, p - run);
		p++;
		switch (*p) {
		case 's':
			core_html_escape(buf, va_arg(ap, const char *));
			break;
		case 'U':
			core_url_escape(buf, va_arg(ap, const char *));
			break;
		case 'A':
			s = va_arg(ap, const char *);
			d = va_arg(ap, const char *);
			core_html_avatar(buf, s, d, va_arg(ap, const char *));
			break;
		case 'P':
			/* One va_arg a statement: their order matters. */
			s = va_arg(ap, const char *);
			d = va_arg(ap, const char *);
			a = va_arg(ap, const char *);
			core_html_person(buf, s, d, a, va_arg(ap, int));
			break;
		case 'T':
			core_html_time(buf, va_arg(ap, const char *));
			break;
		case 'R':
			s = va_arg(ap, const char *);
			if (s != NULL)
				core_buf_put(buf, s, strlen(s));
			break;
		case 'd':
			n = snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			core_buf_put(buf, num, n);
			break;
		case 'u':
			n = snprintf(num, sizeof(num), "%u",
			    va_arg(ap, unsigned int));
			core_buf_put(buf, num, n);
			break;
		case 'l':
			if (p[1] == 'l' && p[2] == 'd') {
				n = snprintf(num, sizeof(num), "%lld",
				    va_arg(ap, long long));
				core_buf_put(buf, num, n);
				p += 2;
				break;
			}
			core_buf_put(buf, "%l", 2);
			break;
		case '%':
			core_buf_put(buf, "%", 1);
			break;
		case '\0':
			core_buf_put(buf, "%", 1);
			p--;
			break;
		default:
			core_buf_put(buf, p - 1, 2);
			break;
		}
		run = p + 1;
	}
	if (p > run)
		core_buf_put(buf, run, p - run);
	va_end(ap);
}
