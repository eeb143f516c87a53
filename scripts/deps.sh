#!/usr/bin/env bash
# Install what Agora needs, only what is missing: Debian packages, then
# the npm packages (Pico CSS, compiled into the app; the object detector's
# model; playwright-core for the browser test), then the model converted
# for OpenCV (scripts/model.sh).  Quiet and fast when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
	kore gcc make pkg-config libhiredis-dev libsodium-dev libcmark-dev
	libjansson-dev libvips-dev libcurl4-openssl-dev libcmocka-dev zlib1g-dev
	libssl-dev libqrencode-dev		# two-factor sign-in: HMAC-SHA1, QR codes
	libarchive-dev				# the data export's .zip (the worker)
	g++ libopencv-dnn-dev python3-opencv	# the object detector
	opencv-data				# bench/vision.sh: the Haar cascade
	postgresql redis-server redis-tools python3 python3-pytest
	python3-requests python3-websockets python3-aiosmtpd python3-pil
	chromium curl procps iproute2 nginx openssl systemd binutils
	clang libclang-rt-14-dev	# make fuzz: libFuzzer and the sanitizers
)

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done

# Node.js may come from elsewhere than Debian; take Debian's only if none.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	as_root apt-get update -qq
	as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" \
	    >/dev/null
fi

# npm: reinstall only when package-lock.json changed.
if [ ! -f node_modules/.package-lock.json ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	touch node_modules/.package-lock.json
fi

# Pico CSS is compiled into the binary as an asset (not committed).
src=node_modules/@picocss/pico/css/pico.min.css
if ! cmp -s "$src" assets/css/pico.min.css; then
	cp "$src" assets/css/pico.min.css
fi

# The object detector's model, checked and converted once.
scripts/model.sh
