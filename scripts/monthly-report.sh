#!/bin/sh
# monthly-report.sh: the monthly batch with its output kept per month, so
# that each report compares with the month before (docs/SCHEDULING.md):
# out/YYYY-MM/{snapshot,plan,model.json,rpo_rto.csv,posture.csv,report}.
#
# Usage: monthly-report.sh [SNAPSHOT]
#   SNAPSHOT   use this snapshot directory instead of exporting from Azure
# Environment: VAULTWISE (the binary, default: vaultwise on PATH), OUT
# (default out), MONTH (YYYY-MM, default this month in UTC), TARGETS (the
# RPO/RTO targets, default targets.csv). Needs GNU date.
# Exit status: that of `vaultwise run` (0 once every stage ran, whatever
# check and audit found).
set -eu
vw=${VAULTWISE:-vaultwise}
top=${OUT:-out}
month=${MONTH:-$(date -u +%Y-%m)}
last=$(date -u -d "$month-01 -1 month" +%Y-%m)
targets=${TARGETS:-targets.csv}
out="$top/$month"
mkdir -p "$out"

set -- "${1:-}"
if [ -n "$1" ]; then
	rm -rf "$out/snapshot"
	cp -R "$1" "$out/snapshot"
	set -- --snapshot "$out/snapshot"
else
	set -- --export
fi
if [ -d "$top/$last/snapshot" ]; then
	set -- "$@" --previous "$top/$last/snapshot"
fi
"$vw" run "$@" --out "$out" --targets "$targets"
echo "report: $out/report/report.html"
