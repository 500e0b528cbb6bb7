#!/bin/sh
# run.sh: runs the whole suite against the build in directory $1 (default
# build): every cmocka unit-test binary and every end-to-end script in
# tests/e2e, $JOBS at a time (default: twice the number of cores), each
# printing TAP. Logs go to $1/test-logs/.
# Ends with one line "N passed, N failed" and exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(pwd)
LOGS="$TOP/$BUILD/test-logs"
# Twice the cores: most tests wait on the emulator (latency, Retry-After,
# polling) rather than compute; measured on 2 cores, 4 jobs took the
# suite from 190 s to 87 s.
JOBS=${JOBS:-$((2 * $(nproc 2>/dev/null || echo 1)))}
rm -rf "$LOGS"
mkdir -p "$LOGS"
export VAULTWISE="$TOP/$BUILD/vaultwise"
export VW_TOP="$TOP"
export CMOCKA_MESSAGE_OUTPUT=TAP
export TEST_OUT="$LOGS"

TIMES="$TOP/$BUILD/test-times"

run_one() {
	t=$1
	name=$(basename "$t" .sh)
	start=$(date +%s.%N)
	case "$t" in
	*.sh) (cd "$TOP" && sh "$t") >"$LOGS/$name.log" 2>&1 ;;
	*) "$t" >"$LOGS/$name.log" 2>&1 ;;
	esac
	echo $? >"$LOGS/$name.rc"
	echo "$start $(date +%s.%N)" >"$LOGS/$name.time"
}

# lib.sh and *_lib.sh are helpers the scripts source, not tests.
# SKIP_TESTS names tests to leave out (make valgrind leaves out the
# slowest).
tests=$(ls "$BUILD"/tests/test_* tests/e2e/*.sh 2>/dev/null |
	grep -v '^tests/e2e/\(.*_\)*lib\.sh$')
for s in ${SKIP_TESTS:-}; do
	tests=$(printf '%s\n' $tests | grep -v "/$s\(\.sh\)*\$")
done
# Longest first, by the last run's times ($BUILD/test-times), so that the
# slowest test does not start last; a test not timed yet goes first.
tests=$(for t in $tests; do
	s=$(awk -v n="$(basename "$t" .sh)" '$1 == n { print $2 }' \
		"$TIMES" 2>/dev/null)
	echo "${s:-999999} $t"
done | sort -k1,1gr -k2 | cut -d' ' -f2)

# A job pool: $JOBS tokens in a pipe; a test takes one to start and gives
# it back when it ends, so the next test starts as soon as any one ends.
mkfifo "$LOGS/.pool"
exec 3<>"$LOGS/.pool"
rm "$LOGS/.pool"
i=0
while [ "$i" -lt "$JOBS" ]; do
	echo >&3
	i=$((i + 1))
done
suite_start=$(date +%s.%N)
for t in $tests; do
	read -r _ <&3
	(
		run_one "$t"
		echo >&3
	) &
done
wait
exec 3>&-
suite_end=$(date +%s.%N)

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
# This run's times, for the next run's order and for a look at where
# the time goes (the slowest tests are printed).
for t in $tests; do
	name=$(basename "$t" .sh)
	awk -v n="$name" '{ printf "%s %.2f\n", n, $2 - $1 }' \
		"$LOGS/$name.time"
done | sort -k2,2gr >"$TIMES"
awk -v s="$suite_start" -v e="$suite_end" -v j="$JOBS" '
	{ busy += $2 } NR <= 3 { slow = slow sep $1 " " $2 " s"; sep = ", " }
	END { printf "wall %.1f s, %.1f s of tests on %d jobs; slowest: %s\n",
		e - s, busy, j, slow }' "$TIMES"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
