#!/bin/sh
# apply_safety.sh: what keeps `vaultwise apply` from running twice or
# trusting a damaged record, against the ARM emulator serving a small
# `vaultwise sample` estate: two `apply --yes` at once (one exits 75
# naming the other's pid, no write is sent twice, the journal verifies)
# and `plan` into the directory meanwhile (75); a journal cut short or
# edited and re-chained (65, and apply refuses it too); --yes with an
# --as-of later than now (64); a subscription Azure does not know, or of
# another tenant (77, the rows left pending, the rerun with the right ids
# does them); `plan` refusing to replace a plan directory whose journal
# has a row not done (73) and otherwise carrying the journal over; the
# first apply while
# plan or run replaces a plan directory (75); a copied plan.csv row
# (moved once), an arm_id with dot segments and an invalid plan.json
# (65, nothing sent); progress on a terminal. Needs python3.
. tests/e2e/lib.sh

emulator_tests

. tests/e2e/apply_lib.sh
rows() { tail -n +2 "$1" | wc -l; }

"$VAULTWISE" sample -q --out "$SRC" --items 60 --seed 3
"$VAULTWISE" plan -q "$SRC" --out "$T/plan" >/dev/null 2>&1
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$SRC/manifest.json")
tool due "$T/plan" $AS_OF >"$T/due"
DUE=$(wc -l <"$T/due")
# the item of the tenth move due, whose moves emulator X denies
DENIED=$(python3 -c 'import csv,sys
d=sys.argv[1]; rp=[r for r in csv.DictReader(open(d+"/plan.csv")) if r["action"]=="move_now"][9]
print([r for r in csv.DictReader(open(d+"/items.csv")) if r["item_id"]==rp["item_id"]][0]["arm_id"].split("/")[-1].lower())' "$T/plan")
emu S "$SRC" --latency-ms 25
emu W "$SRC"
emu X "$SRC" --deny "*/protecteditems/$DENIED/recoverypoints/*/move"
emu D "$SRC"
emu E "$SRC"
emu N "$SRC"
emu_wait S W X D E N

# ---- --as-of later than now ----
cp -r "$T/plan" "$T/future"
expect_exit 64 "apply --yes --as-of a future date is refused" \
	vw "$VAULTWISE" apply "$T/future" --yes --as-of 2099-01-01
grep_ok "... saying why" "later than now would move points before" "$T/err"
check "... before anything was written" test ! -e "$T/future/apply.journal"
expect_exit 0 "... while a dry run as of then is allowed" \
	vw "$VAULTWISE" apply "$T/future" --offline --as-of 2099-01-01

# ---- two applies at once, and plan meanwhile ----
cp -r "$T/plan" "$T/c"
apply "$URL_S" "$T/c" --yes --concurrency 2 >"$T/c1.out" 2>"$T/c1.err" &
p1=$!
apply "$URL_S" "$T/c" --yes --concurrency 2 >"$T/c2.out" 2>"$T/c2.err" &
p2=$!
i=0
while [ ! -s "$T/c/apply.journal" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
expect_exit 75 "plan into the directory while apply runs: exit 75" \
	"$VAULTWISE" plan -q "$SRC" --out "$T/c"
grep_ok "... naming the apply's pid" \
	"in use by another vaultwise apply \(pid [0-9]+" "$T/err"
wait $p1
r1=$?
wait $p2
r2=$?
check "two apply --yes at once: one ends 0, the other 75 ($r1, $r2)" \
	test "$r1$r2" = "075" -o "$r1$r2" = "750"
cat "$T/c1.err" "$T/c2.err" >"$T/c.err"
grep_ok "... the second names the first's pid and says to rerun" \
	"in use by another vaultwise apply \(pid [0-9]+\): rerun the same command once it has ended" \
	"$T/c.err"
check "... the emulator moved each due point once" \
	tool moved-once "$T/S.moves" "$T/due"
check "... and received one write per row done, none twice" \
	test "$(writes S)" -eq "$(outcome "$T/c/apply_results.csv" done)"
expect_exit 0 "... the journal verifies" \
	"$VAULTWISE" apply --verify-journal "$T/c/apply.journal"
grep_ok "... anchored by its head" "match its head file" "$T/out"
cp "$T/out" "$T/c.verify"
expect_exit 0 "... the plan directory is not blocked: a dry run reads it" \
	vw "$VAULTWISE" apply "$T/c" --offline

# ---- the first apply while plan or run replaces the plan directory ----
# (no apply ran there before: plan and run lock it all the same, run from
# its plan stage until OUT is swapped)
# start_holder WHO: starts WHO (plan or run) replacing $T/rp/plan in the
# background ($bg) and freezes it (SIGSTOP) once /proc/locks lists its
# flock of the directory now at $T/rp/plan (pid, then inode): frozen, it
# holds that lock until SIGCONT, however long the apply under test takes
# to start. A lock seen is looked at again once every thread of WHO has
# stopped, so that what the test sees stays true (WHO may have swapped the
# directory in between); 1 when WHO ended first (the caller starts it
# again).
holds_lock() {
	inode=$(stat -c %i "$T/rp/plan" 2>/dev/null)
	grep -Eqs "FLOCK .* $bg [0-9a-f]+:[0-9a-f]+:$inode " /proc/locks
}
start_holder() {
	rm -rf "$T/rp"
	"$VAULTWISE" run -q --snapshot "$VW_TOP/data/sample" --out "$T/rp" \
		>/dev/null 2>&1
	if [ "$1" = plan ]; then
		"$VAULTWISE" plan -q "$VW_TOP/data/sample" --out "$T/rp/plan" \
			>/dev/null 2>&1 &
	else
		"$VAULTWISE" run -q --snapshot "$VW_TOP/data/sample" \
			--out "$T/rp" >/dev/null 2>&1 &
	fi
	bg=$!
	while ! grep -qs ') Z ' /proc/$bg/stat && kill -0 $bg 2>/dev/null; do
		if holds_lock && kill -STOP $bg; then
			while grep -qsv ') [tTZ] ' /proc/$bg/task/*/stat; do
				:
			done
			holds_lock && return 0
			kill -CONT $bg
		fi
		sleep 0.01
	done
	wait $bg
	return 1
}
for who in plan run; do
	tries=0
	until start_holder $who; do
		tries=$((tries + 1))
		[ $tries -lt 10 ] || break
	done
	expect_exit 75 "the first apply --yes while $who replaces the plan directory: 75" \
		vw "$VAULTWISE" apply "$T/rp/plan" --yes
	grep_ok "... saying a plan or run holds it" \
		"in use by a vaultwise plan or run replacing it" "$T/err"
	kill -CONT $bg 2>/dev/null
	wait $bg
	check "... and $who ends 0, the plan replaced, no journal in it" \
		test $? -eq 0 -a -s "$T/rp/plan/plan.csv" -a \
		! -e "$T/rp/plan/apply.journal" -a ! -e "$T/rp/plan/apply.lock"
done

# ---- a journal cut short, or edited and re-chained ----
cp -r "$T/c" "$T/cut"
head -n -5 "$T/c/apply.journal" >"$T/cut/apply.journal"
expect_exit 65 "a journal cut short (head -n -5) does not verify" \
	"$VAULTWISE" apply --verify-journal "$T/cut/apply.journal"
grep_ok "... saying lines were removed from its end" \
	"cut short: it has [0-9]+ complete lines but its head .* recorded [0-9]+; lines were removed" \
	"$T/err"
before=$(writes D)
expect_exit 65 "... and apply --yes refuses to resume from it" \
	apply "$URL_D" "$T/cut" --yes
check "... sending nothing" test "$(writes D)" -eq "$before"
cp "$T/c/apply.journal" "$T/c/apply.journal.head" "$T/cut/"
tool rechain "$T/cut/apply.journal" '"state":"done"' '"state":"skipped"'
expect_exit 65 "a journal edited and re-chained does not verify" \
	"$VAULTWISE" apply --verify-journal "$T/cut/apply.journal"
grep_ok "... the head's line is named" \
	"apply.journal:[0-9]+: not the line its head \(.*apply.journal.head\) recorded" \
	"$T/err"
rm "$T/cut/apply.journal.head"
expect_exit 65 "... still caught without its head, by apply_results.csv's anchor" \
	"$VAULTWISE" apply --verify-journal "$T/cut/apply.journal"
grep_ok "... which it names" \
	"not the line apply_results.csv \(.*\) recorded" "$T/err"
head -n -5 "$T/c/apply.journal" >"$T/cut/apply.journal"
expect_exit 65 "... and so is the cut journal" \
	"$VAULTWISE" apply --verify-journal "$T/cut/apply.journal"
grep_ok "... saying so" \
	"cut short: .* but apply_results.csv \(.*\) recorded" "$T/err"
grep_ok "the intact journal: both anchors hold" \
	"line apply_results.csv recorded is there" "$T/c.verify"

# ---- a subscription Azure does not know ----
cp -r "$T/plan" "$T/w"
sed -E -i 's#/subscriptions/[0-9a-f-]{36}/#/subscriptions/00000000-0000-0000-0000-00000000dead/#g' \
	"$T/w/items.csv"
expect_exit 77 "moves in a subscription Azure does not know: exit 77" \
	apply "$URL_W" "$T/w" --yes
grep_ok "... naming SubscriptionNotFound and what to check" \
	"refused the credential .*SubscriptionNotFound.*check the tenant" \
	"$T/err"
check "... no move was sent" test ! -s "$T/W.moves"
check "... every move is left pending, none skipped" \
	test "$(outcome "$T/w/apply_results.csv" pending)" -eq "$DUE" -a \
	"$(outcome "$T/w/apply_results.csv" skipped)" -eq 0
cp "$T/plan/items.csv" "$T/w/items.csv"
expect_exit 0 "... the rerun with the right ids moves them all" \
	apply "$URL_W" "$T/w" --yes
check "... each once" tool moved-once "$T/W.moves" "$T/due"

# ---- a subscription of another tenant: the token's tenant is wrong ----
OTHER=$(python3 -c 'import csv,json,sys
t=json.load(open(sys.argv[1]+"/manifest.json"))["tenant_id"]
print([g["guard_subscription_id"] for g in csv.DictReader(open(sys.argv[1]+"/guards.csv")) if g["guard_tenant_id"] != t][0])' "$SRC")
cp -r "$T/plan" "$T/tn"
sed -E -i "s#/subscriptions/[0-9a-f-]{36}/#/subscriptions/$OTHER/#g" \
	"$T/tn/items.csv"
expect_exit 77 "moves in another tenant's subscription: exit 77" \
	apply "$URL_N" "$T/tn" --yes
grep_ok "... naming InvalidAuthenticationTokenTenant" \
	"refused the credential .*InvalidAuthenticationTokenTenant" "$T/err"
check "... no move was sent" test ! -s "$T/N.moves"
check "... every move is left pending, none skipped or failed" \
	test "$(outcome "$T/tn/apply_results.csv" pending)" -eq "$DUE" -a \
	"$(outcome "$T/tn/apply_results.csv" skipped)" -eq 0 -a \
	"$(outcome "$T/tn/apply_results.csv" failed)" -eq 0
cp "$T/plan/items.csv" "$T/tn/items.csv"
expect_exit 0 "... the rerun in the right subscriptions moves them all" \
	apply "$URL_N" "$T/tn" --yes
check "... each once" tool moved-once "$T/N.moves" "$T/due"

# ---- plans that must not reach Azure as they are ----
cp -r "$T/plan" "$T/dup"
python3 - "$T/dup/plan.csv" <<'EOF'
import sys
lines = open(sys.argv[1], newline="").readlines()
first = next(l for l in lines[1:] if ",move_now," in l)
open(sys.argv[1], "w", newline="").writelines(lines + [first, first])
EOF
expect_exit 0 "a plan.csv row copied twice: the dry run" \
	vw "$VAULTWISE" apply "$T/dup" --offline --as-of $AS_OF
grep_ok "... says the copies are merged" \
	"2 rows of plan.csv named a point already listed: merged" "$T/out"
expect_exit 0 "... apply --yes" apply "$URL_E" "$T/dup" --yes
grep_ok "... all $DUE moves done" "moves to Archive: $DUE done" "$T/out"
check "... each point moved once by the emulator's record" \
	tool moved-once "$T/E.moves" "$T/due"
cp -r "$T/plan" "$T/dots"
sed -i '2s#/protectedItems/#/protectedItems/../../../../backupPolicies/x/#' \
	"$T/dots/items.csv"
before=$(writes E)
expect_exit 65 "an arm_id with dot segments is refused" \
	apply "$URL_E" "$T/dots" --yes
grep_ok "... naming the cell" "items.csv:2: column 'arm_id'" "$T/err"
check "... before any request" test "$(writes E)" -eq "$before"
cp -r "$T/plan" "$T/badjson"
sed -i 's/"currency":[^,]*/"currency": "EURO"/' "$T/badjson/plan.json"
expect_exit 65 "an invalid plan.json is refused, as report refuses it" \
	vw "$VAULTWISE" apply "$T/badjson" --offline
grep_ok "... naming the field" "plan.json: field 'currency'" "$T/err"

# ---- progress: a fixed denominator, elapsed time and an ETA ----
if command -v script >/dev/null 2>&1; then
	cp -r "$T/plan" "$T/p2"
	cat >"$T/p2.sh" <<EOF
env -i PATH=/usr/bin:/bin HOME="$T" AZURE_CONFIG_DIR="$T/noaz" \\
	VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 AZURE_TENANT_ID="$TENANT" \\
	AZURE_CLIENT_ID=$CLIENT AZURE_CLIENT_SECRET="$SECRET" "$VAULTWISE" \\
	apply "$T/p2" --yes --arm-endpoint "$URL_W" --authority "$URL_W" \\
	--ca-bundle "$CA" --as-of $AS_OF --poll-interval 0.05 --concurrency 1
EOF
	script -qec "sh $T/p2.sh" "$T/p2.tty" >/dev/null 2>&1
	tr '\r' '\n' <"$T/p2.tty" | grep -E '^rows [0-9]+/' >"$T/p2.progress"
	ROWS=$(rows "$T/p2/apply_results.csv")
	check "progress on a terminal: every line over the same $ROWS rows" \
		sh -c "test -s '$T/p2.progress' && ! grep -v '^rows [0-9]*/$ROWS ended' '$T/p2.progress'"
	grep_ok "... with the time elapsed and an ETA" \
		"ended \([0-9]+%\), .* [0-9]+s elapsed, ETA [0-9]+(s|m[0-9]{2}s)" \
		"$T/p2.progress"
else
	ok "progress # SKIP script(1) not installed"
fi

# ---- plan refuses to replace a journal with a row not done ----
"$VAULTWISE" plan -q "$SRC" --out "$T/g" >/dev/null 2>&1
expect_exit 77 "an RBAC denial leaves a row failed" apply "$URL_X" "$T/g" \
	--yes
cp "$T/g/apply.journal" "$T/g.journal"
expect_exit 73 "plan into that directory: exit 73" \
	"$VAULTWISE" plan -q "$SRC" --out "$T/g"
grep_ok "... saying how many rows and what to do" \
	"holds an apply journal with [0-9]+ rows? not done .*finish them with 'vaultwise apply" \
	"$T/err"
check "... the journal is untouched" cmp "$T/g/apply.journal" "$T/g.journal"
"$VAULTWISE" run -q --snapshot "$SRC" --out "$T/r" >/dev/null 2>&1
cp "$T/g/apply.journal" "$T/g/apply.journal.head" "$T/r/plan/"
expect_exit 73 "... so does run into a directory whose plan has one" \
	"$VAULTWISE" run -q --snapshot "$SRC" --out "$T/r"
check "... leaving it there" cmp "$T/r/plan/apply.journal" "$T/g.journal"
expect_exit 0 "the rerun finishes the plan" apply "$URL_D" "$T/g" --yes
before=$(writes D)
expect_exit 0 "plan into it again: allowed now" \
	"$VAULTWISE" plan -q "$SRC" --out "$T/g"
check "... the same plan: journal, head and results carried over" \
	test -s "$T/g/apply.journal" -a -s "$T/g/apply.journal.head" -a \
	-s "$T/g/apply_results.csv"
expect_exit 0 "... apply on it sends nothing" apply "$URL_D" "$T/g" --yes
check "... no write" test "$(writes D)" -eq "$before"
"$VAULTWISE" plan -q "$SRC" --out "$T/g" --as-of 2026-12-01 >/dev/null 2>&1
check "another plan into it: the old journal kept under applied-SHA/" \
	sh -c "ls '$T'/g/applied-*/apply.journal && test ! -e '$T/g/apply.journal'"
expect_exit 0 "... and it still verifies" "$VAULTWISE" apply \
	--verify-journal "$(ls "$T"/g/applied-*/apply.journal)"
finish
