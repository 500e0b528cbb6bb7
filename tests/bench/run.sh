#!/bin/sh
# run.sh: the benchmarks (`make bench`): every tests/bench/*.sh but this
# one, against ./build/vaultwise, each printing TAP and its figures, then
# one table of the headline figures (the "# TABLE|..." lines the scripts
# print): what was measured, against what bound or baseline, the ratio
# and its target, and peak memory. Slow by design; never part of
# `make check`. BENCH=name runs one script (e.g. BENCH=plan).
set -u
TOP=$(pwd)
export VAULTWISE="${VAULTWISE:-$TOP/build/vaultwise}"
export VW_TOP="$TOP"
LOG=$(mktemp)
status=0
for b in tests/bench/*.sh; do
	name=$(basename "$b" .sh)
	[ "$name" = run ] && continue
	[ -n "${BENCH:-}" ] && [ "$BENCH" != "$name" ] && continue
	echo "# $b"
	{ sh "$b" || echo "# FAILED $b"; } | tee -a "$LOG"
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
printf '%-62s %-22s %-22s %-6s %-16s %s\n' "what" "measured" \
	"against" "ratio" "target" "peak memory"
sed -n 's/^# TABLE|//p' "$LOG" | while IFS='|' read -r what got vs r goal mem; do
	printf '%-62s %-22s %-22s %-6s %-16s %s\n' "$what" "$got" "$vs" \
		"$r" "$goal" "$mem"
done
grep -q '^# FAILED ' "$LOG" && status=1
rm -f "$LOG"
exit $status
