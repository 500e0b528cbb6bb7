#!/bin/sh
# identities.sh: issue 13 item 7, "one set of figures": the figures that
# several files repeat agree. A vault's saving is the sum of its plan.csv
# rows (summary.csv and the report's vaults.csv alike), and the estate's
# protected-instance fees are the same in summary.csv, strategies.csv and
# vaults.csv; now, after the plan and the saving are the same on stdout
# and in the files; and doing nothing costs in its first month what the estate
# costs now, within 1% (docs/money.md).
. tests/e2e/lib.sh

expect_exit 0 "run on the sample" "$VAULTWISE" run --out "$T/run"
check "a vault's saving is the sum of its plan.csv rows, in every file" \
	python3 - "$T/run" <<'PY'
import collections, csv, os, sys
d = sys.argv[1]
rows = lambda f: list(csv.DictReader(open(os.path.join(d, f), newline="")))
total, n = collections.Counter(), collections.Counter()
for r in rows("plan/plan.csv"):
    total[r["vault_id"]] += float(r["saving_total"] or 0)
    n[r["vault_id"]] += 1
summary = {r["id"]: r for r in rows("plan/summary.csv")
           if r["level"] == "vault"}
report = {r["vault_id"]: r for r in rows("report/vaults.csv")
          if r["level"] == "vault"}
assert summary and set(summary) == set(report)
for v, s in summary.items():
    # plan.csv rows are rounded to the cent each
    assert abs(float(s["saving_total"]) - total[v]) <= 0.005 * n[v] + 0.01, \
        (v, s["saving_total"], total[v])
    assert s["saving_total"] == report[v]["saving_total"], v
PY
check "the protected-instance fees agree across summary, strategies, vaults" \
	python3 - "$T/run" <<'PY'
import csv, os, sys
d = sys.argv[1]
rows = lambda f: list(csv.DictReader(open(os.path.join(d, f), newline="")))
pi = sum(float(r["monthly_pi"]) for r in rows("plan/summary.csv")
         if r["level"] == "vault")
first = [r for r in rows("plan/strategies.csv") if r["strategy"] == "plan"][0]
assert abs(float(first["pi_cost"]) - pi) < 0.05, (first, pi)
vaults = sum(float(r["pi_cost"]) for r in rows("report/vaults.csv")
             if r["level"] == "vault")
assert abs(vaults - pi) < 0.05, (vaults, pi)
PY
check "now, after the plan and the saving: stdout, vaults.csv, strategies" \
	python3 - "$T/run" "$T/out" <<'PY'
import csv, os, re, sys
d, out = sys.argv[1], open(sys.argv[2]).read()
rows = lambda f: list(csv.DictReader(open(os.path.join(d, f), newline="")))
num = lambda pat: float(re.search(pat, out, re.M).group(1))
total = [r for r in rows("report/vaults.csv") if r["level"] == "total"][0]
now = float(total["standard_cost"]) + float(total["archive_cost"])
assert abs(num(r"^vault storage now: ([0-9.]+) EUR/month") - now) < 0.015
assert abs(num(r"^backup cost now: .* = ([0-9.]+) EUR/month") -
           float(total["total_cost"])) < 0.015
assert abs(num(r"^after the planned moves: ([0-9.]+) EUR/month") -
           float(total["storage_after_plan"])) < 0.015
assert abs(num(r"the moves save ([0-9.]+) EUR over") -
           float(total["saving_total"])) < 0.015
st = rows("plan/strategies.csv")
cost = lambda k: [float(r["cost"]) for r in st if r["strategy"] == k]
avg = sum(a - b for a, b in zip(cost("do_nothing"), cost("plan"))) / \
    len(cost("plan"))
assert abs(num(r"^projected saving: ([0-9.]+) EUR/month") - avg) < 0.015
assert abs(num(r"^the plan saves ([0-9.]+) EUR/month") - avg) < 0.015
PY
check "the do-nothing first month is 'now' within 1%" \
	python3 - "$T/run" <<'PY'
import csv, os, sys
d = sys.argv[1]
rows = lambda f: list(csv.DictReader(open(os.path.join(d, f), newline="")))
now = sum(float(r["monthly_storage_now"]) for r in rows("plan/summary.csv")
          if r["level"] == "vault")
first = [r for r in rows("plan/strategies.csv")
         if r["strategy"] == "do_nothing"][0]
assert abs(float(first["cost"]) / now - 1) < 0.01, (first["cost"], now)
PY
finish
