#!/bin/sh
# lint.sh: the repository's own checks (tests/lint/): nothing cites a path
# outside the repository, and no include crosses a layer upwards or goes
# sideways between stages; each check also fails on a seeded violation.
. tests/e2e/lib.sh
cd "$VW_TOP" || exit 1

check "nothing cites a file outside the repository" sh tests/lint/paths.sh .
check "the includes follow the layers of CONTRIBUTING.md" \
	python3 tests/lint/layers.py .

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

# Seeded: a model including the CLI, a stage including another stage.
mkdir -p "$T/tree"
cp -R optimizer models reports CONTRIBUTING.md "$T/tree/"
echo '#include "optimizer/cli/cli.h"' >>"$T/tree/models/cost/sizes.c"
echo '#include "optimizer/plan/plan.h"' >>"$T/tree/optimizer/check/check.c"
expect_exit 1 "layers.py fails on an upward and a sideways include" \
	python3 tests/lint/layers.py "$T/tree"
grep_ok "it names the upward include" \
	'models/cost/sizes\.c:[0-9]+: models includes optimizer/cli/cli\.h' \
	"$T/out"
grep_ok "it names the sideways include" \
	'optimizer/check/check\.c:[0-9]+: stage:check includes optimizer/plan/plan\.h' \
	"$T/out"
: >"$T/tree/optimizer/newstage.c"
expect_exit 1 "layers.py fails on a file in no layer" \
	python3 tests/lint/layers.py "$T/tree"
grep_ok "it names the file" 'optimizer/newstage\.c: in no layer' "$T/out"
finish
