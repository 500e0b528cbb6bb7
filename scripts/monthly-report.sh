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
# Exit status: that of the first step that failed; check and audit
# finding something (their exit 1) is a result, not a failure.
set -eu
vw=${VAULTWISE:-vaultwise}
top=${OUT:-out}
month=${MONTH:-$(date -u +%Y-%m)}
last=$(date -u -d "$month-01 -1 month" +%Y-%m)
targets=${TARGETS:-targets.csv}
out="$top/$month"
mkdir -p "$out"

if [ $# -ge 1 ]; then
	rm -rf "$out/snapshot"
	cp -R "$1" "$out/snapshot"
else
	"$vw" export --out "$out/snapshot"
fi
"$vw" plan "$out/snapshot" --out "$out/plan"
"$vw" fit "$out/snapshot" --out "$out/model.json"
"$vw" check "$out/snapshot" --targets "$targets" \
	--out "$out/rpo_rto.csv" || [ $? -eq 1 ]
"$vw" audit "$out/snapshot" --plan "$out/plan" \
	--out "$out/posture.csv" || [ $? -eq 1 ]

set -- --model "$out/model.json" --rpo "$out/rpo_rto.csv" \
	--posture "$out/posture.csv"
if [ -d "$top/$last/snapshot" ]; then
	set -- "$@" --previous "$top/$last/snapshot"
fi
"$vw" report "$out/snapshot" --plan "$out/plan" "$@" --out "$out/report"
echo "report: $out/report/report.html"
