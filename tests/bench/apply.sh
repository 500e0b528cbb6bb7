#!/bin/sh
# apply.sh (bench): `vaultwise apply --yes` of about 1,200 moves and 20
# policy changes against the ARM emulator with ARM's buckets (writes 200,
# refilled at 10 per second, per subscription; reads 250 at 25), 30 ms
# latency and moves that end at their first poll a second after they
# start. Prints the writes per subscription, the sustained moves per
# second of the busiest subscription beyond the 200 tokens it starts with
# (the write limit allows 10), what Azure throttled, and checks that the
# rate is within 85% of the limit without ever exceeding it (no 429 from
# the write bucket) and that every due point moved exactly once. About two
# minutes. Needs python3.
. tests/e2e/lib.sh

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 # SKIP python3 not installed"
	echo "1..1"
	exit 0
fi

SECRET="vw-bench-$$"
CLIENT=0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b
TOOL="$VW_TOP/tests/e2e/apply_tool.py"
EMU_PID=""
trap '[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; rm -rf "$T"' EXIT

"$VAULTWISE" sample -q --out "$T/src" --items 400 --seed 3
"$VAULTWISE" plan -q "$T/src" --out "$T/plan" >/dev/null 2>&1
python3 "$TOOL" due "$T/plan" 2026-11-01 >"$T/due"
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$T/src/manifest.json")
python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$T/src" --port 0 \
	--port-file "$T/port" --client-secret "$SECRET" --latency-ms 30 \
	--write-bucket 200/10 --read-bucket 250/25 --op-polls 0 \
	--async-retry-after 1 --request-log "$T/requests.log" \
	--moves-log "$T/moves.log" 2>"$T/emu.err" &
EMU_PID=$!
URL=$(emu_url "$T/port")

start=$(date +%s.%N)
expect_exit 0 "apply --yes with ARM's write bucket" env -i PATH=/usr/bin:/bin \
	HOME="$T" VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 \
	AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$CLIENT" \
	AZURE_CLIENT_SECRET="$SECRET" "$VAULTWISE" apply "$T/plan" --yes \
	--arm-endpoint "$URL" --authority "$URL" \
	--ca-bundle "$VW_TOP/tests/emulator/certs/ca.pem" --as-of 2026-11-01
end=$(date +%s.%N)
sed 's/^/# /' "$T/out"

python3 - "$T" "$start" "$end" >"$T/figures" <<'EOF'
import datetime, json, sys
t, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def when(r):
    return datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ") \
        .replace(tzinfo=datetime.timezone.utc).timestamp()
log = [json.loads(l) for l in open(t + "/requests.log")]
arm = [r for r in log if r["path"].startswith("/subscriptions")]
writes = {}
for r in arm:
    if r["write"] and r["status"] < 400:
        writes.setdefault(r["subscription"], []).append(when(r))
bucket_429 = sum(1 for r in arm if r["status"] == 429 and r["write"])
read_429 = sum(1 for r in arm if r["status"] == 429 and not r["write"])
busiest = max(writes, key=lambda s: len(writes[s]))
w = sorted(writes[busiest])
span = w[-1] - w[0]
bound = max(0, len(w) - 200) / 10.0
# beyond the 200 tokens the bucket starts with, what the run sustained
sustained = (len(w) - 200) / span if span > 0 else 0
reads = sum(1 for r in arm if not r["write"])
wall = end - start
print("writes per subscription: %s (accepted)" % "+".join(
    str(len(v)) for v in sorted(writes.values(), key=len, reverse=True)))
print("busiest subscription: %d writes in %.1f s; the bucket allows them "
      "in %.1f s (200 at once, then 10 per second)" % (
          len(w), w[-1] - w[0], bound))
print("sustained beyond the 200-token burst: %.2f writes per second "
      "(the limit is 10; %.0f%% of it)" % (sustained, sustained * 10))
print("wall %.1f s for the run; %d ARM requests (%d reads, %.1f per "
      "second); 429 answers: %d to writes, %d to reads" % (
          wall, len(arm), reads, reads / wall, bucket_429, read_429))
print("SUSTAINED %.3f" % sustained)
print("TABLE|apply: %d moves and changes, busiest subscription %d writes|%.2f writes/s|limit 10/s|%.2f|>= 0.85, no 429|" % (
    sum(len(v) for v in writes.values()), len(w), sustained, sustained / 10))
print("WRITE429 %d" % bucket_429)
EOF
sed -e 's/^/# /' -e '/^# SUSTAINED/d' -e '/^# WRITE429/d' "$T/figures"
rate=$(sed -n 's/^SUSTAINED //p' "$T/figures")
w429=$(sed -n 's/^WRITE429 //p' "$T/figures")
check "sustained at least 8.5 writes per second against a limit of 10" \
	awk -v r="$rate" 'BEGIN { exit !(r + 0 >= 8.5 && r + 0 <= 10.2) }'
check "... never over it: no write answered 429" test "$w429" -eq 0
check "every due point moved exactly once" python3 "$TOOL" moved-once \
	"$T/moves.log" "$T/due"
finish
