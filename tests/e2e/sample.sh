# sample.sh: `vaultwise sample` end to end: it regenerates the committed
# data/sample byte for byte, its manifest's checksums hold, usage errors
# exit 64, a directory vaultwise did not write is left alone (73), and
# --help works.
. tests/e2e/lib.sh
SAMPLE="$VW_TOP/data/sample"

# same_tree A B: both directories hold the same files with the same bytes.
same_tree() {
	[ "$(ls -A "$1")" = "$(ls -A "$2")" ] || return 1
	for f in $(ls -A "$1"); do
		cmp -s "$1/$f" "$2/$f" || { echo "differs: $f"; return 1; }
	done
}

# manifest_sums_hold DIR: every CSV's SHA-256 is the one its manifest lists.
manifest_sums_hold() {
	for f in vaults policies items recovery_points jobs guards; do
		want=$(grep -A2 "\"$f.csv\"" "$1/manifest.json" |
			sed -n 's/.*"sha256":[^"]*"\([0-9a-f]*\)".*/\1/p')
		got=$(sha256sum "$1/$f.csv" | cut -d' ' -f1)
		[ -n "$want" ] && [ "$want" = "$got" ] ||
			{ echo "$f.csv: manifest $want, file $got"; return 1; }
	done
}

check "data/sample matches the checksums in its manifest" \
	manifest_sums_hold "$SAMPLE"
check "sample with the defaults writes a snapshot" \
	"$VAULTWISE" -q sample --out "$T/s"
check "it is data/sample, byte for byte" same_tree "$SAMPLE" "$T/s"
check "the defaults spelled out give the same files" \
	"$VAULTWISE" -q sample --out "$T/s2" --vaults 12 --items 240 \
	--seed 42 --as-of 2026-11-01T00:00:00Z \
	--hazard 4e-07,0.0002,1,1.3
check "... byte for byte" same_tree "$SAMPLE" "$T/s2"
check "rerunning over its own output works" \
	"$VAULTWISE" -q sample --out "$T/s" --seed 7 --items 40
grep_ok "the manifest records the generator options" \
	'"generator":.*seed=7 vaults=12 items=40 hazard=B:4e-07' \
	"$T/s/manifest.json"
check "--as-of moves the estate" \
	"$VAULTWISE" -q sample --out "$T/asof" --items 20 --as-of 2027-03-15
grep_ok "exported_at is the as-of" \
	'"exported_at":[^"]*"2027-03-15T00:00:00Z"' "$T/asof/manifest.json"

expect_exit 64 "an unknown option is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --bogus
grep_ok "... that names the option" "--bogus" "$T/err"
expect_exit 64 "--items 0 is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --items 0
expect_exit 64 "a hazard with three numbers is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --hazard 1e-6,2e-4,1
expect_exit 64 "a hazard that is not numbers is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --hazard a,b,c,d
expect_exit 64 "a negative hazard floor is a usage error" \
	"$VAULTWISE" sample --out "$T/u" --hazard=-1,2e-4,1,1.3
grep_ok "... that says what a hazard is" "B,K,c,p" "$T/err"
expect_exit 64 "--out is required" "$VAULTWISE" sample --items 5
[ ! -e "$T/u" ] && ok "no output after a usage error" ||
	not_ok "no output after a usage error"

mkdir "$T/mine"
echo "my notes" >"$T/mine/notes.txt"
expect_exit 73 "a directory vaultwise did not write is not replaced" \
	"$VAULTWISE" sample --out "$T/mine" --items 5
grep_ok "... and the message says why" "not written by vaultwise" "$T/err"
[ "$(ls -A "$T/mine")" = "notes.txt" ] &&
	[ "$(cat "$T/mine/notes.txt")" = "my notes" ] &&
	[ -z "$(ls -A "$T" | grep '^\.mine\.tmp')" ] &&
	ok "... it is left untouched, with no temporary left behind" ||
	not_ok "... it is left untouched, with no temporary left behind"

expect_exit 0 "--help works" "$VAULTWISE" sample --help
grep_ok "... and shows the usage" "usage: vaultwise sample --out DIR" \
	"$T/out"
expect_exit 0 "vaultwise help sample works" "$VAULTWISE" help sample
grep_ok "... and lists --hazard" "--hazard B,K,c,p" "$T/out"
finish
