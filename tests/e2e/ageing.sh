#!/bin/sh
# ageing.sh: `sample --from SNAPSHOT --months N` as issue 13 item 8 asks:
# the same vaults and items N months later. Every item id survives
# unless its data was deleted, a few items are added and stopped, old
# points keep their ids until they expire, the new month's points follow
# each schedule, the as-of moves by N months, the same options give the
# same files, and the aged month's bill comes from the same hidden true
# sizes (the same per-vault factor) as the first month's. With
# --applied PLAN, the plan's moves and policy changes were made; the
# report against the month before splits the change by cause.
. tests/e2e/lib.sh
SAMPLE="$VW_TOP/data/sample"

check "sample --from data/sample --months 1 ages it, with a bill" \
	"$VAULTWISE" -q sample --from "$SAMPLE" --months 1 --out "$T/a" \
	--bill "$T/ab"
grep_ok "the as-of is a month later" \
	'"exported_at":[^"]*"2026-12-01T00:00:00Z"' "$T/a/manifest.json"
grep_ok "the manifest says where it was aged from" \
	'"generator":.*seed=42 .* aged_from=2026-11-01T00:00:00Z months=1' \
	"$T/a/manifest.json"
check "the same options give the same files" \
	"$VAULTWISE" -q sample --from "$SAMPLE" --months 1 --out "$T/a2"
check "... byte for byte" cmp -s "$T/a/recovery_points.csv" \
	"$T/a2/recovery_points.csv"
check "items, points and jobs a month on" \
	python3 - "$SAMPLE" "$T/a" <<'PY'
import csv, sys
def rows(d, f):
    return list(csv.DictReader(open(f"{d}/{f}", newline="")))
old, new = sys.argv[1], sys.argv[2]
oi = {r["item_id"]: r for r in rows(old, "items.csv")}
ni = {r["item_id"]: r for r in rows(new, "items.csv")}
gone = set(oi) - set(ni)
added = set(ni) - set(oi)
# Only items whose data was deleted (and purged) go: a handful.
assert len(gone) <= 3, gone
assert 1 <= len(added) <= 12, len(added)
# gone: deleted with their data this month, or soft-deleted and purged
for k in gone:
    assert oi[k]["protection_state"] == "Protected" or \
        (oi[k]["soft_deleted"] == "true" and
         oi[k]["deferred_delete_time"] <= "2026-12-01"), oi[k]
stopped = [k for k in set(oi) & set(ni)
           if oi[k]["protection_state"] == "Protected"
           and ni[k]["protection_state"] == "ProtectionStopped"]
assert 1 <= len(stopped) <= 12, stopped
for k in stopped:
    assert ni[k]["policy_id"] == "", ni[k]
for k in added:
    assert ni[k]["protection_state"] == "Protected", ni[k]
    assert ni[k]["item_name"].endswith("-202612"), ni[k]
orp = {r["rp_id"]: r for r in rows(old, "recovery_points.csv")}
nrp = rows(new, "recovery_points.csv")
as_of, old_as_of = "2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z"
kept = [r for r in nrp if r["rp_id"] in orp]
fresh = [r for r in nrp if r["rp_id"] not in orp]
for r in kept:
    o = orp[r["rp_id"]]
    assert r["rp_time"] == o["rp_time"] and r["rp_kind"] == o["rp_kind"], r
    assert r["expiry_time"] == "" or r["expiry_time"] > as_of, r
for r in fresh:
    assert old_as_of <= r["rp_time"] < as_of, r
# Every old point alive at the new as-of is still there, and those of
# the items stopped this month are kept for good.
alive = [k for k, o in orp.items() if o["item_id"] in ni and
         (o["expiry_time"] == "" or o["expiry_time"] > as_of)]
held = [k for k, o in orp.items() if o["item_id"] in stopped and
        o["tier"] != "Snapshot" and o["expiry_time"] != "" and
        old_as_of < o["expiry_time"] <= as_of]
assert len(alive) <= len(kept) <= len(alive) + len(held), \
    (len(kept), len(alive), len(held))
for r in kept:
    if r["item_id"] in stopped and r["tier"] != "Snapshot":
        assert r["expiry_time"] == "", r
# A protected daily VM item gets about a point a day.
vm = [k for k in ni if ni[k]["workload"] == "AzureVM" and k in oi and
      ni[k]["protection_state"] == "Protected"]
per = sum(1 for r in fresh if r["item_id"] in vm) / len(vm)
assert 20 <= per <= 200, per
# Points that reached their policy's archive age moved.
moved = [r for r in kept if orp[r["rp_id"]]["tier"] == "Standard"
         and r["tier"] == "Archive"]
assert moved, "no point moved to Archive in a month"
jobs = rows(new, "jobs.csv")
assert min(j["start_time"] for j in jobs
           if j["operation"] == "Backup") >= "2026-10-27", "old backups"
assert any(j["start_time"] >= old_as_of for j in jobs
           if j["operation"] != "Backup"), "no restore in the new month"
PY
check "the aged bill uses the same hidden sizes (the first month's per-vault \
factor) on November's mean: half the 1 November snapshot, half the 1 December" \
	python3 - "$SAMPLE" "$T/a" "$T/ab" <<'PY'
import csv, subprocess, sys, os, tempfile
from datetime import datetime, timedelta
sample, aged, bill2 = sys.argv[1:]
FREE = timedelta(days=14)  # soft-deleted data's last days are not billed
def gib(snap, as_of):
    names = {r["vault_id"]: r["vault_name"]
             for r in csv.DictReader(open(f"{snap}/vaults.csv"))}
    out = {}
    for r in csv.DictReader(open(f"{snap}/items.csv")):
        if r["soft_deleted"] == "true":
            purge = datetime.fromisoformat(r["deferred_delete_time"][:19])
            if purge - FREE <= as_of:
                continue
        n = names[r["vault_id"]]
        out[n] = out.get(n, 0) + float(r["standard_gb"])
    return out
def billed(bill):
    out = {}
    for r in csv.DictReader(open(f"{bill}/focus.csv")):
        m = r["x_SkuMeterName"]
        # Recovery Services vaults: the Backup vaults' sizes are not items
        if "/Microsoft.RecoveryServices/" not in r["ResourceId"]:
            continue
        # vault-standard: the Standard meter and vaulted Files' own
        if "Data Stored" in m and "Archive" not in m:
            out[r["ResourceName"]] = out.get(r["ResourceName"], 0) + \
                float(r["ConsumedQuantity"])
    return out
nov, dec = datetime(2026, 11, 1), datetime(2026, 12, 1)
d = tempfile.mkdtemp()
subprocess.run([os.environ["VAULTWISE"], "-q", "sample", "--out",
                d + "/s", "--bill", d + "/b"], check=True)
g1 = gib(d + "/s", nov)
factor = {v: q / g1[v] for v, q in billed(d + "/b").items()}
g2 = gib(aged, dec)
for v, q in billed(bill2).items():
    assert 0.8 <= factor[v] <= 1.25, (v, factor[v])
    want = factor[v] * (g1[v] + g2[v]) / 2
    assert abs(q / want - 1) < 1e-3, (v, q, want)
PY
check "a plan of data/sample" "$VAULTWISE" -q plan "$SAMPLE" --out "$T/p"
check "sample --from --applied PLAN ages it with the plan applied" \
	"$VAULTWISE" -q sample --from "$SAMPLE" --applied "$T/p" --out "$T/ap"
check "the plan's moves are in Archive, its policies tier as proposed" \
	python3 - "$T/p" "$T/ap" <<'PY'
import csv, sys
plan, aged = sys.argv[1:]
def rows(p):
    return list(csv.DictReader(open(p, newline="")))
tier = {(r["item_id"], r["rp_id"]): r["tier"]
        for r in rows(f"{aged}/recovery_points.csv")}
# a moved point restored from Archive in the month is rehydrated
rehydrated = {(j["item_id"], j["rp_time"]) for j in rows(f"{aged}/jobs.csv")
              if j["operation"] == "Restore" and j["source_tier"] == "Archive"}
moves = [r for r in rows(f"{plan}/plan.csv")
         if r["action"] in ("move_now", "move_on")
         and r["move_date"] < "2026-12-01"]
assert moves
for r in moves:
    t = tier.get((r["item_id"], r["rp_id"]))
    ok = t == "StandardRehydrated" and (r["item_id"], r["rp_time"]) in rehydrated
    assert t is None or t == "Archive" or ok, (r["rp_id"], t)
pol = {r["policy_id"]: r for r in rows(f"{aged}/policies.csv")}
for c in rows(f"{plan}/policy_changes.csv"):
    assert pol[c["policy_id"]]["tiering_mode"] == c["proposed_tiering"], c
PY
expect_exit 0 "run on the aged sample with --previous data/sample" \
	"$VAULTWISE" -q run --snapshot "$T/ap" --previous "$SAMPLE" \
	--out "$T/mom"
grep_ok "stdout gives the month's change by cause" \
	'^month over month: .* new items \+[0-9.]+, removed items -[0-9.]+, growth \+[0-9.]+, tier moves -[0-9.]+, prices [-+]0\.00 \(changes\.csv\)' \
	"$T/out"
check "changes.csv: the month's change by named cause, 95% explained" \
	python3 - "$T/mom/report/changes.csv" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
by = collections.defaultdict(dict)
for r in rows:
    if r["cause"] != "outlier":
        by[r["vault_name"]][r["cause"]] = float(r["change"])
    assert r["currency"] == "EUR" and r["basis"], r
causes = ("new_items", "removed_items", "growth", "tier_moves", "prices")
for v, c in by.items():
    named = sum(c[k] for k in causes)
    assert abs(named + c["unexplained"] - c["total"]) < 0.02, (v, c)
t = by["All vaults"]
assert abs(t["unexplained"]) <= 0.05 * abs(t["total"]), t
assert sum(by[v]["total"] for v in by if v != "All vaults") - \
    t["total"] < 0.05, t
# the aged month added and purged items, and the applied plan moved
# points to Archive
assert t["new_items"] > 0 and t["removed_items"] < 0, t
assert t["tier_moves"] < 0 and t["growth"] > 0, t
# a vault whose Standard halved under the plan is flagged
out = [r for r in rows if r["cause"] == "outlier"]
assert any(r["meter"] == "standard" and
           r["note"].startswith("halved or less; ") for r in out), out
PY
grep_ok "the report says why it changed" "Why it changed" \
	"$T/mom/report/report.html"
grep_ok "... and what to check first" "Check first: rsv-" \
	"$T/mom/report/report.html"
mkdir -p "$T/lastrun" && cp -R "$SAMPLE" "$T/lastrun/snapshot"
expect_exit 0 "report --previous takes last month's run output too" \
	"$VAULTWISE" -q report "$T/ap" --plan "$T/mom/plan" \
	--previous "$T/lastrun" --out "$T/mom2"
check "... the same changes as from its snapshot" \
	cmp "$T/mom/report/changes.csv" "$T/mom2/changes.csv"
check "--months 3 ages by three months" \
	"$VAULTWISE" -q sample --from "$SAMPLE" --months 3 --out "$T/m3"
grep_ok "... to 2027-02-01" '"exported_at":[^"]*"2027-02-01T00:00:00Z"' \
	"$T/m3/manifest.json"
check "the aged snapshot plans" \
	"$VAULTWISE" -q plan "$T/m3" --out "$T/m3p"
expect_exit 64 "--months without --from is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --months 2
expect_exit 64 "--applied without --from is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --applied "$T/p"
expect_exit 64 "--from with --items is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --from "$SAMPLE" --items 5
expect_exit 64 "--from with --as-of is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --from "$SAMPLE" --as-of 2027-01-01
expect_exit 65 "--applied with a plan of another as-of is refused" \
	"$VAULTWISE" sample --out "$T/u" --from "$T/a" --applied "$T/p"
grep_ok "... saying so" "plan was made as of another time" "$T/err"
expect_exit 66 "--from a missing snapshot fails" \
	"$VAULTWISE" sample --out "$T/u" --from "$T/nothing"
finish
