#!/bin/sh
# demo.sh: what `make demo` runs once vaultwise is built: the monthly batch
# on the bundled sample estate (no Azure account needed), then where the
# results are. Run from the top of the source tree.
set -e
echo "\$ ./vaultwise run --out out"
./vaultwise run --out out
echo
echo "Open the report:  out/report/report.html"
echo "The figures behind it:"
for f in out/plan/plan.csv out/plan/policy_changes.csv \
	out/plan/strategies.csv out/plan/summary.csv out/plan/levers.csv \
	out/rpo_rto.csv out/posture.csv out/model.json \
	out/report/focus.csv out/report/forecast.csv \
	out/report/vaults.csv out/report/policies.csv \
	out/report/restore_by_age.csv; do
	[ -f "$f" ] && echo "  $f"
done
exit 0
