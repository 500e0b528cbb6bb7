#!/bin/sh
# check_gate.sh: `vaultwise check` as a CI gate on the bundled sample: a
# target that covers nothing is an error listing what its scope type can
# match; priorities judge each item once; margin and cause columns a
# pivot table can use; tolerance, severity and --fail-on decide the exit
# status; JSON output, and JUnit output valid against the Jenkins JUnit
# schema kept in tests/schema/.
. tests/e2e/lib.sh

SNAP="$VW_TOP/data/sample"
if [ ! -f "$SNAP/manifest.json" ]; then
	"$VAULTWISE" sample --out "$T/sample" >/dev/null 2>&1
	SNAP="$T/sample"
fi
HEAD='target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days'

# --- a misspelt workload: exit 65, naming the target and valid values
cat >"$T/typo.csv" <<EOF
$HEAD
sql,workload,SQL,any,0.25,4,
vms,workload,VM,any,4,2,
EOF
expect_exit 65 "a target covering no item exits 65" \
	"$VAULTWISE" check "$SNAP" --targets "$T/typo.csv" --out "$T/typo.out"
grep_ok "the message names file, line and target" \
	"typo.csv:3: target 'vms' \(workload 'VM'\) covers no item" "$T/err"
grep_ok "the message lists the valid workloads" \
	'valid workload values: AzureVM, SQL, HANA, AzureFiles' "$T/err"
check "nothing is written" test ! -e "$T/typo.out"
expect_exit 0 "--allow-empty accepts it (and the SQL target is met)" \
	"$VAULTWISE" check "$SNAP" --targets "$T/typo.csv" --allow-empty \
	--tolerance-hours 1000 --out "$T/typo.out"
grep_ok "the summary counts the empty target" '^1 target covers no item$' \
	"$T/out"

# --- tier-1, SQL, everything else: one row per item, by priority
cat >"$T/tiers.csv" <<EOF
$HEAD,priority
tier1-vm,name,vm-*-prd-*,any,4,2,,1
sql,workload,SQL,any,0.25,4,,2
everything-else,vault,*,any,24,,,9
EOF
expect_exit 1 "breaches fail the gate" \
	"$VAULTWISE" check "$SNAP" --targets "$T/tiers.csv" --out "$T/tiers.out"
grep_ok "every item and Backup-vault instance is checked once" \
	'^checked 240 of 240 items and 12 of 12 Backup-vault instances against 3 targets: 252 rows' "$T/out"
python3 - "$T/tiers.out" >"$T/pivot" 2>&1 <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
bv = [r for r in rows if r["vault_kind"] == "BackupVault"]
rows = [r for r in rows if r["vault_kind"] == "RecoveryServices"]
assert len(bv) == len({r["item_id"] for r in bv}) == 12, "one per instance"
assert all(r["target_id"] == "everything-else" for r in bv), bv[:1]
ids = [r["item_id"] for r in rows]
assert len(ids) == len(set(ids)) == 240, "one row per item"
causes = {"schedule", "start_jitter", "failed_jobs", "stale_backup",
          "retention_short", "archive_rehydration", "restore_throughput",
          "unknown"}
for r in rows:
    m = r["margin_hours"]
    if r["verdict"] == "breached":
        assert r["cause"] in causes, r
        # empty when no number measures it (no backup at all)
        assert m == "" or float(m) < 0, r
    if r["verdict"] == "met":
        assert r["cause"] == "" and (m == "" or float(m) >= 0), r
    assert r["arm_id"].startswith("/subscriptions/"), r
    assert r["source_resource_id"].startswith("/subscriptions/"), r
    assert r["container"] and r["container"] in r["arm_id"], r
by = {}
for r in rows:
    by.setdefault(r["target_id"], set()).add(r["workload"])
assert by["sql"] == {"SQL"}, by
assert "SQL" not in by["everything-else"], by
# SQL on a 60 min log chain cannot meet 15 min: its schedule is the cause
sql = [r for r in rows if r["target_id"] == "sql"
       and r["verdict"] == "breached"]
assert sql and all(r["cause"] == "schedule" for r in sql), sql[:1]
print("ok")
EOF
grep_ok "rows pivot on margin and cause, with ARM ids and containers" \
	'^ok$' "$T/pivot"

# --- tier-1 by tag: the source resources tagged tier=1 (sample data)
cat >"$T/tagged.csv" <<EOF
$HEAD,priority
tier1,tag,tier=1,any,4,2,,1
rest,vault,*,any,24,,,9
EOF
"$VAULTWISE" check "$SNAP" --targets "$T/tagged.csv" --out "$T/tagged.out" \
	>/dev/null 2>&1
python3 - "$T/tagged.out" "$SNAP/items.csv" >"$T/tag" 2>&1 <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
        if r["vault_kind"] == "RecoveryServices"]
items = {r["item_id"]: r for r in csv.DictReader(open(sys.argv[2],
                                                      newline=""))}
tier1 = {i for i, r in items.items()
         if "tier=1" in r["source_tags"].split(";")}
assert tier1 and len(rows) == len(items)
assert {r["item_id"] for r in rows if r["target_id"] == "tier1"} == tier1
print("ok", len(tier1))
EOF
grep_ok "scope_type tag covers the items whose source is tagged tier=1" \
	'^ok [0-9]+$' "$T/tag"
cat >"$T/badtag.csv" <<EOF
$HEAD
tier1,tag,tier=one,any,4,2,
EOF
expect_exit 65 "a tag no resource has exits 65" \
	"$VAULTWISE" check "$SNAP" --targets "$T/badtag.csv" --out "$T/bt.csv"
grep_ok "... listing the tags there are" \
	"valid tag values: app=[a-z]+, env=[a-z]+" "$T/err"

# --- suggested fixes: applied to the snapshot's policies, they work
# fix_round_trip ROWS TARGETS NAME: applies the fixes of ROWS (check's
# output for TARGETS) to a copy of the sample's policies.csv, checks it
# again and prints "ok N" when each predicted RPO then meets its target.
fix_round_trip() {
	rm -rf "$T/$3"
	cp -R "$SNAP" "$T/$3"
	apply_fixes "$1" "$T/$3" >"$T/$3.apply" 2>&1 || {
		cat "$T/$3.apply"
		return
	}
	"$VAULTWISE" check "$T/$3" --targets "$2" --out "$T/$3.out" \
		>/dev/null 2>&1
	refixed "$1" "$T/$3.out"
}
apply_fixes() {
python3 - "$1" "$2" <<'EOF'
import csv, hashlib, json, os, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
snap = sys.argv[2]
items = {r["item_id"]: r for r in
         csv.DictReader(open(os.path.join(snap, "items.csv"), newline=""))}
fixes = {}  # policy_id -> (predicted RPO after, edit): the strictest
for r in rows:
    if r["fix_policy_change"]:
        pid = items[r["item_id"]]["policy_id"]
        new = (float(r["fix_rpo_predicted_h"]), r["fix_policy_change"])
        assert new[0] <= float(r["rpo_target_h"]), r
        fixes[pid] = min(fixes.get(pid, new), new)
assert fixes
path = os.path.join(snap, "policies.csv")
with open(path, newline="") as f:
    reader = csv.DictReader(f)
    cols, pols = reader.fieldnames, list(reader)
for p in pols:
    if p["policy_id"] in fixes:
        for pair in fixes[p["policy_id"]][1].split(";"):
            k, v = pair.split("=")
            p[k] = v
with open(path, "w", newline="") as f:
    w = csv.DictWriter(f, cols, lineterminator="\r\n")
    w.writeheader()
    w.writerows(pols)
mpath = os.path.join(snap, "manifest.json")
m = json.load(open(mpath))
m["files"]["policies.csv"]["sha256"] = hashlib.sha256(
    open(path, "rb").read()).hexdigest()
json.dump(m, open(mpath, "w"), indent=2)
print("ok", len(fixes))
EOF
}
refixed() {
python3 - "$1" "$2" <<'EOF'
import csv, sys
before = list(csv.DictReader(open(sys.argv[1], newline="")))
after = {(r["item_id"], r["target_id"]): r
         for r in csv.DictReader(open(sys.argv[2], newline=""))}
n = 0
for b in before:
    if b["fix_policy_change"]:
        a = after[(b["item_id"], b["target_id"])]
        # the prediction meets it (the observed history is the old one)
        assert float(a["rpo_predicted_h"]) <= float(a["rpo_target_h"]), a
        assert float(a["rpo_predicted_h"]) == \
            float(b["fix_rpo_predicted_h"]) or \
            float(a["rpo_predicted_h"]) < float(b["fix_rpo_predicted_h"]), a
        n += 1
    elif b["suggested_fix"]:
        assert b["suggested_fix"].startswith("none by schedule"), b
print("ok", n)
EOF
}
fix_round_trip "$T/tiers.out" "$T/tiers.csv" fixed >"$T/refix" 2>&1
grep_ok "suggested fixes applied to policies.csv meet every target" \
	'^ok [0-9]+$' "$T/refix"
cat >"$T/weekly.csv" <<EOF
$HEAD
wk,policy,VM-*Weekly*,any,30,,
EOF
"$VAULTWISE" check "$SNAP" --targets "$T/weekly.csv" --out "$T/weekly.out" \
	>/dev/null 2>&1
grep_ok "a weekly policy's fix is a daily one with a daily retention" \
	'frequency=Daily;run_times=[0-9:]+;daily_keep_days=7' "$T/weekly.out"
fix_round_trip "$T/weekly.out" "$T/weekly.csv" weekly >"$T/refix2" 2>&1
grep_ok "... which applied meets the target too" '^ok [0-9]+$' "$T/refix2"

# --- tolerance: a daily schedule misses 24 h by its 2 h start jitter
cat >"$T/daily.csv" <<EOF
$HEAD,priority,tolerance_hours,severity
rest,vault,*,any,24,,,1,,
EOF
"$VAULTWISE" check "$SNAP" --targets "$T/daily.csv" --out "$T/d0.csv" \
	>/dev/null 2>&1
"$VAULTWISE" check "$SNAP" --targets "$T/daily.csv" --out "$T/d2.csv" \
	--tolerance-hours 2 >/dev/null 2>&1
python3 - "$T/d0.csv" "$T/d2.csv" >"$T/tol" 2>&1 <<'EOF'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1], newline="")))
b = list(csv.DictReader(open(sys.argv[2], newline="")))
assert [r["item_id"] for r in a] == [r["item_id"] for r in b]
moved = 0
for x, y in zip(a, b):
    assert x["margin_hours"] == y["margin_hours"], (x, y)
    m = x["margin_hours"]
    # an item with no successful backup stays breached (the sample's
    # idle VM): the tolerance forgives a schedule, not failures
    failing = "no successful backup" in x["reason"]
    if x["verdict"] == "breached" and m and float(m) >= -2 and not failing:
        assert y["verdict"] == "met", y
        assert "within the 2 h tolerance" in y["reason"], y
        moved += 1
    elif x["verdict"] == "breached":
        assert y["verdict"] == "breached", y
assert moved > 0
print("ok", moved)
EOF
grep_ok "a shortfall within --tolerance-hours is met, the margin kept" \
	'^ok [0-9]+$' "$T/tol"

# --- severity warning never fails; --fail-on unknown fails on unknowns
cat >"$T/warn.csv" <<EOF
$HEAD,priority,tolerance_hours,severity
rest,vault,*,any,24,,,1,,warning
EOF
expect_exit 0 "breaches of a severity-warning target do not fail" \
	"$VAULTWISE" check "$SNAP" --targets "$T/warn.csv" --out "$T/w.csv"
grep_ok "the severity column says warning" ',warning,' "$T/w.csv"
cat >"$T/unknown.csv" <<EOF
$HEAD
sqlsnap,workload,SQL,snapshot,1000,,
EOF
expect_exit 0 "unknown rows pass by default" \
	"$VAULTWISE" check "$SNAP" --targets "$T/unknown.csv" --out "$T/u.csv"
expect_exit 1 "--fail-on unknown fails on them" \
	"$VAULTWISE" check "$SNAP" --targets "$T/unknown.csv" --out "$T/u.csv" \
	--fail-on unknown
expect_exit 64 "a bad --fail-on is a usage error" \
	"$VAULTWISE" check "$SNAP" --targets "$T/unknown.csv" --fail-on x

# --- Archive: the rehydration hours are an input
TARGETS="$VW_TOP/data/targets.example.csv"
"$VAULTWISE" check "$SNAP" --targets "$TARGETS" --out "$T/blob.csv" \
	>/dev/null 2>&1
"$VAULTWISE" check "$SNAP" --targets "$TARGETS" --out "$T/48h.csv" \
	--rehydration-hours 48 >/dev/null 2>&1
python3 - "$T/blob.csv" "$T/48h.csv" >"$T/rehy" 2>&1 <<'EOF'
import csv, sys
a = list(csv.DictReader(open(sys.argv[1], newline="")))
b = list(csv.DictReader(open(sys.argv[2], newline="")))
arch = [(x, y) for x, y in zip(a, b) if x["oldest_point_tier"] == "Archive"
        and x["rto_target_h"]]
assert arch
for x, y in arch:
    assert abs(float(y["rto_oldest_h"]) - float(x["rto_oldest_h"]) - 33) \
        < 0.02, (x["rto_oldest_h"], y["rto_oldest_h"])
    if x["verdict"] == "met":
        assert "Blob Storage's published figure" in x["reason"], x
    if y["verdict"] == "met":
        assert "from --rehydration-hours" in y["reason"], y
flipped = [y for x, y in arch if x["verdict"] == "met"
           and y["verdict"] == "breached"]
assert flipped and all(y["cause"] == "archive_rehydration" for y in flipped)
print("ok", len(arch), len(flipped))
EOF
grep_ok "--rehydration-hours replaces the Blob figure, which rows name" \
	'^ok [0-9]+ [0-9]+$' "$T/rehy"

# --- daylight saving: noted only when a change in the window moves it
"$VAULTWISE" check "$SNAP" --targets "$TARGETS" --out "$T/dst5.csv" \
	--lookback-days 5 >/dev/null 2>&1
python3 - "$T/blob.csv" "$T/dst5.csv" >"$T/dst" 2>&1 <<'EOF'
import csv, re, sys
a = list(csv.DictReader(open(sys.argv[1], newline="")))
b = list(csv.DictReader(open(sys.argv[2], newline="")))
noted = [r for r in a if "changed its clocks" in r["reason"]]
assert noted, "the sample's 30 days hold the change of 25 October"
for r in noted:
    assert "on 2026-10-25" in r["reason"], r
    assert "log backups" not in r["reason"], r
    m = re.search(r"schedule would give ([0-9.]+) h (>|<=) the ([0-9.]+) h "
                  r"target", r["reason"])
    pred, tgt = float(r["rpo_predicted_h"]), float(r["rpo_target_h"])
    # the wall-clock reading lands on the other side of the target
    assert m and (float(m.group(1)) > tgt) != (pred > tgt), r
assert not any("daylight" in r["reason"] for r in b), \
    "5 days after the change: no note"
print("ok", len(noted), len(a))
EOF
grep_ok "the DST note only where a change in the window moves the verdict" \
	'^ok [0-9]+ [0-9]+$' "$T/dst"

# --- JSON and JUnit
expect_exit 1 "--format json" \
	"$VAULTWISE" check "$SNAP" --targets "$T/tiers.csv" --format json \
	--out "$T/tiers.json"
python3 - "$T/tiers.json" "$T/tiers.out" >"$T/json" 2>&1 <<'EOF'
import csv, json, sys
rows = json.load(open(sys.argv[1]))
ref = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(rows) == len(ref) == 252  # 240 items, 12 Backup instances
for j, c in zip(rows, ref):
    assert list(j) == list(c), "the same columns in the same order"
    assert j["verdict"] == c["verdict"] and j["cause"] == c["cause"]
    assert j["margin_hours"] is None or \
        abs(j["margin_hours"] - float(c["margin_hours"])) < 1e-9
print("ok")
EOF
grep_ok "JSON holds the CSV's rows, numbers as numbers" '^ok$' "$T/json"
expect_exit 1 "--format junit" \
	"$VAULTWISE" check "$SNAP" --targets "$T/tiers.csv" --format junit \
	--out "$T/tiers.xml"
check "JUnit output validates against the Jenkins JUnit schema" \
	xmllint --noout --schema "$VW_TOP/tests/schema/junit-10.xsd" \
	"$T/tiers.xml"
python3 - "$T/tiers.xml" "$T/tiers.out" >"$T/junit" 2>&1 <<'EOF'
import csv, sys
import xml.etree.ElementTree as ET
suite = ET.parse(sys.argv[1]).getroot().find("testsuite")
ref = list(csv.DictReader(open(sys.argv[2], newline="")))
cases = suite.findall("testcase")
assert len(cases) == len(ref) == int(suite.get("tests"))
fails = [c for c in cases if c.find("failure") is not None]
assert len(fails) == sum(r["verdict"] == "breached" for r in ref)
assert int(suite.get("failures")) == len(fails)
for c, r in zip(cases, ref):
    assert c.get("classname") == r["target_id"]
    assert r["item_id"] in c.get("name")
    f = c.find("failure")
    if f is not None:
        assert f.get("type") == r["cause"]
        assert r["reason"] in f.get("message")
        assert (f.text or "") == (r["suggested_fix"] and
                                  "suggested fix: " + r["suggested_fix"])
print("ok")
EOF
grep_ok "one testcase per item and target, the reason as the failure" \
	'^ok$' "$T/junit"
expect_exit 64 "a bad --format is a usage error" \
	"$VAULTWISE" check "$SNAP" --targets "$T/tiers.csv" --format xml
finish
