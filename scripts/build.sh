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

# conf/build.conf's warning flags are conf/warnings.mk's, word for word.
warn_mk=$(sed -n 's/^AGORA_WARN += //p' conf/warnings.mk | sort)
warn_conf=$(sed '/{/,$d' conf/build.conf | sed -n 's/^cflags=//p' |
    tr ' ' '\n' | grep -E '^-(W|std=)' | sort)
if [ "$warn_mk" != "$warn_conf" ]; then
	echo "build: conf/build.conf's warnings differ from conf/warnings.mk" >&2
	diff <(echo "$warn_mk") <(echo "$warn_conf") >&2 || true
	exit 1
fi

# lib/ (outside src/) as the archive that conf/build.conf links; kodev
# relinks only when a source changed, so a newer archive drops the module.
make -s lib LIB_FLAVOR="$flavor" >var/build-lib.log 2>&1 || {
	cat var/build-lib.log >&2
	exit 1
}
if grep -E "warning:|error:" var/build-lib.log >&2; then
	echo "build: warnings are errors here" >&2
	exit 1
fi
so=$(basename "$(pwd)").so
if [ -e "$so" ] && [ "build/lib/$flavor/libagora.a" -nt "$so" ]; then
	rm -f "$so"
fi

want="$flavor $(cat conf/build.conf conf/warnings.mk $(find apps lib -name '*.h' | sort) | md5sum | cut -c1-16)"
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
