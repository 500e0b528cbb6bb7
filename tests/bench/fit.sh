#!/bin/sh
# fit.sh (bench): `vaultwise fit` on sample estates at the sample's
# default restore intensity: five estates of 4,000 items (about 1,100
# restores each; prints the recovered parameters per seed and checks p
# within 0.3, B within a factor of 2), then a 5,000,000-point estate
# (prints time and peak RSS, checks p within 0.2 and memory under
# 200 MB).
. tests/e2e/lib.sh

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

"$VAULTWISE" sample --out "$T/big" --seed 21 --items 60000 --vaults 200 \
	--hazard "$B,$K,$C,$P" >/dev/null 2>&1 || not_ok "sample big"
points=$(($(wc -l <"$T/big/recovery_points.csv") - 1))
m=$(python3 "$VW_TOP/tests/bench/measure.py" --stdout "$T/out" "$VAULTWISE" fit \
	"$T/big" --out "$T/big.json") || not_ok "fit $points points"
set -- $m
echo "# $points points: $1 s wall, peak RSS $2 MB"
echo "# TABLE|fit: $points points|$1 s|||under 200 MB|$2 MB"
within "peak RSS under 200 MB" "$2" 0 200
echo "# $(grep '^restores' "$T/out")"
echo "# p $(field p); c $(field c); B $(field 'floor B')"
within "$points points: p within 0.2" "$(field p | cut -d' ' -f1)" 1.1 1.5
finish
