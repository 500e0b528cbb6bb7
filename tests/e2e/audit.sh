# audit.sh: `vaultwise audit` on the bundled sample estate (data/sample):
# posture.csv columns in SPEC order, one row per vault and rule, the same
# bytes on a second run, every failing row with evidence and a fix, each
# rule failing somewhere and some vault passing everything, --fail-on,
# --targets, --plan and the usage errors.
. tests/e2e/lib.sh

SAMPLE="${VW_SAMPLE:-$VW_TOP/data/sample}"
NRULES=10
NBV_RULES=8 # Backup vaults: 7 of the 10, plus instance-protection

# csv_rows FILE: the rows of an RFC 4180 file as tab-separated fields
# (header included; fields hold no tabs or newlines).
csv_rows() {
	awk '
	function split_csv(line, f,    n, i, c, q, field) {
		n = 0; field = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") {
						field = field "\""; i++
					} else q = 0
				} else field = field c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = field; field = "" }
			else field = field c
		}
		f[++n] = field
		return n
	}
	{
		sub(/\r$/, "")
		n = split_csv($0, f)
		out = f[1]
		for (i = 2; i <= n; i++) out = out "\t" f[i]
		print out
	}' "$1"
}

# col NAME FILE: the values of column NAME of a tab-separated table.
col() {
	awk -F '\t' -v name="$1" '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
	{ print $c }' "$2"
}

if [ ! -f "$SAMPLE/manifest.json" ]; then
	not_ok "data/sample exists (merge the sample branch)"
	finish
	exit 1
fi

cat >"$T/targets.csv" <<'EOF'
target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days
vm-4h,workload,AzureVM,snapshot,4,8,
EOF

expect_exit 0 "audit writes posture.csv" \
	"$VAULTWISE" audit "$SAMPLE" --out "$T/posture.csv" \
	--targets "$T/targets.csv"
cp "$T/out" "$T/scores.txt"
check "posture.csv exists" test -s "$T/posture.csv"
csv_rows "$T/posture.csv" >"$T/posture.tsv"

head -n 1 "$T/posture.tsv" | cut -f 1-6 >"$T/head6"
printf 'vault_id\trule_id\tseverity\tstatus\tevidence\tfix\n' >"$T/want6"
check "the six SPEC columns come first, in order" cmp "$T/head6" "$T/want6"
grep_ok "then vault_name, subscription_id, reference, detail" \
	"^([^	]*	){6}vault_name	subscription_id	reference	detail" \
	"$T/posture.tsv"

nvaults=$(csv_rows "$SAMPLE/vaults.csv" | tail -n +2 | wc -l)
nbv=$(csv_rows "$SAMPLE/backup_vaults.csv" | tail -n +2 | wc -l)
nrows=$(tail -n +2 "$T/posture.tsv" | wc -l)
check "one row per vault and rule ($nvaults vaults, $nbv Backup vaults)" \
	test "$nrows" -eq $((nvaults * NRULES + nbv * NBV_RULES))
check "... the Backup vaults' rows say so in vault_kind" test \
	"$(col vault_kind "$T/posture.tsv" | grep -c '^BackupVault$')" \
	-eq $((nbv * NBV_RULES))

# Vaults in vaults.csv order, then backup_vaults.csv's, each with the
# rules in the fixed order.
{ csv_rows "$SAMPLE/vaults.csv" | col vault_id /dev/stdin
  csv_rows "$SAMPLE/backup_vaults.csv" | col vault_id /dev/stdin
} >"$T/vault_order"
col vault_id "$T/posture.tsv" | uniq >"$T/posture_order"
check "vaults in vaults.csv order, then backup_vaults.csv's" \
	cmp "$T/vault_order" "$T/posture_order"
col rule_id "$T/posture.tsv" | head -n $NRULES >"$T/rules"
printf '%s\n' immutable-vault soft-delete mua-resource-guard \
	enhanced-policy smart-tiering redundancy-crr \
	cross-subscription-restore public-network-access \
	customer-managed-keys job-failure-alerts >"$T/want_rules"
check "rules in the fixed order" cmp "$T/rules" "$T/want_rules"

expect_exit 0 "a second run" \
	"$VAULTWISE" audit "$SAMPLE" --out "$T/posture2.csv" \
	--targets "$T/targets.csv"
check "the second run writes the same bytes" \
	cmp "$T/posture.csv" "$T/posture2.csv"
check "and prints the same scores" cmp "$T/scores.txt" "$T/out"

awk -F '\t' 'NR > 1 && ($3 !~ /^(high|medium|low|info)$/ ||
	$4 !~ /^(pass|fail)$/) { print; bad = 1 } END { exit bad }' \
	"$T/posture.tsv" >"$T/badvals"
check "severity and status take SPEC values" test ! -s "$T/badvals"
awk -F '\t' 'NR > 1 && $4 == "fail" && ($5 == "" || $6 == "") \
	{ print }' "$T/posture.tsv" >"$T/nofix"
check "every failing row has evidence and a fix" test ! -s "$T/nofix"
awk -F '\t' 'NR > 1 && $4 == "pass" && $3 != "info" { print }' \
	"$T/posture.tsv" >"$T/passsev"
check "passing rows carry severity info" test ! -s "$T/passsev"
awk -F '\t' 'NR > 1 && ($5 == "" || $9 == "" || $10 == "") { print }' \
	"$T/posture.tsv" >"$T/noref"
check "every row has evidence, a reference and a detail" \
	test ! -s "$T/noref"

for rule in $(cat "$T/want_rules"); do
	if awk -F '\t' -v r="$rule" '$2 == r && $4 == "fail" { f = 1 }
		END { exit !f }' "$T/posture.tsv"; then
		ok "the sample fails $rule somewhere"
	else
		not_ok "the sample fails $rule somewhere"
	fi
done
awk -F '\t' 'NR > 1 { n[$1]++; if ($4 == "pass") p[$1]++ }
	END { for (v in n) if (p[v] == n[v]) c++; print c + 0 }' \
	"$T/posture.tsv" >"$T/allpass"
if [ "$(cat "$T/allpass")" -gt 0 ]; then
	ok "some vault passes everything"
else
	not_ok "some vault passes everything"
	# The vaults closest to it, with what they fail.
	awk -F '\t' 'NR > 1 && $4 == "fail" { f[$7] = f[$7] " " $2; n[$7]++ }
		END { for (v in n) if (n[v] == 1) print "# " v ":" f[v] }' \
		"$T/posture.tsv" | sort
fi

grep_ok "a score line per vault" \
	'^rsv-[a-z0-9-]+ +[0-9]+/10 passed  score +[0-9]+/100  high:[0-9]+ medium:[0-9]+ low:[0-9]+' \
	"$T/scores.txt"
check "one score line per vault, then the total" \
	test "$(wc -l <"$T/scores.txt")" -eq $((nvaults + nbv + 1))
grep_ok "a total line" '^all vaults +[0-9]+/[0-9]+ passed  mean score' \
	"$T/scores.txt"
awk -F '\t' 'NR > 1 && $4 == "pass" { p[$7]++ } NR > 1 { p[$7] += 0 }
	END { for (v in p) print v, p[v] }' "$T/posture.tsv" | sort >"$T/csv_pass"
awk '$1 != "all" { split($2, a, "/"); print $1, a[1] }' "$T/scores.txt" |
	sort >"$T/line_pass"
check "the score lines agree with posture.csv" \
	cmp "$T/csv_pass" "$T/line_pass"

expect_exit 1 "--fail-on high exits 1 on the sample" \
	"$VAULTWISE" audit "$SAMPLE" --out "$T/p3.csv" --fail-on high
check "and still writes posture.csv" test -s "$T/p3.csv"
expect_exit 64 "--fail-on with a bad severity exits 64" \
	"$VAULTWISE" audit "$SAMPLE" --out "$T/p4.csv" --fail-on critical
grep_ok "naming the allowed values" "expected high, medium, low or info" \
	"$T/err"
check "and writes nothing" test ! -e "$T/p4.csv"
expect_exit 64 "a missing SNAPSHOT exits 64" "$VAULTWISE" audit
expect_exit 66 "a snapshot that does not exist exits 66" \
	"$VAULTWISE" audit "$T/nowhere" --out "$T/p5.csv"

# --plan: the saving of an untiered long-term policy from the plan.
csv_rows "$SAMPLE/policies.csv" >"$T/policies.tsv"
pid=$(awk -F '\t' '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["tiering_mode"] ~ /^(None|DoNotTier)$/ &&
	$c["workload"] ~ /^(AzureVM|SQL|HANA)$/ &&
	($c["monthly_keep_months"] >= 9 || $c["yearly_keep_years"] >= 1) \
		{ print $c["policy_id"]; exit }' "$T/policies.tsv")
check "the sample has an untiered long-term policy" test -n "$pid"
mkdir -p "$T/plan"
cat >"$T/plan/policy_changes.csv" <<EOF
policy_id,vault_id,vault_name,policy_name,workload,current_tiering,proposed_tiering,duration,duration_type,saving_total,currency,reason
$pid,v,rsv,p,AzureVM,None,TierAfter,3,Months,123.45,EUR,saves 123.45 EUR
EOF
expect_exit 0 "audit --plan" \
	"$VAULTWISE" audit "$SAMPLE" --out "$T/p6.csv" --plan "$T/plan"
csv_rows "$T/p6.csv" >"$T/p6.tsv"
grep_ok "the plan's saving is in the evidence" \
	"smart-tiering	low	fail	[^	]*saving 123\.45 EUR" "$T/p6.tsv"
grep_ok "and in saving_total, currency" "	123\.45	EUR	RecoveryServices$" \
	"$T/p6.tsv"
expect_exit 66 "--plan without policy_changes.csv exits 66" \
	"$VAULTWISE" audit "$SAMPLE" --out "$T/p7.csv" --plan "$T/nowhere"
grep_ok "naming the file" "policy_changes.csv" "$T/err"

finish
