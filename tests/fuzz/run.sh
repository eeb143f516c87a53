#!/usr/bin/env bash
# Run fuzz targets (built by `make fuzz-build`) for FUZZ_SECONDS each,
# FUZZ_JOBS at a time, and print one line per target:
#
#	tests/fuzz/run.sh [target...]		default: every built target
#
# A target fails on a crash, a leak, a sanitizer report, a failed check
# or an input that runs over 10 s; its log is build/fuzz/<target>.log and
# the input build/fuzz/<target>-crash-... (or leak-, timeout-).  Exits 1
# when any target failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for b in build/fuzz/*; do
		[ -f "$b" ] && [ -x "$b" ] && targets+=("$(basename "$b")")
	done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

one() {		# target
	local t=$1 rc
	mkdir -p "build/fuzz/corpus/$t"
	rm -f "build/fuzz/$t.rc"
	"build/fuzz/$t" "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" \
	    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="build/fuzz/$t-" \
	    >"build/fuzz/$t.log" 2>&1
	rc=$?
	echo "$rc" >"build/fuzz/$t.rc"
}

report() {	# target -> 0 or 1
	local t=$1 log=build/fuzz/$1.log rc runs rate cov
	rc=$(cat "build/fuzz/$t.rc" 2>/dev/null || echo 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(sed -n 's/^#[0-9]*.*[[:space:]]cov: \([0-9]*\).*/\1/p' "$log" |
	    tail -1)
	if [ "$rc" = 0 ] && ! grep -q -e 'ERROR: \(Address\|Leak\)Sanitizer' \
	    -e 'runtime error:' -e 'check failed:' "$log"; then
		printf 'fuzz: %-12s ok: %s runs, %s/s, %s edges\n' "$t" \
		    "${runs:-?}" "${rate:-?}" "${cov:-?}"
		return 0
	fi
	printf 'fuzz: %-12s FAILED (status %s), see %s\n' "$t" "$rc" "$log"
	grep -m 3 -e 'ERROR:' -e 'runtime error:' -e 'check failed:' \
	    -e 'Test unit written' "$log" | sed 's/^/fuzz:   /'
	return 1
}

running=0
for t in "${targets[@]}"; do
	if [ ! -x "build/fuzz/$t" ]; then
		echo "fuzz: no build/fuzz/$t (make fuzz-build)" >&2
		exit 2
	fi
	one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

failed=0
for t in "${targets[@]}"; do
	report "$t" || failed=$((failed + 1))
done
echo "fuzz: ${#targets[@]} targets, $failed failed, ${secs} s each"
[ "$failed" -eq 0 ]
