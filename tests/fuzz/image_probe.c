/*
 * core_image_probe (lib/image_probe.c): the first bytes of an
 * upload, exactly as many as the client sent (ASan sees any read past
 * them), and what a success must mean.
 */

#include <sys/types.h>

#include "image_probe.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct core_image	 img;
	u_int8_t		*copy;
	u_int32_t		 max;
	int			 rc;

	if (len > CORE_IMAGE_PROBE_BYTES)
		return (0);

	/* An exact-size copy, even for len 0 (no slack to read into). */
	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	memcpy(copy, data, len);

	rc = core_image_probe(copy, len, &img);
	FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
	if (rc == 0) {
		switch (img.format) {
		case CORE_IMAGE_PNG:
			max = 0x7fffffff;
			FUZZ_CHECK(len >= 24, "PNG from %zu bytes", len);
			break;
		case CORE_IMAGE_JPEG:
			max = 0xffff;
			FUZZ_CHECK(copy[0] == 0xff && copy[1] == 0xd8,
			    "JPEG without SOI");
			break;
		case CORE_IMAGE_WEBP:
			max = 1 << 24;
			FUZZ_CHECK(len >= 30, "WebP from %zu bytes", len);
			break;
		default:
			FUZZ_CHECK(0, "format %d", img.format);
			return (0);
		}
		FUZZ_CHECK(img.width > 0 && img.width <= max &&
		    img.height > 0 && img.height <= max,
		    "format %d: %ux%u", img.format, img.width, img.height);
		FUZZ_CHECK(core_image_ext(img.format) != NULL &&
		    core_image_format_name(img.format) != NULL,
		    "format %d has no name", img.format);
	}

	free(copy);
	return (0);
}
