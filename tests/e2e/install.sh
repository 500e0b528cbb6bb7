#!/bin/sh
# install.sh: `make install PREFIX=P` into an empty directory gives a
# vaultwise that runs the monthly batch on the bundled sample from any
# directory, with its data, man pages and completions, and holds no path
# of the checkout it was built in; DESTDIR stages the same tree.
. tests/e2e/lib.sh
cd "$VW_TOP" || exit 1
BUILD=$(basename "$(dirname "$VAULTWISE")")
P=$T/prefix
mkdir -p "$P" "$T/elsewhere"

check "make install PREFIX=P into an empty directory" \
	make --no-print-directory -s install BUILD="$BUILD" PREFIX="$P"
for f in bin/vaultwise share/vaultwise/sample/manifest.json \
	share/vaultwise/prices/prices.csv share/vaultwise/timezones.csv \
	share/vaultwise/targets.example.csv share/man/man1/vaultwise.1 \
	share/man/man1/vaultwise-plan.1 \
	share/bash-completion/completions/vaultwise \
	share/zsh/site-functions/_vaultwise; do
	[ -f "$P/$f" ] || missing="${missing:-} $f"
done
[ -z "${missing:-}" ] && ok "it installs the binary, data, pages, completions" ||
	not_ok "not installed:$missing"

(
	cd "$T/elsewhere" && unset VAULTWISE_DATA &&
		"$P/bin/vaultwise" run --out OUT --no-progress
) >"$T/run.out" 2>"$T/run.err"
rc=$?
[ "$rc" -eq 0 ] && ok "P/bin/vaultwise run --out OUT from another directory" ||
	{ not_ok "P/bin/vaultwise run (exit $rc)"; sed 's/^/# /' "$T/run.err" | tail -5; }
grep_ok "it ran on the sample installed under P" \
	"$P/share/vaultwise/sample" "$T/run.err"
[ -s "$T/elsewhere/OUT/report/report.html" ] &&
	[ -s "$T/elsewhere/OUT/plan/plan.csv" ] &&
	ok "OUT holds the plan and the report" ||
	not_ok "OUT holds the plan and the report"
if strings "$P/bin/vaultwise" | grep -qF "$VW_TOP"; then
	not_ok "the installed binary holds the checkout path"
	strings "$P/bin/vaultwise" | grep -F "$VW_TOP" | head -3 | sed 's/^/# /'
else
	ok "the installed binary holds no checkout path"
fi
expect_exit 0 "man -l renders the installed vaultwise-plan.1" \
	env MANWIDTH=80 man -l "$P/share/man/man1/vaultwise-plan.1"

check "make install DESTDIR=D PREFIX=/usr/local stages it" \
	make --no-print-directory -s install BUILD="$BUILD" \
	DESTDIR="$T/stage" PREFIX=/usr/local
expect_exit 0 "the staged binary finds its staged data" \
	"$T/stage/usr/local/bin/vaultwise" plan \
	"$T/stage/usr/local/share/vaultwise/sample" --out "$T/plan"
finish
