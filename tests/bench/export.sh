#!/bin/sh
# export.sh (bench): `vaultwise export` of an estate of 2,400 items and
# about 207,000 recovery points from the ARM emulator with 30 ms latency
# and ARM's read bucket (250, refilled at 25 per second, per
# subscription). Prints requests made, wall time, peak memory and lower
# bounds on time: requests / 25 per second, or requests x latency /
# concurrency, whichever is larger; and the stricter bound of ARM's
# per-subscription buckets (the busiest subscription's requests beyond
# its 250 at 25 per second). Checks the export is within 1.25x of the
# larger bound and reproduces the estate's rows; then exports again with
# --inventory resource-graph, as of a month earlier, and --since that
# month-older snapshot, printing requests and time against the first's
# (same files, fewer requests). Takes about eight minutes.
# Needs python3.
. tests/e2e/lib.sh

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 # SKIP python3 not installed"
	echo "1..1"
	exit 0
fi

LATENCY_MS=30
RATE=25
CONCURRENCY=8
SECRET="vw-bench-$$"
CLIENT=0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b
EMU_PID=""
trap '[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; rm -rf "$T"' EXIT

"$VAULTWISE" sample -q --out "$T/src" --items 2400 --vaults 40 --seed 31
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$T/src/manifest.json")
python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$T/src" --port 0 \
	--port-file "$T/port" --client-secret "$SECRET" \
	--latency-ms $LATENCY_MS --read-bucket 250/$RATE \
	--request-log "$T/requests.log" 2>"$T/emu.err" &
EMU_PID=$!
URL=$(emu_url "$T/port")
MEASURE="python3 $VW_TOP/tests/bench/measure.py"

start=$(date +%s.%N)
# shellcheck disable=SC2086
expect_exit 0 "export of the estate" env -i PATH=/usr/bin:/bin HOME="$T" \
	VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 AZURE_TENANT_ID="$TENANT" \
	AZURE_CLIENT_ID="$CLIENT" AZURE_CLIENT_SECRET="$SECRET" \
	$MEASURE "$VAULTWISE" export --out "$T/snap" --arm-endpoint "$URL" \
	--authority "$URL" --ca-bundle "$VW_TOP/tests/emulator/certs/ca.pem" \
	--as-of 2026-11-01T00:00:00Z --concurrency $CONCURRENCY
end=$(date +%s.%N)

python3 - "$T" "$start" "$end" $RATE $LATENCY_MS $CONCURRENCY >"$T/figures" <<'EOF'
import json, re, sys
t, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rate, latency, conc = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
log = [json.loads(l) for l in open(t + "/requests.log")]
arm = [r for r in log if r["path"].startswith("/subscriptions")]
throttled = sum(1 for r in arm if r["status"] == 429)
per_sub = {}
for r in arm:
    per_sub[r["subscription"]] = per_sub.get(r["subscription"], 0) + 1
wall = end - start
simple = max(len(arm) / rate, len(arm) * latency / 1000.0 / conc)
buckets = max(max(0, n - 250) / rate for n in per_sub.values())
# Subscriptions have buckets of their own, so requests / 25 is not a
# bound when there are several: the busiest one's is.
latency_bound = len(arm) * latency / 1000.0 / conc
bound = max(buckets, latency_bound)
err = open(t + "/err").read()
rss = re.search(r"^[0-9.]+ ([0-9.]+)$", open(t + "/out").read(), re.M)
counts = json.load(open(t + "/src/manifest.json"))["counts"]
print("estate: %d items, %d recovery points, %d jobs" % (
    counts["items"], counts["recovery_points"], counts["jobs"]))
print("requests: %d to ARM (%d answered 429), wall %.1f s, %.1f req/s" % (
    len(arm), throttled, wall, len(arm) / wall))
print("lower bound: %.1f s = %d requests / %g per s (latency bound %.1f s "
      "at concurrency %d); ratio %.2f" % (
          simple, len(arm), rate, len(arm) * latency / 1000.0 / conc,
          conc, wall / simple))
print("per-subscription buckets: %s requests; busiest needs %.1f s at %g "
      "per s after its first 250; ratio %.2f (target <= 1.25)" % (
          "+".join(str(n) for n in sorted(per_sub.values(), reverse=True)),
          buckets, rate, wall / buckets if buckets else 0))
peak = float(rss.group(1)) if rss else float("nan")
print("peak RSS: %.1f MB" % peak)
print("RATIO %.3f" % (wall / bound))
print("TABLE|export: %d items, %d points, %d requests|%.1f s|bound %.1f s|%.2f|<= 1.25|%.1f MB" % (
    counts["items"], counts["recovery_points"], len(arm), wall, bound,
    wall / bound, peak))
EOF
sed -e 's/^/# /' -e '/^# RATIO/d' -e 's/^# TABLE/# TABLE/' "$T/figures"
ratio=$(sed -n 's/^RATIO //p' "$T/figures")
check "within 1.25x of the lower bound (per-subscription buckets)" awk -v r="$ratio" \
	'BEGIN { exit !(r != "" && r + 0 <= 1.25) }'
check "the export has every item, point and job" python3 \
	"$VW_TOP/tests/e2e/snapdiff.py" "$T/src" "$T/snap" --only items \
	--only recovery_points --ignore items.size_source \
	--ignore items.source_gb --ignore items.daily_churn \
	--ignore items.standard_gb --ignore items.archive_gb \
	--ignore recovery_points.unique_gb --ignore recovery_points.full_gb \
	--ignore recovery_points.recommended_for_move
check "... and job" sh -c "[ \$(wc -l <'$T/src/jobs.csv') -eq \$(wc -l <'$T/snap/jobs.csv') ]"

# Then the same estate again, each run after the buckets have refilled
# (250 at 25 per second: 10 s): with the jobs by Resource Graph; as of a
# month earlier; and --since that month-older snapshot with Resource
# Graph, the cheapest monthly export that still equals a full one.
# Requests and time against the first export's, and the same files.
arm_wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
arm_n=$(grep -vc oauth2 "$T/requests.log")
# again NAME DESC ARGS...: export into $T/NAME; its requests in $T/NAME.n,
# wall seconds in $T/NAME.s, peak MB in $T/NAME.mb.
again() {
	name=$1
	desc=$2
	shift 2
	sleep 10
	before=$(wc -l <"$T/requests.log")
	t0=$(date +%s.%N)
	expect_exit 0 "$desc" env -i PATH=/usr/bin:/bin HOME="$T" \
		VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 \
		AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$CLIENT" \
		AZURE_CLIENT_SECRET="$SECRET" $MEASURE "$VAULTWISE" export \
		--out "$T/$name" --arm-endpoint "$URL" --authority "$URL" \
		--ca-bundle "$VW_TOP/tests/emulator/certs/ca.pem" \
		--concurrency $CONCURRENCY "$@"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }' >"$T/$name.s"
	tail -n +"$((before + 1))" "$T/requests.log" | grep -vc oauth2 \
		>"$T/$name.n"
	sed -n 's/^[0-9.]* \([0-9.]*\)$/\1/p' "$T/out" >"$T/$name.mb"
}
# row NAME WHAT: the table row of export NAME against the first.
row() {
	reqs=$(cat "$T/$1.n")
	echo "# $2: $reqs requests in $(cat "$T/$1.s") s; ARM listings, full: $arm_n in $arm_wall s"
	echo "# TABLE|$2: $reqs requests (full $arm_n)|$(cat "$T/$1.s") s|full $arm_wall s|$(awk -v a="$reqs" -v b="$arm_n" 'BEGIN { printf "%.2f", a / b }')|(shown)|$(cat "$T/$1.mb") MB"
}
same_files() {
	for f in items.csv recovery_points.csv jobs.csv policies.csv \
		vaults.csv guards.csv; do
		cmp "$T/snap/$f" "$T/$1/$f" || return 1
	done
}
again graph "export with --inventory resource-graph" \
	--as-of 2026-11-01T00:00:00Z --inventory resource-graph
row graph "export --inventory resource-graph"
check "... fewer requests than the ARM listings" \
	test "$(cat "$T/graph.n")" -lt "$arm_n"
check "... the same files" same_files graph
again old "export as of a month earlier" --as-of 2026-10-01T00:00:00Z
again since "export --since the month-older one, --inventory resource-graph" \
	--as-of 2026-11-01T00:00:00Z --inventory resource-graph \
	--since "$T/old"
row since "export --since a month-older snapshot, resource-graph"
check "... the same files as the full export" same_files since
finish
