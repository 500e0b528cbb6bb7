#!/bin/sh
# apply_bulk.sh: the admin's task "archive tiering on every policy of the
# legacy vaults, and move everything eligible" as one plan and one apply
# against the ARM emulator: plan --vault 'rsv-legacy-*' --tiering
# TierAfter:3m --moves all-eligible (only those vaults, every policy
# Azure allows set to TierAfter 3 Months, the others said why, every
# eligible point moved as soon as allowed), its dry run, apply --yes
# (each point moved once, each policy set); --moves none and --tiering
# keep; --tag on plan and on apply (the plan's vault_tags.csv); apply's own
# scope on a whole plan; a retention cut held for MUA approval, or refused
# on an Unlocked vault; the retention and instant-restore levers plan
# --propose puts into policy_changes.csv, carried out (a target's minimum
# kept); bad scope and intent options
# (64). Needs python3.
. tests/e2e/lib.sh

emulator_tests

. tests/e2e/apply_lib.sh
# csvq FILE EXPR: how many rows r of FILE make the Python EXPR true
csvq() {
	python3 -c 'import csv,sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if eval(sys.argv[2])))' "$1" "$2"
}

"$VAULTWISE" sample -q --out "$SRC" --items 60 --seed 3
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$SRC/manifest.json")
emu A "$SRC"
emu B "$SRC"
URL_A=$(emu_url "$T/A.port")
URL_B=$(emu_url "$T/B.port")

# ---- the plan ----
expect_exit 0 "plan --vault 'rsv-legacy-*' --tiering TierAfter:3m --moves all-eligible" \
	"$VAULTWISE" plan "$SRC" --out "$T/L" --vault 'rsv-legacy-*' \
	--tiering TierAfter:3m --moves all-eligible
P="$T/L/plan.csv"
C="$T/L/policy_changes.csv"
check "... plan.csv holds the legacy vaults' points only" \
	test "$(csvq "$P" 'not r["vault_name"].startswith("rsv-legacy-")')" -eq 0 -a \
	"$(csvq "$P" True)" -gt 0
check "... no eligible point is kept in Standard" \
	test "$(csvq "$P" 'r["action"] == "keep"')" -eq 0
check "... each eligible now moves now" test \
	"$(csvq "$P" 'r["eligible_from"] and r["eligible_from"] <= "2026-11-01" and r["action"] != "move_now"')" -eq 0
check "... each eligible later moves on its first allowed day" test \
	"$(csvq "$P" 'r["action"] == "move_on" and r["move_date"] != r["eligible_from"]')" -eq 0
# a move the plan would make anyway gives the plan's own reason; one it
# makes only as asked says so (its sentence in reasons.csv)
check "... saying why" test "$(csvq "$P" 'r["action"].startswith("move") and r["reason_code"] not in ("breakeven", "breakeven-after-dependants", "moved-as-asked")')" -eq 0
check "... reasons.csv says what each move's code stands for" test \
	"$(csvq "$T/L/reasons.csv" 'not r["sentence"].startswith("saves {saving_total} {currency}" if r["reason_code"].startswith("breakeven") else "moved as soon as Azure allows, as asked (plan --moves all-eligible)" if r["reason_code"] == "moved-as-asked" else "")')" -eq 0
LEGACY_POLICIES=$(python3 -c 'import csv,sys
d=sys.argv[1]
v={r["vault_id"] for r in csv.DictReader(open(d+"/vaults.csv")) if r["vault_name"].startswith("rsv-legacy-")}
print(sum(1 for r in csv.DictReader(open(d+"/policies.csv")) if r["vault_id"] in v and r["workload"] != "AzureFiles"))' "$SRC")
check "... policy_changes.csv: each of the $LEGACY_POLICIES legacy policies, no other" \
	test "$(csvq "$C" 'r["vault_name"].startswith("rsv-legacy-")')" -eq \
	"$LEGACY_POLICIES" -a "$(csvq "$C" True)" -eq "$LEGACY_POLICIES"
check "... each either set to TierAfter 3 Months or not changed, saying why" \
	test "$(csvq "$C" 'not ((r["proposed_tiering"], r["duration"], r["duration_type"]) == ("TierAfter", "3", "Months") or r["reason"].startswith("not changed: Azure does not allow TierAfter 3 months"))')" -eq 0
TIERED=$(csvq "$C" 'r["proposed_tiering"] == "TierAfter" and r["current_tier_after_days"] != "90"')
check "... $TIERED of them change" test "$TIERED" -gt 0

# ---- dry run, then apply ----
tool due "$T/L" $AS_OF >"$T/due"
DUE=$(wc -l <"$T/due")
expect_exit 0 "apply's dry run, offline" "$VAULTWISE" apply "$T/L" --offline \
	--as-of $AS_OF
grep_ok "... counts every due move and change" \
	"to do: $DUE moves to Archive due now .*, $TIERED policy change" "$T/out"
expect_exit 0 "apply --what-if FILE: the dry run's writes as CSV" \
	"$VAULTWISE" apply "$T/L" --offline --as-of $AS_OF --what-if "$T/wi.csv"
W="$T/wi.csv"
check "... one row per write: $DUE moves, $TIERED policy changes" test \
	"$(csvq "$W" 'r["action"] == "move"')" -eq "$DUE" -a \
	"$(csvq "$W" 'r["action"] == "set_tiering"')" -eq "$TIERED"
check "... each policy: tiering before and after, retention unchanged" test \
	"$(csvq "$W" 'r["action"] == "set_tiering" and not (r["tiering_after"] == "TierAfter 3 Months" and r["tiering_before"] and r["monthly_keep_months_before"] == r["monthly_keep_months_after"] != "" and r["retention_reduced"] == "no")')" -eq 0
check "... each move: 180-day early deletion and rehydration delay" test \
	"$(csvq "$W" 'r["action"] == "move" and not (r["early_deletion_until"] == "2027-04-30" and float(r["early_deletion_max"]) >= 0 and r["rehydration_hours_standard"] == "15.0" and float(r["rehydration_hours_high"]) >= 1)')" -eq 0
check "... savings with their basis, policies' not to be added" test \
	"$(csvq "$W" 'r["action"] == "set_tiering" and "do not add" not in r["saving_basis"]')" -eq 0
expect_exit 64 "... and only for a dry run" "$VAULTWISE" apply "$T/L" --yes \
	--what-if "$T/wi2.csv"
expect_exit 0 "apply --yes" apply "$URL_A" "$T/L" --yes
check "... moved each eligible point once" tool moved-once "$T/A.moves" "$T/due"
check "... set every changed policy to TierAfter 3 Months" test \
	"$(csvq "$T/L/apply_results.csv" 'r["action"] == "set_tiering" and r["outcome"] == "done" and "set to TierAfter 3 Months" in r["message"]')" -eq "$TIERED"

# ---- --moves none, --tiering keep ----
expect_exit 0 "plan --moves none --tiering keep" "$VAULTWISE" plan "$SRC" \
	--out "$T/N" --moves none --tiering keep
check "... moves nothing" test \
	"$(csvq "$T/N/plan.csv" 'r["action"] in ("move_now", "move_on")')" -eq 0
check "... changes no policy" test \
	"$(csvq "$T/N/policy_changes.csv" 'r["proposed_tiering"] != r["current_tiering"]')" -eq 0

# ---- --tag: the vaults with a tag ----
expect_exit 0 "plan --tag env=dr" "$VAULTWISE" plan "$SRC" --out "$T/dr" \
	--tag ENV=dr
check "... plans the points of the vaults tagged env=dr only" test \
	"$(csvq "$T/dr/summary.csv" 'r["level"] == "vault" and int(r["points"]) > 0 and r["vault_name"] != "rsv-dr-eus2-01"')" -eq 0 -a \
	"$(csvq "$T/dr/summary.csv" 'r["level"] == "vault" and r["vault_name"] == "rsv-dr-eus2-01" and int(r["points"]) > 0')" -eq 1
expect_exit 64 "plan --tag without a value is refused" "$VAULTWISE" plan \
	"$SRC" --out "$T/bad" --tag env

# ---- apply's scope on a whole plan ----
"$VAULTWISE" plan -q "$SRC" --out "$T/all" >/dev/null 2>&1
expect_exit 0 "apply --vault 'rsv-legacy-*' on a plan of every vault: dry run" \
	"$VAULTWISE" apply "$T/all" --offline --as-of $AS_OF --vault 'rsv-legacy-*'
grep_ok "... says how many rows it leaves out" \
	"[0-9]+ rows? left out: outside the scope" "$T/out"
expect_exit 0 "... apply --yes" apply "$URL_B" "$T/all" --yes \
	--vault 'rsv-legacy-*'
check "... moved the legacy vaults' points only" sh -c \
	"test -s '$T/B.moves' && ! grep -v 'rsv-legacy-' '$T/B.moves'"
check "... and its results name no other vault" test \
	"$(csvq "$T/all/apply_results.csv" 'not r["vault_name"].startswith("rsv-legacy-")')" -eq 0

# ---- apply --tag: the plan keeps the vaults' tags (vault_tags.csv) ----
cp -r "$SRC" "$T/tagged"
for v in rsv-prod-weu-01 rsv-legacy-weu-01; do
	row=$(python3 -c 'import csv,sys
rows=list(csv.DictReader(open(sys.argv[1])))
print(1+[r["vault_name"] for r in rows].index(sys.argv[2]))' "$T/tagged/vaults.csv" $v)
	python3 "$VW_TOP/tests/e2e/snapedit.py" set "$T/tagged" vaults.csv \
		tags "$row" 'env=prd;owner=finops'
done
"$VAULTWISE" plan -q "$T/tagged" --out "$T/tg" >/dev/null 2>&1
check "... plan's vault_tags.csv holds the vaults' tags" test \
	"$(csvq "$T/tg/vault_tags.csv" 'r["tags"] == "env=prd;owner=finops"')" -eq 2
tool due "$T/tg" $AS_OF | grep -E '/vaults/rsv-(prod|legacy)-weu-01/' \
	>"$T/tg.due"
TG_DUE=$(wc -l <"$T/tg.due")
expect_exit 0 "apply --tag Owner=finops: dry run" "$VAULTWISE" apply \
	"$T/tg" --offline --as-of $AS_OF --tag Owner=finops --what-if "$T/tg.csv"
check "... what-if: all $TG_DUE due moves of the two tagged vaults, no other" \
	test "$TG_DUE" -gt 0 -a \
	"$(csvq "$T/tg.csv" 'r["action"] == "move" and r["vault_name"] in ("rsv-prod-weu-01", "rsv-legacy-weu-01")')" -eq "$TG_DUE" -a \
	"$(csvq "$T/tg.csv" 'r["vault_name"] not in ("rsv-prod-weu-01", "rsv-legacy-weu-01")')" -eq 0
emu D "$SRC"
expect_exit 0 "... apply --yes --tag Owner=finops" apply \
	"$(emu_url "$T/D.port")" "$T/tg" --yes --tag Owner=finops
check "... moved each of their due points once and nothing else" \
	tool moved-once "$T/D.moves" "$T/tg.due"
expect_exit 0 "... a tag value is exact: --tag owner=FinOps takes nothing" \
	"$VAULTWISE" apply "$T/tg" --offline --as-of $AS_OF --tag owner=FinOps
grep_ok "... and says so" "to do: 0 moves.*, 0 policy changes" "$T/out"
rm "$T/tg/vault_tags.csv"
expect_exit 66 "... a plan without vault_tags.csv: run plan again (66)" \
	"$VAULTWISE" apply "$T/tg" --offline --as-of $AS_OF --tag owner=finops
grep_ok "... saying so" "vault_tags.csv not found.*run vaultwise plan again" \
	"$T/err"

# ---- a retention cut in a guarded vault: held for MUA approval ----
"$VAULTWISE" plan -q "$SRC" --out "$T/g" --vault rsv-prod-uks-01 \
	--tiering keep --moves none >/dev/null 2>&1
python3 - "$T/g/policy_changes.csv" <<'EOF2'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rd = csv.DictReader(f)
    rows = list(rd)
for r in rows:
    if r["policy_name"] == "VM-Enhanced-Weekly":
        r["proposed_weekly_keep_weeks"] = "4"
with open(sys.argv[1], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=rd.fieldnames +
                       ["proposed_weekly_keep_weeks"], lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
EOF2
expect_exit 0 "what-if of a weekly retention cut in a guarded vault" \
	"$VAULTWISE" apply "$T/g" --offline --as-of $AS_OF --what-if "$T/g.csv"
check "... says the Resource Guard will hold it, with the weeks" test \
	"$(csvq "$T/g.csv" 'r["policy_name"] == "VM-Enhanced-Weekly" and r["retention_reduced"] == "yes" and r["resource_guard_hold"].startswith("yes") and r["weekly_keep_weeks_after"] == "4" and int(r["weekly_keep_weeks_before"]) > 4')" -eq 1
check "... and that the vault's Unlocked immutability makes apply refuse it" \
	test "$(csvq "$T/g.csv" 'r["policy_name"] == "VM-Enhanced-Weekly" and r["immutability_refusal"].startswith("yes: the vault'"'"'s immutability is Unlocked")')" -eq 1
cp -r "$T/g" "$T/gu"
emu E "$SRC"
expect_exit 0 "... where the vault is Unlocked: refused before any write" \
	apply "$(emu_url "$T/E.port")" "$T/gu" --yes
check "... naming the vault, the policy and the cut" test "$(csvq "$T/gu/apply_results.csv" 'r["policy_name"] == "VM-Enhanced-Weekly" and r["outcome"] == "refused" and r["error_code"] == "ImmutableVaultUnlocked" and "(vault rsv-prod-uks-01, policy VM-Enhanced-Weekly)" in r["message"] and "weekly " in r["message"] and "immutability-state Disabled" in r["message"]')" -eq 1
check "... and the emulator received no PUT of it" sh -c \
	"! python3 '$TOOL' statuses '$T/E.req' 'backupPolicies/VM-Enhanced-Weekly' | grep -q PUT"
grep_ok "... the run says it was refused" "refused" "$T/out"
cp -r "$SRC" "$T/src2"
sed -i 's/,rsv-prod-uks-01,\([^,]*\),\([^,]*\),\([^,]*\),Unlocked,/,rsv-prod-uks-01,\1,\2,\3,Disabled,/' \
	"$T/src2/vaults.csv"
python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$T/src2" --port 0 \
	--port-file "$T/C.port" --client-secret "$SECRET" $FAST --mua-block \
	2>"$T/C.emu" &
EMU_PIDS="$EMU_PIDS $!"
URL_C=$(emu_url "$T/C.port")
expect_exit 75 "... and apply --yes leaves it needs_mua_approval (75)" \
	apply "$URL_C" "$T/g" --yes
check "... as the what-if said" test "$(csvq "$T/g/apply_results.csv" 'r["policy_name"] == "VM-Enhanced-Weekly" and r["outcome"] == "needs_mua_approval"')" -eq 1

# ---- the retention and instant-restore levers, carried out ----
cat >"$T/keep45.csv" <<'CSV'
target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days
keep-45,workload,AzureVM,any,48,,45
CSV
expect_exit 0 "plan --propose retention,instant-restore, a 45-day target" \
	"$VAULTWISE" plan "$SRC" --out "$T/lv" --vault rsv-legacy-weu-01 \
	--tiering keep --moves none --propose retention,instant-restore \
	--targets "$T/keep45.csv"
LC="$T/lv/policy_changes.csv"
check "... VM-Daily-90d: dailies 45 days (the target's, not 30), instant restore 2" \
	test "$(csvq "$LC" 'r["policy_name"] == "VM-Daily-90d" and r["proposed_daily_keep_days"] == "45" and r["min_retention_days"] == "45" and r["proposed_instant_rp_days"] == "2" and float(r["lever_saving_month"]) > 0 and "as asked (plan --propose retention): daily points kept 45 days instead of 90" in r["reason"]')" -eq 1
check "... VM-Compliance-10Y: instant restore 5 -> 2 days, its dailies kept" \
	test "$(csvq "$LC" 'r["policy_name"] == "VM-Compliance-10Y" and r["proposed_daily_keep_days"] == "" and r["proposed_instant_rp_days"] == "2"')" -eq 1
check "... the same levers, and saving, as levers.csv" python3 - \
	"$T/lv/levers.csv" "$LC" <<'PY'
import csv, sys
lv = list(csv.DictReader(open(sys.argv[1], newline='')))
ch = {r['policy_id']: r for r in csv.DictReader(open(sys.argv[2], newline=''))}
ret = [r for r in lv if r['lever'] == 'retention-daily']
irp = [r for r in lv if r['lever'] == 'instant-restore']
assert ret and irp, lv
for r in ret:
    c = ch[r['policy_id']]
    assert '"count": %s,' % c['proposed_daily_keep_days'] in r['change'], r
for r in irp:
    c = ch[r['policy_id']]
    assert r['change'].endswith(': ' + c['proposed_instant_rp_days']), r
# lever_saving_month: the policy's priced levers of the two kinds, summed
for pid, c in ch.items():
    want = sum(float(r['saving_month']) for r in ret + irp
               if r['policy_id'] == pid and r['saving_month'])
    if c['proposed_daily_keep_days'] or c['proposed_instant_rp_days']:
        assert abs(float(c['lever_saving_month']) - want) < 0.011, (c, want)
assert sum(1 for c in ch.values() if c['proposed_daily_keep_days']) == len(ret)
assert sum(1 for c in ch.values() if c['proposed_instant_rp_days']) == len(irp)
PY
cp -r "$T/lv" "$T/lv2"
cp -r "$T/lv" "$T/lv3"
expect_exit 0 "... apply's what-if" "$VAULTWISE" apply "$T/lv" --offline \
	--as-of $AS_OF --what-if "$T/lv.csv"
check "... lists the cut with days before and after, the instant restore and the minimum" \
	test "$(csvq "$T/lv.csv" 'r["policy_name"] == "VM-Daily-90d" and r["daily_keep_days_before"] == "90" and r["daily_keep_days_after"] == "45" and r["weekly_keep_weeks_before"] == r["weekly_keep_weeks_after"] == "8" and r["retention_reduced"] == "yes" and r["instant_rp_days_before"] == "3" and r["instant_rp_days_after"] == "2" and r["min_retention_days"] == "45" and r["immutability_refusal"] == "no: the vault is not immutable"')" -eq 1
emu F "$SRC"
URL_F=$(emu_url "$T/F.port")
expect_exit 0 "... apply --yes" apply "$URL_F" "$T/lv" --yes
check "... done, saying what it cut" test "$(csvq "$T/lv/apply_results.csv" 'r["policy_name"] == "VM-Daily-90d" and r["outcome"] == "done" and "retention cut: daily 90 -> 45 days; instant restore 2 days" in r["message"]')" -eq 1
POL=$(python3 -c 'import csv,sys
print([r for r in csv.DictReader(open(sys.argv[1])) if r["policy_name"] == "VM-Daily-90d"][0]["policy_arm_id"])' "$LC")
tool azure "$URL_F" "$TENANT" "$SECRET" "$CA" get "$POL" >"$T/pol.json"
check "... Azure's policy now keeps dailies 45 days, instant restore 2, the rest as it was" \
	python3 - "$T/pol.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))['properties']
assert p['backupManagementType'] == 'AzureIaasVM', p
assert p['instantRpRetentionRangeInDays'] == 2, p
rp = p['retentionPolicy']
assert rp['retentionPolicyType'] == 'LongTermRetentionPolicy', rp
assert rp['dailySchedule']['retentionDuration'] == {
    'count': 45, 'durationType': 'Days'}, rp
assert rp['weeklySchedule']['retentionDuration']['count'] == 8, rp
assert rp['monthlySchedule']['retentionDuration']['count'] == 12, rp
PY
python3 - "$T/lv2/policy_changes.csv" <<'EOF2'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rd = csv.DictReader(f)
    rows = list(rd)
for r in rows:
    if r["policy_name"] == "VM-Daily-90d":
        r["proposed_daily_keep_days"] = "30"
with open(sys.argv[1], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=rd.fieldnames, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
EOF2
expect_exit 65 "a reviewer's daily count below the target's minimum is refused (65)" \
	apply "$URL_F" "$T/lv2" --yes
grep_ok "... naming the cell and the minimum" \
	"policy_changes.csv:[0-9]+: column 'proposed_daily_keep_days': expected at least 45 days" \
	"$T/err"
python3 - "$T/lv3/policy_changes.csv" <<'EOF2'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rd = csv.DictReader(f)
    rows = list(rd)
for r in rows:
    if r["policy_name"] == "VM-Compliance-10Y":
        r["proposed_instant_rp_days"] = "10"
with open(sys.argv[1], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=rd.fieldnames, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
EOF2
emu H "$SRC"
expect_exit 0 "instant restore of 10 days on a Standard policy: apply --yes" \
	apply "$(emu_url "$T/H.port")" "$T/lv3" --yes
check "... skipped: Azure allows 1 to 5 there, nothing sent for it" test \
	"$(csvq "$T/lv3/apply_results.csv" 'r["policy_name"] == "VM-Compliance-10Y" and r["outcome"] == "skipped" and r["error_code"] == "UnsupportedChange" and "Azure allows 1 to 5 on this Standard policy" in r["message"]')" -eq 1 -a \
	"$(csvq "$T/lv3/apply_results.csv" 'r["policy_name"] == "VM-Daily-90d" and r["outcome"] == "done"')" -eq 1

# ---- options that are not understood ----
expect_exit 64 "plan --tiering TierAfter:3x is refused" "$VAULTWISE" plan \
	"$SRC" --out "$T/bad" --tiering TierAfter:3x
grep_ok "... naming the forms" "TierAfter:N\{d,m\}" "$T/err"
expect_exit 64 "plan --moves some is refused" "$VAULTWISE" plan "$SRC" \
	--out "$T/bad" --moves some
expect_exit 64 "plan --propose weekly is refused" "$VAULTWISE" plan "$SRC" \
	--out "$T/bad" --propose retention,weekly
expect_exit 64 "apply --workload VMs is refused" "$VAULTWISE" apply \
	"$T/all" --workload VMs
expect_exit 64 "apply --tag without a value is refused" "$VAULTWISE" apply \
	"$T/all" --tag owner
finish
