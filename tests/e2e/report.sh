#!/bin/sh
# report.sh: `vaultwise report` as a FinOps analyst would check it: the
# files are there; focus.csv has the FOCUS 1.2 columns in order, with the
# right types and units, projections kept out of BilledCost, is the plan's
# vault_months.csv row for row and adds up to strategies.csv's plan line;
# vaults.csv agrees with the plan's summary, its restore risk with
# plan.csv, and its month-over-month columns are now minus then;
# report.html is one
# self-contained page (no script, nothing fetched), with text from data
# escaped, the same bytes for the same inputs, and clear errors. Then
# headless Chromium opens it: no network request, no console message, the
# charts on screen at desktop and phone width, screenshots and a print
# saved under $TEST_OUT/report/ (skipped when Chromium is not installed).
. tests/e2e/lib.sh

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
for f in report.html focus.csv vaults.csv policies.csv restore_by_age.csv; do
	check "report wrote $f" test -s "$T/rep/$f"
done

# ---- focus.csv ----
check "focus.csv: FOCUS 1.2 columns in order, types, units, values" \
	python3 - "$T/rep/focus.csv" <<'PY'
import csv, re, sys
MANDATORY = ("BilledCost BillingAccountId BillingAccountName BillingCurrency "
             "BillingPeriodStart BillingPeriodEnd ChargeCategory ChargeClass "
             "ChargeDescription ChargePeriodStart ChargePeriodEnd "
             "ContractedCost EffectiveCost InvoiceIssuerName ListCost "
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
n_x = next(i for i, c in enumerate(head) if c.startswith("x_"))
assert set(head[21:n_x]) <= CONDITIONAL, head[21:n_x]
assert all(c.startswith("x_") for c in head[n_x:]), "x_ columns come last"
assert {"x_Strategy", "x_Tier", "x_ProjectedMonthlyCost",
        "x_RestoreProbability"} <= set(head[n_x:])
assert body, "no rows"
for r in body:
    r = dict(zip(head, r))
    for c in ("BilledCost", "ContractedCost", "EffectiveCost", "ListCost",
              "PricingQuantity", "ListUnitPrice", "ConsumedQuantity",
              "x_ProjectedMonthlyCost"):
        assert DECIMAL.match(r[c]), (c, r[c])
    for c in ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
              "ChargePeriodEnd"):
        assert TIME.match(r[c]), (c, r[c])
    assert r["BillingPeriodStart"] < r["BillingPeriodEnd"]
    assert r["BillingPeriodStart"][8:] == "01T00:00:00Z", r
    assert float(r["BilledCost"]) == 0, "a projection is not billed"
    assert r["ChargeCategory"] == "Usage" and r["ChargeClass"] == ""
    assert r["ServiceCategory"] == "Storage"
    assert r["ServiceSubcategory"] == "Backup Storage"
    assert r["ServiceName"] and r["ProviderName"] == "Microsoft"
    assert r["BillingCurrency"] == "EUR" and r["BillingAccountId"]
    assert r["PricingUnit"] in ("GB-Months", "Instance-Months",
                                "Restores"), r
    assert r["ConsumedUnit"] in ("GB-Months", "Item-Months", "Restores"), r
    restore = r["x_Meter"] == "archive_restores"
    assert (r["PricingUnit"] == "GB-Months") == (
        r["x_Tier"] in ("Standard", "Archive") and not restore)
    assert (r["PricingUnit"] == "Restores") == restore, r
    q, p, cost = (float(r["PricingQuantity"]), float(r["ListUnitPrice"]),
                  float(r["ListCost"]))
    assert abs(q * p - cost) < 1e-6, ("ListCost = price x quantity", r)
    assert r["ListCost"] == r["EffectiveCost"] == r["ContractedCost"]
    assert abs(float(r["x_ProjectedMonthlyCost"]) - cost) < 0.006
    assert r["ResourceId"].startswith("/subscriptions/") and \
        "/providers/Microsoft.RecoveryServices/vaults/" in r["ResourceId"]
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
    "the plan used a model: focus.csv has restore rows"
PY
check "focus.csv storage adds up to strategies.csv's plan line each month" \
	python3 - "$T/rep/focus.csv" "$R/plan/strategies.csv" <<'PY'
import collections, csv, sys
cost, fees = collections.Counter(), collections.Counter()
for r in csv.DictReader(open(sys.argv[1], newline="")):
    m = r["BillingPeriodStart"][:7]
    (cost if r["x_Tier"] else fees)[m] += float(r["ListCost"])
plan = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
        if r["strategy"] == "plan"]
assert len(plan) == 36 and set(cost) == {r["month"] for r in plan}
for r in plan:
    want = float(r["cost"])
    assert abs(cost[r["month"]] - want) <= 0.05, (r, cost[r["month"]])
    assert abs(fees[r["month"]] - float(r["pi_cost"])) < 0.05, r
PY
check "focus.csv is plan/vault_months.csv, vault by vault and month by month" \
	python3 - "$T/rep/focus.csv" "$R/plan/vault_months.csv" <<'PY'
import collections, csv, sys
got = collections.defaultdict(dict)
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["x_Tier"]:
        key = (r["x_VaultId"], r["BillingPeriodStart"][:7])
        kind = "restore" if r["x_Meter"] == "archive_restores" else r["x_Tier"]
        got[key][kind] = r
plan = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(plan) == 12 * 36
for p in plan:
    rows = got[(p["vault_id"], p["month"])]
    for tier, gb, price in (("Standard", "standard_gb",
                             "standard_gb_month_price"),
                            ("Archive", "archive_gb",
                             "archive_gb_month_price")):
        if float(p[gb]) > 0:
            assert abs(float(rows[tier]["x_ProjectedGiB"]) - float(p[gb])) \
                < 0.001, (p, rows[tier])
            assert float(rows[tier]["ListUnitPrice"]) == float(p[price])
    if float(p["restore_cost"]) > 0:
        r = rows["restore"]
        assert abs(float(r["ListCost"]) - float(p["restore_cost"])) < 1e-4
        assert abs(float(r["PricingQuantity"]) -
                   float(p["expected_restores"])) < 1e-6
    mine = sum(float(r["ListCost"]) for r in rows.values())
    assert abs(mine - float(p["cost"])) < 0.006, (p, mine)
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
    if sid != "sources":
        assert 'class="source"' in body, sid
PY
check "report.html: the headline figures are vaults.csv's total row" \
	python3 - "$H" "$T/rep/vaults.csv" <<'PY'
import csv, sys
html = open(sys.argv[1], encoding="utf-8").read()
total = [r for r in csv.DictReader(open(sys.argv[2], newline=""))
         if r["level"] == "total"][0]
for col in ("standard_cost", "archive_cost", "pi_cost", "total_cost"):
    shown = "{:,.2f} EUR/month".format(float(total[col]))
    assert shown in html, (col, shown)
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

expect_exit 0 "report again from the same inputs" \
	"$VAULTWISE" report "$S" --plan "$R/plan" --previous "$T/prev" \
	--model "$R/model.json" --rpo "$R/rpo_rto.csv" \
	--posture "$R/posture.csv" --out "$T/rep2"
check "the same inputs give the same report.html" cmp "$H" "$T/rep2/report.html"
check "the same inputs give the same focus.csv" \
	cmp "$T/rep/focus.csv" "$T/rep2/focus.csv"

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
	check "six charts, each drawn with a real size, on desktop and phone" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for view, min_w in (("desktop", 400), ("phone", 300)):
    charts = r[view]["charts"]
    assert len(charts) == 6, charts
    for c in charts:
        assert c["width"] >= min_w and c["height"] >= 80, (view, c)
PY
	check "fits a phone's width without scrolling sideways, and every table fits a desktop" \
		python3 - "$T/browser.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p = r["phone"]
assert p["scrollWidth"] <= p["innerWidth"], p
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
	check "screenshots saved under \$TEST_OUT/report" sh -c \
		"head -c 8 '$SHOTS/report-desktop.png' | grep -q PNG &&
		 head -c 8 '$SHOTS/report-phone.png' | grep -q PNG"
	echo "# screenshots: $SHOTS/report-desktop.png, report-phone.png, report-print.pdf"
fi
finish
