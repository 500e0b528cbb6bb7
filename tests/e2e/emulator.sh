#!/bin/sh
# emulator.sh: the ARM emulator's self-test (tests/emulator/test_armemu.py)
# as TAP: tokens, paging, throttling, faults, moves, ETags, RBAC, guards and
# the Retail Prices API against tests/data/tiny-snapshot. Needs python3.
. tests/e2e/lib.sh

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 # SKIP python3 not installed"
	echo "1..1"
	exit 0
fi
python3 tests/emulator/test_armemu.py >"$T/tap" 2>"$T/err"
rc=$?
cat "$T/tap"
n=$(grep -Ec '^(not )?ok ' "$T/tap")
failures=$(grep -c '^not ok ' "$T/tap")
if [ "$rc" -ne 0 ] && [ "$failures" -eq 0 ]; then
	not_ok "test_armemu.py exited $rc"
	sed 's/^/# /' "$T/err" | tail -n 20
fi
finish
