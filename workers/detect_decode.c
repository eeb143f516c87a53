/*
 * Decoding the object detector's outputs (no OpenCV here, unit-tested):
 * every 3 x 3 local maximum of a class's heatmap above a score is an
 * object, its box read from the four size maps at that cell; overlapping
 * boxes of one class are one object (the best is kept).
 */

#include <stdlib.h>
#include <string.h>

#include "detect.h"

/* COCO's 80 classes in the model's order, written as tags. */
const char *detect_labels[DETECT_CLASSES] = {
	"person", "bicycle", "car", "motorcycle", "airplane", "bus", "train",
	"truck", "boat", "traffic_light", "fire_hydrant", "stop_sign",
	"parking_meter", "bench", "bird", "cat", "dog", "horse", "sheep",
	"cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
	"handbag", "tie", "suitcase", "frisbee", "skis", "snowboard",
	"sports_ball", "kite", "baseball_bat", "baseball_glove", "skateboard",
	"surfboard", "tennis_racket", "bottle", "wine_glass", "cup", "fork",
	"knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
	"broccoli", "carrot", "hot_dog", "pizza", "donut", "cake", "chair",
	"couch", "potted_plant", "bed", "dining_table", "toilet", "tv",
	"laptop", "mouse", "remote", "keyboard", "cell_phone", "microwave",
	"oven", "toaster", "sink", "refrigerator", "book", "clock", "vase",
	"scissors", "teddy_bear", "hair_drier", "toothbrush"
};

static int	is_peak(const float *, int, int);
static float	iou(const struct detection *, const struct detection *);
static int	by_score(const void *, const void *);

/* The tag of class `cls`, or NULL when there is no such class. */
const char *
detect_tag(int cls)
{
	if (cls < 0 || cls >= DETECT_CLASSES)
		return (NULL);
	return (detect_labels[cls]);
}

/*
 * Decode `heat` (DETECT_CLASSES maps) and `sizes` (DETECT_SIZES maps),
 * each DETECT_GRID x DETECT_GRID, into at most `max` detections scoring
 * `min` or more, best first, boxes in the DETECT_INPUT-pixel frame.
 * Returns how many were written.
 */
int
detect_decode(const float *heat, const float *sizes, float min,
    struct detection *out, int max)
{
	const size_t	 plane = (size_t)DETECT_GRID * DETECT_GRID;
	struct detection cand[DETECT_MAX * 4];
	int		 c, x, y, n, i, j, kept;
	size_t		 at;

	n = 0;
	for (c = 0; c < DETECT_CLASSES; c++) {
		for (y = 0; y < DETECT_GRID; y++) {
			for (x = 0; x < DETECT_GRID; x++) {
				at = (size_t)y * DETECT_GRID + x;
				if (heat[c * plane + at] < min ||
				    !is_peak(heat + c * plane, x, y))
					continue;
				if (n == DETECT_MAX * 4) {
					/* Keep the best candidates only. */
					qsort(cand, n, sizeof(cand[0]),
					    by_score);
					if (heat[c * plane + at] <=
					    cand[n - 1].score)
						continue;
					n--;
				}
				cand[n].cls = c;
				cand[n].score = heat[c * plane + at];
				cand[n].x0 = DETECT_STRIDE * x - sizes[at];
				cand[n].y0 = DETECT_STRIDE * y -
				    sizes[plane + at];
				cand[n].x1 = DETECT_STRIDE * x +
				    sizes[2 * plane + at];
				cand[n].y1 = DETECT_STRIDE * y +
				    sizes[3 * plane + at];
				n++;
			}
		}
	}
	qsort(cand, n, sizeof(cand[0]), by_score);

	kept = 0;
	for (i = 0; i < n && kept < max; i++) {
		for (j = 0; j < kept; j++) {
			if (out[j].cls == cand[i].cls &&
			    iou(&out[j], &cand[i]) > DETECT_IOU_MAX)
				break;
		}
		if (j == kept)
			out[kept++] = cand[i];
	}

	return (kept);
}

/*
 * The box of `d` as fractions [x, y, w, h] of an upright image of
 * `width` x `height` pixels, which was placed at the top left of a
 * square and scaled to the network's input: clipped to the image.
 */
void
detect_fractions(const struct detection *d, int width, int height,
    float *box)
{
	float	side, x0, y0, x1, y1;

	side = (float)(width > height ? width : height) / DETECT_INPUT;
	x0 = d->x0 * side / width;
	y0 = d->y0 * side / height;
	x1 = d->x1 * side / width;
	y1 = d->y1 * side / height;
	x0 = x0 < 0 ? 0 : x0 > 1 ? 1 : x0;
	y0 = y0 < 0 ? 0 : y0 > 1 ? 1 : y0;
	x1 = x1 < x0 ? x0 : x1 > 1 ? 1 : x1;
	y1 = y1 < y0 ? y0 : y1 > 1 ? 1 : y1;
	box[0] = x0;
	box[1] = y0;
	box[2] = x1 - x0;
	box[3] = y1 - y0;
}

/* Whether cell (x, y) of `map` is at least each of its neighbours. */
static int
is_peak(const float *map, int x, int y)
{
	float	v;
	int	dx, dy, nx, ny;

	v = map[(size_t)y * DETECT_GRID + x];
	for (dy = -1; dy <= 1; dy++) {
		for (dx = -1; dx <= 1; dx++) {
			nx = x + dx;
			ny = y + dy;
			if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 ||
			    nx >= DETECT_GRID || ny >= DETECT_GRID)
				continue;
			if (map[(size_t)ny * DETECT_GRID + nx] > v)
				return (0);
		}
	}

	return (1);
}

static float
iou(const struct detection *a, const struct detection *b)
{
	float	w, h, inter, area;

	w = (a->x1 < b->x1 ? a->x1 : b->x1) - (a->x0 > b->x0 ? a->x0 : b->x0);
	h = (a->y1 < b->y1 ? a->y1 : b->y1) - (a->y0 > b->y0 ? a->y0 : b->y0);
	if (w <= 0 || h <= 0)
		return (0);
	inter = w * h;
	area = (a->x1 - a->x0) * (a->y1 - a->y0) +
	    (b->x1 - b->x0) * (b->y1 - b->y0) - inter;

	return (area > 0 ? inter / area : 0);
}

static int
by_score(const void *a, const void *b)
{
	const struct detection	*x = a, *y = b;

	if (x->score != y->score)
		return (x->score > y->score ? -1 : 1);
	if (x->cls != y->cls)
		return (x->cls - y->cls);
	return (0);
}
