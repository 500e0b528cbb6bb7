#!/bin/sh
# peers.sh (bench): where vaultwise stands against the hardware and against
# the tools a user would pick instead, on the plan benchmark's estates
# (1M and 5M points, tests/bench/estates.sh): `cat` of
# the snapshot's CSV files (the page cache's speed), a reference scanner
# that parses every field of every point and nothing more
# (build/bench/refscan, tests/bench/refscan.c), vaultwise's parse-only
# pass, `plan`, `fit` and `run` (the monthly batch: fit, plan, check,
# audit, report), and the per-point decision without the VM set
# rule in DuckDB (npm @duckdb/node-api, tests/bench/peers/decision.sql)
# and in pandas (Debian python3-pandas, tests/bench/peers/decision.py).
# Best of three runs each, taken in turn. A peer that cannot be installed
# is reported as skipped.
. tests/e2e/lib.sh
. tests/bench/estates.sh
M="python3 $VW_TOP/tests/bench/measure.py"
PEERS="$VW_TOP/tests/bench/peers"
NODE="$DATA/node"

duckdb_ready() {
	command -v node >/dev/null 2>&1 || return 1
	if [ ! -d "$NODE/node_modules/@duckdb/node-api" ]; then
		mkdir -p "$NODE" &&
		npm install --prefix "$NODE" --no-audit --no-fund \
			@duckdb/node-api@1.5.6-r.1 >/dev/null 2>&1 || return 1
	fi
	cp "$PEERS/duckdb.mjs" "$PEERS/decision.sql" "$NODE/"
}

pandas_ready() {
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pandas' \
		2>/dev/null && return 0
	sh "$VW_TOP/scripts/deps.sh" python3-pandas >/dev/null 2>&1 &&
		/usr/bin/python3 -c 'import pandas' 2>/dev/null
}

# best3 CMD...: the best "SECONDS MB" of three runs.
best3() {
	b=""
	for run in 1 2 3; do
		r=$($M "$@" 2>/dev/null) || return 1
		b=$(printf '%s\n%s\n' "$b" "$r" | awk 'NF' | sort -n | head -1)
	done
	echo "$b"
}

row() { # WHAT ESTATE RESULT BASE_SECONDS [TARGET]
	set -- "$1" "$2" $3 "$4" "${5:-(shown)}"
	ratio=$(awk -v a="$3" -v b="$5" 'BEGIN { printf "%.2f", a / b }')
	echo "# $2 $1: $3 s, $4 MB, $ratio x the reference scanner"
	echo "# TABLE|$1 ($2)|$3 s|refscan $5 s|$ratio|$6|$4 MB"
}

duckdb_ready || echo "# skip: DuckDB (node or npm @duckdb/node-api missing)"
pandas_ready || echo "# skip: pandas (python3-pandas missing)"
for e in "1m 12000 40" "5m 58000 120"; do
	set -- $e
	e=$1
	S="$DATA/$e"
	estate "$@" || { not_ok "generate the $e estate"; continue; }
	asof=$(sed -n 's/.*"exported_at":[^"]*"\([^"]*\)".*/\1/p' "$S/manifest.json")
	cat_s=$(best3 sh -c "cat $S/*.csv") || not_ok "cat $e"
	ref=$(best3 "$VW_TOP/build/bench/refscan" "$S") || not_ok "refscan $e"
	set -- $ref
	base=$1
	row "cat of the CSV files" "$e" "$cat_s" "$base"
	row "reference scanner (points)" "$e" "$ref" "$base"
	r=$(best3 "$VW_TOP/build/bench/parse_only" "$S") &&
		row "vaultwise parse-only (points, jobs, SHA-256)" "$e" "$r" "$base"
	r=$(best3 "$VAULTWISE" plan "$S" --model "$DATA/$e.model.json" \
		--out "$T/plan-$e") && row "vaultwise plan" "$e" "$r" "$base"
	plan_s=$(echo "$r" | cut -d' ' -f1)
	r=$(best3 "$VAULTWISE" fit "$S" --out "$T/model-$e.json") &&
		row "vaultwise fit" "$e" "$r" "$base"
	goal="(shown)"
	[ "$e" = 5m ] && goal="run <= 8 s"
	r=$(best3 "$VAULTWISE" run --snapshot "$S" --out "$T/run-$e" -q) &&
		row "vaultwise run (fit, plan, check, audit, report)" "$e" \
			"$r" "$base" "$goal"
	if [ -f "$NODE/duckdb.mjs" ]; then
		r=$(best3 node "$NODE/duckdb.mjs" "$S" "${asof%Z}" \
			"$T/duckdb-$e.csv") && row "DuckDB decision" "$e" "$r" "$base"
		d=$(echo "$r" | cut -d' ' -f1)
		echo "# $e: DuckDB takes $(awk -v a="$d" -v b="$plan_s" 'BEGIN { printf "%.2f", a / b }')x the time of plan (target >= 5)"
	fi
	if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
		r=$(best3 /usr/bin/python3 "$PEERS/decision.py" "$S" "$asof" \
			"$T/pandas-$e.csv") && row "pandas decision" "$e" "$r" "$base"
		d=$(echo "$r" | cut -d' ' -f1)
		echo "# $e: pandas takes $(awk -v a="$d" -v b="$plan_s" 'BEGIN { printf "%.2f", a / b }')x the time of plan (target >= 20)"
	fi
	rm -rf "$T/plan-$e" "$T/run-$e" "$T"/*-"$e".csv "$T/model-$e.json"
done
ok "peers measured"
finish
