#!/bin/sh
# spec.sh: the OpenAPI validator (tests/emulator/specvalidate.py) as TAP:
# Microsoft's examples pass tests/spec/, seeded mismatches of each kind are
# caught, the emulator logs a seeded one (test_specvalidate.py), and a
# test whose emulator logged a violation fails (lib.sh's finish).
# Needs python3.
. tests/e2e/lib.sh

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 # SKIP python3 not installed"
	echo "1..1"
	exit 0
fi
python3 tests/emulator/test_specvalidate.py >"$T/tap" 2>"$T/err"
rc=$?
grep -v '^1\.\.' "$T/tap"
n=$(grep -Ec '^(not )?ok ' "$T/tap")
failures=$(grep -c '^not ok ' "$T/tap")
if [ "$rc" -ne 0 ] && [ "$failures" -eq 0 ]; then
	not_ok "test_specvalidate.py exited $rc"
	sed 's/^/# /' "$T/err" | tail -n 20
fi

# A test that sources lib.sh and whose emulator logged a violation fails,
# naming it.
cat >"$T/victim.sh" <<'VICTIM'
. tests/e2e/lib.sh
printf '{"side": "response", "where": "%s", "problem": "seeded"}\n' \
	'$.value[0].properties.protectionState' >>"$ARMEMU_SPEC_LOG"
ok "a check that passes"
finish
VICTIM
expect_exit 1 "a test whose emulator broke the spec fails" sh "$T/victim.sh"
grep_ok "... on a TAP line of its own" \
	"^not ok 2 - the emulator's traffic follows Microsoft's OpenAPI" "$T/out"
grep_ok "... that says where" '^# +1 .*properties\.protectionState' "$T/out"
finish
