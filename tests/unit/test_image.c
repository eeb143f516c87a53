/*
 * Recognising uploads by content (lib/image_probe.c).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image_probe.h"

/* PNG signature + IHDR chunk header and fields (CRC not checked here). */
static size_t
png(u_int8_t *b, u_int32_t w, u_int32_t h)
{
	static const u_int8_t sig[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";

	memcpy(b, sig, 16);
	b[16] = w >> 24; b[17] = w >> 16; b[18] = w >> 8; b[19] = w;
	b[20] = h >> 24; b[21] = h >> 16; b[22] = h >> 8; b[23] = h;
	memset(b + 24, 0, 9);
	return (33);
}

static void
png_sizes(void **state)
{
	struct core_image	img;
	u_int8_t		b[64];
	size_t			n;

	n = png(b, 640, 480);
	assert_int_equal(core_image_probe(b, n, &img), 0);
	assert_int_equal(img.format, CORE_IMAGE_PNG);
	assert_int_equal(img.width, 640);
	assert_int_equal(img.height, 480);

	/* A decompression bomb's header is read, not believed blindly. */
	n = png(b, 50000, 50000);
	assert_int_equal(core_image_probe(b, n, &img), 0);
	assert_int_equal((u_int64_t)img.width * img.height, 2500000000ULL);

	n = png(b, 0, 10);
	assert_int_equal(core_image_probe(b, n, &img), -1);
	assert_int_equal(core_image_probe(b, 20, &img), -1);	/* cut */
}

static void
jpeg_sizes(void **state)
{
	struct core_image	img;
	/* SOI, APP0 (16 bytes), SOF0 with height 300, width 400. */
	u_int8_t		b[] = {
		0xff, 0xd8,
		0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1,
		0, 1, 0, 0,
		0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x01, 0x90, 0x03,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1
	};

	assert_int_equal(core_image_probe(b, sizeof(b), &img), 0);
	assert_int_equal(img.format, CORE_IMAGE_JPEG);
	assert_int_equal(img.width, 400);
	assert_int_equal(img.height, 300);

	/* Truncated before the frame header. */
	assert_int_equal(core_image_probe(b, 22, &img), -1);
	/* A bad marker. */
	b[20] = 0x00;
	assert_int_equal(core_image_probe(b, sizeof(b), &img), -1);
}

static void
webp_sizes(void **state)
{
	struct core_image	img;
	u_int8_t		b[32];

	memset(b, 0, sizeof(b));
	memcpy(b, "RIFF\0\0\0\0WEBPVP8X", 16);
	b[24] = 0xff; b[25] = 0x01;		/* width - 1 = 511 */
	b[27] = 0x7f; b[28] = 0x00;		/* height - 1 = 127 */
	assert_int_equal(core_image_probe(b, sizeof(b), &img), 0);
	assert_int_equal(img.format, CORE_IMAGE_WEBP);
	assert_int_equal(img.width, 512);
	assert_int_equal(img.height, 128);

	memcpy(b + 12, "VP8Q", 4);
	assert_int_equal(core_image_probe(b, sizeof(b), &img), -1);
}

static void
not_images(void **state)
{
	struct core_image	 img;
	const char		*text = "hello, I am a text file named x.jpg";
	u_int8_t		 noise[4096];
	size_t			 i;

	assert_int_equal(core_image_probe((const u_int8_t *)text,
	    strlen(text), &img), -1);
	assert_int_equal(core_image_probe(noise, 0, &img), -1);
	assert_int_equal(core_image_probe((const u_int8_t *)"GIF89a", 6,
	    &img), -1);

	/* Random bytes never crash it, whatever they claim. */
	srand(42);
	for (i = 0; i < 2000; i++) {
		size_t	j, n = rand() % sizeof(noise);
		for (j = 0; j < n; j++)
			noise[j] = rand();
		if (i % 3 == 0 && n > 3) {
			noise[0] = 0xff; noise[1] = 0xd8; noise[2] = 0xff;
		}
		(void)core_image_probe(noise, n, &img);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(png_sizes),
		cmocka_unit_test(jpeg_sizes),
		cmocka_unit_test(webp_sizes),
		cmocka_unit_test(not_images),
	};

	return (cmocka_run_group_tests_name("image_probe", tests, NULL, NULL));
}
