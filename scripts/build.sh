#!/usr/bin/env bash
# Build the site (kodev) in a flavor, from clean when the flavor, a header
# or the build flags changed since the last build: kodev itself only
# compares each source file's mtime with its object.
#   scripts/build.sh dev|asan|prod [clean]
set -euo pipefail
cd "$(dirname "$0")/.."
flavor=$1
stamp=var/.built-flavor
mkdir -p var

want="$flavor $(cat conf/build.conf $(find apps -name '*.h' | sort) | md5sum | cut -c1-16)"
if [ "${2:-}" = clean ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	KORE_BUILD_FLAVOR=$flavor scripts/kodev.sh clean >/dev/null
fi
rm -f "$stamp"
KORE_BUILD_FLAVOR=$flavor scripts/kodev.sh build >var/build.log 2>&1 || {
	cat var/build.log >&2
	exit 1
}
# kodev prints compiler diagnostics but still succeeds on warnings.
if grep -E "warning:|error:" var/build.log >&2; then
	echo "build: warnings are errors here" >&2
	exit 1
fi
echo "$want" >"$stamp"
