#!/bin/sh
# demo.sh: what `make demo` runs once vaultwise is built: the monthly batch
# on the bundled sample estate (no Azure account needed), then where the
# results are. Run from the top of the source tree.
set -e
echo "\$ ./vaultwise run --out out"
./vaultwise run --out out
echo
echo "Open the files:"
for f in out/plan/plan.csv out/plan/policy_changes.csv \
	out/plan/strategies.csv out/plan/summary.csv; do
	[ -f "$f" ] && echo "  $f"
done
exit 0
