#!/usr/bin/env bash
# Test photos from Debian packages, never from the web: cats (gdk-pixbuf's
# test image, scikit-image's Chelsea), dogs (GNOME's puppy, darknet's
# sample with a bicycle) and photos without animals (GNOME's pictures),
# extracted into var/fixtures/.  Once; quiet when present.
set -euo pipefail
cd "$(dirname "$0")/.."

out=var/fixtures
want=(cat.jpg chelsea.png dog.jpg puppy.jpg mountain.jpg bicycle.jpg dice.jpg
    surfer.jpg)
have=1
for f in "${want[@]}"; do [ -s "$out/$f" ] || have=0; done
[ "$have" = 1 ] && exit 0

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

debs="gdk-pixbuf-tests gnome-control-center-data python3-skimage darknet"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
(
	cd "$work"
	apt-get download -qq $debs 2>/dev/null ||
	{ as_root apt-get update -qq && apt-get download -qq $debs \
	    2>/dev/null; }
	for deb in ./*.deb; do dpkg-deb -x "$deb" x; done
)

mkdir -p "$out"
cp "$work/x/usr/libexec/installed-tests/gdk-pixbuf/test-images/reftests/cat.jpg" \
    "$out/cat.jpg"
for f in mountain.jpg bicycle.jpg surfer.jpg puppy.jpg; do
	cp "$work/x/usr/share/pixmaps/faces/$f" "$out/$f"
done
cp "$work/x/usr/share/pixmaps/faces/legacy/dice.jpg" "$out/dice.jpg"
cp "$work/x/usr/lib/python3/dist-packages/skimage/data/chelsea.png" \
    "$out/chelsea.png"
cp "$work/x/usr/share/darknet/data/dog.jpg" "$out/dog.jpg"
echo "fixtures: test photos in $out"
