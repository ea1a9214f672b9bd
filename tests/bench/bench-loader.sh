#!/usr/bin/env bash
# make bench: loading costs that must grow linearly with the input (issue 7
# item 12): a sweep of 1e5 points, 2e4 and 4e4 [plot NAME] groups, and a
# 1 MiB misspelled key. Each figure is the wall time of one `iovsim check`.
set -euo pipefail
IOVSIM=${IOVSIM:-./iovsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

head='[scenario]
model = queue
duration = 10s'
printf '%s\n[sweep]\nqueue.service = 1ms..100000ms:1ms\n' "$head" >"$tmp/sweep.ini"
for n in 20000 40000; do
    { echo "$head"; seq 1 "$n" | sed 's/.*/[plot p&]\ny = sojourn_mean/'; } >"$tmp/plots$n.ini"
done
{ printf '%s\n[queue]\n' "$head"; head -c 1048576 /dev/zero | tr '\0' x; echo ' = 1'; } >"$tmp/key.ini"

echo "== loader: one iovsim check each =="
for f in sweep plots20000 plots40000 key; do
    start=$(date +%s.%N)
    "$IOVSIM" check "$tmp/$f.ini" >/dev/null 2>&1 || true
    awk -v f="$f" -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%-12s %8.2f s\n", f, e - s }'
done
