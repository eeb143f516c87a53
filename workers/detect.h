/*
 * The object detector: a MobileNetV3-CenterNet trained on COCO's 80
 * classes, run by OpenCV's DNN module (detect_shim.cpp, the one C++
 * file), decoded in C (detect_decode.c) and stored by the photo_detect
 * job (job_detect.c).
 */

#ifndef __H_AGORA_DETECT_H
#define __H_AGORA_DETECT_H

#include <stddef.h>

/* The network's input: a square RGB image, raw 0-255 values. */
#define DETECT_INPUT		512
/* Its outputs: per-class heatmaps and box sizes on a 128 x 128 grid. */
#define DETECT_CLASSES		80
#define DETECT_GRID		128
#define DETECT_STRIDE		(DETECT_INPUT / DETECT_GRID)
#define DETECT_SIZES		4	/* left, top, right, bottom */

#define DETECT_CLASS_PERSON	0
#define DETECT_CLASS_CAT	15

/*
 * A cat from this score makes a cat photo; any other class from the
 * second a detected tag (AGORA_DETECT_CAT_THRESHOLD, _TAG_THRESHOLD).
 * On Debian's sample photos (bench/vision.sh, README) every cat found
 * scores 0.45 or more and no photo without a cat reaches 0.22; from 0.4
 * other classes are right about two times in three.
 */
#define DETECT_CAT_THRESHOLD	0.3
#define DETECT_TAG_THRESHOLD	0.4

/* Peaks below this are not detections at all. */
#define DETECT_SCORE_MIN	0.2f
/* Boxes of one class overlapping more than this are one object. */
#define DETECT_IOU_MAX		0.5f
#define DETECT_MAX		32

/* One detection, its box in the network's 512-pixel frame. */
struct detection {
	int	cls;
	float	score;
	float	x0;
	float	y0;
	float	x1;
	float	y1;
};

/* detect_decode.c */
extern const char	*detect_labels[DETECT_CLASSES];
int	detect_decode(const float *, const float *, float,
	    struct detection *, int);
void	detect_fractions(const struct detection *, int, int, float *);
const char	*detect_tag(int);

#if defined(__cplusplus)
extern "C" {
#endif
/* detect_shim.cpp */
int	detect_shim_load(const char *, char *, size_t);
int	detect_shim_run(const unsigned char *, float *, float *, char *,
	    size_t);
#if defined(__cplusplus)
}
#endif

#endif /* !__H_AGORA_DETECT_H */
