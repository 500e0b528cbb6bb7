#!/bin/sh
# deps.sh: make sure the Debian packages vaultwise builds and tests with are
# installed. As root, installs what is missing with apt-get (running
# apt-get update first when the package lists do not know a package);
# otherwise prints the one apt-get line to run and exits 69 (EX_UNAVAILABLE).
# Called by `make deps`, and so by `make demo` and `make check`; extra
# package names given as arguments are checked too (`make fuzz` and
# `make valgrind` add clang and valgrind). libxml2-utils gives the tests
# xmllint, which validates `check --format junit` against a JUnit schema.
set -eu

# python3-azure: Microsoft's Python SDK, which tests/e2e/sdk.sh points at
# the ARM emulator (for Debian's /usr/bin/python3). zsh: the test of the
# zsh completion runs it.
PACKAGES="gcc make pkg-config libcurl4-openssl-dev libcjson-dev libssl-dev \
libgsl-dev libcmocka-dev python3 ca-certificates libxml2-utils groff-base \
man-db python3-azure zlib1g-dev zsh $*"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	"install ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
# python3 may come from elsewhere (pyenv); only the interpreter matters.
if command -v python3 >/dev/null 2>&1; then
	missing=$(printf '%s\n' $missing | grep -vx python3 | tr '\n' ' ' || true)
fi
missing=$(echo $missing)
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "vaultwise: error: missing packages: $missing (and no apt-get here)" >&2
	exit 69
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "vaultwise: missing build packages; install them with:" >&2
	echo "  sudo apt-get install -y $missing" >&2
	exit 69
fi
echo "vaultwise: installing missing packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
need_update=0
for p in $missing; do
	cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
	if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
		need_update=1
	fi
done
if [ "$need_update" -eq 1 ]; then
	apt-get update -qq >&2
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
