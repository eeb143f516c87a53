/*
 * HOTP and TOTP with HMAC-SHA1 (OpenSSL's), base32, and the QR code of
 * an otpauth:// address as SVG (libqrencode).
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>

#include "totp.h"

/* RFC 4226 5.3: the HMAC of the counter, truncated dynamically. */
u_int32_t
agora_hotp(const u_int8_t *key, size_t keylen, u_int64_t counter,
    int digits)
{
	u_int8_t	msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int	maclen, off;
	u_int32_t	bin, mod;
	int		i;

	for (i = 7; i >= 0; i--) {
		msg[i] = counter & 0xff;
		counter >>= 8;
	}
	maclen = 0;
	if (HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), mac,
	    &maclen) == NULL || maclen != 20)
		return (UINT32_MAX);

	off = mac[19] & 0x0f;
	bin = ((u_int32_t)(mac[off] & 0x7f) << 24) |
	    ((u_int32_t)mac[off + 1] << 16) | ((u_int32_t)mac[off + 2] << 8) |
	    (u_int32_t)mac[off + 3];
	for (mod = 1, i = 0; i < digits; i++)
		mod *= 10;

	return (bin % mod);
}

u_int64_t
agora_totp_step(int64_t t)
{
	return (t < 0 ? 0 : (u_int64_t)t / AGORA_TOTP_STEP);
}

int
agora_totp_match(const u_int8_t *key, size_t keylen, u_int64_t step,
    int window, u_int64_t after, const char *code, u_int64_t *found)
{
	u_int32_t	want, got;
	u_int64_t	s;
	int		i, diff;

	if (code == NULL || strlen(code) != AGORA_TOTP_DIGITS ||
	    strspn(code, "0123456789") != AGORA_TOTP_DIGITS)
		return (-1);
	want = (u_int32_t)strtoul(code, NULL, 10);

	/* Every step of the window is computed: no early answer. */
	diff = -1;
	for (i = -window; i <= window; i++) {
		if (i < 0 && step < (u_int64_t)-i)
			continue;
		s = step + i;
		got = agora_hotp(key, keylen, s, AGORA_TOTP_DIGITS);
		if (got == want && s > after && diff == -1) {
			*found = s;
			diff = 0;
		}
	}

	return (diff);
}

void
agora_base32(const u_int8_t *in, size_t len, char *out, size_t outlen)
{
	static const char	alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	u_int32_t		buf;
	size_t			i, o;
	int			bits;

	buf = 0;
	bits = 0;
	o = 0;
	for (i = 0; i < len; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5 && o + 1 < outlen) {
			out[o++] = alphabet[(buf >> (bits - 5)) & 0x1f];
			bits -= 5;
		}
	}
	if (bits > 0 && o + 1 < outlen)
		out[o++] = alphabet[(buf << (5 - bits)) & 0x1f];
	if (outlen > 0)
		out[o] = '\0';
}

/*
 * One path of unit squares for the dark modules, inside a quiet zone of
 * four modules; the SVG scales to any size (viewBox) and holds no text
 * from outside.
 */
char *
agora_qr_svg(const char *text)
{
	QRcode		*qr;
	char		*svg, *p;
	size_t		 cap, used;
	int		 x, y, n, w, len;

	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8,
	    1)) == NULL)
		return (NULL);

	w = qr->width;
	n = w + 8;
	/* At most "M%d %dh1v1h-1z" (30 bytes) per module, and the rest. */
	cap = (size_t)w * w * 30 + 512;
	if ((svg = malloc(cap)) == NULL) {
		QRcode_free(qr);
		return (NULL);
	}
	used = 0;
	len = snprintf(svg, cap, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" class=\"qr\" role=\"img\" "
	    "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"", n, n, n, n);
	used = (size_t)len;
	for (y = 0; y < w; y++) {
		for (x = 0; x < w; x++) {
			if (!(qr->data[y * w + x] & 1))
				continue;
			p = svg + used;
			len = snprintf(p, cap - used, "M%d %dh1v1h-1z", x + 4,
			    y + 4);
			used += (size_t)len;
		}
	}
	(void)snprintf(svg + used, cap - used, "\"/></svg>");
	QRcode_free(qr);

	return (svg);
}
