/*
 * Recognise an uploaded image by its first bytes, never by its name or
 * Content-Type: JPEG, PNG or WebP, with the dimensions its header claims.
 * Plain C, no allocation: the bytes come straight from the client.
 */

#include <string.h>

#include "image_probe.h"

static int	probe_png(const u_int8_t *, size_t, struct core_image *);
static int	probe_jpeg(const u_int8_t *, size_t, struct core_image *);
static int	probe_webp(const u_int8_t *, size_t, struct core_image *);

static u_int32_t
be32(const u_int8_t *p)
{
	return ((u_int32_t)p[0] << 24 | (u_int32_t)p[1] << 16 |
	    (u_int32_t)p[2] << 8 | p[3]);
}

static u_int32_t
le24(const u_int8_t *p)
{
	return ((u_int32_t)p[0] | (u_int32_t)p[1] << 8 | (u_int32_t)p[2] << 16);
}

/*
 * Fill `img` from `len` bytes of the start of a file.  Returns 0, or -1
 * when the bytes are not a JPEG, PNG or WebP whose size can be read from
 * them (then `img` says nothing).
 */
int
core_image_probe(const u_int8_t *p, size_t len, struct core_image *img)
{
	memset(img, 0, sizeof(*img));

	if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return (probe_png(p, len, img));
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return (probe_jpeg(p, len, img));
	if (len >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return (probe_webp(p, len, img));

	return (-1);
}

/* The extension used for a format's stored original. */
const char *
core_image_ext(int format)
{
	switch (format) {
	case CORE_IMAGE_JPEG:
		return ("jpg");
	case CORE_IMAGE_PNG:
		return ("png");
	case CORE_IMAGE_WEBP:
		return ("webp");
	default:
		return (NULL);
	}
}

/* The media_files.format name of a format. */
const char *
core_image_format_name(int format)
{
	switch (format) {
	case CORE_IMAGE_JPEG:
		return ("jpeg");
	case CORE_IMAGE_PNG:
		return ("png");
	case CORE_IMAGE_WEBP:
		return ("webp");
	default:
		return (NULL);
	}
}

/* Signature, then IHDR must be the first chunk. */
static int
probe_png(const u_int8_t *p, size_t len, struct core_image *img)
{
	if (len < 24 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4))
		return (-1);

	img->format = CORE_IMAGE_PNG;
	img->width = be32(p + 16);
	img->height = be32(p + 20);

	return (img->width > 0 && img->height > 0 &&
	    img->width <= 0x7fffffff && img->height <= 0x7fffffff ? 0 : -1);
}

/* Walk the marker segments to the first start-of-frame. */
static int
probe_jpeg(const u_int8_t *p, size_t len, struct core_image *img)
{
	size_t		off, seg;
	u_int8_t	m;

	off = 2;
	while (off + 4 <= len) {
		if (p[off] != 0xff)
			return (-1);
		m = p[off + 1];
		if (m == 0xff) {		/* fill byte */
			off++;
			continue;
		}
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			off += 2;		/* markers without a length */
			continue;
		}
		if (m == 0xd9 || m == 0xda)	/* EOI or scan before a frame */
			return (-1);
		seg = ((size_t)p[off + 2] << 8) | p[off + 3];
		if (seg < 2)
			return (-1);
		if ((m >= 0xc0 && m <= 0xcf) && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc) {
			if (off + 9 > len || seg < 7)
				return (-1);
			img->format = CORE_IMAGE_JPEG;
			img->height = ((u_int32_t)p[off + 5] << 8) | p[off + 6];
			img->width = ((u_int32_t)p[off + 7] << 8) | p[off + 8];
			return (img->width > 0 && img->height > 0 ? 0 : -1);
		}
		off += 2 + seg;
	}

	return (-1);
}

/* RIFF/WEBP with a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk. */
static int
probe_webp(const u_int8_t *p, size_t len, struct core_image *img)
{
	const u_int8_t	*c;
	u_int32_t	 bits;

	if (len < 30)
		return (-1);

	c = p + 12;
	if (!memcmp(c, "VP8 ", 4)) {
		if (c[11] != 0x9d || c[12] != 0x01 || c[13] != 0x2a)
			return (-1);
		img->width = (c[14] | c[15] << 8) & 0x3fff;
		img->height = (c[16] | c[17] << 8) & 0x3fff;
	} else if (!memcmp(c, "VP8L", 4)) {
		if (c[8] != 0x2f)
			return (-1);
		bits = (u_int32_t)c[9] | (u_int32_t)c[10] << 8 |
		    (u_int32_t)c[11] << 16 | (u_int32_t)c[12] << 24;
		img->width = (bits & 0x3fff) + 1;
		img->height = ((bits >> 14) & 0x3fff) + 1;
	} else if (!memcmp(c, "VP8X", 4)) {
		img->width = le24(c + 12) + 1;
		img->height = le24(c + 15) + 1;
	} else {
		return (-1);
	}

	img->format = CORE_IMAGE_WEBP;
	return (img->width > 0 && img->height > 0 ? 0 : -1);
}
