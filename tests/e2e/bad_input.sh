#!/bin/sh
# bad_input.sh: the bad-input suite. Runs every case directory
# tests/bad/NNNN-name/ (see tests/bad/README.md) and prints one TAP line
# per case: the exit code is the documented one, stderr says what the
# case's `expect` patterns say (the file, line and column, or the flag),
# and no output is left behind: $OUT does not exist afterwards (or is
# unchanged when the case made it), no temporary twin (.NAME.tmp.PID) is
# left anywhere in the case's scratch directory, and the working directory
# (where default outputs go) stays empty.
# Usage: sh tests/e2e/bad_input.sh [CASE-PREFIX...]  (e.g. 0012 0040-)
. tests/e2e/lib.sh

BAD="$VW_TOP/tests/bad"
SAMPLE="$VW_TOP/data/sample"
# The Azure credential chain and the data directory come from the
# environment: start every case from none of it.
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET \
	AZURE_CLIENT_CERTIFICATE_PATH AZURE_CLIENT_CERTIFICATE_PASSWORD \
	AZURE_AUTHORITY_HOST AZURE_FEDERATED_TOKEN_FILE IDENTITY_ENDPOINT \
	IDENTITY_HEADER MSI_ENDPOINT MSI_SECRET VAULTWISE_DATA
# ... and none of the machine's: no managed identity, no Azure CLI login.
export VAULTWISE_IMDS_ENDPOINT=http://127.0.0.1:9 AZURE_CONFIG_DIR="$T/noaz"
TIMEOUT=
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout 20"

# ---- helpers for the cases' mutate scripts (run inside $SNAP) ----

# setfield FILE LINE COLUMN VALUE: sets one field, the column named by the
# header (the base snapshot has no quoted fields; CRLF line ends are kept).
setfield() {
	awk -F, -v OFS=, -v line="$2" -v col="$3" -v val="$4" '
		{ cr = sub(/\r$/, "") }
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i
			  if (!c) { print "no column " col > "/dev/stderr"
				    exit 2 } }
		NR == line { $c = val }
		{ printf "%s%s\n", $0, cr ? "\r" : "" }' "$1" >"$1.new" &&
		mv "$1.new" "$1"
}
# dropcol FILE COLUMN: removes a column from the header and every row.
dropcol() {
	awk -F, -v OFS=, -v col="$2" '
		{ cr = sub(/\r$/, "") }
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i
			  if (!c) { print "no column " col > "/dev/stderr"
				    exit 2 } }
		{ out = ""; for (i = 1; i <= NF; i++) if (i != c)
			out = out (out == "" ? "" : OFS) $i
		  printf "%s%s\n", out, cr ? "\r" : "" }' "$1" >"$1.new" &&
		mv "$1.new" "$1"
}
# reseal: rewrites manifest.json's rows, counts and SHA-256 for the CSVs
# as they are now, so that a case tests its one change, not the checksum.
reseal() {
	for f in *.csv; do
		rows=$(awk 'END { print (NR > 0 ? NR - 1 : 0) }' "$f")
		sum=$(sha256sum "$f" | cut -d' ' -f1)
		echo "$f $rows $sum"
	done >.sums
	awk 'FNR == NR { rows[$1] = $2; sha[$1] = $3
			 n = $1; sub(/\.csv$/, "", n); count[n] = $2; next }
	     /"counts": \{/ { incounts = 1 }
	     /"files": \{/ { incounts = 0 }
	     incounts && match($0, /"[a-z_]+": [0-9]+/) {
		k = $0; sub(/^ *"/, "", k); sub(/".*/, "", k)
		if (k in count) sub(/[0-9]+/, count[k])
	     }
	     match($0, /"[a-z_]+\.csv": \{/) {
		cur = $0; sub(/^ *"/, "", cur); sub(/".*/, "", cur)
	     }
	     cur != "" && /"rows": / { sub(/[0-9]+/, rows[cur]) }
	     cur != "" && /"sha256": / {
		sub(/"sha256": "[0-9a-f]*"/, "\"sha256\": \"" sha[cur] "\"")
		cur = ""
	     }
	     { print }' .sums manifest.json >manifest.json.new &&
		mv manifest.json.new manifest.json && rm -f .sums
}
# lf FILE: LF line ends (the base snapshot has CRLF, as vaultwise writes);
# bom FILE: a UTF-8 byte-order mark in front.
lf() { tr -d '\r' <"$1" >"$1.new" && mv "$1.new" "$1"; }
bom() { { printf '\357\273\277'; cat "$1"; } >"$1.new" && mv "$1.new" "$1"; }

# ---- the runner ----

# fingerprint DIR-OR-FILE: names and contents, to tell "unchanged".
fingerprint() {
	[ -e "$1" ] || { echo absent; return; }
	(cd "$(dirname "$1")" && find "$(basename "$1")" -print |
		LC_ALL=C sort | while read -r p; do
			if [ -f "$p" ]; then sha256sum "$p"; else echo "$p"; fi
		done)
}

# run_case DIR: one TAP line.
run_case() {
	IN=$1
	name=$(basename "$IN")
	TMP="$T/$name"
	SNAP="$TMP/snap"
	OUT="$TMP/out"
	mkdir -p "$TMP/cwd"
	cp -R "$BAD/base-snapshot" "$SNAP"
	export IN TMP SNAP OUT SAMPLE
	problems=
	if [ -f "$IN/setup" ] &&
		! (cd "$TMP" && set -e && . "$IN/setup") >"$TMP/setup.log" 2>&1
	then
		problems="setup failed: $(head -n 3 "$TMP/setup.log")"
	fi
	if [ -f "$IN/mutate" ] &&
		! (cd "$SNAP" && set -e && . "$IN/mutate") \
			>"$TMP/mutate.log" 2>&1
	then
		problems="mutate failed: $(head -n 3 "$TMP/mutate.log")"
	fi
	before=$(fingerprint "$OUT")
	line=$(sed -n 1p "$IN/cmd")
	# NAME=value words before the command are its environment.
	(
		cd "$TMP/cwd" || exit 99
		eval "set -- $line"
		while :; do
			case $1 in
			[A-Za-z_]*=*) export "$1"; shift ;;
			*) break ;;
			esac
		done
		exec $TIMEOUT "$VAULTWISE" "$@"
	) >"$TMP/stdout" 2>"$TMP/stderr" </dev/null
	got=$?
	want=$(sed -n 1p "$IN/expect")
	[ "$got" -eq "$want" ] || problems="$problems
exit $got, wanted $want"
	sed 1d "$IN/expect" | while IFS= read -r pat; do
		case $pat in
		'') ;;
		'!'*)
			grep -Eq -- "${pat#!}" "$TMP/stderr" &&
				echo "stderr has '${pat#!}'"
			;;
		*)
			grep -Eq -- "$pat" "$TMP/stderr" ||
				echo "stderr lacks '$pat'"
			;;
		esac
	done >"$TMP/patterns"
	[ -s "$TMP/patterns" ] && problems="$problems
$(cat "$TMP/patterns")"
	after=$(fingerprint "$OUT")
	if [ "$want" -eq 0 ]; then
		: # a positive control: its output is the point
	elif [ "$before" = absent ] && [ "$after" != absent ]; then
		problems="$problems
left an output: $(cd "$TMP" && find out | head -n 5 | tr '\n' ' ')"
	elif [ "$before" != "$after" ]; then
		problems="$problems
changed $OUT, which the case made"
	fi
	twins=$(find "$TMP" "$IN" -name '.*.tmp.*' 2>/dev/null | head -n 5)
	case $line in *'$SAMPLE'*)
		twins="$twins$(find "$SAMPLE" -name '.*.tmp.*' | head -n 5)" ;;
	esac
	[ -n "$twins" ] && problems="$problems
left temporary files: $twins"
	[ -n "$(ls -A "$TMP/cwd")" ] && problems="$problems
wrote into the working directory: $(ls -A "$TMP/cwd" | head -n 5)"
	if [ -z "$problems" ]; then
		ok "$name (exit $got)"
	else
		not_ok "$name"
		echo "# \$ vaultwise $line" | sed "s#\$IN#$IN#g"
		printf '%s\n' "$problems" | sed '/^$/d; s/^/# /'
		sed 's/^/# stderr: /' "$TMP/stderr" | head -n 8
	fi
	# keep the scratch space small: the next case starts from nothing
	rm -rf "$TMP"
}

cases=$(ls -d "$BAD"/[0-9][0-9][0-9][0-9]-*/ | sed 's#/$##')
if [ $# -gt 0 ]; then
	pick=
	for c in $cases; do
		for want in "$@"; do
			case $(basename "$c") in
			"$want"*) pick="$pick $c" ;;
			esac
		done
	done
	cases=$pick
fi
for c in $cases; do
	run_case "$c"
done
finish
