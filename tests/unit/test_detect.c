/*
 * Decoding the object detector's outputs (workers/detect_decode.c): the
 * peaks of synthetic heatmaps, their boxes, the overlap rule and the
 * boxes as fractions of the photo.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect.h"

#define PLANE	((size_t)DETECT_GRID * DETECT_GRID)

struct maps {
	float	*heat;
	float	*sizes;
};

static int
setup(void **state)
{
	struct maps	*m;

	m = calloc(1, sizeof(*m));
	m->heat = calloc(DETECT_CLASSES * PLANE, sizeof(float));
	m->sizes = calloc(DETECT_SIZES * PLANE, sizeof(float));
	*state = m;
	return (m->heat == NULL || m->sizes == NULL);
}

static int
teardown(void **state)
{
	struct maps	*m = *state;

	free(m->heat);
	free(m->sizes);
	free(m);
	return (0);
}

/* An object of class `c` at cell (x, y) with sizes l, t, r, b. */
static void
put(struct maps *m, int c, int x, int y, float score, float l, float t,
    float r, float b)
{
	size_t	at = (size_t)y * DETECT_GRID + x;

	m->heat[c * PLANE + at] = score;
	m->sizes[at] = l;
	m->sizes[PLANE + at] = t;
	m->sizes[2 * PLANE + at] = r;
	m->sizes[3 * PLANE + at] = b;
}

static void
one_peak_one_box(void **state)
{
	struct maps		*m = *state;
	struct detection	 d[4];

	put(m, DETECT_CLASS_CAT, 64, 32, 0.9f, 10, 20, 30, 40);
	/* Its neighbours are lower: they are not peaks. */
	m->heat[DETECT_CLASS_CAT * PLANE + 32 * DETECT_GRID + 65] = 0.6f;
	m->heat[DETECT_CLASS_CAT * PLANE + 33 * DETECT_GRID + 63] = 0.5f;

	assert_int_equal(detect_decode(m->heat, m->sizes, 0.2f, d, 4), 1);
	assert_int_equal(d[0].cls, DETECT_CLASS_CAT);
	assert_true(d[0].score > 0.89f && d[0].score < 0.91f);
	assert_true(d[0].x0 == 4 * 64 - 10 && d[0].y0 == 4 * 32 - 20);
	assert_true(d[0].x1 == 4 * 64 + 30 && d[0].y1 == 4 * 32 + 40);
	assert_string_equal(detect_tag(d[0].cls), "cat");
}

static void
below_the_score_nothing(void **state)
{
	struct maps		*m = *state;
	struct detection	 d[4];

	put(m, 16, 10, 10, 0.19f, 5, 5, 5, 5);
	assert_int_equal(detect_decode(m->heat, m->sizes, 0.2f, d, 4), 0);
	assert_int_equal(detect_decode(m->heat, m->sizes, 0.1f, d, 4), 1);
	assert_string_equal(detect_tag(d[0].cls), "dog");
}

/* Two peaks of one class on one object are one; other classes stay. */
static void
overlapping_boxes(void **state)
{
	struct maps		*m = *state;
	struct detection	 d[8];

	put(m, 16, 40, 40, 0.8f, 40, 40, 40, 40);
	put(m, 16, 43, 40, 0.7f, 40, 40, 40, 40);	/* same dog */
	put(m, 16, 100, 100, 0.6f, 20, 20, 20, 20);	/* another dog */
	m->heat[15 * PLANE + 40 * DETECT_GRID + 41] = 0.5f;	/* a cat */

	assert_int_equal(detect_decode(m->heat, m->sizes, 0.2f, d, 8), 3);
	assert_int_equal(d[0].cls, 16);
	assert_true(d[0].score > 0.79f);
	assert_int_equal(d[1].cls, 16);
	assert_true(d[1].score > 0.59f && d[1].score < 0.61f);
	assert_int_equal(d[2].cls, 15);
}

/* A plateau of equal values is one object, not nine. */
static void
plateau(void **state)
{
	struct maps		*m = *state;
	struct detection	 d[16];
	int			 x, y;

	for (y = 20; y < 23; y++)
		for (x = 20; x < 23; x++)
			put(m, 2, x, y, 0.5f, 30, 30, 30, 30);
	assert_int_equal(detect_decode(m->heat, m->sizes, 0.2f, d, 16), 1);
}

/* Best first, at most `max`; peaks on the edges count. */
static void
best_first_and_bounded(void **state)
{
	struct maps		*m = *state;
	struct detection	 d[3];

	put(m, 1, 0, 0, 0.3f, 2, 2, 2, 2);
	put(m, 2, 127, 127, 0.9f, 2, 2, 2, 2);
	put(m, 3, 0, 127, 0.5f, 2, 2, 2, 2);
	put(m, 4, 127, 0, 0.7f, 2, 2, 2, 2);

	assert_int_equal(detect_decode(m->heat, m->sizes, 0.2f, d, 3), 3);
	assert_int_equal(d[0].cls, 2);
	assert_int_equal(d[1].cls, 4);
	assert_int_equal(d[2].cls, 3);
}

/* More peaks than the candidates kept: the best still win. */
static void
many_peaks(void **state)
{
	struct maps		*m = *state;
	struct detection	 d[DETECT_MAX];
	int			 x, y, n;

	for (y = 0; y < DETECT_GRID; y += 4)
		for (x = 0; x < DETECT_GRID; x += 4)
			put(m, 7, x, y, 0.3f + (x + y) / 1000.0f, 1, 1, 1, 1);
	put(m, 9, 1, 1, 0.99f, 1, 1, 1, 1);

	n = detect_decode(m->heat, m->sizes, 0.2f, d, DETECT_MAX);
	assert_int_equal(n, DETECT_MAX);
	assert_int_equal(d[0].cls, 9);
	assert_true(d[1].score > d[DETECT_MAX - 1].score);
	assert_true(d[1].score > 0.3f + 240 / 1000.0f);
}

static void
fractions(void **state)
{
	struct detection	d;
	float			box[4];

	/* 1000 x 500 sits at the top of the square: 512 x 256. */
	memset(&d, 0, sizeof(d));
	d.x0 = 0; d.y0 = 0; d.x1 = 512; d.y1 = 256;
	detect_fractions(&d, 1000, 500, box);
	assert_true(box[0] == 0 && box[1] == 0);
	assert_true(box[2] > 0.999f && box[2] < 1.001f);
	assert_true(box[3] > 0.999f && box[3] < 1.001f);

	d.x0 = 128; d.y0 = 64; d.x1 = 256; d.y1 = 128;
	detect_fractions(&d, 1000, 500, box);
	assert_true(box[0] > 0.249f && box[0] < 0.251f);
	assert_true(box[1] > 0.249f && box[1] < 0.251f);
	assert_true(box[2] > 0.249f && box[2] < 0.251f);
	assert_true(box[3] > 0.249f && box[3] < 0.251f);

	/* Outside the image (the padding, or past the frame): clipped. */
	d.x0 = -40; d.y0 = 200; d.x1 = 600; d.y1 = 400;
	detect_fractions(&d, 1000, 500, box);
	assert_true(box[0] == 0 && box[2] == 1);
	assert_true(box[1] + box[3] <= 1.0f && box[3] >= 0);
	d.x0 = 0; d.y0 = 300; d.x1 = 10; d.y1 = 400;	/* in the padding */
	detect_fractions(&d, 1000, 500, box);
	assert_true(box[3] == 0);
}

static void
tags(void **state)
{
	assert_string_equal(detect_tag(0), "person");
	assert_string_equal(detect_tag(DETECT_CLASS_CAT), "cat");
	assert_string_equal(detect_tag(DETECT_CLASSES - 1), "toothbrush");
	assert_null(detect_tag(-1));
	assert_null(detect_tag(DETECT_CLASSES));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_peak_one_box, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(below_the_score_nothing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(overlapping_boxes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(plateau, setup, teardown),
		cmocka_unit_test_setup_teardown(best_first_and_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(many_peaks, setup, teardown),
		cmocka_unit_test(fractions),
		cmocka_unit_test(tags),
	};

	return (cmocka_run_group_tests_name("detect", tests, NULL, NULL));
}
