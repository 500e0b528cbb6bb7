#!/bin/sh
# sdk.sh: Microsoft's Python SDK (Debian python3-azure, under
# /usr/bin/python3) reads every operation vaultwise reads from the ARM
# emulator serving a sample estate (with archive restores listed as
# RestoreWithRehydrate, a soft-deleted item and a vault without security
# settings), at the SDK's default api-versions: zero deserialisation
# errors (tests/e2e/sdk_read.py prints one TAP line per operation).
# scripts/deps.sh installs python3-azure; without it this skips, saying so.
. tests/e2e/lib.sh

SDKPY=/usr/bin/python3
if ! "$SDKPY" -c 'import azure.mgmt.recoveryservicesbackup.activestamp, azure.mgmt.recoveryservices, azure.mgmt.dataprotection, azure.mgmt.resource' 2>/dev/null; then
	echo "ok 1 # SKIP Microsoft's Python SDK (Debian python3-azure) is not installed for $SDKPY: run scripts/deps.sh as root"
	echo "1..1"
	exit 0
fi

EMU_PID=""
trap '[ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; rm -rf "$T"' EXIT
SECRET="vw-sdk-secret-$$"
CLIENT=0a5e7c3d-5b2f-4c1e-9a7b-3c2d1e0f9a8b
SRC="$T/src"
"$VAULTWISE" sample -q --out "$SRC" --items 24 --vaults 4 --seed 11
python3 "$VW_TOP/tests/e2e/snapedit.py" rehydrate "$SRC" >/dev/null
python3 "$VW_TOP/tests/e2e/snapedit.py" set "$SRC" items.csv soft_deleted 2 \
	true
for col in immutability soft_delete soft_delete_days \
	cross_subscription_restore; do
	python3 "$VW_TOP/tests/e2e/snapedit.py" set "$SRC" vaults.csv "$col" 2 ""
done
TENANT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tenant_id"])' "$SRC/manifest.json")
python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$SRC" --port 0 \
	--port-file "$T/emu.port" --client-secret "$SECRET" \
	--read-bucket 100000/10000 2>"$T/emu.err" &
EMU_PID=$!
URL=$(emu_url "$T/emu.port")

# sdk_read.py prints its own TAP; renumber it into this script's.
"$SDKPY" "$VW_TOP/tests/e2e/sdk_read.py" "$URL" \
	"$VW_TOP/tests/emulator/certs/ca.pem" "$TENANT" "$CLIENT" "$SECRET" \
	>"$T/sdk.out" 2>&1
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "SDK: ${line#ok [0-9]* - }" ;;
	"not ok "*) not_ok "SDK: ${line#not ok [0-9]* - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$T/sdk.out"
check "the SDK read every listed operation with zero errors (exit $rc)" \
	test "$rc" -eq 0
for op in subscriptions.list vaults.get backup_resource_vault_configs.get \
	resource_guard_proxies.get resource_guards.get backup_policies.list \
	backup_protected_items.list recovery_points.list \
	recovery_points_recommended_for_move.list backup_jobs.list \
	job_details.get backup_vaults.get_in_subscription backup_vaults.get \
	dp_backup_policies.list backup_instances.list; do
	grep_ok "... including $op" "^ok [0-9]+ - $op" "$T/sdk.out"
done
# stop the emulator so that it writes its spec summary before finish
kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID"
EMU_PID=""
finish
