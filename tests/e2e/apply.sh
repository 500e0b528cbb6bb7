#!/bin/sh
# apply.sh: `vaultwise apply` against the ARM emulator serving a `vaultwise
# sample` estate whose plan moves about 1,200 points now: dry runs
# (offline, and re-reading Azure) that send no write; the whole plan under
# 5% injected faults (every point moved exactly once by the emulator's own
# record, the journal verifies, the results cover every row), a rerun that
# sends nothing; --max and the resume after it; and on small plans cut
# from it: a point already archived, one not ready, one changed since the
# plan, a policy changed behind apply's back, multi-user authorization
# (needs_mua_approval, exit 75, the others done), a retention cut on a
# Locked immutable vault (refused, never sent), a 412 re-read and
# re-checked, an RBAC denial (77, the action named), a journal edited or
# of another plan. The SIGKILL test is apply_kill.sh. Needs python3.
. tests/e2e/lib.sh

emulator_tests

. tests/e2e/apply_lib.sh

row_of() { # row_of RESULTS RP_OR_POLICY: "outcome,job,code,message"
	python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1])):
    if sys.argv[2] in (r["rp_id"], r["policy_name"]):
        print(",".join((r["outcome"], r["job_id"], r["error_code"], r["message"])))' "$1" "$2"
}

"$VAULTWISE" sample -q --out "$SRC" --items 400 --seed 3
"$VAULTWISE" plan -q "$SRC" --out "$T/plan" >/dev/null 2>&1
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$SRC/manifest.json")
tool due "$T/plan" $AS_OF >"$T/due"
DUE=$(wc -l <"$T/due")
CHANGES=$(python3 -c 'import csv,sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r["proposed_tiering"] != r["current_tiering"] or r["duration"] != (str(int(r["current_tier_after_days"]) // (30 if r["workload"] == "AzureVM" else 1)) if r["current_tier_after_days"] else "")))' "$T/plan/policy_changes.csv")

# A second estate for the guardrails: the MSP vault without immutability
# (so that its Resource Guard is what stops a retention cut), and one
# planned point that Azure now says is not ready.
cp -r "$SRC" "$T/src2"
NOT_READY=$(awk -F, '$5 == "move_now" { n++ } n == 3 { print $4; exit }' "$T/plan/plan.csv")
python3 - "$T/src2" "$NOT_READY" <<'EOF'
import csv, sys
d, rp = sys.argv[1], sys.argv[2]
for name, key, val, col, new in (
        ("vaults.csv", "vault_name", "rsv-prod-uks-01", "immutability",
         "Disabled"),
        ("recovery_points.csv", "rp_id", rp, "move_ready", "false")):
    with open(d + "/" + name, newline="") as f:
        rd = csv.DictReader(f)
        rows = list(rd)
    for r in rows:
        if r[key] == val:
            r[col] = new
            if col == "move_ready":
                r["move_info"] = "RecoveryPointHaveActiveDependencies"
    with open(d + "/" + name, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=rd.fieldnames, lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
EOF

# G: the guardrails. Its only faults are on one policy's path: its GET
# passes, its PUT takes effect but the connection is reset, the retried
# PUT meets 412, the re-read passes (the draws of --seed 37). Moves of the
# last planned item are denied (RBAC).
tool cut "$T/plan" "$T/x" -3
# item_arm PLANDIR: the ARM id of the item of plan.csv's first row
item_arm() {
	python3 -c 'import csv,sys; d=sys.argv[1]; i=next(csv.DictReader(open(d+"/plan.csv")))["item_id"]; print([r for r in csv.DictReader(open(d+"/items.csv")) if r["item_id"]==i][0]["arm_id"])' "$1"
}
DENIED=$(item_arm "$T/x" | awk -F/ '{ print tolower($NF) }')
emu D "$SRC"
emu F "$SRC" --faults 429:0.01,503:0.01,500:0.01,reset:0.01,truncate:0.01 \
	--fault-retry-after 0 --seed 9 --op-polls 0
emu G "$T/src2" --mua-block --faults reset:0.5 --seed 37 \
	--fault-only '*/backupPolicies/VM-Daily-12M*' \
	--deny "*/protecteditems/$DENIED/recoverypoints/*/move"
emu_wait D F G

# ---- dry runs ----
cp -r "$T/plan" "$T/dry"
expect_exit 0 "a dry run offline, from the plan alone" \
	vw "$VAULTWISE" apply "$T/dry" --offline --as-of $AS_OF \
	--arm-endpoint "$URL_D"
grep_ok "... says nothing was changed" "^dry run: nothing was changed" "$T/out"
grep_ok "... counts the moves due and the policy changes" \
	"to do: $DUE moves to Archive due now \([0-9]+ more are due later\), $CHANGES policy changes" "$T/out"
grep_ok "... gives the projected saving" \
	"projected saving of the moves: [0-9]+\.[0-9]{2} EUR over the moved points" "$T/out"
grep_ok "... and the policy changes', not to be added to it" \
	"saving of the policy changes: [0-9]+\.[0-9]{2} EUR over 36 months .* do not add the two" "$T/out"
grep_ok "... per vault and policy" "^  rsv-prod-weu-01 +[0-9]+ moves" "$T/out"
check "... and asked Azure nothing" test ! -s "$T/D.req"
expect_exit 0 "a dry run with credentials re-reads every point and policy" \
	apply "$URL_D" "$T/dry"
grep_ok "... and says how many are still ready" \
	"re-read in Azure: $DUE of the points still ready to move, 0 would be skipped; $CHANGES policy changes ready" "$T/out"
check "... with GETs only: no write request reached Azure" \
	test "$(writes D)" -eq 0
check "... at least one read per row" \
	test "$(grep -c '"GET"' "$T/D.req")" -ge "$DUE"
check "... and wrote nothing: no journal, no results" \
	test ! -e "$T/dry/apply.journal" -a ! -e "$T/dry/apply_results.csv"

# ---- the whole plan under faults ----
expect_exit 0 "apply --yes: $DUE moves and $CHANGES policy changes under 5% faults" \
	apply "$URL_F" "$T/plan" --yes
cp "$T/out" "$T/yes.out"
grep_ok "... all done" "moves to Archive: $DUE done" "$T/yes.out"
grep_ok "... faults were met and retried" "[1-9][0-9]* retried" "$T/yes.out"
check "the emulator moved each due point exactly once, nothing else" \
	tool moved-once "$T/F.moves" "$T/due"
check "apply_results.csv covers every row, each done" test \
	"$(outcome "$T/plan/apply_results.csv" done)" -eq $((DUE + CHANGES))
check "... moves carry their job id" sh -c "grep -c ',move,done,[0-9a-f-]\{36\},' '$T/plan/apply_results.csv' | grep -q '^[1-9]'"
expect_exit 0 "apply --verify-journal: the chain verifies" \
	"$VAULTWISE" apply --verify-journal "$T/plan/apply.journal"
grep_ok "... every row done" "$((DUE + CHANGES)) rows: $((DUE + CHANGES)) done" "$T/out"
before=$(writes F)
expect_exit 0 "the same command again" apply "$URL_F" "$T/plan" --yes
check "... sends no write" test "$(writes F)" -eq "$before"
grep_ok "... and reports the plan done" "moves to Archive: $DUE done" "$T/out"

# ---- --max, then resume ----
tool cut "$T/plan" "$T/m" 30
expect_exit 75 "--max 10: ten moves, then exit 75" apply "$URL_D" "$T/m" \
	--yes --max 10
grep_ok "... says what is left" "20 rows left .*rerun the same command" "$T/err"
check "... ten writes sent" test "$(writes D)" -eq 10
check "... the others pending in the results" \
	test "$(outcome "$T/m/apply_results.csv" pending)" -eq 20
expect_exit 0 "the rerun finishes the plan" apply "$URL_D" "$T/m" --yes
tool due "$T/m" $AS_OF >"$T/m.due"
check "... each point moved once" tool moved-once "$T/D.moves" "$T/m.due"
check "... results: 30 done" \
	test "$(outcome "$T/m/apply_results.csv" done)" -eq 30

# ---- guardrails on a small plan ----
tool cut "$T/plan" "$T/g" 12 \
	"rsv-prod-uks-01/VM-Enhanced-Weekly:proposed_weekly_keep_weeks=26" \
	"rsv-prod-weu-01/VM-Enhanced-6h:proposed_monthly_keep_months=6" \
	"rsv-legacy-weu-01/VM-Daily-12M" "rsv-legacy-weu-01/VM-Daily-90d"
ARCHIVED=$(awk -F, 'NR == 2 { print $4 }' "$T/g/plan.csv")
ARCHIVED_ITEM=$(item_arm "$T/g")
CHANGED=$(awk -F, 'NR == 5 { print $4 }' "$T/g/plan.csv")
python3 - "$T/g/plan.csv" "$CHANGED" <<'EOF'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rd = csv.DictReader(f)
    rows = list(rd)
for r in rows:
    if r["rp_id"] == sys.argv[2]:
        r["expiry_time"] = "2040-01-01T00:00:00Z"
with open(sys.argv[1], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=rd.fieldnames, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
EOF
POL90=$(python3 -c 'import csv,sys
print([r for r in csv.DictReader(open(sys.argv[1])) if r["policy_name"] == "VM-Daily-90d"][0]["policy_arm_id"])' "$T/g/policy_changes.csv")
check "another admin moves one planned point first" \
	tool azure "$URL_G" "$TENANT" "$SECRET" "$CA" move "$ARCHIVED_ITEM" "$ARCHIVED"
check "... and sets a planned policy to DoNotTier" \
	tool azure "$URL_G" "$TENANT" "$SECRET" "$CA" set-tiering "$POL90" DoNotTier
expect_exit 75 "apply under MUA and a Locked vault: the run goes on, exit 75" \
	apply "$URL_G" "$T/g" --yes
R="$T/g/apply_results.csv"
row_of "$R" VM-Enhanced-Weekly >"$T/r1"
row_of "$R" VM-Enhanced-6h >"$T/r2"
row_of "$R" VM-Daily-12M >"$T/r3"
row_of "$R" VM-Daily-90d >"$T/r4"
row_of "$R" "$ARCHIVED" >"$T/r5"
row_of "$R" "$NOT_READY" >"$T/r6"
row_of "$R" "$CHANGED" >"$T/r7"
grep_ok "... the retention cut behind a Resource Guard needs MUA approval" \
	"^needs_mua_approval,,UserErrorMUAResourceGuardOperationNotAllowed,multi-user authorization" "$T/r1"
grep_ok "... and stderr says to request access and rerun" \
	"multi-user authorization: request access .* then rerun" "$T/err"
grep_ok "... the cut on a Locked immutable vault is refused, with the reason" \
	"^refused,,ImmutableVaultLocked,refused: the vault's immutability is Locked.*monthly 720 -> 180 days" "$T/r2"
check "... and was never sent to Azure" sh -c \
	"! python3 '$TOOL' statuses '$T/G.req' 'backupPolicies/VM-Enhanced-6h' | grep -q PUT"
grep_ok "... a plain tiering change is done" \
	"^done,,,tieringPolicy set to TierRecommended \(was None\)" "$T/r3"
grep_ok "... a policy changed since the plan is skipped, saying how" \
	"^skipped,,ChangedSincePlan,changed since the plan: its tieringPolicy is DoNotTier, the plan saw None" "$T/r4"
grep_ok "... the point moved by someone else is done, already in Archive" \
	"^done,,,already in Archive" "$T/r5"
grep_ok "... the point Azure says is not ready is skipped with its reason" \
	"^skipped,,NotReadyForMove,not ready for move: RecoveryPointHaveActiveDependencies" "$T/r6"
grep_ok "... the point whose retention changed is skipped" \
	"^skipped,,ChangedSincePlan,changed since the plan: it now expires" "$T/r7"
check "... the other nine moves done" \
	test "$(outcome "$R" done)" -eq 11
expect_exit 75 "rerun: the MUA row is tried again, the others are not" \
	apply "$URL_G" "$T/g" --yes
check "... one write: the blocked PUT" sh -c \
	"python3 '$TOOL' statuses '$T/G.req' 'backupPolicies/VM-Enhanced-Weekly' | grep -c PUT | grep -q '^2$'"

# ---- 412: that run's PUT of VM-Daily-12M was reset after taking effect
tool statuses "$T/G.req" backupPolicies/VM-Daily-12M >"$T/r412"
grep_ok "a policy PUT whose answer was lost: its retry met 412" \
	"^PUT 412$" "$T/r412"
grep_ok "... re-read and re-checked: done, no third PUT" \
	"^done,,,tieringPolicy set to TierRecommended \(was None\); re-read and re-checked after HTTP 412" \
	"$T/r3"
check "... exactly two PUTs" test "$(grep -c '^PUT' "$T/r412")" -eq 2

# ---- RBAC ----
expect_exit 77 "an RBAC denial of the move exits 77" apply "$URL_G" "$T/x" \
	--yes
grep_ok "... naming the missing action" \
	"lacks the RBAC action 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/move/action'" "$T/err"
grep_ok "... the row failed, the rest not started" \
	"failed,,AuthorizationFailed,permission denied" "$T/x/apply_results.csv"

# ---- journals that must be refused ----
cp "$T/plan/apply.journal" "$T/edited.journal"
at=$(grep -n '"state":"submitting"' "$T/edited.journal" | sed -n '3s/:.*//p')
sed -i "${at}s/\"state\":\"submitting\"/\"state\":\"done\"/" "$T/edited.journal"
expect_exit 65 "an edited journal does not verify" \
	"$VAULTWISE" apply --verify-journal "$T/edited.journal"
grep_ok "... the message names the line" \
	"edited.journal:$((at + 1)): broken chain: line $at was edited" "$T/err"
expect_exit 65 "a journal of another plan is refused" apply "$URL_D" "$T/m" \
	--yes --journal "$T/plan/apply.journal"
grep_ok "... and says so" "belongs to another plan" "$T/err"
expect_exit 64 "PLANDIR is required" "$VAULTWISE" apply
finish
