#!/usr/bin/env bash
# The object detector's model: MobileNetV3-CenterNet (COCO, 80 classes)
# from the npm package @vladmandic/human, pinned in package.json and
# checked here by SHA-256, converted once from its TF.js form into the
# TensorFlow graph OpenCV reads (scripts/tfjs_graph.py), into
# var/models/.  Quiet when the converted model is current; nothing is
# downloaded at run time.
#   scripts/model.sh [source-dir output.pb]	(tests: another place)
set -euo pipefail
cd "$(dirname "$0")/.."

src=${1:-node_modules/@vladmandic/human/models}
out=${2:-var/models/centernet.pb}
declare -A want=(
	[centernet.json]=bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05
	[centernet.bin]=1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef
)

stamp="$(cat scripts/tfjs_graph.py | sha256sum | cut -c1-16)"
for f in centernet.json centernet.bin; do
	stamp="$stamp ${want[$f]}"
done
if [ -s "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

for f in centernet.json centernet.bin; do
	if [ ! -s "$src/$f" ]; then
		echo "model: $src/$f is missing (scripts/deps.sh installs it)" >&2
		exit 1
	fi
	have=$(sha256sum "$src/$f" | cut -d' ' -f1)
	if [ "$have" != "${want[$f]}" ]; then
		echo "model: $src/$f has SHA-256 $have, not ${want[$f]}" >&2
		exit 1
	fi
done

mkdir -p "$(dirname "$out")"
/usr/bin/python3 scripts/tfjs_graph.py "$src/centernet.json" "$out" \
    --output tower_0/Sigmoid --output tower_0/mul
echo "$stamp" >"$out.stamp"
echo "model: $out"
