#!/bin/sh
# paths.sh: fails when a file of the repository cites something a clone
# does not have: the old shared contract (the shared folder beside the
# checkout, SPEC.md, reference/*.md) or an absolute path of a machine (a
# home or work directory; /srv/ and /usr/ are where a user installs, and
# pass).
# ARM-CONTRACT.md passes until docs/arm-contract.md exists (issue 14), then
# it must be cited by that name. Usage: paths.sh [ROOT]; prints TAP.
# Fuzz corpora are inputs, not citations, and are not read.
ROOT=${1:-.}
cd "$ROOT" || exit 66
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(git ls-files -co --exclude-standard)
else
	files=$(find . -path ./.git -prune -o -path './build*' -prune -o \
		-type f -print | sed 's|^\./||')
fi
files=$(printf '%s\n' "$files" |
	grep -v -e '^tests/fuzz/corpus/' -e '^tests/lint/paths\.sh$')
pre='(^|[^A-Za-z0-9_./-])'
outside="\.\./shared|shared/reference|${pre}SPEC\.md"
outside="$outside|${pre}reference/[A-Za-z0-9_-]+\.md"
machine="(^|[^A-Za-z0-9_.:/~-])/(work|home|root|Users|mnt)/"
[ -f docs/arm-contract.md ] && outside="$outside|ARM-CONTRACT\.md"
failed=0
echo "1..2"
# shellcheck disable=SC2086
hits=$(printf '%s\n' $files | tr '\n' '\0' |
	xargs -0 grep -HnIE -e "$outside" -- 2>/dev/null)
if [ -z "$hits" ]; then
	echo "ok 1 - nothing cites the shared folder, SPEC.md or reference/*.md"
else
	failed=1
	echo "not ok 1 - files cite the contract outside the repository (cite docs/)"
	printf '%s\n' "$hits" | cut -c1-160 | sed 's/^/# /'
fi
hits=$(printf '%s\n' $files | tr '\n' '\0' |
	xargs -0 grep -HnIE -e "$machine" -- 2>/dev/null)
if [ -z "$hits" ]; then
	echo "ok 2 - no absolute path outside the repository"
else
	failed=1
	echo "not ok 2 - files cite an absolute path of a machine"
	printf '%s\n' "$hits" | cut -c1-160 | sed 's/^/# /'
fi
exit $failed
