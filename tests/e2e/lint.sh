#!/bin/sh
# lint.sh: the repository's own checks (tests/lint/): nothing cites a path
# outside the repository; each check also fails on a seeded violation.
. tests/e2e/lib.sh
cd "$VW_TOP" || exit 1

check "nothing cites a file outside the repository" sh tests/lint/paths.sh .

# Seeded: a citation of the old shared contract, then a machine path.
# (Built from parts so that this file does not trip the check itself.)
mkdir -p "$T/cite/docs"
sh=shared
printf 'see ../%s/SPEC.md\n' "$sh" >"$T/cite/docs/a.md"
expect_exit 1 "paths.sh fails on a citation of the old shared folder" \
	sh tests/lint/paths.sh "$T/cite"
grep_ok "it names the file and line" '^# docs/a\.md:1:' "$T/out"
printf 'x\n' >"$T/cite/docs/a.md"
printf 'ok\n/* as in %s/x/src/y.c */\n' "/home" >"$T/cite/b.c"
expect_exit 1 "paths.sh fails on an absolute path of a machine" \
	sh tests/lint/paths.sh "$T/cite"
grep_ok "it names the file and line" '^# b\.c:2:' "$T/out"
rm "$T/cite/b.c"
printf 'see ARM-%s.md\n' CONTRACT >"$T/cite/c.h"
expect_exit 0 \
	"the ARM contract's old name passes until docs/arm-contract.md is in" \
	sh tests/lint/paths.sh "$T/cite"
: >"$T/cite/docs/arm-contract.md"
expect_exit 1 "and fails once docs/arm-contract.md exists" \
	sh tests/lint/paths.sh "$T/cite"

finish
