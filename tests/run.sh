#!/bin/sh
# run.sh: runs the whole suite against the build in directory $1 (default
# build): every cmocka unit-test binary and every end-to-end script in
# tests/e2e, two at a time, each printing TAP. Logs go to $1/test-logs/.
# Ends with one line "N passed, N failed" and exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(pwd)
LOGS="$TOP/$BUILD/test-logs"
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
rm -rf "$LOGS"
mkdir -p "$LOGS"
export VAULTWISE="$TOP/$BUILD/vaultwise"
export VW_TOP="$TOP"
export CMOCKA_MESSAGE_OUTPUT=TAP
export TEST_OUT="$LOGS"

run_one() {
	t=$1
	name=$(basename "$t" .sh)
	case "$t" in
	*.sh) (cd "$TOP" && sh "$t") >"$LOGS/$name.log" 2>&1 ;;
	*) "$t" >"$LOGS/$name.log" 2>&1 ;;
	esac
	echo $? >"$LOGS/$name.rc"
}

# lib.sh is the helpers the scripts source, not a test. SKIP_TESTS names
# tests to leave out (make valgrind leaves out the slowest).
tests=$(ls "$BUILD"/tests/test_* tests/e2e/*.sh 2>/dev/null |
	grep -v '^tests/e2e/lib\.sh$')
for s in ${SKIP_TESTS:-}; do
	tests=$(printf '%s\n' $tests | grep -v "/$s\(\.sh\)*\$")
done
# A small job pool: start up to $JOBS at a time.
running=0
for t in $tests; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

passed=0
failed=0
for t in $tests; do
	name=$(basename "$t" .sh)
	log="$LOGS/$name.log"
	rc=$(cat "$LOGS/$name.rc")
	ok=$(grep -c '^ok ' "$log")
	bad=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1 # crashed or exited early without reporting a failure
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -gt 0 ]; then
		echo "--- $name: $bad failed (exit $rc); log: $log"
		grep -v '^ok ' "$log" | tail -n 25
	else
		echo "$name: $ok passed"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
