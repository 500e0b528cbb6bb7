#!/bin/sh
# reconcile.sh: `plan --costs` and `run --costs` as a FinOps analyst would
# check them against the bill: reconcile.csv's billed columns are the
# export's Backup charges of the snapshot's vaults (FOCUS or usage
# details, plain or gzip, the same figures), its difference is modelled
# minus billed, public samples without Backup rows bill nothing, and a
# bill in another currency is refused. Then issue 13's "done when": a
# sample with its month's bill (hidden true sizes, negotiated prices):
# calibrated, every vault's model is within 2% of the bill, and
# reconcile.csv shows the error before calibration; and a snapshot whose
# sizes are estimates says so, with the share, in the headline card.
. tests/e2e/lib.sh
TINY="$VW_TOP/tests/data/tiny-snapshot"
C="$VW_TOP/tests/data/costs"

expect_exit 0 "plan --costs with a FOCUS export" \
	"$VAULTWISE" plan "$TINY" --currency EUR \
	--costs "$C/backup-focus.csv" --out "$T/f"
grep_ok "prints the model against the bill" \
	'^the model against the bill: 60\.20 EUR billed in 2026-10 for the vaults. Backup meters \(8 rows\), [0-9.]+ EUR modelled' \
	"$T/out"
check "reconcile.csv: the bill's Backup charges per vault and meter" \
	python3 - "$T/f/reconcile.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
got = {(r["vault_name"], r["meter"]): r for r in rows}
want = {("vault-prod", "vault_standard"): 6.00,
        ("vault-prod", "vault_archive"): 1.00,
        ("vault-prod", "pi_vm"): 10.00, ("vault-prod", "pi_sql"): 25.00,
        ("vault-prod", "total"): 42.00,
        ("vault-dev", "vault_standard"): 0.40,
        ("vault-dev", "pi_vm"): 17.55,
        ("vault-dev", "instant_restore_snapshots"): 0.25,
        ("vault-dev", "total"): 18.20}
for k, v in want.items():
    assert abs(float(got[k]["billed_cost"]) - v) < 0.006, (k, got[k])
for r in rows:
    d = float(r["modelled_cost"]) - float(r["billed_cost"])
    assert abs(float(r["difference"]) - d) < 0.011, r
    assert r["currency"] == "EUR" and r["bill_month"] == "2026-10", r
assert float(got[("vault-prod", "vault_standard")]["billed_qty"]) == 150
PY

gzip -c "$C/backup-usage-details.csv" >"$T/usage.csv.gz"
expect_exit 0 "plan --costs with gzipped usage details" \
	"$VAULTWISE" plan "$TINY" --currency EUR --costs "$T/usage.csv.gz" \
	--out "$T/u"
check "usage details bill the same as the FOCUS export" \
	cmp "$T/f/reconcile.csv" "$T/u/reconcile.csv"

for f in finops-toolkit-EA_ActualCost_Small.csv \
	focus-sample-data-azure-1.2.csv; do
	expect_exit 0 "plan --costs with the public sample $f" \
		"$VAULTWISE" plan "$TINY" --currency EUR --costs "$C/$f" \
		--out "$T/s"
	check "... bills no Backup cost" python3 - "$T/s/reconcile.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert rows and all(float(r["billed_cost"]) == 0 for r in rows), rows
PY
done

expect_exit 65 "a bill in EUR against USD prices is refused" \
	"$VAULTWISE" plan "$TINY" --currency USD \
	--costs "$C/backup-focus.csv" --out "$T/x"
grep_ok "... saying which currency to give" \
	'the bill is in EUR but the plan prices in USD: give --currency EUR' \
	"$T/err"
check "... and writes no plan" test ! -e "$T/x"

expect_exit 0 "run --costs writes plan/reconcile.csv" \
	"$VAULTWISE" run --snapshot "$TINY" --currency EUR \
	--costs "$C/backup-focus.csv" --out "$T/run"
check "run's reconcile.csv is plan's" \
	cmp "$T/f/reconcile.csv" "$T/run/plan/reconcile.csv"

# ---- a sample and its month's bill ----
expect_exit 0 "sample --bill writes the month's bill" \
	"$VAULTWISE" sample --out "$T/S" --bill "$T/B"
expect_exit 0 "... twice" "$VAULTWISE" sample --out "$T/S2" --bill "$T/B2"
check "... the same bill both times (it depends on the seed only)" \
	sh -c "cmp '$T/B/focus.csv' '$T/B2/focus.csv' &&
		cmp '$T/B/usage-details.csv' '$T/B2/usage-details.csv'"
for f in focus.csv usage-details.csv; do
	check "... $f" test -s "$T/B/$f"
	expect_exit 0 "run --costs B/$f" \
		"$VAULTWISE" run --snapshot "$T/S" --costs "$T/B/$f" \
		--out "$T/O-$f"
	check "... without a caveat that the billed prices and sizes are not the sheet's and snapshot's" \
		sh -c "! grep -Eq 'was the (sheet changed|plan made from)' '$T/err'"
	grep_ok "... prints billed, calibrated and uncalibrated totals" \
		'^the model against the bill: [0-9.]+ EUR billed in 2026-10 .* modelled once calibrated \(\+?-?0\.0%\), [0-9.]+ before' \
		"$T/out"
	grep_ok "... and the billed total as the cost now" \
		'^backup cost billed: [0-9.]+ EUR in 2026-10 \(the report.s cost now\)' \
		"$T/out"
	check "... every vault within 2% of the bill once calibrated" \
		python3 - "$T/O-$f/plan/reconcile.csv" "$T/B/$f" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
        if r["meter"] == "total"]
assert len(rows) == 12, len(rows)
bill = sum(float(r.get("EffectiveCost") or r.get("Cost"))
           for r in csv.DictReader(open(sys.argv[2], newline="")))
assert abs(sum(float(r["billed_cost"]) for r in rows) - bill) < 0.05
worst_before = 0
for r in rows:
    b, m = float(r["billed_cost"]), float(r["modelled_cost"])
    assert b > 0 and abs(m - b) <= 0.02 * b, r
    assert r["calibrated"].startswith("sizes x"), r
    worst_before = max(worst_before, abs(float(r["uncalibrated_cost"]) - b) / b)
# the bill's hidden sizes and prices differ from the snapshot's: the
# uncalibrated model misses some vault by more than 2%
assert worst_before > 0.02, worst_before
PY
done
check "report.html: the model against the bill, cost now as billed to the cent" \
	python3 - "$T/O-focus.csv/report/report.html" "$T/B/focus.csv" <<'PY'
import csv, re, sys
html = open(sys.argv[1]).read()
sec = html[html.index('<section id="bill">'):]
sec = sec[:sec.index("</section>")]
text = re.sub(r"<[^>]+>", " ", sec)
bill = sum(float(r["EffectiveCost"])
           for r in csv.DictReader(open(sys.argv[2], newline="")))
m = re.search(r"Cost now, as billed in 2026-10: +([0-9,.]+) EUR/month", text)
assert m, text[:300]
assert m.group(1) == f"{bill:,.2f}", (m.group(1), bill)
assert "before calibration" in text and "sizes x" in text
i = html.index(">Backup costs<")
card = re.sub(r"<[^>]+>", " ", html[i:html.index("</div></div>", i)])
assert re.search(re.escape(f"{bill:,.2f}") + r"\s+EUR", card), card
assert "Billed in 2026-10" in card, card
PY
expect_exit 0 "run without the bill" \
	"$VAULTWISE" run --snapshot "$T/S" --out "$T/O-none"
check "calibration leaves the snapshot to the next stages as it was" \
	python3 - "$T/O-focus.csv" "$T/O-none" <<'PY'
import csv, os, sys
def now(d):
    cols = ("vault_id", "items", "points", "standard_gb", "archive_gb",
            "standard_cost", "archive_cost", "pi_cost")
    return [tuple(r[c] for c in cols) for r in csv.DictReader(
        open(os.path.join(d, "report", "vaults.csv"), newline=""))]
assert now(sys.argv[1]) == now(sys.argv[2])
rpo = lambda d: open(os.path.join(d, "rpo_rto.csv")).read()
assert rpo(sys.argv[1]) == rpo(sys.argv[2])
PY
check "forecast.csv's Standard rows are priced as billed" \
	python3 - "$T/O-focus.csv/report/forecast.csv" <<'PY'
import csv, sys
# every vault was billed Standard storage (a meter not billed, such as
# Archive in a vault with nothing archived yet, keeps the sheet's price);
# Backup vaults (x_Strategy unchanged) are not read from the bill yet
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
        if r["x_Tier"] == "Standard" and r["PricingUnit"] == "GB-Months"
        and r["x_Strategy"] == "plan"]
assert rows and all(r["x_PriceQuality"] == "billed" for r in rows), \
    {r["x_PriceQuality"] for r in rows}
PY
check "the FOCUS and usage-details bills calibrate alike" \
	cmp "$T/O-focus.csv/plan/reconcile.csv" \
	"$T/O-usage-details.csv/plan/reconcile.csv"

# ---- sizes from workload defaults (an export without --sizes) ----
check "a copy of the sample whose VM sizes are estimates" \
	python3 - "$VW_TOP/data/sample" "$T/est" <<'PY'
import csv, hashlib, io, json, os, shutil, sys
src, dst = sys.argv[1:]
shutil.copytree(src, dst)
p = os.path.join(dst, "items.csv")
rows = list(csv.reader(open(p, newline="")))
col = rows[0].index("size_source")
for r in rows[1:]:
    if r[rows[0].index("workload")] == "AzureVM":
        r[col] = "estimated"
out = io.StringIO()
csv.writer(out, lineterminator="\r\n").writerows(rows)
open(p, "w", newline="").write(out.getvalue())
m = json.load(open(os.path.join(dst, "manifest.json")))
for name, f in m["files"].items():
    f["sha256"] = hashlib.sha256(
        open(os.path.join(dst, name), "rb").read()).hexdigest()
json.dump(m, open(os.path.join(dst, "manifest.json"), "w"), indent=1)
PY
expect_exit 0 "run on it without a bill" \
	"$VAULTWISE" run --snapshot "$T/est" --out "$T/E"
check "the headline card states the share of storage on estimated sizes" \
	python3 - "$T/E/report/report.html" "$T/O-focus.csv/report/report.html" <<'PY'
import re, sys
def total_card(path):
    html = open(path).read()
    i = html.index(">Backup costs<")
    return re.sub(r"<[^>]+>", "", html[i:html.index("</div></div>", i)])
est = total_card(sys.argv[1])
m = re.search(r"([0-9]+)% of the storage rests on estimated sizes", est)
assert m and 10 < int(m.group(1)) < 100, est
assert "estimated sizes" not in total_card(sys.argv[2])
PY
finish
