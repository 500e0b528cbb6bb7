#!/bin/sh
# export.sh: `vaultwise export`, `merge` and `prices fetch` against the ARM
# emulator (tests/emulator) serving a small `vaultwise sample` estate:
# the export reproduces the estate (with and without injected faults and
# a token expiry mid-run), the four credential sources (secret,
# certificate PS256 and its RS256 fallback, managed identity, Azure CLI),
# no secret in any output or log, the transport rule, 403 -> warning,
# everything denied -> 77, a failing endpoint -> 69/75, --shard N=3 +
# merge == one export, and the Retail Prices API. Needs python3.
. tests/e2e/lib.sh

emulator_tests

TENANT=""
SECRET="vw-test-secret-$$-Zq8"
AS_OF=2026-11-01T00:00:00Z
SRC="$T/src"

# emu NAME ARGS...: starts an emulator serving $SRC (URL_NAME once
# emu_wait NAME has seen it listen).
emu() {
	name=$1
	shift
	python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$SRC" \
		--port 0 --port-file "$T/$name.port" --client-secret "$SECRET" \
		--read-bucket 100000/10000 "$@" 2>"$T/$name.emu" &
	EMU_PIDS="$EMU_PIDS $!"
}

emu_wait() {
	for name in "$@"; do
		eval "URL_$name=$(emu_url "$T/$name.port")"
	done
}

# vw VAR=VALUE... COMMAND ARGS...: COMMAND (vaultwise) in a clean
# environment: no real IMDS, no Azure CLI unless VW_PATH has one.
vw() {
	env -i PATH="${VW_PATH:-/usr/bin:/bin}" HOME="$T" \
		AZURE_CONFIG_DIR="$T/noaz" \
		VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 "$@"
}

endpoints() {
	echo "--arm-endpoint $1 --authority $1 --ca-bundle $CA --as-of $AS_OF"
}

secret_env() {
	echo "AZURE_TENANT_ID=$TENANT AZURE_CLIENT_ID=$CLIENT AZURE_CLIENT_SECRET=$SECRET"
}

same_estate() { # same_estate A B: the rows a user compares (a sample
	# has no recommended_for_move: the emulator's set is checked apart)
	python3 "$VW_TOP/tests/e2e/snapdiff.py" "$1" "$2" \
		--ignore items.size_source \
		--ignore recovery_points.recommended_for_move \
		--ignore vaults.usage_storage_gb --ignore vaults.usage_items \
		--ignore-when policies.instant_rp_days:workload=AzureFiles \
		--namesake-jobs --served-error-codes
}

same_bytes() { # same_bytes A B: every file identical
	for f in manifest.json vaults.csv policies.csv items.csv \
		recovery_points.csv jobs.csv guards.csv backup_vaults.csv \
		backup_policies.csv backup_instances.csv \
		backup_recovery_points.csv backup_jobs.csv; do
		cmp -s "$1/$f" "$2/$f" || { echo "# $f differs"; return 1; }
	done
}

"$VAULTWISE" sample -q --out "$SRC" --items 24 --vaults 4 --seed 11
# restores from Archive under the name real Azure lists them by, and a
# soft-deleted item (isScheduledForDeferredDelete) that must say so
python3 "$VW_TOP/tests/e2e/snapedit.py" rehydrate "$SRC" >/dev/null
python3 "$VW_TOP/tests/e2e/snapedit.py" set "$SRC" items.csv soft_deleted 2 \
	true
python3 "$VW_TOP/tests/e2e/snapedit.py" set "$SRC" items.csv \
	deferred_delete_time 2 2026-10-20T08:00:00Z
# a vault whose answer (an older shape) has no securitySettings.
# immutabilitySettings, softDeleteSettings or restoreSettings: unknown
for col in immutability soft_delete soft_delete_days \
	cross_subscription_restore; do
	python3 "$VW_TOP/tests/e2e/snapedit.py" set "$SRC" vaults.csv "$col" 2 ""
done
# a vault whose Cost Management reports its charges per protected item
# (costManagementSettings, recoveryservices 2026-08-01)
python3 "$VW_TOP/tests/e2e/snapedit.py" set "$SRC" vaults.csv \
	cost_granularity 3 ProtectedItemLevel
# Azure reports no size for a Backup instance: an export leaves its
# vault_gb, archive_gb, size_source and snapshot_gb empty (not known)
for col in vault_gb archive_gb size_source snapshot_gb; do
	python3 "$VW_TOP/tests/e2e/snapedit.py" set "$SRC" \
		backup_instances.csv "$col" all ""
done
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$SRC/manifest.json")
python3 - "$SRC/items.csv" "$T/sizes.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["arm_id", "source_gb", "daily_churn"])
    for r in rows:
        w.writerow([r["arm_id"], r["source_gb"], r["daily_churn"]])
EOF

# an on-demand backup (a VM's, 40 days old): Azure gives its point's
# expiry in the job's details only, not in the point list
python3 - "$SRC" >"$T/ondemand" <<'EOF'
import csv, sys
d = sys.argv[1]
vm = {r["item_id"] for r in csv.DictReader(open(d + "/items.csv"))
      if r["workload"] == "AzureVM"}
rps = {(r["item_id"], r["rp_time"]): r
       for r in csv.DictReader(open(d + "/recovery_points.csv"))}
jobs = [j for j in csv.DictReader(open(d + "/jobs.csv"))
        if j["operation"] == "Backup" and j["item_id"] in vm and
        (j["item_id"], j["start_time"]) in rps and
        rps[(j["item_id"], j["start_time"])]["expiry_time"]]
j = jobs[len(jobs) // 2]
p = rps[(j["item_id"], j["start_time"])]
print(j["job_id"], p["item_id"], p["rp_id"], p["expiry_time"])
EOF
read -r OD_JOB OD_ITEM OD_RP OD_EXPIRY <"$T/ondemand"
emu A --retail-prices "$VW_TOP/tests/data/retail-prices/backup-westeurope.json" \
	--retail-page-size 3 --async-retry-after 0 --request-log "$T/A.log" \
	--on-demand "$OD_JOB"
emu B --faults 429:0.05,503:0.01,500:0.02,reset:0.01,truncate:0.01 \
	--expire-tokens-after 60 --seed 5 --token-lifetime 2 --latency-ms 50 \
	--request-log "$T/B.log"
emu C --assertion-algs RS256 --page-size 1
emu D --deny '*/backupJobs*'
emu E --deny '*'
emu F --faults 500:1
emu G --faults 429:1
emu H --faults oversize:1 --fault-only '*RecoveryServices*/backupPolicies*'
emu I --faults 404:1 --fault-only '*RecoveryServices*/backupPolicies' \
	--fault-only '*/backupJobs' --fault-only '*/backupconfig/vaultconfig' \
	--fault-only '*RecoveryServices*/backupResourceGuardProxies'
emu J --faults 404:1 --fault-only '*/backupProtectedItems'
emu_wait A B C D E F G H I J

# ---- round trip ----
# shellcheck disable=SC2046
expect_exit 0 "export with a client secret (-v, JSON log lines)" \
	vw $(secret_env) "$VAULTWISE" -v --log-format json export \
	--out "$T/one" $(endpoints "$URL_A") --sizes "$T/sizes.csv" \
	--backup-job-details
cp "$T/out" "$T/j.out"
cp "$T/err" "$T/j.err"
cp "$T/A.log" "$T/A1.log"
check "the export reproduces the estate (sizes from --sizes)" \
	same_estate "$SRC" "$T/one"
for f in backup_vaults.csv backup_policies.csv backup_instances.csv \
	backup_recovery_points.csv backup_jobs.csv; do
	check "... and its Backup vaults, $f byte for byte" \
		cmp "$SRC/$f" "$T/one/$f"
done
grep_ok "the summary names the credential" "client secret" "$T/err"
check "the summary counts the Backup vaults, their points and jobs" \
	python3 - "$T/one" "$T/j.err" <<'EOF'
import csv, sys
d = sys.argv[1]
n = {f: sum(1 for _ in csv.DictReader(open(f"{d}/backup_{f}.csv")))
     for f in ("vaults", "policies", "instances", "recovery_points", "jobs")}
want = (f"and {n['vaults']} Backup vaults, {n['policies']} policies, "
        f"{n['instances']} instances, {n['recovery_points']:,} recovery "
        f"points and {n['jobs']:,} jobs")
sys.exit(0 if want in open(sys.argv[2]).read() else "not found: " + want)
EOF
check "... Azure's recommended-for-move sets are kept, for VM items only" \
	python3 - "$T/one" <<'EOF'
import csv, sys
d = sys.argv[1]
wl = {r["item_id"]: r["workload"] for r in csv.DictReader(open(d + "/items.csv"))}
rec = [(r["item_id"], r["recommended_for_move"])
       for r in csv.DictReader(open(d + "/recovery_points.csv"))]
yes = [i for i, v in rec if v == "true"]
asked = [i for i, v in rec if v]
print("%d points asked, %d recommended" % (len(asked), len(yes)))
sys.exit(not yes or any(wl[i] != "AzureVM" for i in asked))
EOF
expect_exit 0 "plan of that snapshot" "$VAULTWISE" plan "$T/one" \
	--out "$T/oneplan"
check "... says beside each VM point whether Azure's set has it" \
	python3 - "$T/one" "$T/oneplan" <<'EOF'
import csv, sys
snap, plan = sys.argv[1:3]
rec = {(r["item_id"], r["rp_id"]): r["recommended_for_move"]
       for r in csv.DictReader(open(snap + "/recovery_points.csv"))}
rows = list(csv.DictReader(open(plan + "/plan.csv")))
bad = [r["rp_id"] for r in rows
       if r["azure_recommended"] != rec[(r["item_id"], r["rp_id"])]]
print("%d rows, %d in Azure's sets, %d of them moved by the plan" % (
    len(rows), sum(r["azure_recommended"] == "true" for r in rows),
    sum(r["azure_recommended"] == "true" and
        r["action"] in ("move_now", "move_on") for r in rows)))
sys.exit(bool(bad) or not any(r["azure_recommended"] == "true"
                              for r in rows))
EOF
sed 's/^/# /' "$T/check.out"
check "... its VM moves are Azure's whole sets, or each difference says why and its worth" \
	python3 - "$T/oneplan" <<'EOF'
import csv, sys
plan = sys.argv[1]
sets = {r["item_id"]: r for r in csv.DictReader(open(plan + "/vm_sets.csv"))}
rows = [r for r in csv.DictReader(open(plan + "/plan.csv"))
        if r["workload"] == "AzureVM" and r["azure_recommended"]]
bad, differ = [], 0
for r in rows:
    s = sets.get(r["item_id"])
    moved = r["action"] in ("move_now", "move_on")
    if not s:
        bad.append(r["rp_id"] + ": no vm_sets.csv row")
    elif moved != (r["azure_recommended"] == "true"):
        differ += 1
        if "Azure's recommended set" not in r["reason"]:
            bad.append(r["rp_id"] + ": differs, reason silent")
        if s["relation"] != "same" and s["difference"] == "":
            bad.append(r["rp_id"] + ": differs, worth missing")
rel = {}
for s in sets.values():
    rel[s["relation"]] = rel.get(s["relation"], 0) + 1
print("%d VM items asked, by relation %s; %d of %d points differ from "
      "Azure's set, each explained" % (len(sets), rel, differ, len(rows)))
for b in bad[:5]:
    print(b)
sys.exit(bool(bad) or not sets)
EOF
sed 's/^/# /' "$T/check.out"
# (an item whose points may all move now, such as a stopped one, can
# have Azure's set; one with points that may move later cannot yet)
check "... one VM moves Azure's whole set, others differ and say why and its worth" \
	python3 - "$T/oneplan" <<'EOF'
import csv, sys
plan = sys.argv[1]
sets = {r["item_id"]: r for r in csv.DictReader(open(plan + "/vm_sets.csv"))}
whole = [i for i, s in sets.items()
         if s["relation"] in ("same", "adopted") and int(s["azure_points"])
         and s["reason"].startswith("the plan moves Azure's whole set")]
moved = [r for r in csv.DictReader(open(plan + "/plan.csv"))
         if r["item_id"] in whole and r["azure_recommended"] == "true" and
         r["action"] in ("move_now", "move_on")]
other = [i for i, s in sets.items()
         if s["relation"] not in ("same", "adopted") and s["difference"]
         and "worth" in s["reason"]]
print("Azure's whole set moves for %s (%d points); %d VM items differ, "
      "explained" % (whole, len(moved), len(other)))
sys.exit(not whole or not other or
         len(moved) != sum(int(sets[i]["azure_points"]) for i in whole))
EOF
sed 's/^/# /' "$T/check.out"
check "... TierRecommended is projected from Azure's sets, and says so" \
	python3 - "$T/oneplan" <<'EOF'
import csv, sys
plan = sys.argv[1]
basis = {r["recommended_from"]
         for r in csv.DictReader(open(plan + "/strategies.csv"))
         if r["strategy"] == "tier_recommended"}
tr = [r for r in csv.DictReader(open(plan + "/policy_changes.csv"))
      if r["workload"] == "AzureVM" and "TierRecommended" in
      (r["current_tiering"], r["proposed_tiering"])]
said = [r for r in tr if "projected from Azure's recommended sets"
        in r["reason"]]
print("strategies.csv: %s; %d of %d VM policy rows on TierRecommended "
      "say so" % (sorted(basis), len(said), len(tr)))
sys.exit(len(basis) != 1 or
         not basis.pop().startswith("Azure's recommended sets") or
         len(said) != len(tr))
EOF
sed 's/^/# /' "$T/check.out"
grep_ok "an on-demand backup's point has the expiry of its job's details" \
	"^$OD_RP,$OD_ITEM,.*,$OD_EXPIRY," "$T/one/recovery_points.csv"
check "... each vault's usages: its items and their vault-standard GiB" \
	python3 - "$SRC" "$T/one" <<'EOF'
import csv, sys
src, out = sys.argv[1:3]
items, gb = {}, {}
for r in csv.DictReader(open(src + "/items.csv")):
    items[r["vault_id"]] = items.get(r["vault_id"], 0) + 1
    gb[r["vault_id"]] = gb.get(r["vault_id"], 0) + float(r["standard_gb"])
bad = [r["vault_name"] for r in csv.DictReader(open(out + "/vaults.csv"))
       if int(r["usage_items"]) != items.get(r["vault_id"], 0) or
       abs(float(r["usage_storage_gb"]) - gb.get(r["vault_id"], 0)) > 0.01]
print("%d vaults, %d items, %.2f GiB" % (len(items), sum(items.values()),
                                         sum(gb.values())))
sys.exit(bool(bad))
EOF
grep_ok "... a vault's cost-management granularity, as Azure reports it" \
	',ProtectedItemLevel' "$T/one/vaults.csv"
grep_ok "... a soft-deleted item says so, and since when" \
	",true,2026-10-20T08:00:00Z" "$T/one/items.csv"
expect_exit 0 "audit of a vault whose security settings Azure did not send" \
	"$VAULTWISE" audit "$T/one" --out "$T/posture.csv"
for rule in 'immutable-vault,info,fail,immutability=\(empty\)' \
	'soft-delete,info,fail,soft_delete=\(empty\)' \
	'cross-subscription-restore,info,fail,cross_subscription_restore=\(empty\)'; do
	grep_ok "... reports unknown, not a default: $rule" "$rule" \
		"$T/posture.csv"
done
grep_ok "vault tags come from the vault" ',env=prd' "$T/one/vaults.csv"
grep_ok "source_tags come from the Tags API" ',app=[a-z]+;env=prd;tier=1' \
	"$T/one/items.csv"
check "... asked once per source resource, not once per item" \
	python3 - "$SRC/items.csv" "$T/A1.log" <<'EOF'
import csv, json, sys
src = [r["source_resource_id"].lower()
       for r in csv.DictReader(open(sys.argv[1])) if r["source_resource_id"]]
asked = [json.loads(l)["path"].split("?")[0].lower()
         for l in open(sys.argv[2]) if "/tags/default" in l]
print("%d items with a source, %d sources, %d requests" %
      (len(src), len(set(src)), len(asked)))
sys.exit(len(asked) != len(set(src)) or len(set(src)) == len(src) or
         {p.split("/providers/microsoft.resources/")[0]
          for p in asked} != set(src))
EOF

# shellcheck disable=SC2046
expect_exit 0 "export without backup job details (one GET per job), -v" \
	vw $(secret_env) "$VAULTWISE" -v export --out "$T/plain" \
	$(endpoints "$URL_A") --sizes "$T/sizes.csv"
cp "$T/out" "$T/v.out"
cp "$T/err" "$T/v.err"
check "... differs only in the backup jobs' sizes" \
	python3 "$VW_TOP/tests/e2e/snapdiff.py" "$T/one" "$T/plain" \
	--ignore-when jobs.data_gb:operation=Backup
# shellcheck disable=SC2046
expect_exit 0 "export with --inventory resource-graph" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/graph" \
	$(endpoints "$URL_A") --sizes "$T/sizes.csv" \
	--inventory resource-graph
check "... gives the same files as the ARM job listings, byte for byte" \
	same_bytes "$T/plain" "$T/graph"
requests() { sed -n 's/.*: \([0-9,]*\) requests (.*/\1/p' "$1" | tr -d ,; }
check "... in fewer requests ($(requests "$T/err") against $(requests "$T/v.err"))" \
	test "$(requests "$T/err")" -lt "$(requests "$T/v.err")"
grep_ok "... by Resource Graph queries" \
	'"POST","path":"/providers/Microsoft.ResourceGraph/resources' "$T/A.log"
# shellcheck disable=SC2046
expect_exit 64 "--inventory takes arm or resource-graph only" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/bad" \
	$(endpoints "$URL_A") --inventory graph
# shellcheck disable=SC2046
expect_exit 0 "export of the same estate as of a month earlier" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/old" \
	--arm-endpoint "$URL_A" --authority "$URL_A" --ca-bundle "$CA" \
	--as-of 2026-10-01T00:00:00Z --sizes "$T/sizes.csv"
# shellcheck disable=SC2046
expect_exit 0 "export --since that month-older snapshot" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/since" \
	$(endpoints "$URL_A") --sizes "$T/sizes.csv" --since "$T/old"
check "... gives the same files as a full export, byte for byte" \
	same_bytes "$T/plain" "$T/since"
grep_ok "... taking ended jobs' details from the older snapshot" \
	"[1-9][0-9]* job details taken from the --since snapshot" "$T/err"
check "... in fewer requests ($(requests "$T/err") against $(requests "$T/v.err"))" \
	test "$(requests "$T/err")" -lt "$(requests "$T/v.err")"
# shellcheck disable=SC2046
expect_exit 66 "--since a directory that is no snapshot" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/bad" \
	$(endpoints "$URL_A") --since "$T/nowhere"
# shellcheck disable=SC2046
expect_exit 0 "export again under 429/503/500, resets, truncation and a token expiry" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/faulty" \
	$(endpoints "$URL_B") --sizes "$T/sizes.csv" --concurrency 2
check "... gives the same files, byte for byte" same_bytes "$T/plain" \
	"$T/faulty"
grep_ok "... after retries" "[1-9][0-9]* retried" "$T/err"
# 50 ms a request, two at a time: over 150 requests last 3.75 s or more,
# so a 2-second token must be renewed at least once besides the forced
# expiry, however fast the machine (the count no longer hangs on timing)
check "... renewing 2-second tokens before they expire" sh -c \
	"[ \$(grep -c 'oauth2/v2.0/token' '$T/B.log') -ge 3 ]"
grep_ok "... asking for restores from Archive by Azure's name for them" \
	"backupJobs.*operation(%20|\\+| )eq(%20|\\+| )(%27|')RestoreWithRehydrate" \
	"$T/B.log"

# shellcheck disable=SC2046
expect_exit 0 "export with sizes from fetchTieringCost" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/tiering" \
	$(endpoints "$URL_A") --tiering-cost
# shellcheck disable=SC2046
expect_exit 0 "export with default sizes" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/defaults" \
	$(endpoints "$URL_A")
python3 - "$SRC" "$T/tiering" "$T/defaults" >"$T/sizes.txt" <<'EOF'
import csv, sys
def items(d):
    return {r["item_id"]: r for r in csv.DictReader(open(d + "/items.csv"))}
src, tc, df = (items(d) for d in sys.argv[1:])
def exact(a, b):
    return a["source_gb"] == b["source_gb"] and \
        a["daily_churn"] == b["daily_churn"]
n = len(src)
vm = [k for k in src if src[k]["workload"] == "AzureVM"]
print("tiering-cost: %d of %d items sized exactly (%d of %d VMs), %d with "
      "the right source_gb; defaults: %d of %d" % (
          sum(exact(src[k], tc[k]) for k in src), n,
          sum(exact(src[k], tc[k]) for k in vm), len(vm),
          sum(src[k]["source_gb"] == tc[k]["source_gb"] for k in src),
          sum(exact(src[k], df[k]) for k in src), n))
std = lambda d: sum(float(r["standard_gb"]) for r in d.values())
print("standard GiB: source %.0f, tiering-cost %.0f, defaults %.0f" % (
    std(src), std(tc), std(df)))
EOF
sed 's/^/# /' "$T/sizes.txt"
check "sizes differ only in items.csv and point sizes" \
	python3 "$VW_TOP/tests/e2e/snapdiff.py" "$SRC" "$T/defaults" \
	--ignore items.size_source --ignore items.source_gb \
	--ignore items.daily_churn --ignore items.standard_gb \
	--ignore items.archive_gb --ignore recovery_points.unique_gb \
	--ignore recovery_points.full_gb --ignore jobs.data_gb \
	--ignore vaults.usage_storage_gb --ignore vaults.usage_items \
	--ignore recovery_points.recommended_for_move \
	--ignore-when policies.instant_rp_days:workload=AzureFiles \
	--namesake-jobs --served-error-codes

# ---- choosing what to export ----
SUB=$(sed -n '2p' "$SRC/vaults.csv" | cut -d, -f2)
VAULT=$(sed -n '2p' "$SRC/vaults.csv" | cut -d, -f4)
# shellcheck disable=SC2046
expect_exit 0 "--subscription: one subscription" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/onesub" \
	$(endpoints "$URL_A") --subscription "$SUB"
check "... only its vaults" sh -c "[ \$(tail -n +2 '$T/onesub/vaults.csv' | cut -d, -f2 | sort -u) = '$SUB' ]"
# shellcheck disable=SC2046
expect_exit 0 "--vault GLOB: vaults by name" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/onevault" \
	$(endpoints "$URL_A") --vault "$(echo "$VAULT" | tr a-z A-Z | cut -c1-3)*${VAULT#???}"
check "... exactly that one" sh -c "[ \$(tail -n +2 '$T/onevault/vaults.csv' | cut -d, -f4) = '$VAULT' ]"
check "... and no Backup vault" sh -c "[ \$(wc -l <'$T/onevault/backup_vaults.csv') -eq 1 ]"
# shellcheck disable=SC2046
expect_exit 77 "--subscription the credential cannot see: 77" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/nosub" \
	$(endpoints "$URL_A") --subscription 00000000-0000-0000-0000-00000000dead

# ---- no secret anywhere ----
# shellcheck disable=SC2046
vw AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$CLIENT" \
	AZURE_CLIENT_SECRET="wrong-$SECRET" "$VAULTWISE" -v export \
	--out "$T/refused" $(endpoints "$URL_A") >"$T/r.out" 2>"$T/r.err"
echo $? >"$T/r.rc"
grep_ok "a refused secret exits 77" "^77$" "$T/r.rc"
grep_ok "... with Entra's error code" "invalid_client|AADSTS" "$T/r.err"
check "-v logs each request" grep -q "GET https://127.0.0.1" "$T/v.err"
check "--log-format json gives JSON lines" grep -q '^{"time":' "$T/j.err"
if grep -rqF -e "$SECRET" "$T/one" "$T/plain" "$T/faulty" "$T/v.out" \
	"$T/v.err" "$T/j.out" "$T/j.err" "$T/r.out" "$T/r.err"; then
	not_ok "the client secret is in no output, log or error message"
else
	ok "the client secret is in no output, log or error message"
fi
if grep -qi "authorization\|bearer " "$T/v.err" "$T/j.err"; then
	not_ok "no Authorization header in debug logs"
else
	ok "no Authorization header in debug logs"
fi

# ---- the other credentials ----
CERT="$VW_TOP/tests/emulator/certs/client.pem"
# shellcheck disable=SC2046
expect_exit 0 "client certificate (PS256 with x5t#S256)" \
	vw AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$CLIENT" \
	AZURE_CLIENT_CERTIFICATE_PATH="$CERT" "$VAULTWISE" export \
	--out "$T/cert" $(endpoints "$URL_A")
grep_ok "... signed PS256" "client certificate \(PS256\)" "$T/err"
# shellcheck disable=SC2046
expect_exit 0 "client certificate where the authority refuses PS256" \
	vw AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID="$CLIENT" \
	AZURE_CLIENT_CERTIFICATE_PATH="$CERT" "$VAULTWISE" export \
	--out "$T/cert2" $(endpoints "$URL_C")
grep_ok "... falls back to RS256 with x5t" "client certificate \(RS256\)" \
	"$T/err"
check "... one point a page: the same points and recommended sets" \
	cmp "$T/cert/recovery_points.csv" "$T/cert2/recovery_points.csv"
check "... an item's recommended set spans pages" python3 -c '
import csv, sys
n = {}
for r in csv.DictReader(open(sys.argv[1])):
    n[r["item_id"]] = n.get(r["item_id"], 0) + (r["recommended_for_move"] == "true")
print(max(n.values()))
sys.exit(max(n.values()) < 2)' "$T/cert2/recovery_points.csv"
# shellcheck disable=SC2046
expect_exit 0 "managed identity through IMDS" \
	env -i PATH=/usr/bin:/bin HOME="$T" VAULTWISE_IMDS_ENDPOINT="$URL_A" \
	"$VAULTWISE" export --out "$T/imds" $(endpoints "$URL_A")
grep_ok "... says so" "managed identity \(IMDS\)" "$T/err"
# shellcheck disable=SC2046
expect_exit 0 "managed identity through IDENTITY_ENDPOINT/IDENTITY_HEADER" \
	vw IDENTITY_ENDPOINT="$URL_A/msi/token" \
	IDENTITY_HEADER=vaultwise-emu-identity-header "$VAULTWISE" export \
	--out "$T/appservice" $(endpoints "$URL_A")
mkdir -p "$T/bin"
cat >"$T/bin/az" <<'EOF'
#!/bin/sh
# A stand-in Azure CLI: gets its token from the emulator. FAKE_AZ_LOG
# counts its calls; FAKE_AZ_EXPIRES_IN gives the lifetime it reports.
[ "$1 $2" = "account get-access-token" ] || exit 2
[ -n "${FAKE_AZ_LOG:-}" ] && echo call >>"$FAKE_AZ_LOG"
exec python3 - <<'PY'
import json, os, ssl, time, urllib.parse, urllib.request
ctx = ssl.create_default_context(cafile=os.environ["FAKE_AZ_CA"])
form = urllib.parse.urlencode({
    "client_id": os.environ["FAKE_AZ_CLIENT"],
    "client_secret": os.environ["FAKE_AZ_SECRET"],
    "scope": "https://management.azure.com/.default",
    "grant_type": "client_credentials"}).encode()
r = json.load(urllib.request.urlopen(os.environ["FAKE_AZ_URL"], form,
                                     context=ctx))
if os.environ.get("FAKE_AZ_EXPIRES_IN"):
    print(json.dumps({"accessToken": r["access_token"],
                      "expires_in": float(os.environ["FAKE_AZ_EXPIRES_IN"])}))
else:
    print(json.dumps({"accessToken": r["access_token"], "tokenType": "Bearer",
                      "expires_on": int(time.time()) + int(r["expires_in"])}))
PY
EOF
chmod +x "$T/bin/az"
VW_PATH="$T/bin:/usr/bin:/bin"
# shellcheck disable=SC2046
expect_exit 0 "the Azure CLI's token when nothing else is there" \
	vw FAKE_AZ_CA="$CA" FAKE_AZ_CLIENT="$CLIENT" FAKE_AZ_SECRET="$SECRET" \
	FAKE_AZ_URL="$URL_A/$TENANT/oauth2/v2.0/token" "$VAULTWISE" export \
	--out "$T/cli" $(endpoints "$URL_A")
grep_ok "... says so" "the Azure CLI" "$T/err"
# an expires_in of 1e300 is clamped, not an undefined cast that expires
# the token at once and fetches a new one before every request
# shellcheck disable=SC2046
expect_exit 0 "a token lifetime of 1e300 seconds" \
	vw FAKE_AZ_CA="$CA" FAKE_AZ_CLIENT="$CLIENT" FAKE_AZ_SECRET="$SECRET" \
	FAKE_AZ_URL="$URL_A/$TENANT/oauth2/v2.0/token" \
	FAKE_AZ_EXPIRES_IN=1e300 FAKE_AZ_LOG="$T/az.calls" "$VAULTWISE" \
	export --out "$T/cli-long" $(endpoints "$URL_A")
check "... fetches the token once for the whole export" \
	sh -c "[ \$(wc -l <'$T/az.calls') -eq 1 ]"
VW_PATH=""
# shellcheck disable=SC2046
expect_exit 77 "no credential at all: 77" \
	vw "$VAULTWISE" export --out "$T/none" $(endpoints "$URL_A")

# ---- transport rule ----
start=$(date +%s)
expect_exit 64 "plain http to a host that is not loopback: 64" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/http" \
	--arm-endpoint http://10.255.255.1 --authority "$URL_A" --ca-bundle "$CA"
grep_ok "... saying why" "plain http is refused" "$T/err"
expect_exit 64 "... for the authority too" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/http" \
	--arm-endpoint "$URL_A" --authority http://192.0.2.1 --ca-bundle "$CA"
if [ $(($(date +%s) - start)) -le 2 ]; then
	ok "... before any connection is tried"
else
	not_ok "... before any connection is tried (took too long)"
fi
expect_exit 69 "TLS is verified: the emulator's CA is not trusted by default" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/untrusted" \
	--arm-endpoint "$URL_A" --authority "$URL_A" --retry-budget 2

# ---- refusals and failures ----
# shellcheck disable=SC2046
expect_exit 0 "403 on the job history: exit 0" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/nojobs" \
	$(endpoints "$URL_D")
grep_ok "... with a warning in the manifest" "cannot read backup jobs" \
	"$T/nojobs/manifest.json"
grep_ok "... and on stderr" "warning" "$T/err"
# shellcheck disable=SC2046
expect_exit 77 "everything denied: 77" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/denied" \
	$(endpoints "$URL_E")
# shellcheck disable=SC2046
expect_exit 69 "an endpoint that always fails: 69" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/fails" \
	$(endpoints "$URL_F") --retry-budget 2
grep_ok "... naming the request" "GET https://127.0.0.1:[0-9]+/subscriptions" \
	"$T/err"
# shellcheck disable=SC2046
expect_exit 75 "an endpoint that always throttles: 75 (rerun later)" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/throttled" \
	$(endpoints "$URL_G") --retry-budget 2
# shellcheck disable=SC2046
expect_exit 69 "an answer over 64 MiB once unpacked: 69, not read on" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/oversize" \
	$(endpoints "$URL_H")
grep_ok "... naming the request and the bound" \
	"list backup policies: GET https://127.0.0.1:[0-9]+/subscriptions/.*/backupPolicies.*: response larger than 64 MiB" \
	"$T/err"
# an endless chain of distinct nextLinks stops at the page cap, saying so
# shellcheck disable=SC2046
expect_exit 69 "a listing past --max-pages: 69, with a message" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/pages" \
	$(endpoints "$URL_A") --max-pages 1
grep_ok "... naming the listing, the cap and the option" \
	"nextLinks go on past 1 pages; stopped .*raise --max-pages" "$T/err"
# shellcheck disable=SC2046
expect_exit 0 "404s on policies, jobs, backup config and guard proxies" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/gone" \
	$(endpoints "$URL_I")
for part in "backup policies" "backup jobs" "backupconfig/vaultconfig" \
	"backupResourceGuardProxies"; do
	grep_ok "... each warned: $part" \
		"cannot read $part \\(HTTP 404 ResourceNotFound\\)" "$T/err"
done
grep_ok "... and the items that lost their policy link are named" \
	"names policy .*which the vault's policy list does not hold" "$T/err"
# shellcheck disable=SC2046
expect_exit 0 "a 404 on a vault's protected items" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/noitems" \
	$(endpoints "$URL_J")
grep_ok "... is warned, not a silent vault of 0 items" \
	"cannot read protected items \\(HTTP 404 ResourceNotFound\\); the vault is exported without items" \
	"$T/err"
check "nothing is written when an export fails" \
	test ! -e "$T/fails" -a ! -e "$T/throttled" -a ! -e "$T/denied" \
	-a ! -e "$T/oversize" -a ! -e "$T/pages"

# ---- a vault Azure gives no location for ----
cp -R "$SRC" "$T/noloc"
python3 "$VW_TOP/tests/e2e/snapedit.py" set "$T/noloc" vaults.csv \
	location 1 ""
emu K --snapshot "$T/noloc"
emu_wait K
# shellcheck disable=SC2046
expect_exit 0 "a vault without location is exported" \
	vw $(secret_env) "$VAULTWISE" export --out "$T/noloc-out" \
	$(endpoints "$URL_K")
grep_ok "... skipped, and said why" \
	"skipped: Azure gave no location for it" "$T/err"
expect_exit 0 "... into a snapshot vaultwise reads back" \
	"$VAULTWISE" plan "$T/noloc-out" --out "$T/noloc-plan"
check "... with the other vaults" test \
	"$(grep -c . "$T/noloc-out/vaults.csv")" -eq \
	"$(($(grep -c . "$SRC/vaults.csv") - 1))"

# ---- shards ----
for k in 0 1 2; do
	# shellcheck disable=SC2046
	vw $(secret_env) "$VAULTWISE" -q export --out "$T/shard$k" \
		--shard "$k/3" $(endpoints "$URL_A") --sizes "$T/sizes.csv"
done
expect_exit 0 "merge of --shard 0/3, 1/3, 2/3" \
	"$VAULTWISE" merge --out "$T/merged" "$T/shard0" "$T/shard1" \
	"$T/shard2"
check "... is byte for byte the single export" same_bytes "$T/plain" \
	"$T/merged"
python3 - "$T" <<'EOF'
import json, sys
t = sys.argv[1]
print("# subscriptions per shard: %s" % ", ".join(
    str(len(json.load(open("%s/shard%d/manifest.json" % (t, k)))
            ["subscriptions"])) for k in range(3)))
EOF
expect_exit 65 "merging a shard twice is refused" \
	"$VAULTWISE" merge --out "$T/twice" "$T/one" "$T/one"

# ---- retail prices ----
expect_exit 0 "prices fetch from the Retail Prices API" \
	vw "$VAULTWISE" prices fetch --region westeurope --currency EUR \
	--out "$T/prices.csv" --prices-endpoint "$URL_A/api/retail/prices" \
	--ca-bundle "$CA"
grep_ok "... Standard LRS per GB-month, the newer price" \
	"^westeurope,EUR,standard_lrs,1 GB/Month,0.019658,Azure Retail Prices API https://127.0.0.1:[0-9]+/api/retail/prices,[0-9-]+,published,Standard LRS Data Stored / Backup" \
	"$T/prices.csv"
grep_ok "... the VM protected instance" \
	"^westeurope,EUR,pi_vm,1/Month per 500 GB,8.776," "$T/prices.csv"
check "... eight meters, no reservation price" \
	sh -c "[ \$(grep -c '^westeurope,EUR,' '$T/prices.csv') -eq 8 ] && ! grep -q 1700 '$T/prices.csv'"
grep_ok "... and says which meters the API lacks" "archive_grs" "$T/err"
expect_exit 64 "prices fetch refuses a region that is not a name" \
	vw "$VAULTWISE" prices fetch --region "west' or 1 eq 1" \
	--out "$T/p2.csv" --prices-endpoint "$URL_A/api/retail/prices" \
	--ca-bundle "$CA"

# ---- run exports by itself when credentials are configured ----
# shellcheck disable=SC2046
expect_exit 0 "run with Azure credentials in the environment exports first" \
	vw VAULTWISE_DATA="$VW_TOP/data" $(secret_env) "$VAULTWISE" run \
	--out "$T/run" $(endpoints "$URL_A") --sizes "$T/sizes.csv"
grep_ok "... and says so" "exporting from Azure into $T/run/snapshot" "$T/err"
check "... its snapshot is the estate" same_estate "$SRC" "$T/run/snapshot"
for f in model.json plan/plan.csv rpo_rto.csv posture.csv report/report.html; do
	check "... and it wrote $f" test -s "$T/run/$f"
done

finish
