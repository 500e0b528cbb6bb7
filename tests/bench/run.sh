#!/bin/sh
# run.sh: the benchmarks (`make bench`): every tests/bench/*.sh but this
# one, against ./build/vaultwise, each printing TAP and its figures.
# Slow by design; never part of `make check`.
set -u
TOP=$(pwd)
export VAULTWISE="${VAULTWISE:-$TOP/build/vaultwise}"
export VW_TOP="$TOP"
status=0
for b in tests/bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "# $b"
	sh "$b" || status=1
done
exit $status
