/*
 * Image type and size from the first bytes of a file (plain C).
 */

#ifndef __H_AGORA_IMAGE_PROBE_H
#define __H_AGORA_IMAGE_PROBE_H

#include <sys/types.h>

#include <stddef.h>

#define CORE_IMAGE_JPEG		1
#define CORE_IMAGE_PNG		2
#define CORE_IMAGE_WEBP		3

/* How much of a file core_image_probe() wants to see. */
#define CORE_IMAGE_PROBE_BYTES	(256 * 1024)

struct core_image {
	int		format;
	u_int32_t	width;
	u_int32_t	height;
};

int		 core_image_probe(const u_int8_t *, size_t, struct core_image *);
const char	*core_image_ext(int);
const char	*core_image_format_name(int);

#endif /* !__H_AGORA_IMAGE_PROBE_H */
