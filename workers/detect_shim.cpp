/*
 * A thin C interface to OpenCV's DNN module for the object detector: the
 * network (var/models/centernet.pb, converted at set-up from the TF.js
 * model by scripts/tfjs_graph.py) is loaded once per process and run on
 * one thread.  Nothing from OpenCV crosses into C: exceptions end here as
 * an error message.
 */

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "detect.h"

/* The nodes that produce the heatmaps and the box sizes. */
static const char	*outputs[] = { "tower_0/Sigmoid", "tower_0/mul" };

static cv::dnn::Net	*net;

static void
say(char *err, size_t len, const char *what, const char *detail)
{
	(void)snprintf(err, len, "%s: %s", what, detail);
}

/*
 * Load the network at `path`, replacing any loaded before.  Returns 0, or
 * -1 with the reason in `err` (the loaded network, if any, is kept).
 */
extern "C" int
detect_shim_load(const char *path, char *err, size_t len)
{
	try {
		cv::setNumThreads(1);
		cv::dnn::Net n = cv::dnn::readNetFromTensorflow(path);
		if (n.empty()) {
			say(err, len, "the model is empty", path);
			return (-1);
		}
		n.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
		n.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
		delete net;
		net = new cv::dnn::Net(n);
	} catch (const cv::Exception &e) {
		say(err, len, "the model cannot be loaded", e.what());
		return (-1);
	} catch (...) {
		say(err, len, "the model cannot be loaded", path);
		return (-1);
	}

	return (0);
}

/*
 * Run the network on `rgb`, DETECT_INPUT x DETECT_INPUT pixels of three
 * bytes, rows packed.  Fills `heat` (DETECT_CLASSES heatmaps) and `sizes`
 * (DETECT_SIZES maps), each map DETECT_GRID x DETECT_GRID floats, row by
 * row.  Returns 0, or -1 with the reason in `err`.
 */
extern "C" int
detect_shim_run(const unsigned char *rgb, float *heat, float *sizes,
    char *err, size_t len)
{
	std::vector<cv::String>	 names(outputs, outputs + 2);
	std::vector<cv::Mat>	 out;
	size_t			 want[2];

	if (net == NULL) {
		say(err, len, "the detector", "no model is loaded");
		return (-1);
	}
	want[0] = (size_t)DETECT_CLASSES * DETECT_GRID * DETECT_GRID;
	want[1] = (size_t)DETECT_SIZES * DETECT_GRID * DETECT_GRID;

	try {
		cv::Mat in(DETECT_INPUT, DETECT_INPUT, CV_8UC3,
		    const_cast<unsigned char *>(rgb));
		cv::Mat blob = cv::dnn::blobFromImage(in, 1.0, cv::Size(),
		    cv::Scalar(), false, false, CV_32F);
		net->setInput(blob);
		net->forward(out, names);
	} catch (const cv::Exception &e) {
		say(err, len, "the detector failed", e.what());
		return (-1);
	} catch (...) {
		say(err, len, "the detector failed", "unknown error");
		return (-1);
	}

	if (out.size() != 2 || out[0].type() != CV_32F ||
	    out[1].type() != CV_32F || !out[0].isContinuous() ||
	    !out[1].isContinuous() || out[0].total() != want[0] ||
	    out[1].total() != want[1]) {
		say(err, len, "the detector failed",
		    "the model's outputs have unexpected shapes");
		return (-1);
	}
	memcpy(heat, out[0].ptr<float>(), want[0] * sizeof(float));
	memcpy(sizes, out[1].ptr<float>(), want[1] * sizeof(float));

	return (0);
}
