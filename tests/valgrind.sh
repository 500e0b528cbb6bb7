#!/bin/sh
# valgrind.sh: the whole suite under valgrind (memcheck): every unit-test
# binary of $1 (default build-vg) and every vaultwise command the
# end-to-end tests run, including those the Python ARM emulator tests
# drive (the emulator itself stays outside valgrind). It makes $1/vg/ with
# a wrapper per binary that execs valgrind on the real one, then runs
# tests/run.sh on that directory, so the suite is the same one `make check`
# runs (less the tests in SKIP, and the timed commands below, each with its
# reason). Each process writes $1/vg/logs/NAME.PID.log; any error or leak
# (definite or possible) in any of them fails the run, as does a failing
# test. No suppressions are needed. Called by `make valgrind`. Ends
# "valgrind: N passed, N failed", N counting processes.
set -u
BUILD=${1:-build-vg}
TOP=$(pwd)
VG="$TOP/$BUILD/vg"
LOGS="$VG/logs"
# Tests left out, each with its reason (names as tests/run.sh prints them):
#  fit: fits three samples of 2,000 items, half the time of the whole run
#       under valgrind; plan.sh and report.sh run `fit` under it too.
#  install: runs `make install` with the build's binary, which here is
#       valgrind's wrapper script, not a binary of a build directory.
#  manpages: only prints --help in other shapes; make check runs it.
SKIP="fit install manpages"
OPTS="--error-exitcode=1 --leak-check=full --show-leak-kinds=definite,possible \
--num-callers=30"

rm -rf "$VG"
mkdir -p "$VG/tests" "$LOGS"

wrap() { # wrap REAL WRAPPER NAME [TIMED]
	cat >"$2" <<WRAP
#!/bin/sh
${4:-}
exec valgrind $OPTS --log-file=$LOGS/$3.%p.log $1 "\$@"
WRAP
	chmod +x "$2"
}

# Commands whose test measures time run without valgrind, which makes
# them ten to fifty times slower: a managed-identity probe of an https
# IMDS endpoint (TLS handshake within the probe's 1 s connect timeout),
# and plain http to hosts that are not loopback (refused in under 2 s).
REAL="$TOP/$BUILD/vaultwise"
TIMED='case "${VAULTWISE_IMDS_ENDPOINT:-}" in
https://*) exec '"$REAL"' "$@" ;;
esac
case "$*" in
*http://10.255.255.1*|*http://192.0.2.1*) exec '"$REAL"' "$@" ;;
esac'

wrap "$TOP/$BUILD/vaultwise" "$VG/vaultwise" vaultwise "$TIMED"
for t in "$TOP/$BUILD"/tests/test_*; do
	name=$(basename "$t")
	case " $SKIP " in *" $name "*) continue ;; esac
	wrap "$t" "$VG/tests/$name" "$name"
done

start=$(date +%s)
SKIP_TESTS="$SKIP" JOBS=${JOBS:-$(nproc)} sh tests/run.sh "$BUILD/vg"
suite_rc=$?
secs=$(($(date +%s) - start))

procs=$(ls "$LOGS" | wc -l)
WHAT='Invalid|Conditional|Use of|Syscall|Mismatched|Source and'
WHAT="$WHAT|[0-9,]+ (\\(|bytes)"
bad=$(grep -l 'ERROR SUMMARY: [1-9]' "$LOGS"/*.log 2>/dev/null)
nbad=$(echo $bad | wc -w)
for f in $bad; do
	echo "--- valgrind: $f"
	grep -E -A14 "^==[0-9]+== ($WHAT)" "$f" | head -n 45
done
echo "valgrind: $procs processes checked in ${secs}s, $nbad with errors"
[ "$suite_rc" -eq 0 ] || echo "valgrind: the suite itself failed (above)"
echo "valgrind: $((procs - nbad)) passed, $nbad failed"
[ "$nbad" -eq 0 ] && [ "$suite_rc" -eq 0 ]
