# estates.sh: the benchmark estates, sourced by plan.sh and peers.sh after
# tests/e2e/lib.sh: `estate NAME ITEMS VAULTS` makes (once, cached under
# build/bench-data) a sample estate and its fitted model NAME.model.json.
DATA="$VW_TOP/build/bench-data"
mkdir -p "$DATA"

estate() { # NAME ITEMS VAULTS
	if [ ! -f "$DATA/$1/manifest.json" ]; then
		"$VAULTWISE" sample --out "$DATA/$1" --items "$2" \
			--vaults "$3" >/dev/null 2>&1 || return 1
	fi
	[ -f "$DATA/$1.model.json" ] ||
		"$VAULTWISE" fit "$DATA/$1" --out "$DATA/$1.model.json" \
			>/dev/null 2>&1
}
