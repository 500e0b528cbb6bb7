# apply_lib.sh: what the apply tests (apply.sh, apply_bulk.sh,
# apply_safety.sh) share, sourced after lib.sh and emulator_tests: the
# emulator's secret and the plan's as-of, emulators with request and moves
# logs, apply with the emulator's credentials in a clean environment, and
# apply_tool.py's counts.
SECRET="vw-apply-secret-$$"
TOOL="$VW_TOP/tests/e2e/apply_tool.py"
AS_OF=2026-11-01
FAST="--write-bucket 100000/10000 --read-bucket 100000/10000 --async-retry-after 0"
SRC="$T/src"

# emu NAME SNAPSHOT ARGS...: an emulator serving SNAPSHOT with request and
# moves logs ($T/NAME.req, $T/NAME.moves); emu_wait NAME... sets URL_NAME.
emu() {
	name=$1
	snap=$2
	shift 2
	python3 "$VW_TOP/tests/emulator/armemu.py" --snapshot "$snap" \
		--port 0 --port-file "$T/$name.port" --client-secret "$SECRET" \
		--request-log "$T/$name.req" --moves-log "$T/$name.moves" \
		$FAST "$@" 2>"$T/$name.emu" &
	EMU_PIDS="$EMU_PIDS $!"
}
emu_wait() {
	for name in "$@"; do
		eval "URL_$name=$(emu_url "$T/$name.port")"
	done
}

# vw [VAR=VALUE...] vaultwise ARGS: in a clean environment, no Azure CLI
vw() {
	env -i PATH=/usr/bin:/bin HOME="$T" AZURE_CONFIG_DIR="$T/noaz" \
		VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 "$@"
}

# apply URL PLANDIR ARGS...: apply with the emulator's credentials
apply() {
	url=$1
	shift
	vw AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID=$CLIENT \
		AZURE_CLIENT_SECRET="$SECRET" "$VAULTWISE" apply "$@" \
		--arm-endpoint "$url" --authority "$url" --ca-bundle "$CA" \
		--as-of $AS_OF --write-bucket 100000/10000 --poll-interval 0.05
}

tool() { python3 "$TOOL" "$@"; }
writes() { tool writes "$T/$1.req"; }
outcome() { # outcome RESULTS OUTCOME: how many rows have it
	tool outcomes "$1" | awk -v o="$2" '$1 == o { n = $2 } END { print n + 0 }'
}
