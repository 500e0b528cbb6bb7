#!/bin/sh
# run_atomic.sh: `run` replaces OUT as a whole. SIGKILLed at five moments
# while writing this month into last month's OUT, it leaves either last
# month's complete output or this month's, never a mix; the next run
# cleans up after it. A second run into a locked OUT is refused (75,
# naming the holder); a file vaultwise did not write is never replaced.
. tests/e2e/lib.sh
D="$T/d"
OUT="$D/out"
mkdir -p "$D"
"$VAULTWISE" sample -q --out "$T/last" --items 600 --seed 1
"$VAULTWISE" sample -q --out "$T/this" --items 600 --seed 2

# fp DIR: the output's contents (the marker holds the time: left out)
fp() {
	[ -d "$1" ] || { echo absent; return; }
	(cd "$1" && find . -type f ! -name .vaultwise | LC_ALL=C sort |
		xargs sha256sum | sha256sum)
}
run_into() { "$VAULTWISE" -q run --snapshot "$1" --out "$OUT" >/dev/null; }

check "this month's run into OUT" run_into "$T/this"
this=$(fp "$OUT")
start=$(date +%s.%N)
check "last month's run into OUT" run_into "$T/last"
took=$(echo "$start $(date +%s.%N)" | awk '{ print $2 - $1 }')
last=$(fp "$OUT")
check "the two months differ" test "$this" != "$last"

# Kill at 1/5 .. 5/5 of a run's length: before, during and after the
# stages. Each time OUT is one month whole, and then last month's again.
for k in 1 2 3 4 5; do
	at=$(echo "$took $k" | awk '{ printf "%.3f", $1 * $2 / 5 }')
	"$VAULTWISE" -q run --snapshot "$T/this" --out "$OUT" \
		>/dev/null 2>&1 &
	pid=$!
	sleep "$at"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	now=$(fp "$OUT")
	if [ "$now" = "$last" ]; then
		ok "SIGKILL after ${at}s: OUT is last month's, whole"
	elif [ "$now" = "$this" ]; then
		ok "SIGKILL after ${at}s: OUT is this month's, whole"
		run_into "$T/last"
	else
		not_ok "SIGKILL after ${at}s: OUT is a mix of two months"
		(cd "$OUT" && find . | sort | head -n 20 | sed 's/^/# /')
		run_into "$T/last"
	fi
done
check "a run after the kills succeeds (the lock died with its holder)" \
	run_into "$T/this"
check "... and OUT is this month's" test "$(fp "$OUT")" = "$this"
check "... and nothing of the killed runs is left beside OUT" \
	sh -c "[ -z \"\$(ls -A '$D' | grep -v '^out\$')\" ]"

# A run holding the lock: a second one is refused, naming it.
python3 - "$D/.out.lock" "$T/locked" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o666)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.write(fd, b"pid 4242 on batch-host since 2026-12-01T02:00:00Z\n")
open(sys.argv[2], "w").close()
time.sleep(30)
PY
holder=$!
i=0
while [ ! -e "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_exit 75 "a second run into a locked OUT: 75" \
	"$VAULTWISE" run --snapshot "$T/last" --out "$OUT"
grep_ok "... naming the holder" \
	"being written by another vaultwise run \(pid 4242 on batch-host since 2026-12-01T02:00:00Z\)" \
	"$T/err"
check "... and OUT is untouched" test "$(fp "$OUT")" = "$this"
kill "$holder"
wait "$holder" 2>/dev/null
rm -f "$D/.out.lock"

# A file vaultwise did not write is never replaced.
echo "my notes" >"$OUT/notes.txt"
expect_exit 73 "a file of the user's in OUT: 73" \
	"$VAULTWISE" run --snapshot "$T/last" --out "$OUT"
grep_ok "... naming it" "'notes.txt' in it was not written by vaultwise" \
	"$T/err"
check "... which is still there, with OUT as it was" \
	sh -c "grep -q 'my notes' '$OUT/notes.txt'"
rm "$OUT/notes.txt"
mkdir "$T/mine" "$T/mine/plan"
echo "{}" >"$T/mine/model.json"
echo plan >"$T/mine/plan/.vaultwise"
expect_exit 73 "a directory of the user's with a plan/ of vaultwise's: 73" \
	"$VAULTWISE" run --snapshot "$T/last" --out "$T/mine"
check "... its model.json is the user's still" \
	sh -c "[ \"\$(cat '$T/mine/model.json')\" = '{}' ]"
check "OUT's marker records the tool, the command and the time" \
	sh -c "grep -q '^tool: vaultwise ' '$OUT/.vaultwise' &&
		grep -q '^command: vaultwise run --snapshot ' '$OUT/.vaultwise' &&
		grep -Eq '^time: [0-9]{4}-[0-9]{2}-[0-9]{2}T' '$OUT/.vaultwise'"
finish
