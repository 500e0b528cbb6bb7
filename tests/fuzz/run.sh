#!/bin/sh
# run.sh: runs every libFuzzer target built in $1/fuzz (default build-fuzz)
# for $2 seconds each (default 60), two at a time, from its committed
# corpus tests/fuzz/corpus/NAME (read only) and a working corpus in
# $1/corpus/NAME where new inputs go; tests/fuzz/NAME.dict when present.
# Crashes are written to $1/artifacts/NAME/. Called by `make fuzz` and
# `make fuzz-smoke`. Prints one line per target (runs, corpus size) and
# ends "fuzz: N passed, N failed"; exits 1 if any target found a crash.
# FUZZ_SEED fixes libFuzzer's seed: `make fuzz-smoke` sets it so that a CI
# run explores the same inputs each time and passes or fails reproducibly;
# `make fuzz` leaves it random to search further.
set -u
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
JOBS=${JOBS:-2}
TOP=$(pwd)
LOGS="$TOP/$BUILD/fuzz-logs"
mkdir -p "$LOGS"

run_one() {
	name=$1
	bin="$TOP/$BUILD/fuzz/fuzz_$name"
	work="$TOP/$BUILD/corpus/$name"
	art="$TOP/$BUILD/artifacts/$name"
	mkdir -p "$work" "$art" "tests/fuzz/corpus/$name"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# shellcheck disable=SC2086
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		"$bin" -max_total_time="$SECONDS_EACH" -timeout=20 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$art/" $dict ${FUZZ_SEED:+-seed=$FUZZ_SEED} \
		"$work" "tests/fuzz/corpus/$name" >"$LOGS/$name.log" 2>&1
	echo $? >"$LOGS/$name.rc"
}

names=$(ls "$BUILD"/fuzz/fuzz_* 2>/dev/null | sed 's|.*/fuzz_||')
[ -n "$names" ] || { echo "run.sh: no fuzz targets in $BUILD/fuzz" >&2; exit 1; }
running=0
for n in $names; do
	run_one "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

passed=0
failed=0
for n in $names; do
	log="$LOGS/$n.log"
	rc=$(cat "$LOGS/$n.rc")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	units=$(ls "$BUILD/corpus/$n" "tests/fuzz/corpus/$n" | grep -vc ':$')
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok fuzz_$n: ${runs:-?} runs in ${SECONDS_EACH}s," \
			"corpus ${units} inputs"
	else
		failed=$((failed + 1))
		echo "not ok fuzz_$n: exit $rc after ${runs:-?} runs; log: $log"
		grep -E 'ERROR|SUMMARY|artifact|(optimizer|models|reports|fuzz)/' \
			"$log" | head -n 20
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
