# Sourced by t-*.sh tests: IOVSIM (the program), SRC (the source tree), a
# scratch directory made the working directory and removed at exit, and
# ok STATUS DESCRIPTION printing one TAP line (fails counts the failures).
# shellcheck shell=bash
IOVSIM=${IOVSIM:-$(cd "$(dirname "$0")/.." && pwd)/iovsim}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
n=0
fails=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
