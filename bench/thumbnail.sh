#!/usr/bin/env bash
# Thumbnail benchmark: time and peak memory to make both copies (320x320
# thumbnail and 1280 display) of a 24-megapixel JPEG, as the thumbnail
# job does: ten runs in one process (as in the worker, libvips is started
# once), each timed, and the process's peak RSS.
#   bench/thumbnail.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -s worker
command -v /usr/bin/time >/dev/null || {
	echo "bench: needs /usr/bin/time (apt-get install time)" >&2
	exit 1
}

dir=$(mktemp -d /tmp/agora-thumb.XXXXXX)
trap 'rm -rf "$dir"' EXIT

# 6000x4000: smooth gradients with grain, like a photo, saved at q90.
/usr/bin/python3 - "$dir/24mp.jpg" <<'PY'
import sys
from PIL import Image, ImageChops
w, h = 6000, 4000
grad = Image.linear_gradient("L").resize((w, h))
rad = Image.radial_gradient("L").resize((w, h))
noise = Image.effect_noise((w, h), 24)
img = Image.merge("RGB", (grad, rad, ImageChops.add(grad, noise, 2.0, 0)))
img.save(sys.argv[1], quality=90)
PY
ls -l "$dir/24mp.jpg" | awk '{printf "input: 6000x4000 JPEG, %.1f MB\n", $5 / 1e6}'

/usr/bin/time -f "peak RSS of the process: %M KiB" \
    build/agora-worker thumbnail "$dir/24mp.jpg" "$dir/t.jpg" "$dir/d.jpg" 10 |
    awk '{ print "run " NR ": " $2 " ms"; s += $2 } END { printf "mean: %.1f ms\n", s / NR }'
