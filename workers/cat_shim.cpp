/*
 * A thin C interface to OpenCV's cascade classifier, for the cat_detect
 * job: frontal cat faces in an 8-bit grayscale image.  The cascade file
 * comes from Debian's opencv-data.  Nothing from OpenCV crosses into C:
 * exceptions end here as an error result.
 */

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "cat_shim.h"

static cv::CascadeClassifier	*cascade;

extern "C" int
cat_shim_load(const char *path)
{
	try {
		cv::CascadeClassifier *c = new cv::CascadeClassifier(path);
		if (c->empty()) {
			delete c;
			return (-1);
		}
		delete cascade;
		cascade = c;
	} catch (...) {
		return (-1);
	}

	return (0);
}

/*
 * Detect in `gray` (`width` x `height`, rows `stride` bytes apart).
 * Fills up to `max` boxes and *score with the best detection's weight
 * (0 when none).  Returns the number of detections, or -1.
 */
extern "C" int
cat_shim_detect(const unsigned char *gray, int width, int height,
    int stride, struct cat_box *boxes, int max, double *score)
{
	std::vector<cv::Rect>	 found;
	std::vector<int>	 levels;
	std::vector<double>	 weights;
	size_t			 i;

	*score = 0;
	if (cascade == NULL)
		return (-1);

	try {
		cv::Mat in(height, width, CV_8UC1,
		    const_cast<unsigned char *>(gray), stride);
		cv::Mat eq;
		cv::equalizeHist(in, eq);
		cascade->detectMultiScale(eq, found, levels, weights,
		    CAT_SCALE_STEP, CAT_MIN_NEIGHBOURS, 0,
		    cv::Size(CAT_MIN_SIDE, CAT_MIN_SIDE), cv::Size(), true);
	} catch (...) {
		return (-1);
	}

	for (i = 0; i < found.size(); i++) {
		if (i < weights.size())
			*score = std::max(*score, weights[i]);
		if ((int)i < max) {
			boxes[i].x = found[i].x;
			boxes[i].y = found[i].y;
			boxes[i].w = found[i].width;
			boxes[i].h = found[i].height;
		}
	}

	return ((int)found.size());
}
