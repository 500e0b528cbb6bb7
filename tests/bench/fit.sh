#!/bin/sh
# fit.sh (bench): `vaultwise fit` on sample estates at the sample's
# default restore intensity: five estates of 4,000 items (about 1,100
# restores each; prints the recovered parameters per seed and checks p
# within 0.3, B within a factor of 2), then the plan benchmark's
# 5,000,000-point estate (tests/bench/estates.sh) next to the reference
# scanner (build/bench/refscan: every field of every point, mmap, no
# checks), best of three runs of each taken in turn: prints the time,
# its ratio to the scanner and peak RSS, and checks fit within 2 s, p
# within 0.2 and memory under 200 MB.
. tests/e2e/lib.sh
. tests/bench/estates.sh
M="python3 $VW_TOP/tests/bench/measure.py"

B=1e-6 K=1.5e-4 C=1 P=1.3
# "NAME = EST [LO, HI]" from the headline, as "EST [LO, HI]"
N='[0-9.e+-]*'
field() {
	sed -n "s/.*$1 = \($N\)[ d]*\[\($N\), \($N\)\].*/\1 [\2, \3]/p" \
		"$T/out"
}
within() {
	check "$1 ($2)" awk -v x="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { exit !(x != "" && x + 0 > lo + 0 && x + 0 < hi + 0) }'
}

echo "# true: B $B K $K c $C p $P"
for seed in 11 12 13 14 15; do
	"$VAULTWISE" sample --out "$T/s" --seed $seed --items 4000 \
		--hazard "$B,$K,$C,$P" >/dev/null 2>&1 || not_ok "sample $seed"
	expect_exit 0 "fit seed $seed" "$VAULTWISE" fit "$T/s" \
		--out "$T/m.json"
	events=$(sed -n 's/^restores: \([0-9]*\) used.*/\1/p' "$T/out")
	echo "# seed $seed: $events events; p $(field p); c $(field c);" \
		"B $(field 'floor B')"
	within "seed $seed: p within 0.3" "$(field p | cut -d' ' -f1)" 1.0 1.6
	within "seed $seed: B within a factor 2" \
		"$(field 'floor B' | cut -d' ' -f1)" 5e-7 2e-6
done

# best "SECONDS MB" "SECONDS MB": the shorter time, the larger memory
best() {
	[ -n "$2" ] || return 1
	[ -n "$1" ] || { echo "$2"; return 0; }
	echo "$1 $2" | awk '{ printf "%s %s\n", ($1 < $3 ? $1 : $3), \
		($2 > $4 ? $2 : $4) }'
}

estate 5m 58000 120 || not_ok "generate the 5m estate"
S="$DATA/5m"
points=$(sed -n 's/.*"recovery_points":[^0-9]*\([0-9]*\).*/\1/p' \
	"$S/manifest.json")
ref="" m=""
for run in 1 2 3; do
	ref=$(best "$ref" "$($M "$VW_TOP/build/bench/refscan" "$S")") ||
		not_ok "refscan 5m"
	m=$(best "$m" "$($M --stdout "$T/out" "$VAULTWISE" fit "$S" \
		--out "$T/big.json")") || not_ok "fit $points points"
done
set -- $m $ref
ratio=$(awk -v a="$1" -v b="$3" 'BEGIN { printf "%.2f", a / b }')
jobs=$(sed -n 's/.* used of \([0-9]*\) restore jobs.*/\1/p' "$T/out")
echo "# $points points, $jobs restore jobs: fit $1 s, refscan $3 s" \
	"($ratio x), peak RSS $2 MB"
echo "# TABLE|fit: $points points, $jobs restore jobs|$1 s|refscan $3 s|$ratio|<= 2 s, 200 MB|$2 MB"
within "fit of $points points within 2 s" "$1" 0 2.001
within "peak RSS under 200 MB" "$2" 0 200
echo "# $(grep '^restores' "$T/out")"
echo "# p $(field p); c $(field c); B $(field 'floor B')"
within "$points points: p within 0.2" "$(field p | cut -d' ' -f1)" 1.1 1.5
finish
