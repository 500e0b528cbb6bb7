#!/bin/sh
# check.sh: `vaultwise check` end to end on the bundled sample estate with
# data/targets.example.csv: rpo_rto.csv columns, verdicts and reasons, exit
# codes, and the errors a user meets with a bad or missing targets file.
. tests/e2e/lib.sh

SNAP="$VW_TOP/data/sample"
if [ ! -f "$SNAP/manifest.json" ]; then
	"$VAULTWISE" sample --out "$T/sample" >/dev/null 2>&1
	SNAP="$T/sample"
fi
TARGETS="$VW_TOP/data/targets.example.csv"
OUT="$T/rpo_rto.csv"
SPEC_COLS='item_id,target_id,tier,rpo_target_h,rpo_predicted_h,'
SPEC_COLS="${SPEC_COLS}rpo_observed_h,rto_target_h,rto_estimated_h,verdict,"
SPEC_COLS="${SPEC_COLS}reason"

expect_exit 1 "check exits 1 when a target is breached" \
	"$VAULTWISE" check "$SNAP" --targets "$TARGETS" --out "$OUT"
grep_ok "summary: targets, items checked, met, breached, unknown" \
	'^checked [0-9]+ of [0-9]+ items( and [0-9]+ of [0-9]+ Backup-vault instances)? against 13 targets: [0-9]+ rows, [1-9][0-9]* met, [1-9][0-9]* breached, [1-9][0-9]* unknown$' \
	"$T/out"

tr -d '\r' <"$OUT" >"$T/rows.csv"
head -n 1 "$T/rows.csv" >"$T/header"
grep_ok "rpo_rto.csv starts with the SPEC columns in order" \
	"^$SPEC_COLS," "$T/header"

# Fields 1-9 hold ids, tiers, numbers and the verdict (never quoted); the
# reason starts at field 10.
awk -F, 'NR > 1 && !($9 ~ /^(met|breached|unknown)$/ && $10 != "" &&
	$10 != "\"\"") { bad++; print } END { exit bad > 0 }' \
	"$T/rows.csv" >"$T/bad_rows"
check "every row has a verdict and a reason" test ! -s "$T/bad_rows"
check "one row per (item, target), no duplicates" \
	sh -c "cut -d, -f1,2 '$T/rows.csv' | sort | uniq -d | grep -q . && exit 1 || exit 0"
check "Backup vault instances get verdicts from their policies' data stores" \
	python3 - "$OUT" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
        if r["vault_kind"] == "BackupVault"]
assert len(rows) == 12 and {r["target_id"] for r in rows} == \
    {"backup-vaults-daily"}, rows[:1]
by = {r["item_name"]: r for r in rows}
pg = [r for n, r in by.items() if "-pg-" in n]
assert pg and all(r["verdict"] == "breached" and r["cause"] == "schedule"
                  and r["rpo_predicted_h"] == "168.00" for r in pg), pg
blob = by["rg-erp-prod-sterpdocs01"]
assert blob["verdict"] == "met" and blob["rpo_predicted_h"] == "0.00", blob
assert blob["evaluated_tier"] == "snapshot", blob
assert by["rg-shop-prod-stshopmedia01"]["cause"] == "stale_backup"
assert by["rg-shop-prod-datadisk-shop-01"]["cause"] == "failed_jobs"
assert all(r["vault_kind"] == "RecoveryServices" for r in
           csv.DictReader(open(sys.argv[1], newline=""))
           if r not in rows and not r["item_id"].startswith("i-"))
PY
grep_ok "an Enhanced 4 h schedule misses an 8 h snapshot target" \
	'Enhanced every 4 h from 08:00 for 12 h: worst gap 12 h \+ 2 h jitter = 14 h > 8 h target' \
	"$T/rows.csv"
grep_ok "the vault tier only gets the day's last backup" \
	"vault tier only gets the day's last backup: worst gap 24 h \\+ 2 h jitter = 26 h > 24 h target" \
	"$T/rows.csv"
grep_ok "an archived point needed by retention includes rehydration" \
	'oldest point needed \(365 d\) is in Archive: 15 h standard-priority rehydration \+ [0-9.]+ h restore = [0-9.]+ h \(rehydration time: Blob Storage.s published figure, Azure Backup publishes none; set --rehydration-hours\) > 12 h target' \
	"$T/rows.csv"
grep_ok "SQL and HANA have no snapshot tier: unknown with a reason" \
	',unknown,(SQL|HANA) backups stream to the vault: there is no snapshot tier' \
	"$T/rows.csv"
grep_ok "log backups give the SQL RPO" \
	'log backups every [0-9]+ min' "$T/rows.csv"

"$VAULTWISE" check "$SNAP" --targets "$TARGETS" --out "$T/again.csv" \
	>/dev/null 2>&1
check "the same input gives the same rows in the same order" \
	cmp "$OUT" "$T/again.csv"

cat >"$T/relaxed.csv" <<'EOF'
target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days
sql-relaxed,workload,SQL,vault,1000,1000,
EOF
expect_exit 0 "exit 0 when every target is met" \
	"$VAULTWISE" check "$SNAP" --targets "$T/relaxed.csv" \
	--out "$T/relaxed_out.csv"

# Bad targets files: exit 65 naming file, line and column; nothing written.
cat >"$T/badnum.csv" <<'EOF'
target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days
prod,vault,rsv-prod-*,snapshot,24,4,
fast,vault,rsv-*,vault,twelve,4,
EOF
expect_exit 65 "a bad number in the targets file exits 65" \
	"$VAULTWISE" check "$SNAP" --targets "$T/badnum.csv" --out "$T/no1.csv"
grep_ok "the message names file, line and column" \
	"badnum.csv:3: column 'rpo_hours'" "$T/err"
check "nothing is written after a bad targets file" test ! -e "$T/no1.csv"

cat >"$T/badscope.csv" <<'EOF'
target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days
eu,region,westeurope,any,24,4,
EOF
expect_exit 65 "an unknown scope_type exits 65" \
	"$VAULTWISE" check "$SNAP" --targets "$T/badscope.csv" --out "$T/no2.csv"
grep_ok "the message names the scope_type column" \
	"badscope.csv:2: column 'scope_type'" "$T/err"

expect_exit 66 "a missing targets file exits 66" \
	"$VAULTWISE" check "$SNAP" --targets "$T/nope.csv" --out "$T/no3.csv"
grep_ok "the message names the missing file" "nope.csv" "$T/err"
expect_exit 64 "--targets is required" "$VAULTWISE" check "$SNAP"
expect_exit 66 "a missing snapshot exits 66" \
	"$VAULTWISE" check "$T/no-such-snapshot" --targets "$TARGETS" \
	--out "$T/no4.csv"
expect_exit 73 "an output in a missing directory exits 73" \
	"$VAULTWISE" check "$SNAP" --targets "$TARGETS" \
	--out "$T/no/such/dir/rpo_rto.csv"
check "help describes the command" "$VAULTWISE" help check

# Backup vaults with recovery points and jobs (a fresh sample has them):
# the observed RPO from the points, the RTO from the instance's restores
"$VAULTWISE" sample -q --out "$T/bvsample" --items 24 --vaults 2
cat >"$T/bv.csv" <<'EOF'
target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days
bv-disks,workload,*disks,snapshot,26,1,
bv-pg,workload,*PostgreSQL*,vault,170,2,
EOF
expect_exit 1 "Backup-vault targets: breaches fail the gate" \
	"$VAULTWISE" check "$T/bvsample" --targets "$T/bv.csv" --out "$T/bv.out"
check "Backup-vault rows say whether the RPO and RTO were observed" \
	python3 - "$T/bv.out" <<'PY'
import csv, sys
rows = {r["item_name"]: r for r in csv.DictReader(open(sys.argv[1],
                                                        newline=""))
        if r["vault_kind"] == "BackupVault"}
disk = rows["rg-erp-prod-osdisk-erp-01"]
assert disk["verdict"] == "met" and disk["rpo_basis"] == "observed", disk
assert disk["rpo_observed_h"] == "24.00", disk
assert disk["rto_basis"] == "restore_jobs" and \
    float(disk["rto_estimated_h"]) < 1, disk
failing = rows["rg-shop-prod-datadisk-shop-01"]
assert failing["verdict"] == "breached" and \
    failing["cause"] == "failed_jobs", failing
assert float(failing["rpo_observed_h"]) > 72, failing
assert "backups failing" in failing["reason"], failing
# weekly PostgreSQL meets 170 h by its schedule, not by its points
pg = rows["rg-shop-prod-pg-shop-catalog"]
assert pg["rpo_predicted_h"] == "168.00" and pg["verdict"] == "breached" \
    and pg["cause"] == "failed_jobs" and pg["rpo_basis"] == "observed", pg
orders = rows["rg-erp-prod-pg-erp-orders"]
assert orders["verdict"] == "met" and orders["rto_basis"] == "restore_jobs"
# no restore of its own: the documented estimate, 1 h + 145.5 GiB at
# 100 GiB/h
billing = rows["rg-erp-prod-pg-erp-billing"]
assert billing["verdict"] == "breached" and \
    billing["cause"] == "restore_throughput" and \
    billing["rto_basis"] == "estimate" and \
    billing["rto_estimated_h"] == "2.46", billing
assert "no restore job of its own" in billing["reason"], billing
PY
finish
