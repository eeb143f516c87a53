#!/usr/bin/env bash
# Build the site (kodev) in a flavor, from clean when the flavor changed
# since the last build (kodev itself only looks at source mtimes).
#   scripts/build.sh dev|asan|prod [clean]
set -euo pipefail
cd "$(dirname "$0")/.."
flavor=$1
stamp=var/.built-flavor
mkdir -p var

if [ "${2:-}" = clean ] || [ "$(cat "$stamp" 2>/dev/null)" != "$flavor" ]; then
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
echo "$flavor" >"$stamp"
