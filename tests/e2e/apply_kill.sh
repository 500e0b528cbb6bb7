#!/bin/sh
# apply_kill.sh: `vaultwise apply --yes` of about 1,200 moves, killed with
# SIGKILL at a dozen random moments (and resumed each time with the same
# command) against the ARM emulator with some injected faults, then
# stopped once with Ctrl-C (a clean stop: exit 75, the results written),
# then run to the end. The emulator's own record (--moves-log) must show
# every due point moved exactly once (an "already in Archive" answer
# counts as done, never as a second move), the journal must verify and
# apply_results.csv must have every row done. The kill moments are counted
# in journal lines written since the run started (5 to 120, from a seed
# printed in the output; APPLY_KILL_SEED to replay one), so that they land
# while work is left on a fast machine and a slow one. About half a
# minute. Needs python3.
. tests/e2e/lib.sh

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 # SKIP python3 not installed"
	echo "1..1"
	exit 0
fi

EMU_PID=""
APPLY_PID=""
trap '[ -n "$APPLY_PID" ] && kill -9 "$APPLY_PID" 2>/dev/null
[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; rm -rf "$T"' EXIT

CLIENT=0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b
SECRET="vw-kill-secret-$$"
CA="$VW_TOP/tests/emulator/certs/ca.pem"
TOOL="$VW_TOP/tests/e2e/apply_tool.py"
AS_OF=2026-11-01
SEED=${APPLY_KILL_SEED:-$$}
WANT_KILLS=12

"$VAULTWISE" sample -q --out "$T/src" --items 400 --seed 3
"$VAULTWISE" plan -q "$T/src" --out "$T/plan" >/dev/null 2>&1
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$T/src/manifest.json")
python3 "$TOOL" due "$T/plan" $AS_OF >"$T/due"
DUE=$(wc -l <"$T/due")

# Operations stay in progress until polled once more (--op-polls 1), so
# that kills find moves sent, accepted and running.
python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$T/src" --port 0 \
	--port-file "$T/port" --client-secret "$SECRET" \
	--moves-log "$T/moves" --request-log "$T/requests" \
	--write-bucket 100000/10000 --read-bucket 100000/10000 \
	--async-retry-after 0 --op-polls 1 --seed 4 \
	--faults 500:0.01,reset:0.01,truncate:0.01 --fault-retry-after 0 \
	2>"$T/emu.err" &
EMU_PID=$!
URL=$(emu_url "$T/port")

# start_apply: the run in the background; APPLY_PID is vaultwise itself
# (env execs it).
start_apply() {
	env -i PATH=/usr/bin:/bin HOME="$T" AZURE_CONFIG_DIR="$T/noaz" \
		VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 \
		AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID=$CLIENT \
		AZURE_CLIENT_SECRET="$SECRET" "$VAULTWISE" apply "$T/plan" \
		--yes --arm-endpoint "$URL" --authority "$URL" --ca-bundle "$CA" \
		--as-of $AS_OF --write-bucket 100000/10000 --poll-interval 0.05 \
		>"$T/out" 2>"$T/err" &
	APPLY_PID=$!
}

# lines: the journal's complete lines so far.
lines() {
	if [ -f "$T/plan/apply.journal" ]; then
		wc -l <"$T/plan/apply.journal"
	else
		echo 0
	fi
}

# wait_for_progress N: until the journal has N more lines than now, or
# the run has ended. Kill moments measured in work done, not in seconds,
# land while there is work left however fast the machine is.
wait_for_progress() {
	target=$(($(lines) + $1))
	i=0
	while [ "$(lines)" -lt "$target" ] && kill -0 "$APPLY_PID" 2>/dev/null &&
		[ $i -lt 600 ]; do
		sleep 0.02
		i=$((i + 1))
	done
}

echo "# kill moments from seed $SEED (APPLY_KILL_SEED=$SEED to replay)"
awk -v s="$SEED" 'BEGIN { srand(s); for (i = 0; i < 60; i++)
	printf "%d\n", 5 + rand() * 115 }' >"$T/moments"
kills=0
finished=0
while read -r moment; do
	start_apply
	wait_for_progress "$moment"
	if kill -9 "$APPLY_PID" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	{ wait "$APPLY_PID"; } 2>/dev/null
	rc=$?
	APPLY_PID=""
	if [ "$rc" -ne 137 ]; then
		finished=1 # it ended before the kill
		break
	fi
	# what this kill left in flight: rows submitting, rows submitted
	python3 - "$T/plan/apply.journal" >>"$T/left" <<'EOF'
import json, sys
last = {}
for line in open(sys.argv[1]):
    if line.endswith("\n"):
        o = json.loads(line)
        if "row" in o:
            last[o["row"]] = o["state"]
states = list(last.values())
print(states.count("submitting"), states.count("submitted"))
EOF
	[ $kills -ge $WANT_KILLS ] && break
done <"$T/moments"
done_before=$(grep -c '"state":"done"' "$T/plan/apply.journal")
echo "# $kills kills; $done_before of $DUE moves done before the last run"

check "apply was killed $WANT_KILLS times while it still had work" \
	test $kills -ge $WANT_KILLS -a $finished -eq 0 -a \
	"$done_before" -lt "$DUE"
check "the journal verifies after the kills" "$VAULTWISE" apply \
	--verify-journal "$T/plan/apply.journal"

# Ctrl-C: a clean stop
start_apply
wait_for_progress 60
kill -INT "$APPLY_PID"
{ wait "$APPLY_PID"; } 2>/dev/null
rc=$?
APPLY_PID=""
check "Ctrl-C (SIGINT) stops the run cleanly: exit 75" test "$rc" -eq 75
grep_ok "... saying what it does" \
	"stopping: the writes in flight are answered and journalled" "$T/err"
grep_ok "... and that rows are left" "rows? left .*rerun the same command" \
	"$T/err"
python3 "$TOOL" outcomes "$T/plan/apply_results.csv" >"$T/outcomes"
check "... apply_results.csv written, every row in it" test \
	"$(awk '{ n += $2 } END { print n }' "$T/outcomes")" -ge "$DUE"
grep_ok "... some done, some left" "^(pending|in_progress) " "$T/outcomes"

start_apply
wait "$APPLY_PID"
rc=$?
APPLY_PID=""
check "the same command finishes the plan (exit 0)" test "$rc" -eq 0
grep_ok "... every move done" "moves to Archive: $DUE done" "$T/out"
check "the emulator moved each due point exactly once, nothing else" \
	python3 "$TOOL" moved-once "$T/moves" "$T/due"
expect_exit 0 "the journal verifies" "$VAULTWISE" apply --verify-journal \
	"$T/plan/apply.journal"
python3 "$TOOL" outcomes "$T/plan/apply_results.csv" >"$T/outcomes"
check "apply_results.csv: every row done" sh -c \
	"[ \$(wc -l <'$T/outcomes') -eq 1 ] && grep -q '^done ' '$T/outcomes'"
awk '{ s += $1; t += $2 } END { printf "# the kills left %d rows submitting and %d submitted, all resolved\n", s, t }' "$T/left"
finish
