#!/usr/bin/env bash
# The object detector on photos from Debian packages (never the web):
# precision and recall for cat, before (OpenCV's frontal cat-face Haar
# cascade, which the worker used to run) and after (the CenterNet model
# the worker runs now), and per detected class; time and peak RSS per
# photo; photos/s drained by two worker processes making thumbnails and
# detections together.  A table per photo says what each saw.
#   bench/vision.sh [--no-drain]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -s worker

dir=var/bench/vision
if [ ! -d "$dir/x" ]; then
	mkdir -p "$dir"
	(
		cd "$dir"
		apt-get download -qq gdk-pixbuf-tests \
		    gnome-control-center-data python3-skimage darknet
		for deb in ./*.deb; do dpkg-deb -x "$deb" x; done
		rm -f ./*.deb
	)
fi

/usr/bin/python3 bench/vision.py "$dir/x"
[ "${1:-}" = --no-drain ] || bench/vision_drain.sh
