# lib.sh: tiny TAP helpers for the end-to-end tests (sourced, POSIX sh).
# Each test script: `. tests/e2e/lib.sh`, then check/expect_exit calls,
# then `finish`. $VAULTWISE is the binary, $T a scratch dir removed at exit.
n=0
failures=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
: "${VAULTWISE:=./vaultwise}"
: "${VW_TOP:=$(pwd)}"
# Every ARM emulator a test starts checks its traffic against Microsoft's
# OpenAPI documents (tests/spec/) and logs each violation here; finish
# fails the test on any.
ARMEMU_SPEC_LOG="$T/spec-violations.jsonl"
export ARMEMU_SPEC_LOG

# emulator_tests: for a script that runs the ARM emulator
# (tests/emulator): the whole script skips without python3; every
# emulator whose pid is in EMU_PIDS is stopped at exit; CLIENT is the
# emulator's app id and CA its certificate authority.
emulator_tests() {
	if ! command -v python3 >/dev/null 2>&1; then
		echo "ok 1 # SKIP python3 not installed"
		echo "1..1"
		exit 0
	fi
	EMU_PIDS=""
	trap 'for p in $EMU_PIDS; do kill "$p" 2>/dev/null; done
		rm -rf "$T"' EXIT
	CLIENT=0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b
	CA="$VW_TOP/tests/emulator/certs/ca.pem"
}

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failures=$((failures + 1))
	echo "not ok $n - $1"
}
# check DESC CMD...: passes when CMD exits 0.
check() {
	desc=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/# /' "$T/check.out" | head -n 10
	fi
}
# expect_exit CODE DESC CMD...: runs CMD, keeping stdout in $T/out and
# stderr in $T/err; passes when it exits with CODE.
expect_exit() {
	want=$1
	desc=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $got, wanted $want)"
		sed 's/^/# /' "$T/err" | head -n 10
	fi
}
# grep_ok DESC PATTERN FILE: passes when FILE contains PATTERN (ERE).
grep_ok() {
	if grep -Eq -- "$2" "$3"; then ok "$1"; else
		not_ok "$1"
		echo "# '$2' not found in $3:"
		sed 's/^/# /' "$3" | head -n 10
	fi
}
# emu_url PORTFILE: the emulator's URL once it has written its port to
# PORTFILE (waiting up to 60 s).
emu_url() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "https://127.0.0.1:$(cat "$1")"
}
# spec_check: one TAP line when an emulator ran: its requests and
# responses broke none of Microsoft's OpenAPI documents.
spec_check() {
	[ -s "$ARMEMU_SPEC_LOG" ] || return 0
	desc="the emulator's traffic follows Microsoft's OpenAPI documents"
	if grep -v '^{"summary"' "$ARMEMU_SPEC_LOG" >"$T/spec.bad"; then
		not_ok "$desc"
		# one line per kind of violation (any path, any index)
		sed -E 's/\[[0-9]+\]/[]/g; s/"path": "[^"]*", //' \
			"$T/spec.bad" | sort | uniq -c | sort -rn | head -n 30 |
			sed 's/^/# /'
	else
		ok "$desc"
	fi
	# the summaries of the emulators that ended: what was checked
	sed -n 's/^{"summary":{//p' "$ARMEMU_SPEC_LOG" | tr -d '"}' | awk -F '[:,]' '
		{ for (i = 1; i < NF; i += 2) t[$i] += $(i + 1) }
		END { if (NR) printf "# checked %d requests, %d responses;" \
			" %d outside the documents; %d values outside an" \
			" open enum\n", t["requests"], t["responses"],
			t["unchecked"], t["notes"] }'
}
finish() {
	spec_check
	echo "1..$n"
	[ "$failures" -eq 0 ]
}
