#!/bin/sh
# backtest.sh: `vaultwise backtest` on the bundled sample, as a user would
# check it: the three costs printed with their basis, unit and currency;
# backtest.csv and the plan as of the past date written; the plan saw
# only what was known then; and the figures agree with a hand check
# (totals are the rows' sums, each row's cost is its days in Standard and
# Archive at its prices, the restores are the snapshot's jobs after the
# date). Bad dates fail as usage errors.
. tests/e2e/lib.sh
S="$VW_TOP/data/sample"
PAST=2026-05-01

expect_exit 0 "backtest the sample as of $PAST" \
	"$VAULTWISE" backtest "$S" --as-of $PAST --out "$T/bt"
grep_ok "it says what it planned from and what it scored against" \
	"planned as of $PAST with the restore model \([a-z]+\) fitted on [0-9]+ restores up to then; scored on $PAST\.\.2026-11-01 \(184 days\)" \
	"$T/out"
grep_ok "it prints the basis, the unit and the currency of the costs" \
	"^cost of those points from $PAST to 2026-11-01 \(Standard and Archive storage \+ rehydrations for restores from Archive\), EUR:" \
	"$T/out"
for s in plan tier_after_3m do_nothing; do
	grep_ok "it prints the cost of $s" "^  $s +[0-9]+\.[0-9]{2} EUR " \
		"$T/out"
done
check "it wrote backtest.csv" test -s "$T/bt/backtest.csv"
check "it wrote the plan as of $PAST" grep -q "\"as_of\":.*\"$PAST" \
	"$T/bt/plan/plan.json"

"$VAULTWISE" fit "$S" --as-of $PAST --out "$T/m.json" >"$T/fit" 2>&1
used=$(sed -n 's/^restores: \([0-9]*\) used.*/\1/p' "$T/fit")
grep_ok "the model is the one fit --as-of $PAST fits ($used restores)" \
	"fitted on $used restores up to then" "$T/out"

check "the figures agree with a hand check" python3 - "$T/out" \
	"$T/bt/backtest.csv" "$S/jobs.csv" $PAST <<'PY'
import csv, re, sys
from datetime import datetime, timezone
out, bt, jobs, past = sys.argv[1:]
DPM = 30.436875
t0 = datetime.fromisoformat(past).replace(tzinfo=timezone.utc)
end = datetime(2026, 11, 1, tzinfo=timezone.utc)
text = open(out).read()
printed = {m[0]: float(m[1]) for m in
           re.findall(r"^  (\w+) +([0-9.]+) EUR", text, re.M)}
n_res = int(re.search(r"the (\d+) restores of its (\d+)", text)[1])
n_pts = int(re.search(r"the (\d+) restores of its (\d+)", text)[2])
rows = list(csv.DictReader(open(bt, newline="")))
assert len(rows) == n_pts, (len(rows), n_pts)
when = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
for s in ("plan", "tier_after_3m", "do_nothing"):
    total = sum(float(r["cost_" + s]) for r in rows)
    assert abs(total - printed[s]) < 0.5, (s, total, printed[s])
    for r in rows:
        assert when(r["rp_time"]) <= t0, r  # known at the date
        assert r["currency"] == "EUR", r
        if int(r["restores_after"]):
            continue
        days = float(r["days"])
        if r["tier_then"] in ("Archive", "SnapshotAndArchive"):
            std = 0.0
        elif r[s + "_move_date"]:
            d = datetime.fromisoformat(r[s + "_move_date"])
            std = min(max((d.replace(tzinfo=timezone.utc) - t0).days, 0),
                      days)
        else:
            std = days
        sm, am = float(r["standard_month"]), float(r["archive_month"])
        want = (sm * std + am * (days - std)) / DPM
        # move dates are whole days: one day's difference at most
        assert abs(float(r["cost_" + s]) - want) <= (sm + am) / DPM + 1e-3, \
            (s, r, want)
points = {(r["item_id"], r["rp_time"]) for r in rows}
after = 0
for j in csv.DictReader(open(jobs, newline="")):
    if "Restore" not in j["operation"] or not j["rp_time"]:
        continue
    if t0 < when(j["start_time"]) <= end and \
            (j["item_id"], j["rp_time"]) in points:
        after += 1
assert after == n_res == sum(int(r["restores_after"]) for r in rows), \
    (after, n_res)
assert printed["plan"] <= printed["do_nothing"], printed
PY

expect_exit 64 "backtest without --as-of is a usage error" \
	"$VAULTWISE" backtest "$S" --out "$T/bt2"
expect_exit 64 "backtest as of the export date is a usage error" \
	"$VAULTWISE" backtest "$S" --as-of 2026-11-01 --out "$T/bt2"
grep_ok "... and says why" "before the snapshot's export \(2026-11-01\)" \
	"$T/err"
check "... and writes nothing" test ! -e "$T/bt2"
expect_exit 66 "backtest of a missing snapshot" \
	"$VAULTWISE" backtest "$T/none" --as-of $PAST --out "$T/bt2"
finish
