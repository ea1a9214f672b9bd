#!/usr/bin/env bash
# The docs say what the code does: the parameter tables of docs/models.md
# are generated from the registry, the placeholder table lists exactly the
# defaults whose source says "placeholder", and the README's scenario
# example loads.
IOVSIM=${IOVSIM:-$(cd "$(dirname "$0")/.." && pwd)/iovsim}
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..3"
if IOVSIM=$IOVSIM "$top/analysis/params-doc.sh" --check 2>"$tmp/err"; then
    echo "ok 1 - docs/models.md parameter tables match 'iovsim params'"
else
    echo "not ok 1 - docs/models.md parameter tables match 'iovsim params'"
    sed 's/^/# /' "$tmp/err"
fi
# The example runs from its first comment line to the [plot sojourn] group.
sed -n '/^    # Comments take whole lines/,/^    by = queue.stations/p' "$top/README.md" |
    sed 's/^    //' >"$tmp/example.ini"
if [ -s "$tmp/example.ini" ] && "$IOVSIM" check "$tmp/example.ini" >/dev/null 2>"$tmp/err"; then
    echo "ok 2 - the README's scenario example loads"
else
    echo "not ok 2 - the README's scenario example loads"
    sed 's/^/# /' "$tmp/err"
fi
# Issue 9: every placeholder is listed with its reason, and nothing else is.
"$IOVSIM" params --markdown | awk -F' \\| ' '$6 ~ /^placeholder/ { print $1 }' |
    tr -d '|` ' | sort >"$tmp/registry"
sed -n '/^## Placeholders and why/,/^## Parameters/p' "$top/docs/models.md" |
    awk -F' \\| ' '/^\| `/ { print $1 }' | tr -d '|` ' | sort >"$tmp/listed"
if [ -s "$tmp/registry" ] && diff "$tmp/registry" "$tmp/listed" >"$tmp/err"; then
    echo "ok 3 - docs/models.md lists every placeholder default, and only those"
else
    echo "not ok 3 - docs/models.md lists every placeholder default, and only those"
    sed 's/^/# /' "$tmp/err"
fi
