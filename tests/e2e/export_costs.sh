#!/bin/sh
# export_costs.sh: `export --costs` against the ARM emulator serving a
# sample estate and its month's bill (`sample --bill`, the hidden true
# sizes and negotiated prices): costs.csv holds the bill's Backup charges
# of the vaults of both kinds (listed and hashed in the manifest), Cost Management's
# own throttling (429 with x-ms-ratelimit-microsoft.costmanagement-
# entity-retry-after, no Retry-After) is waited out, and `run` without
# --costs takes costs.csv as the bill: every vault within 2% once
# calibrated, cost now the billed total to the cent; exported without
# --sizes too, its protected instances following the billed quantities.
# Shards exported with --costs merge into the single export's costs.csv.
# A costs.csv changed after the export is refused; costs Azure refuses
# are a warning, and no costs.csv when nothing was answered. Needs
# python3.
. tests/e2e/lib.sh

emulator_tests

SECRET="vw-test-secret-$$-Cm4"

# emu NAME ARGS...: an emulator serving the sample (URL_NAME once it
# listens).
emu() {
	name=$1
	shift
	python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$T/S" \
		--port 0 --port-file "$T/$name.port" --client-secret "$SECRET" \
		--read-bucket 100000/10000 --write-bucket 100000/10000 \
		--request-log "$T/$name.log" "$@" 2>"$T/$name.emu" &
	EMU_PIDS="$EMU_PIDS $!"
	eval "URL_$name=$(emu_url "$T/$name.port")"
}

# export_costs URL OUT [ARGS...]: export --costs in a clean environment.
export_costs() {
	url=$1 out=$2
	shift 2
	env -i PATH=/usr/bin:/bin HOME="$T" AZURE_CONFIG_DIR="$T/noaz" \
		VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 \
		AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$CLIENT" \
		AZURE_CLIENT_SECRET="$SECRET" "$VAULTWISE" export --costs \
		--out "$out" --arm-endpoint "$url" --authority "$url" \
		--ca-bundle "$CA" --as-of "$AS_OF" --sizes "$T/sizes.csv" "$@"
}

expect_exit 0 "sample --bill: an estate and its month's bill" \
	"$VAULTWISE" sample --out "$T/S" --bill "$T/B"
manifest() { # manifest KEY: the sample manifest's value
	python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/S/manifest.json" "$1"
}
TENANT=$(manifest tenant_id)
AS_OF=$(manifest exported_at)
python3 - "$T/S/items.csv" "$T/sizes.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["arm_id", "source_gb", "daily_churn"])
    for r in rows:
        w.writerow([r["arm_id"], r["source_gb"], r["daily_churn"]])
EOF

# one Cost Management query per scope a second: each subscription's
# second query is throttled and must wait
emu A --bill "$T/B" --cost-bucket 1/1
expect_exit 0 "export --costs from the emulator" \
	export_costs "$URL_A" "$T/X"
grep_ok "... says how many charges it read" \
	'costs\.csv: [0-9]+ charges of the last full month from Cost Management' \
	"$T/err"
check "... queried Cost Management, waited out its throttling" \
	python3 - "$T/A.log" <<'PY'
import json, sys
q = [json.loads(l) for l in open(sys.argv[1])
     if "/providers/Microsoft.CostManagement/query" in l]
assert q and all(r["method"] == "POST" for r in q), q
assert any(r["status"] == 429 for r in q), q
assert q[-1]["status"] == 200 and all("api-version=2025-03-01" in r["path"]
                                      for r in q), q
PY
check "costs.csv: the bill's Backup charges, to the cent per vault and meter" \
	python3 - "$T/X/costs.csv" "$T/B/focus.csv" <<'PY'
import csv, sys
got = {(r["ResourceId"], r["MeterName"]): r
       for r in csv.DictReader(open(sys.argv[1], newline=""))}
bill = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(got) == len(bill), (len(got), len(bill))
for b in bill:
    r = got[(b["ResourceId"], b["x_SkuMeterName"])]
    assert abs(float(r["CostInBillingCurrency"]) -
               float(b["EffectiveCost"])) < 0.005, (r, b)
    assert abs(float(r["Quantity"]) - float(b["ConsumedQuantity"])) < 1e-3
    assert r["MeterCategory"] == "Backup" and r["ChargeType"] == "Usage"
    assert r["Date"] == "2026-10-01" and r["BillingCurrency"] == "EUR", r
PY
check "... listed in the manifest with its rows and SHA-256" \
	python3 - "$T/X" <<'PY'
import hashlib, json, os, sys
m = json.load(open(os.path.join(sys.argv[1], "manifest.json")))
f = m["files"]["costs.csv"]
data = open(os.path.join(sys.argv[1], "costs.csv"), "rb").read()
assert f["sha256"] == hashlib.sha256(data).hexdigest(), f
assert f["rows"] == data.count(b"\n") - 1, f
PY

for k in 0 1; do
	expect_exit 0 "export --costs --shard $k/2" \
		export_costs "$URL_A" "$T/shard$k" --shard $k/2
done
expect_exit 0 "merge the two shards" \
	"$VAULTWISE" merge --out "$T/M" "$T/shard0" "$T/shard1"
check "... their costs.csv join into the single export's, byte for byte" \
	cmp "$T/X/costs.csv" "$T/M/costs.csv"

expect_exit 0 "run on the exported snapshot, without --costs" \
	"$VAULTWISE" run --snapshot "$T/X" --out "$T/O"
check "reconcile.csv from costs.csv: every vault within 2% once calibrated" \
	python3 - "$T/O/plan/reconcile.csv" "$T/B/focus.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=""))
        if r["meter"] == "total"]
# the 12 Recovery Services vaults and the 3 Backup vaults
assert len(rows) == 15, len(rows)
bill = sum(float(r["EffectiveCost"])
           for r in csv.DictReader(open(sys.argv[2], newline="")))
assert abs(sum(float(r["billed_cost"]) for r in rows) - bill) < 0.05
for r in rows:
    b, m = float(r["billed_cost"]), float(r["modelled_cost"])
    assert b > 0 and abs(m - b) <= 0.02 * b, r
    assert r["calibrated"].startswith("sizes x"), r
PY
check "report.html: cost now is the billed total, to the cent" \
	python3 - "$T/O/report/report.html" "$T/B/focus.csv" <<'PY'
import csv, re, sys
html = open(sys.argv[1]).read()
bill = sum(float(r["EffectiveCost"])
           for r in csv.DictReader(open(sys.argv[2], newline="")))
i = html.index(">Backup costs<")
card = re.sub(r"<[^>]+>", " ", html[i:html.index("</div></div>", i)])
assert re.search(re.escape(f"{bill:,.2f}") + r"\s+EUR", card), card
assert "Billed in 2026-10" in card, card
PY
expect_exit 0 "export --costs without --sizes: sizes from workload defaults" \
	env -i PATH=/usr/bin:/bin HOME="$T" AZURE_CONFIG_DIR="$T/noaz" \
	VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 AZURE_TENANT_ID="$TENANT" \
	AZURE_CLIENT_ID="$CLIENT" AZURE_CLIENT_SECRET="$SECRET" \
	"$VAULTWISE" export --costs --out "$T/N" --arm-endpoint "$URL_A" \
	--authority "$URL_A" --ca-bundle "$CA" --as-of "$AS_OF"
expect_exit 0 "... and run on it" \
	"$VAULTWISE" run --snapshot "$T/N" --out "$T/ON"
check "... protected instances follow the bill: every vault within 2%" \
	python3 - "$T/ON/plan/reconcile.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
pi = [r for r in rows if r["meter"].startswith("pi_")]
# estimated sizes draw other bands than the bill's (before calibration)
assert any(r["uncalibrated_qty"] != r["billed_qty"] for r in pi), pi
for r in pi:
    assert abs(float(r["modelled_qty"]) - float(r["billed_qty"])) < 1e-3, r
    assert abs(float(r["modelled_cost"]) - float(r["billed_cost"])) < 0.01
for r in rows:
    if r["meter"] != "total":
        continue
    b, m = float(r["billed_cost"]), float(r["modelled_cost"])
    assert b > 0 and abs(m - b) <= 0.02 * b, r
assert any("instances x" in r["calibrated"] and " billed, " in
           r["calibrated"] for r in rows), rows
PY
expect_exit 0 "plan --costs B/focus.csv on the export" \
	"$VAULTWISE" plan "$T/X" --costs "$T/B/focus.csv" --out "$T/P"
check "... reconciles as costs.csv does" \
	cmp "$T/O/plan/reconcile.csv" "$T/P/reconcile.csv"

expect_exit 0 "run --export --export-costs: export, bill and plan at once" \
	env -i PATH=/usr/bin:/bin HOME="$T" AZURE_CONFIG_DIR="$T/noaz" \
	VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 AZURE_TENANT_ID="$TENANT" \
	AZURE_CLIENT_ID="$CLIENT" AZURE_CLIENT_SECRET="$SECRET" \
	"$VAULTWISE" run --as-of "$AS_OF" --export --export-costs \
	--arm-endpoint "$URL_A" --authority "$URL_A" --ca-bundle "$CA" \
	--sizes "$T/sizes.csv" --out "$T/R"
check "... its snapshot has costs.csv, its plan reconcile.csv as above" \
	sh -c "cmp '$T/X/costs.csv' '$T/R/snapshot/costs.csv' &&
		cmp '$T/O/plan/reconcile.csv' '$T/R/plan/reconcile.csv'"

cp -r "$T/X" "$T/Y"
sed -i 's/,Usage\r$/,Usage \r/' "$T/Y/costs.csv"
expect_exit 65 "a costs.csv changed after the export is refused" \
	"$VAULTWISE" plan "$T/Y" --out "$T/PY"
grep_ok "... naming the file" 'costs\.csv has changed since manifest' \
	"$T/err"

emu D --bill "$T/B" --deny '*/providers/Microsoft.CostManagement/*'
expect_exit 0 "export --costs where Azure refuses the costs" \
	export_costs "$URL_D" "$T/Z"
check "... says so in the manifest, and writes no costs.csv" \
	python3 - "$T/Z" <<'PY'
import json, os, sys
m = json.load(open(os.path.join(sys.argv[1], "manifest.json")))
assert any("cannot read its costs from Cost Management (HTTP 403" in w
           for w in m["warnings"]), m["warnings"]
assert "costs.csv" not in m["files"]
assert not os.path.exists(os.path.join(sys.argv[1], "costs.csv"))
PY
expect_exit 0 "... and plan on it has no bill to reconcile" \
	"$VAULTWISE" plan "$T/Z" --out "$T/PZ"
check "... (no reconcile.csv)" test ! -e "$T/PZ/reconcile.csv"
finish
