#!/usr/bin/env bash
# Every fenced example of docs/analysis.md, run in order in a scratch
# directory: ```sh blocks with bash (iovsim on the PATH), ```python blocks
# with python3, skipped with a message where pandas is missing. Each must
# exit 0; the figure and the tables must come out. Prints TAP.
set -u
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"
mkdir -p bin results && ln -s "$IOVSIM" bin/iovsim && ln -s "$SRC/scenarios" scenarios
export PATH="$T/bin:$PATH"

# Split the fenced blocks into block-N.sh / block-N.python, in order.
awk '/^```(sh|python)$/ { lang = substr($0, 4); i++; f = sprintf("block-%02d.%s", i, lang); next }
     /^```$/ { f = ""; next }
     f { print > f }' "$SRC/docs/analysis.md"
# The first python3 with pandas (a pyenv one may shadow Debian's).
has_pandas=0
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import pandas' 2>/dev/null; then
        has_pandas=1
        break
    fi
done
for b in block-*; do
    case $b in
    *.sh)
        bash -e "$b" >"$b.out" 2>"$b.err"
        ok $? "docs/analysis.md $b runs ($(head -c 200 "$b.err"))"
        ;;
    *.python)
        if [ $has_pandas = 0 ]; then
            n=$((n + 1))
            echo "ok $n # SKIP docs/analysis.md $b: python3-pandas is not installed (apt-get install python3-pandas)"
            continue
        fi
        "$py" "$b" >"$b.out" 2>"$b.err"
        ok $? "docs/analysis.md $b runs ($(head -c 200 "$b.err"))"
        ;;
    esac
done
[ "$(ls block-* | grep -c -v '\.out$\|\.err$')" -ge 5 ]
ok $? "the examples were found"
# What they print: the sqlite3 table (6 points), the pandas pivot (3 x 2),
# the figure, the declared order.
[ "$(grep -c 'exp(' block-02.sh.out)" = 6 ]
ok $? "the sqlite3 example lists the 6 points"
if [ $has_pandas = 1 ]; then
    grep -q 'queue.service' block-04.python.out && [ "$(grep -c '^[124]\.0 ' block-04.python.out)" = 3 ]
    ok $? "the pandas example pivots servers x service"
fi
[ -s sojourn.png ] && [ "$(head -c 4 sojourn.png | tail -c 3)" = PNG ]
ok $? "the gnuplot example draws sojourn.png"
[ "$(wc -l <block-06.sh.out)" = 6 ] && [ "$(head -1 block-06.sh.out)" = 'queue.servers=1,queue.service=exp(1s)' ]
ok $? "the sweep's order, as declared ($(head -2 block-06.sh.out | tr '\n' ' '))"
[ -z "$(ls results/mm1.db-* 2>/dev/null)" ]
ok $? "the examples leave no side file beside the database"
echo "1..$n"
exit $((fails > 0))
