/*
 * The cat detector's C interface (cat_shim.cpp, over OpenCV).
 */

#ifndef __H_AGORA_CAT_SHIM_H
#define __H_AGORA_CAT_SHIM_H

/* Detection settings, tuned on Debian's sample photos (README). */
#define CAT_SCALE_STEP		1.1
#define CAT_MIN_NEIGHBOURS	3
#define CAT_MIN_SIDE		24
/* A detection this confident makes a photo a cat photo. */
#define CAT_SCORE_MIN		1.0

struct cat_box {
	int	x;
	int	y;
	int	w;
	int	h;
};

#if defined(__cplusplus)
extern "C" {
#endif
int	cat_shim_load(const char *);
int	cat_shim_detect(const unsigned char *, int, int, int,
	    struct cat_box *, int, double *);
#if defined(__cplusplus)
}
#endif

#endif /* !__H_AGORA_CAT_SHIM_H */
