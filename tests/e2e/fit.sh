#!/bin/sh
# fit.sh: `vaultwise fit` on sample estates drawn from a known restore
# intensity: it recovers the intensity (p within 0.2, B within a factor of
# 2, three seeds), writes the model JSON, reports wide intervals when
# restores are few, falls back to the documented prior when there are
# almost none, and fails cleanly on bad input.
#
# The recovery runs use a decay K about 7 times the sample's default, so
# that about 2,000 restores (half of them in the decay) pin p to +-0.07;
# at the default hazard 2,000 items give about 560 restores and p's
# standard error is about 0.15 (see tests/bench/fit.sh).
. tests/e2e/lib.sh

B=1e-6 K=1e-3 C=1 P=1.3

# within DESC VALUE LO HI: passes when LO < VALUE < HI (decimals).
within() {
	check "$1 ($2)" awk -v x="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { exit !(x != "" && x + 0 > lo + 0 && x + 0 < hi + 0) }'
}
# headline values: "NAME = EST [LO, HI]" (a unit "d" may follow EST)
N='[0-9.e+-]*'
estimate() { sed -n "s/.*$1 = \($N\)[ d]*\[.*/\1/p" "$T/out"; }
interval_lo() { sed -n "s/.*$1 = $N[ d]*\[\($N\),.*/\1/p" "$T/out"; }
interval_hi() { sed -n "s/.*$1 = $N[ d]*\[$N, \($N\)\].*/\1/p" "$T/out"; }

for seed in 1 2 3; do
	"$VAULTWISE" sample --out "$T/s$seed" --seed $seed --items 2000 \
		--hazard "$B,$K,$C,$P" >/dev/null 2>&1 ||
		not_ok "sample seed $seed"
	expect_exit 0 "fit seed $seed" \
		"$VAULTWISE" fit "$T/s$seed" --out "$T/m$seed.json"
	within "seed $seed: p within 0.2 of $P" "$(estimate p)" 1.1 1.5
	within "seed $seed: B within a factor 2 of $B" "$(estimate 'floor B')" \
		5e-7 2e-6
done
grep_ok "headline: restores used and dropped" \
	'^restores: [0-9]+ used of [0-9]+ restore jobs' "$T/out"

# Real Azure lists restores from Archive as RestoreWithRehydrate: the same
# estate so named gives the same restore counts.
"$VAULTWISE" fit "$T/s1" --out "$T/m1.json" >"$T/fit1" 2>&1 ||
	not_ok "fit seed 1 again"
cp -R "$T/s1" "$T/r1"
renamed=$(python3 "$VW_TOP/tests/e2e/snapedit.py" rehydrate "$T/r1")
within "RestoreWithRehydrate: the estate has archive restores" \
	"$renamed" 0 1e9
expect_exit 0 "fit an estate whose archive restores are RestoreWithRehydrate" \
	"$VAULTWISE" fit "$T/r1" --out "$T/r1.json"
check "... counts them: the same restores used of the same restore jobs" \
	test "$(grep '^restores:' "$T/out")" = "$(grep '^restores:' "$T/fit1")"
grep_ok "headline: dropped restores of expired points are counted" \
	'^dropped: [0-9]+ \([0-9]+: point no longer in the snapshot' "$T/out"
grep_ok "headline: P(restore) of a year-old monthly VM point" \
	'^P\(a one-year-old monthly VM point .*retention\) = [0-9.]+% \[' \
	"$T/out"
grep_ok "model JSON: fitted by maximum likelihood" \
	'"method":[[:space:]]*"mle"' "$T/m3.json"
grep_ok "model JSON: observed versus expected by age" \
	'"age_days":[[:space:]]*"730\+"' "$T/m3.json"
grep_ok "model JSON: AIC against exponential + floor" \
	'"family":[[:space:]]*"exponential_floor"' "$T/m3.json"
grep_ok "model JSON: per-policy posterior scales" \
	'"posterior_shape"' "$T/m3.json"
expect_exit 0 "fit writes ./model.json by default" \
	sh -c "cd '$T' && '$VAULTWISE' fit s1 >/dev/null && test -s model.json"

# A small estate at the default hazard: few restores, wide intervals.
"$VAULTWISE" sample --out "$T/small" --seed 4 --items 30 \
	--hazard "$B,1.5e-4,$C,$P" >/dev/null 2>&1 || not_ok "sample small"
expect_exit 0 "fit a small estate" "$VAULTWISE" fit "$T/small" \
	--out "$T/small.json"
within "few restores: p's interval spans a factor over 1.5" \
	"$(awk -v a="$(interval_lo p)" -v b="$(interval_hi p)" \
		'BEGIN { if (a > 0) print b / a }')" 1.5 1e9
within "few restores: c's interval spans a factor over 10" \
	"$(awk -v a="$(interval_lo c)" -v b="$(interval_hi c)" \
		'BEGIN { if (a > 0) print b / a }')" 10 1e12
within "few restores: B's interval spans a factor over 1.8" \
	"$(awk -v a="$(interval_lo 'floor B')" -v b="$(interval_hi 'floor B')" \
		'BEGIN { if (a > 0) print b / a }')" 1.8 1e12

# Almost no restores: the documented prior, flagged.
"$VAULTWISE" sample --out "$T/none" --seed 4 --items 30 \
	--hazard 1e-9,1e-8,1,1.3 >/dev/null 2>&1 || not_ok "sample none"
expect_exit 0 "fit with almost no restores" "$VAULTWISE" fit "$T/none" \
	--out "$T/none.json"
grep_ok "prior: flagged in the JSON" '"method":[[:space:]]*"prior"' \
	"$T/none.json"
grep_ok "prior: the user is told" 'documented prior' "$T/err"
expect_exit 0 "plan on the prior" "$VAULTWISE" plan "$T/none" \
	--out "$T/none-plan" --model "$T/none.json"
grep_ok "prior: plan decides on its posterior, not the break-even rule" \
	"decided with the restore-likelihood model" "$T/out"
check "prior: every decided row says method model" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
sys.exit(not rows or any(r["method"] != "model" for r in rows))' \
	"$T/none-plan/plan.csv"

# fit reads the columns it needs and only the restore jobs, but still
# checks both files against manifest.json, and the values it reads.
cp -R "$T/s1" "$T/edited"
sed -i '2s/,monthly,/,yearly,/' "$T/edited/recovery_points.csv"
expect_exit 65 "a recovery_points.csv edited after export is refused" \
	"$VAULTWISE" fit "$T/edited" --out "$T/edited.json"
grep_ok "... saying the file changed" \
	"recovery_points.csv has changed since manifest.json was written" \
	"$T/err"
cp -R "$T/s1" "$T/edited-jobs"
sed -i '0,/,Backup,/s/,Backup,/,backup,/' "$T/edited-jobs/jobs.csv"
expect_exit 65 "a jobs.csv whose backup job was edited is refused" \
	"$VAULTWISE" fit "$T/edited-jobs" --out "$T/edited.json"
grep_ok "... saying the file changed" \
	"jobs.csv has changed since manifest.json was written" "$T/err"
cp -R "$T/s1" "$T/badtime"
python3 "$VW_TOP/tests/e2e/snapedit.py" set "$T/badtime" \
	recovery_points.csv rp_time 3 2026-13-01T00:00:00Z
expect_exit 65 "a bad rp_time is refused" \
	"$VAULTWISE" fit "$T/badtime" --out "$T/edited.json"
grep_ok "... naming the file, line and column" \
	"recovery_points.csv:4: column 'rp_time': expected an ISO 8601" "$T/err"
check "no model is written from a refused snapshot" \
	test ! -e "$T/edited.json"
# run fits on the stream it shares with its other stages: same model.
expect_exit 0 "run on the same snapshot" \
	"$VAULTWISE" run -q --snapshot "$T/s1" --out "$T/run1"
check "run's model.json is fit's, byte for byte" \
	cmp "$T/run1/model.json" "$T/m1.json"

expect_exit 66 "a missing snapshot exits 66" "$VAULTWISE" fit "$T/nothere"
expect_exit 64 "no snapshot is a usage error" "$VAULTWISE" fit
expect_exit 64 "a level out of range is a usage error" \
	"$VAULTWISE" fit "$T/s1" --level 2
expect_exit 73 "an output in a missing directory exits 73" \
	"$VAULTWISE" fit "$T/s1" --out "$T/no/such/model.json"
finish
