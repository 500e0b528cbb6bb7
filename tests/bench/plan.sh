#!/bin/sh
# plan.sh (bench): `vaultwise plan` with a fitted restore model on sample
# estates of about 1,000,000 and 5,000,000 recovery points, next to a
# parse-only pass over the same files (build/bench/parse_only: what plan
# reads, doing nothing with it), run in turn five times and each timed by
# its best run (the machine's other work only ever adds time). Prints
# points per second and peak memory and checks the targets: plan within
# 1.5x of parse-only at 5M points (at 1M the ratio is shown: fixed costs
# weigh more there), and peak memory at 5M points within 20% of that at
# 1M. Memory grows with the number of items (their ids and names are
# kept), not of points: the memory check holds the items and multiplies
# the points (the 1M estate with every point five times,
# tests/bench/replicate.py). The estates are cached
# under build/bench-data (about 2.5 GB, tests/bench/estates.sh).
. tests/e2e/lib.sh
. tests/bench/estates.sh
PARSE="$VW_TOP/build/bench/parse_only"
M="python3 $VW_TOP/tests/bench/measure.py"

# best "SECONDS MB" "SECONDS MB": the shorter time, the larger memory (an
# empty first argument: the second); fails when the second is empty.
best() {
	[ -n "$2" ] || return 1
	[ -n "$1" ] || { echo "$2"; return 0; }
	echo "$1 $2" | awk '{ printf "%s %s\n", ($1 < $3 ? $1 : $3), \
		($2 > $4 ? $2 : $4) }'
}

printf '# %-6s %10s %10s %10s %8s %12s %10s %10s\n' estate points \
	parse_s plan_s ratio points_per_s parse_MB plan_MB
for e in "1m 12000 40" "5m 58000 120"; do
	set -- $e
	estate "$1" "$2" "$3" || { not_ok "generate the $1 estate"; continue; }
	points=$(sed -n 's/.*"recovery_points":[^0-9]*\([0-9]*\).*/\1/p' \
		"$DATA/$1/manifest.json")
	p="" q=""
	for run in 1 2 3 4 5; do
		p=$(best "$p" "$($M "$PARSE" "$DATA/$1")") ||
			not_ok "parse-only $1"
		q=$(best "$q" "$($M "$VAULTWISE" plan "$DATA/$1" \
			--out "$T/plan-$1" --model "$DATA/$1.model.json" \
			2>/dev/null)") || not_ok "plan $1"
	done
	set -- "$1" $p $q
	ratio=$(awk -v a="$2" -v b="$4" 'BEGIN { printf "%.2f", b / a }')
	rate=$(awk -v n="$points" -v b="$4" 'BEGIN { printf "%.0f", n / b }')
	printf '# %-6s %10s %10s %10s %8s %12s %10s %10s\n' "$1" "$points" \
		"$2" "$4" "$ratio" "$rate" "$3" "$5"
	goal="<= 1.5"
	[ "$1" = 5m ] || goal="(at 5M)"
	echo "# TABLE|plan: $points points ($(echo "$1" | tr m M))|$4 s ($rate points/s)|parse-only $2 s|$ratio|$goal|$5 MB"
	eval "ratio_$1=$ratio plan_mb_$1=$5"
	rm -rf "$T/plan-$1"
done
check "plan within 1.5x of parse-only at 5M points ($ratio_5m)" \
	awk -v r="$ratio_5m" 'BEGIN { exit !(r <= 1.5) }'
[ -f "$DATA/1m-x5/manifest.json" ] ||
	python3 "$VW_TOP/tests/bench/replicate.py" "$DATA/1m" "$DATA/1m-x5" 5
q=$($M "$VAULTWISE" plan "$DATA/1m-x5" --out "$T/plan-x5" \
	--model "$DATA/1m.model.json") || not_ok "plan 1m-x5"
set -- $q
echo "# 1m-x5: the 1M estate's 12000 items with 5,145,055 points: plan $1 s, $2 MB"
echo "# TABLE|plan memory: 5.1M points vs 1.0M, same 12000 items|$2 MB|$plan_mb_1m MB|$(awk -v a="$plan_mb_1m" -v b="$2" 'BEGIN { printf "%.2f", b / a }')|<= 1.2|"
check "peak memory at 5M points within 20% of 1M, same items ($2 MB vs $plan_mb_1m MB)" \
	awk -v a="$plan_mb_1m" -v b="$2" 'BEGIN { exit !(b <= 1.2 * a) }'
rm -rf "$T/plan-x5"
finish
