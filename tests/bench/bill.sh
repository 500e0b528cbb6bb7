#!/bin/sh
# bill.sh (bench): reading a Cost Management export of about 1 GB, 5M
# rows of other services (quoted fields, a quoted line end now and then)
# and a sample's Backup charges, as plan --costs does (bill_read, through
# build/bench/bill_only), next to `wc -l` on the same file; each timed by
# its best of five runs, the file in the page cache. Checks the Backup
# charges are all found, the time within 1.5x of wc -l (issue 13's
# target; the ratio is printed either way) and peak memory flat: the
# same, within 10%, on a file a tenth as long. The export is cached under
# build/bench-data (about 1.1 GB).
. tests/e2e/lib.sh
BILL="$VW_TOP/build/bench/bill_only"
M="python3 $VW_TOP/tests/bench/measure.py"
DATA="$VW_TOP/build/bench-data/bill"
mkdir -p "$DATA"

"$VAULTWISE" sample -q --out "$T/S" --bill "$T/B"
# export ROWS FILE: ROWS rows of other services, then the Backup rows
export_file() {
	[ -s "$2" ] && return 0
	python3 - "$1" "$T/B/usage-details.csv" "$2.tmp" <<'PY' || return 1
import sys
rows, backup, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = open(backup, newline="").read().split("\r\n")
meters = (("Virtual Machines", "D4s v5"), ("Storage", "Hot LRS Data Stored"),
          ("Azure App Service", "P1v3 App"), ("Bandwidth", "Data Transfer Out"),
          ("SQL Database", "vCore"))
with open(out, "w", newline="") as f:
    f.write(lines[0] + "\r\n")
    chunk = []
    for i in range(rows):
        cat, meter = meters[i % 5]
        note = '"multi\r\nline"' if i % 1000 == 7 else "x"
        chunk.append(
            '10/%02d/2026,EUR,6af463bb-47d4-49c7-bcae-4199142ccb98,rg-%d,'
            '/subscriptions/6af463bb-47d4-49c7-bcae-4199142ccb98/'
            'resourceGroups/rg-%d/providers/Microsoft.Compute/'
            'virtualMachines/vm-%07d,westeurope,"%s","%s",24,0.04,%d.5,'
            '0.05,Usage,%s\r\n' % (1 + i % 28, i % 97, i % 97, i, cat,
                                   meter, i % 100, note))
        if len(chunk) == 20000:
            f.write("".join(chunk))
            chunk = []
    f.write("".join(chunk))
    f.write("\r\n".join(l for l in lines[1:] if l) + "\r\n")
PY
	mv "$2.tmp" "$2"
}

# best "SECONDS MB" "SECONDS MB": the shorter time, the larger memory
best() {
	[ -n "$2" ] || return 1
	[ -n "$1" ] || { echo "$2"; return 0; }
	echo "$1 $2" | awk '{ printf "%s %s\n", ($1 < $3 ? $1 : $3), \
		($2 > $4 ? $2 : $4) }'
}

export_file 5000000 "$DATA/5m.csv" || not_ok "generate the 5M-row export"
export_file 500000 "$DATA/500k.csv" || not_ok "generate the 500k-row export"
want=$(($(wc -l <"$T/B/usage-details.csv") - 1))
check "bill_read finds every Backup charge among 5M other rows" \
	sh -c "$BILL '$T/S' '$DATA/5m.csv' | grep -qx '[0-9]* $want'"
r="" w="" small=""
for run in 1 2 3 4 5; do
	r=$(best "$r" "$($M "$BILL" "$T/S" "$DATA/5m.csv")") ||
		not_ok "bill_read"
	w=$(best "$w" "$($M wc -l "$DATA/5m.csv")") || not_ok "wc -l"
done
small=$($M "$BILL" "$T/S" "$DATA/500k.csv") || not_ok "bill_read 500k"
set -- $r $w $small
gb=$(awk -v b="$(wc -c <"$DATA/5m.csv")" 'BEGIN { printf "%.2f", b / 1e9 }')
ratio=$(awk -v a="$3" -v b="$1" 'BEGIN { printf "%.2f", b / a }')
echo "# export: $gb GB, 5M rows; bill_read $1 s, $2 MB; wc -l $3 s;" \
	"a tenth of it: $6 MB"
what="bill_read: a $gb GB export, 5M other rows"
echo "# TABLE|$what|$1 s|wc -l $3 s|$ratio|<= 1.5|$2 MB"
check "bill_read within 1.5x of wc -l ($ratio)" \
	awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }'
check "memory flat: peak $2 MB on 5M rows, $6 MB on 500k" \
	awk -v a="$6" -v b="$2" 'BEGIN { exit !(b <= 1.1 * a) }'
finish
