#!/bin/sh
# report.sh: `vaultwise report` as a FinOps analyst would check it: the
# files are there; focus.csv holds no projection (header only without a
# bill); forecast.csv has the FOCUS 1.2 columns in order, with the
# right types and units, projections only in x_ columns, is the plan's
# vault_months.csv row for row and adds up to strategies.csv's plan line;
# vaults.csv agrees with the plan's summary, its restore risk with
# plan.csv, and its month-over-month columns are now minus then;
# report.html is one
# self-contained page (no script, nothing fetched), with text from data
# escaped, the same bytes for the same inputs, and clear errors. Then
# headless Chromium opens it: no network request, no console message, the
# charts on screen at desktop and phone width, the headline figures on the
# first screen, no sideways scroll and no text under 11 px on a phone, A4
# pages with page numbers in print; screenshots and the printed pages
# saved under $TEST_OUT/report/ (skipped when Chromium is not installed).
. tests/e2e/lib.sh

# A4 unless the locale asks for Letter (checked below), and a fixed "made
# on" date: 2026-12-07T09:00:00Z
export LC_ALL=C
export SOURCE_DATE_EPOCH=1796634000

S="$VW_TOP/data/sample"
SHOTS="${TEST_OUT:-$T}/report"
R="$T/run"

# ---- the inputs, as the monthly batch makes them ----
expect_exit 0 "run writes plan/ and posture.csv" "$VAULTWISE" run --out "$R"
grep_ok "run warns of the estimated prices" \
	'warning: prices: the westeurope EUR price for archive_grs is an estimate' \
	"$T/err"
check "... once: the report does not repeat the plan's price warnings" \
	sh -c "! grep -q 'warning: report: .*price' '$T/err'"
# run hands its report the plan's restore risk in memory; report reads
# it from plan.csv: the same figures, to the last digit
expect_exit 0 "report on run's plan and inputs" \
	"$VAULTWISE" report "$S" --plan "$R/plan" --model "$R/model.json" \
	--rpo "$R/rpo_rto.csv" --posture "$R/posture.csv" --out "$T/same"
for f in vaults.csv policies.csv forecast.csv; do
	check "... the same $f as run's" cmp "$R/report/$f" "$T/same/$f"
done
check "... and the same RPO/RTO section, which run took from check in memory" \
	python3 - "$R/report/report.html" "$T/same/report.html" <<'PY'
import re, sys
sec = [re.search(r'<section id="rpo">.*?</section>',
                 open(f, encoding="utf-8").read(), re.S)[0]
       for f in sys.argv[1:]]
assert sec[0] == sec[1] and "breach" in sec[0], sec[0][:300]
PY
expect_exit 0 "fit writes model.json" \
	"$VAULTWISE" fit "$S" --out "$R/model.json"
expect_exit 1 "check writes rpo_rto.csv (and finds breaches)" \
	"$VAULTWISE" check "$S" --targets "$VW_TOP/data/targets.example.csv" \
	--out "$R/rpo_rto.csv"
expect_exit 0 "a previous month's snapshot" \
	"$VAULTWISE" sample --out "$T/prev" --as-of 2026-10-01

expect_exit 0 "report with every input" \
	"$VAULTWISE" report "$S" --plan "$R/plan" --previous "$T/prev" \
	--model "$R/model.json" --rpo "$R/rpo_rto.csv" \
	--posture "$R/posture.csv" --out "$T/rep"
grep_ok "prints the cost by tier, with units and currency" \
	'^backup cost now: [0-9.]+ EUR/month Standard \([0-9.]+ GiB\) \+ [0-9.]+ EUR/month Archive \([0-9.]+ GiB\) \+ [0-9.]+ EUR/month protected-instance fees' \
	"$T/out"
grep_ok "prints the saving and the restore risk" \
	'^restore risk taken: [0-9.]+ restores expected' "$T/out"
grep_ok "prints the month-over-month change" \
	'^month over month: [0-9.]+ EUR/month, [-+][0-9.]+ EUR/month' "$T/out"
for f in report.html forecast.csv vaults.csv policies.csv \
	restore_by_age.csv; do
	check "report wrote $f" test -s "$T/rep/$f"
done

# ---- focus.csv: cost incurred only (issue 13 item 6) ----
check "focus.csv without a bill: the FOCUS 1.2 header, no row charged" \
	python3 - "$T/rep/focus.csv" "$T/rep/forecast.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0][:3] == ["BilledCost", "BillingAccountId",
                       "BillingAccountName"], rows[0][:3]
assert "EffectiveCost" in rows[0]
# no bill given: nothing was charged, so nothing after the as-of date and
# summing EffectiveCost counts no projection
assert len(rows) == 1, rows[1:3]
head = next(csv.reader(open(sys.argv[2], newline="")))
for c in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
    assert c not in head and "x_Projected" + c in head, c
PY
# ---- forecast.csv: the plan's projections ----
check "forecast.csv: FOCUS 1.2 columns in order, types, units, values" \
	python3 - "$T/rep/forecast.csv" <<'PY'
import csv, re, sys
MANDATORY = ("x_ProjectedBilledCost BillingAccountId BillingAccountName "
             "BillingCurrency "
             "BillingPeriodStart BillingPeriodEnd ChargeCategory ChargeClass "
             "ChargeDescription ChargePeriodStart ChargePeriodEnd "
             "x_ProjectedContractedCost x_ProjectedEffectiveCost "
             "InvoiceIssuerName x_ProjectedListCost "
             "PricingQuantity PricingUnit ProviderName PublisherName "
             "ServiceCategory ServiceName").split()
CONDITIONAL = {"ResourceId", "ResourceName", "ResourceType", "RegionId",
               "RegionName", "SubAccountId", "SubAccountName",
               "ListUnitPrice", "ConsumedQuantity", "ConsumedUnit",
               "ServiceSubcategory", "ChargeFrequency", "PricingCategory"}
DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))
head, body = rows[0], rows[1:]
assert head[:21] == MANDATORY, head[:21]
n_x = next(i for i, c in enumerate(head[21:], 21) if c.startswith("x_"))
assert set(head[21:n_x]) <= CONDITIONAL, head[21:n_x]
assert all(c.startswith("x_") for c in head[n_x:]), "x_ columns come last"
assert {"x_Strategy", "x_Tier", "x_ProjectedMonthlyCost",
        "x_RestoreProbability"} <= set(head[n_x:])
assert body, "no rows"
for r in body:
    r = dict(zip(head, r))
    for c in ("x_ProjectedBilledCost", "x_ProjectedContractedCost",
              "x_ProjectedEffectiveCost", "x_ProjectedListCost",
              "PricingQuantity", "ListUnitPrice", "ConsumedQuantity",
              "x_ProjectedMonthlyCost"):
        assert DECIMAL.match(r[c]), (c, r[c])
    for c in ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
              "ChargePeriodEnd"):
        assert TIME.match(r[c]), (c, r[c])
    assert r["BillingPeriodStart"] < r["BillingPeriodEnd"]
    assert r["BillingPeriodStart"][8:] == "01T00:00:00Z", r
    assert float(r["x_ProjectedBilledCost"]) == 0, "a projection is not billed"
    assert r["ChargeCategory"] == "Usage" and r["ChargeClass"] == ""
    assert r["ServiceCategory"] == "Storage"
    assert r["ServiceSubcategory"] == "Backup Storage"
    assert r["ServiceName"] and r["ProviderName"] == "Microsoft"
    assert r["BillingCurrency"] == "EUR" and r["BillingAccountId"]
    assert r["PricingUnit"] in ("GB-Months", "Instance-Months",
                                "Restores"), r
    assert r["ConsumedUnit"] in ("GB-Months", "Item-Months", "Restores"), r
    restore = r["x_Meter"] == "archive_restores"
    # Operational: Backup vaults' disk snapshots (Managed Disks)
    assert (r["PricingUnit"] == "GB-Months") == (
        r["x_Tier"] in ("Standard", "Archive", "Operational")
        and not restore)
    assert (r["PricingUnit"] == "Restores") == restore, r
    q, p, cost = (float(r["PricingQuantity"]), float(r["ListUnitPrice"]),
                  float(r["x_ProjectedListCost"]))
    assert abs(q * p - cost) < 1e-6, ("ListCost = price x quantity", r)
    assert r["x_ProjectedListCost"] == r["x_ProjectedEffectiveCost"] \
        == r["x_ProjectedContractedCost"]
    assert abs(float(r["x_ProjectedMonthlyCost"]) - cost) < 0.006
    kind = "Microsoft.RecoveryServices/vaults/" \
        if r["x_Strategy"] == "plan" else "Microsoft.DataProtection/backupVaults/"
    assert r["x_Strategy"] in ("plan", "unchanged"), r
    assert r["ResourceId"].startswith("/subscriptions/") and \
        "/providers/" + kind in r["ResourceId"], r
    assert r["SubAccountId"] == "/subscriptions/" + r["SubAccountName"]
    assert r["RegionId"] and r["RegionName"]
    assert "projection" in r["ChargeDescription"]
    if restore:
        assert r["x_Tier"] == "Archive", r
        assert r["x_ExpectedRestores"] == r["PricingQuantity"], r
        assert 0 <= float(r["x_RestoreProbability"]) <= 1, r
    else:
        assert r["x_ExpectedRestores"] == r["x_RestoreProbability"] == "", r
assert any(r[head.index("x_Meter")] == "archive_restores" for r in body), \
    "the plan used a model: forecast.csv has restore rows"
PY
check "forecast.csv storage adds up to strategies.csv's plan line each month" \
	python3 - "$T/rep/forecast.csv" "$R/plan/strategies.csv" <<'PY'
import collections, csv, sys
cost, fees = collections.Counter(), collections.Counter()
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["x_Strategy"] != "plan":
        continue  # Backup vaults: not in the plan
    m = r["BillingPeriodStart"][:7]
    (cost if r["x_Tier"] else fees)[m] += float(r["x_ProjectedListCost"])
plan = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
        if r["strategy"] == "plan"]
assert len(plan) == 36 and set(cost) == {r["month"] for r in plan}
for r in plan:
    want = float(r["cost"])
    assert abs(cost[r["month"]] - want) <= 0.05, (r, cost[r["month"]])
    assert abs(fees[r["month"]] - float(r["pi_cost"])) < 0.05, r
PY
check "forecast.csv is plan/vault_months.csv, vault by vault and month" \
	python3 - "$T/rep/forecast.csv" "$R/plan/vault_months.csv" <<'PY'
import collections, csv, sys
got = collections.defaultdict(dict)
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["x_Tier"] and r["x_Strategy"] == "plan":
        key = (r["x_VaultId"], r["BillingPeriodStart"][:7])
        kind = ("restore" if r["x_Meter"] == "archive_restores" else
                "Files" if r["x_Meter"].startswith("files_vaulted") else
                r["x_Tier"])
        got[key][kind] = r
plan = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(plan) == 12 * 36
for p in plan:
    rows = got[(p["vault_id"], p["month"])]
    for tier, gb, price in (("Standard", "standard_gb",
                             "standard_gb_month_price"),
                            ("Archive", "archive_gb",
                             "archive_gb_month_price"),
                            ("Files", "files_vaulted_gb",
                             "files_vaulted_gb_month_price")):
        if float(p[gb]) > 0:
            assert abs(float(rows[tier]["x_ProjectedGiB"]) - float(p[gb])) \
                < 0.001, (p, rows[tier])
            assert float(rows[tier]["ListUnitPrice"]) == float(p[price])
    if float(p["restore_cost"]) > 0:
        r = rows["restore"]
        assert abs(float(r["x_ProjectedListCost"]) -
                   float(p["restore_cost"])) < 1e-4
        assert abs(float(r["PricingQuantity"]) -
                   float(p["expected_restores"])) < 1e-6
    mine = sum(float(r["x_ProjectedListCost"]) for r in rows.values())
    assert abs(mine - float(p["cost"])) < 0.006, (p, mine)
PY
check "forecast.csv holds each Backup vault's fees and storage of vaults.csv every month" \
	python3 - "$T/rep/forecast.csv" "$T/rep/vaults.csv" <<'PY'
import collections, csv, sys
fees, gib = collections.Counter(), {}
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["x_Strategy"] != "unchanged":
        continue
    assert r["ResourceType"] == "Backup vault", r
    key = (r["x_VaultId"], r["BillingPeriodStart"][:7])
    if r["x_Tier"]:
        gib[key + (r["x_Tier"],)] = float(r["x_ProjectedGiB"])
    else:
        fees[key] += float(r["x_ProjectedListCost"])
bv = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
      if r["level"] == "backup_vault"]
assert len(bv) == 3 and fees, (bv, fees)
months = {k[1] for k in fees}
assert len(months) == 36, months
for r in bv:
    for m in months:
        assert abs(fees[(r["vault_id"], m)] - float(r["pi_cost"])) < 0.01
        if float(r["standard_gb"]) > 0:
            assert abs(gib[(r["vault_id"], m, "Standard")] -
                       float(r["standard_gb"])) < 0.001, r
PY
check "forecast.csv: Backup vaults' disk snapshots, billed by Managed Disks" \
	python3 - "$T/rep/forecast.csv" "$S/backup_instances.csv" <<'PY'
import collections, csv, sys
want = collections.Counter()
for r in csv.DictReader(open(sys.argv[2], newline="")):
    if r["datasource_type"] == "Microsoft.Compute/disks":
        want[r["vault_id"]] += float(r["snapshot_gb"])
assert len(want) == 3 and all(v > 0 for v in want.values()), want
got = collections.defaultdict(dict)
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["ServiceName"] != "Managed Disks":
        continue
    assert r["x_Strategy"] == "unchanged" and \
        r["x_Meter"] == "snapshot_lrs", r
    got[r["x_VaultId"]][r["BillingPeriodStart"][:7]] = \
        float(r["x_ProjectedGiB"])
assert set(got) == set(want), (got.keys(), want)
for v, months in got.items():
    assert len(months) == 36 and all(abs(g - want[v]) < 0.001
                                     for g in months.values()), months
PY
check "the restore risk is plan.csv's, for the points the plan moves" \
	python3 - "$T/rep/vaults.csv" "$R/plan/plan.csv" "$T/out" <<'PY'
import csv, re, sys
total = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
         if r["level"] == "total"][0]
moved = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
         if r["action"] in ("move_now", "move_on")]
n = sum(float(r["expected_restores"]) for r in moved)
cost = sum(float(r["expected_restore_cost"]) for r in moved)
assert abs(float(total["restores_expected"]) - n) < 0.002, (total, n)
assert abs(float(total["restore_cost_expected"]) - cost) < 0.006, cost
said = re.search(r"^restore risk taken: ([0-9.]+) restores expected .* "
                 r"the ([0-9]+) points .* cost ([0-9.]+) EUR",
                 open(sys.argv[3]).read(), re.M)
assert said, "the command says the restore risk"
assert abs(float(said.group(1)) - n) < 0.006
assert int(said.group(2)) == len(moved)
assert abs(float(said.group(3)) - cost) < 0.006
PY

# ---- vaults.csv and policies.csv ----
check "vaults.csv agrees with plan/summary.csv, row by row and in total" \
	python3 - "$T/rep/vaults.csv" "$R/plan/summary.csv" <<'PY'
import csv, sys
mine = list(csv.DictReader(open(sys.argv[1], newline="")))
plan = {(r["level"], r["id"]): r
        for r in csv.DictReader(open(sys.argv[2], newline=""))}
vaults = [r for r in mine if r["level"] == "vault"]
total = [r for r in mine if r["level"] == "total"]
assert len(vaults) == 12 and len(total) == 1
for r in vaults + total:
    p = plan[("vault", r["vault_id"]) if r["level"] == "vault" else
             ("total", "")]
    storage = float(r["standard_cost"]) + float(r["archive_cost"])
    assert abs(storage - float(p["monthly_storage_now"])) < 0.02, (r, p)
    for a, b in (("standard_gb", "standard_gb"), ("archive_gb", "archive_gb"),
                 ("pi_cost", "monthly_pi"), ("points", "points"),
                 ("storage_after_plan", "monthly_storage_after"),
                 ("saving_total", "saving_total"), ("move_now", "move_now")):
        assert abs(float(r[a]) - float(p[b])) < 0.02, (a, r[a], p[b])
    assert abs(float(r["total_cost"]) - storage - float(r["pi_cost"])) < 0.02
    assert r["currency"] == "EUR"
for col in ("points", "standard_gb", "total_cost", "previous_total_cost"):
    s = sum(float(r[col]) for r in vaults)
    assert abs(s - float(total[0][col])) < 0.1, col
PY
check "month-over-month columns are now minus previous" \
	python3 - "$T/rep/vaults.csv" "$T/rep/policies.csv" <<'PY'
import csv, sys
for path in sys.argv[1:]:
    rows = list(csv.DictReader(open(path, newline="")))
    assert rows
    for r in rows:
        if r.get("vault_kind") == "BackupVault":
            continue  # Backup vaults: their cost now only
        assert r["previous_as_of"] == "2026-10-01T00:00:00Z", r
        for now, then, delta in (("points", "previous_points", "delta_points"),
                                 ("total_cost", "previous_total_cost",
                                  "delta_total_cost"),
                                 ("standard_gb", "previous_standard_gb",
                                  "delta_standard_gb")):
            assert abs(float(r[now]) - float(r[then]) - float(r[delta])) \
                < 0.02, (path, r)
PY

# ---- report.html ----
H="$T/rep/report.html"
check "report.html: one file, no script, nothing to fetch" \
	python3 - "$H" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
low = html.lower()
assert "<script" not in low and "javascript:" not in low
assert not re.search(r'\b(src|href|xlink:href)\s*=', low), "a link to fetch"
assert "@import" not in low and "@font-face" not in low
assert not re.search(r"url\((?!#)", low), "url() other than in-page"
assert "http-equiv=\"content-security-policy\" content=\"default-src 'none'" \
    in low
assert "@media print" in html and 'name="viewport"' in html
PY
check "report.html: every section says which file its figures come from" \
	python3 - "$H" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sections = re.findall(r'<section id="([^"]+)">(.*?)</section>', html, re.S)
ids = [s[0] for s in sections]
assert ids[:4] == ["headline", "strategies", "vaults", "policies"], ids
for wanted in ("changes", "restores", "rpo", "posture"):
    assert wanted in ids, ids
for sid, body in sections:
    if sid not in ("sources", "glossary"):
        assert 'class="source"' in body, sid
PY
check "report.html: the headline figures are vaults.csv's total row" \
	python3 - "$H" "$T/rep/vaults.csv" <<'PY'
import csv, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
head = re.search(r'<section id="headline">(.*?)</section>', html, re.S)[1]
total = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
         if r["level"] == "total"][0]
for col in ("standard_cost", "archive_cost", "pi_cost", "total_cost"):
    shown = "{:,.2f}".format(float(total[col]))
    assert shown in head, (col, shown)
values = re.findall(r'<div class="value">(.*?)</div>', head)
assert len(values) == 3, values
assert values[0].startswith("{:,.2f} EUR".format(float(total["total_cost"])))
then = float(total["previous_total_cost"])
delta = float(total["delta_total_cost"])
words = "{} {:,.2f} EUR/month ({:.1f}%) from the snapshot of 1 October 2026"
assert words.format("down" if delta < 0 else "up", abs(delta),
                    abs(delta) / then * 100) in head, head[:2000]
PY
check "report.html: every money table says its basis, the vaults' per row" \
	python3 - "$H" "$T/rep/vaults.csv" <<'PY'
import csv, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
labels = ("billed", "calibrated", "reported", "estimated")
money = [t for t in re.findall(r"<table.*?</table>", html, re.S)
         if "EUR" in t]
assert len(money) >= 6, len(money)
for t in money:
    cap = re.search(r'<caption>Basis: <strong class="basis">(\w+)</strong>'
                    r'[^<]+</caption>', t)
    assert cap and cap[1] in labels, t[:400]
# the vault table's last column is vaults.csv's basis, row by row
want = {r["vault_name"]: r["basis"]
        for r in csv.DictReader(open(sys.argv[2], newline=""))
        if r["level"] == "vault"}
vt = re.search(r'<section id="vaults">.*?(<table.*?</table>)', html, re.S)[1]
assert "<th>Basis</th>" in vt, vt[:600]
rows = re.findall(r'<tr[^>]*><td class="name">([^<]*)</td>.*?'
                  r'<td>(\w+|-)</td></tr>', vt, re.S)
named = [(n, b) for n, b in rows if n in want]
assert named and all(want[n] == b for n, b in named), (named, want)
PY
check "changes.csv: basis is a label, the sentence in note" \
	python3 - "$T/rep/changes.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert rows and list(rows[0])[-2:] == ["basis", "note"], list(rows[0])
for r in rows:
    assert r["basis"] in ("reported", "estimated"), r
    assert r["note"].endswith("both snapshots at the plan's price sheet "
                              "(list prices)"), r
PY
check "report.html: savings are positive amounts that say 'saves'" \
	python3 - "$H" "$R/plan/strategies.csv" <<'PY'
import csv, re, sys
from collections import defaultdict
html = open(sys.argv[1], encoding="utf-8").read()
cost = defaultdict(list)
for r in csv.DictReader(open(sys.argv[2], newline="")):
    cost[r["strategy"]].append(float(r["cost"]))
mean = {k: sum(v) / len(v) for k, v in cost.items()}
saving = mean["do_nothing"] - mean["plan"]
card = re.search(r'The plan saves</div><div class="value">([^<]*)', html)
assert card and card[1].strip() == "{:,.2f} EUR".format(saving), card
sect = re.search(r'<section id="strategies">(.*?)</section>', html, re.S)[1]
assert "saves {:,.2f}".format(saving) in sect
assert not re.search(r"<td[^>]*>-[0-9]", sect), "a negative saving"
PY
check "report.html: names the month the snapshot describes and when it was made" \
	python3 - "$H" <<'PY'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
# the sample snapshot is of 1 November 2026, 00:00 UTC: October's state
assert "<title>Azure Backup cost report, October 2026</title>" in html
assert "<h1>Azure Backup cost report, October 2026</h1>" in html
assert "as October 2026 ended (snapshot of 1 November 2026, 00:00 UTC)" in html
assert "Report made on 7 December 2026." in html
PY
check "report.html: caveats in one closed note with a count, costliest first" \
	python3 - "$H" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
notes = re.findall(r'<details class="caveats"><summary>(\d+) notes? (.*?)'
                   r'</details>', html, re.S)
assert len(notes) == 1, notes
count, body = int(notes[0][0]), notes[0][1]
items = re.findall(r"<li>(.*?)</li>", body, re.S)
assert count == len(items) >= 2, (count, items)
money = [float(m.replace(",", "")) for m in
         re.findall(r"\(touches ([0-9,.]+) EUR/month of cost\)", body)]
assert len(money) == count and money == sorted(money, reverse=True), money
head = html.index('<section id="headline">')
assert html.index('<div class="value">', head) < html.index("<details")
PY
check "report.html: a vault's tier that doubled or halved is flagged" \
	python3 - "$H" "$T/rep/vaults.csv" <<'PY'
import csv, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sect = re.search(r'<section id="changes">(.*?)</section>', html, re.S)[1]
rows = {m[0]: m[1] for m in re.findall(
    r'<tr><td class="name">([^<]*)</td>(.*?)</tr>', sect, re.S)}
flagged = 0
for r in csv.DictReader(open(sys.argv[2], newline="")):
    if r["level"] != "vault" or r["vault_name"] not in rows:
        continue
    cells = re.findall(r'<td class="n">(.*?)</td>', rows[r["vault_name"]])
    for i, col in ((1, "standard_gb"), (2, "archive_gb")):
        then, now = float(r["previous_" + col]), float(r[col])
        big = (then >= 100 or now >= 100) and (now >= 2 * then or
                                               now <= then / 2)
        assert ('class="flag"' in cells[i]) == big, (r["vault_name"], cells)
        flagged += big
assert flagged >= 1, "the sample's months have no doubling or halving"
PY
grep_ok "report.html: the charts are inline SVG" '<svg class="chart"' "$H"
check "report.html: other ways to cut the bill, as levers.csv has them" \
	python3 - "$H" "$R/plan/levers.csv" <<'PY'
import csv, html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
sec = page[page.index('<section id="levers">'):]
sec = html.unescape(re.sub(r"<[^>]+>", " ", sec[:sec.index("</section>")]))
assert "Other ways to cut the bill" in sec
assert "%d changes would cut the bill" % len(rows) in sec, sec[:300]
for r in rows[:12]:
    shown = ("{:,.2f} EUR/month".format(float(r["saving_month"]))
             if r["saving_month"] else "not priced")
    assert r["lever"] in sec and shown in sec and r["constraint"] in sec, r
PY
check "report.html: why points move or stay, each code of plan.csv with its sentence" \
	python3 - "$H" "$R/plan/reasons.csv" "$R/plan/plan.csv" <<'PY'
import collections, csv, html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
reasons = list(csv.DictReader(open(sys.argv[2], newline="")))
n = collections.Counter(r["reason_code"]
                        for r in csv.DictReader(open(sys.argv[3], newline="")))
sec = page[page.index('<section id="reasons">'):]
sec = html.unescape(re.sub(r"<[^>]+>", "", sec[:sec.index("</section>")]))
assert "Why points move or stay" in sec
for r in reasons:
    # the sentence as people read it: {column} shows as the column's name
    said = r["sentence"].replace("{", "").replace("}", "")
    shown = "{:,d}".format(int(r["points"]))
    assert r["reason_code"] in sec and said in sec and shown in sec, r
    assert int(r["points"]) == n[r["reason_code"]], r
assert set(n) == {r["reason_code"] for r in reasons}, n
assert "saves saving_total currency over its remaining life" in sec, sec[:500]
PY

expect_exit 0 "report again from the same inputs" \
	"$VAULTWISE" report "$S" --plan "$R/plan" --previous "$T/prev" \
	--model "$R/model.json" --rpo "$R/rpo_rto.csv" \
	--posture "$R/posture.csv" --out "$T/rep2"
check "the same inputs give the same report.html" cmp "$H" "$T/rep2/report.html"
grep_ok "report.html prints on A4 by default" '@page{size:A4;' "$H"
expect_exit 0 "a snapshot taken part way through a month" \
	"$VAULTWISE" sample --out "$T/mid" --as-of 2026-11-15T08:30:00Z
expect_exit 0 "... planned" "$VAULTWISE" plan "$T/mid" --out "$T/mid-plan"
expect_exit 0 "... reported" "$VAULTWISE" report "$T/mid" \
	--plan "$T/mid-plan" --out "$T/mid-rep"
grep_ok "... is named for its own month" \
	'<h1>Azure Backup cost report, November 2026</h1>' \
	"$T/mid-rep/report.html"
grep_ok "... and says so" \
	'part way through the month \(snapshot of 15 November 2026, 08:30 UTC\)' \
	"$T/mid-rep/report.html"
expect_exit 0 "report where the locale's paper is US Letter" \
	env -u LC_ALL LC_PAPER=en_US.UTF-8 "$VAULTWISE" report "$S" \
	--plan "$R/plan" --out "$T/rep-letter"
grep_ok "... prints on Letter" '@page{size:letter;' "$T/rep-letter/report.html"
check "the same inputs give the same forecast.csv" \
	cmp "$T/rep/forecast.csv" "$T/rep2/forecast.csv"

# ---- text from data is escaped ----
check "a snapshot whose names hold markup" python3 - "$S" "$T/odd" <<'PY'
import hashlib, json, os, shutil, sys
src, dst = sys.argv[1:]
shutil.copytree(src, dst)
for name, old, new in (("vaults.csv", "rsv-test-weu-01",
                        "rsv-<b>test</b>&\"q'"),
                       ("policies.csv", "VM-Daily-90d",
                        "VM-<script>alert(1)</script>")):
    p = os.path.join(dst, name)
    data = open(p, newline="", encoding="utf-8").read()
    assert old in data
    data = data.replace(old, new.replace('"', '""'))
    if '"' in new:  # the field needs quotes now
        data = data.replace(new.replace('"', '""'),
                            '"' + new.replace('"', '""') + '"')
    open(p, "w", newline="", encoding="utf-8").write(data)
m = json.load(open(os.path.join(dst, "manifest.json")))
for name, f in m["files"].items():
    f["sha256"] = hashlib.sha256(
        open(os.path.join(dst, name), "rb").read()).hexdigest()
json.dump(m, open(os.path.join(dst, "manifest.json"), "w"), indent=1)
PY
expect_exit 0 "plan on it" "$VAULTWISE" plan "$T/odd" --out "$T/odd-plan"
expect_exit 0 "report on it, every vault and policy listed, no optional input" \
	"$VAULTWISE" report "$T/odd" --plan "$T/odd-plan" --top 100 \
	--out "$T/odd-rep"
check "names are escaped in report.html" python3 - "$T/odd-rep/report.html" <<'PY'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
assert "<b>test" not in html and "<script" not in html.lower()
assert "rsv-&lt;b&gt;test&lt;/b&gt;&amp;&quot;q&#39;" in html
assert "VM-&lt;script&gt;alert(1)&lt;/script&gt;" in html
PY
grep_ok "sections without their input say how to add it" \
	'Not included: run <code>vaultwise fit' "$T/odd-rep/report.html"
grep_ok "and the change needs --previous" \
	'Not included: pass <code>--previous SNAPSHOT' "$T/odd-rep/report.html"

# ---- errors ----
expect_exit 64 "--plan is required" "$VAULTWISE" report "$S" --out "$T/x"
grep_ok "the usage error names --plan" "plan DIR is required" "$T/err"
expect_exit 66 "a missing plan directory" \
	"$VAULTWISE" report "$S" --plan "$T/nope" --out "$T/x"
grep_ok "says how to make a plan" "vaultwise plan SNAPSHOT" "$T/err"
expect_exit 65 "a plan made as of another day" \
	"$VAULTWISE" report "$S" --plan "$R/plan" --as-of 2026-10-15 --out "$T/x"
grep_ok "says both days" "2026-11-01T00:00:00Z.*2026-10-15T00:00:00Z" "$T/err"
cp -r "$R/plan" "$T/old-plan" && rm "$T/old-plan/vault_months.csv"
expect_exit 66 "a plan made by an older vaultwise (no vault_months.csv)" \
	"$VAULTWISE" report "$S" --plan "$T/old-plan" --out "$T/x"
grep_ok "names the file and says to plan again" \
	"vault_months.csv not found.*run 'vaultwise plan'" "$T/err"
check "nothing written after an error" test ! -e "$T/x"

# ---- a month after another ----
mkdir -p "$T/monthly"
expect_exit 0 "monthly-report.sh for October" env VAULTWISE="$VAULTWISE" \
	OUT="$T/monthly/out" MONTH=2026-10 TARGETS="$VW_TOP/data/targets.example.csv" \
	sh "$VW_TOP/scripts/monthly-report.sh" "$T/prev"
check "October has no month before it" \
	sh -c "! grep -q 'month over month' '$T/out'"
expect_exit 0 "monthly-report.sh for November" env VAULTWISE="$VAULTWISE" \
	OUT="$T/monthly/out" MONTH=2026-11 TARGETS="$VW_TOP/data/targets.example.csv" \
	sh "$VW_TOP/scripts/monthly-report.sh" "$S"
grep_ok "November's report is compared with October's snapshot" \
	'^month over month: ' "$T/out"
grep_ok "and its vaults.csv says so" ',2026-10-01T00:00:00Z,' \
	"$T/monthly/out/2026-11/report/vaults.csv"

# ---- in a browser ----
python3 "$VW_TOP/tests/e2e/report_browser.py" "$H" "$SHOTS" \
	>"$T/browser.json" 2>"$T/browser.err"
rc=$?
if [ "$rc" -eq 77 ]; then
	n=$((n + 1))
	echo "ok $n # SKIP skipped: chromium not installed"
elif [ "$rc" -ne 0 ]; then
	not_ok "headless Chromium opened report.html"
	sed 's/^/# /' "$T/browser.err" | head -n 10
else
	ok "headless Chromium opened report.html"
	check "no network request, no console message" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["requests"] == [], r["requests"]
assert r["console"] == [], r["console"]
assert r["desktop"]["scripts"] == 0 and r["desktop"]["external"] == 0
PY
	check "seven charts, each drawn with a real size, on desktop and phone" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for view, min_w in (("desktop", 400), ("phone", 300)):
    charts = r[view]["charts"]
    assert len(charts) == 7, charts
    for c in charts:
        assert c["width"] >= min_w and c["height"] >= 80, (view, c)
PY
	check "the levers are shown with their savings and what bounds them" \
		python3 - "$T/browser.json" "$R/plan/levers.csv" <<'PY'
import csv, json, sys
shown = json.load(open(sys.argv[1]))["desktop"]["levers"]
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(shown) == min(12, len(rows)) > 0, shown
for cells, r in zip(shown, rows):
    money = ("{:,.2f} EUR/month".format(float(r["saving_month"]))
             if r["saving_month"] else "not priced")
    assert cells[0] == r["lever"] and cells[2] == money, (cells, r)
    assert cells[3] == r["constraint"], (cells, r)
PY
	check "the cost section shows each Backup vault as vaults.csv prices it" \
		python3 - "$T/browser.json" "$T/rep/vaults.csv" <<'PY'
import csv, json, sys
shown = json.load(open(sys.argv[1]))["desktop"]["backupVaults"]
rows = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
        if r["level"] in ("backup_vault", "backup_total")]
assert len(shown) == len(rows) == 4, (shown, rows)
money = lambda v: "{:,.2f}".format(float(v))
for cells, r in zip(shown, rows):
    name = r["vault_name"] if r["level"] == "backup_vault" else \
        "All Backup vaults"
    assert cells[0] == name and cells[1] == r["items"], (cells, r)
    assert cells[3] == money(r["pi_cost"]), (cells, r)
    assert cells[6] == money(r["total_cost"]), (cells, r)
    assert r["vault_kind"] == "BackupVault" and r["cost_basis"], r
PY
	check "... and as the plan's summary.csv does, unchanged by the plan" \
		python3 - "$R/plan/summary.csv" "$T/rep/vaults.csv" <<'PY'
import csv, sys
plan = {r["id"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))
        if r["level"] == "backup_vault"}
rep = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
       if r["level"] == "backup_vault"]
assert len(plan) == len(rep) == 3, (plan, rep)
for r in rep:
    p = plan[r["vault_id"]]
    assert p["monthly_pi"] == r["pi_cost"] and p["items"] == r["items"], p
    assert p["monthly_storage_now"] == p["monthly_storage_after"], p
    assert abs(float(p["monthly_storage_now"]) - float(r["standard_cost"])
               - float(r["archive_cost"])) < 0.011, (p, r)
PY
	check "the protection section counts both kinds and marks Backup vaults" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["desktop"]
assert "(12 Recovery Services vaults, 3 Backup vaults)" in d["posture"], d
assert any(v.endswith("(Backup vault)") for v in d["postureVaults"]), d
assert any(not v.endswith("(Backup vault)") for v in d["postureVaults"])
PY
	check "at 1366x900 the three headline figures are on the first screen, no caveat above them" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["first_screen"]
assert len(f["headline"]) == 3, f
for v in f["headline"]:
    assert 0 <= v["top"] and v["bottom"] <= f["innerHeight"] == 900, f
assert f["caveats"] is None or \
    f["caveats"]["top"] >= max(v["bottom"] for v in f["headline"]), f
PY
	check "at 390x844 no sideways scroll (tables scroll in their box), no text under 11 px" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p = r["phone"]
assert p["innerWidth"] == 390 and p["scrollWidth"] <= p["innerWidth"], p
assert p["unboxedTables"] == 0, p  # each table scrolls in its own box
assert p["text"]["nsmall"] == 0 and p["text"]["least"] >= 11, p["text"]
PY
	check "every table fits a desktop's width" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["desktop"]["wideTables"] == 0, r["desktop"]
PY
	check "prints to PDF, every table within the page's width" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["pdf_bytes"] > 10000 and r["pdf_pages"] >= 2, r
p = r["print"]
assert p["wideTables"] == 0 and p["scrollWidth"] <= p["innerWidth"], p
PY
	if command -v pdfinfo >/dev/null && command -v pdftotext >/dev/null; then
		check "prints on A4, every page numbered and naming the month" \
			python3 - "$SHOTS/report-print.pdf" <<'PY'
import re, subprocess, sys
info = subprocess.run(["pdfinfo", sys.argv[1]], capture_output=True,
                      text=True, check=True).stdout
pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
w, h = map(float, re.search(r"^Page size:\s+([0-9.]+) x ([0-9.]+) pts",
                            info, re.M).groups())
assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5, (w, h)  # A4
text = subprocess.run(["pdftotext", "-layout", sys.argv[1], "-"],
                      capture_output=True, text=True, check=True).stdout
per_page = text.split("\f")[:pages]
assert pages >= 2 and len(per_page) == pages, (pages, len(per_page))
for i, t in enumerate(per_page, 1):
    assert "page %d of %d" % (i, pages) in t, (i, t[-300:])
    assert "Azure Backup cost report, October 2026" in t, i
# the caveats, closed on screen, are printed
assert "touches" in text
PY
		pdftoppm -r 50 -png "$SHOTS/report-print.pdf" "$SHOTS/report-page"
	else
		n=$((n + 1))
		echo "ok $n # SKIP skipped: poppler-utils (pdfinfo) not installed"
	fi
	check "screenshots of each width and the printed pages saved under \$TEST_OUT/report" sh -c \
		"for f in desktop desktop-full phone phone-full; do
			head -c 8 '$SHOTS/report-'\$f.png | grep -q PNG || exit 1
		done
		! command -v pdftoppm >/dev/null ||
		head -c 8 '$SHOTS/report-page-01.png' | grep -q PNG"
	echo "# screenshots: $SHOTS/report-{desktop,phone}{,-full}.png, report-print.pdf, report-page-*.png"
fi
finish
