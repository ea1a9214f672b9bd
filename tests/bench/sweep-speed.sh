#!/usr/bin/env bash
# A sweep on 1 and 2 worker processes: the speed-up, and the share of
# -j 1's time spent outside the runs (loading, writing results, the
# summary), an upper bound on what the store costs. Median of $BENCH_RUNS.
# Usage: sweep-speed.sh ARGS... (the arguments of `iovsim sweep`, no -o/-j)
set -euo pipefail
IOVSIM=${IOVSIM:-./iovsim}
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

t1s=(); t2s=(); fracs=()
for ((i = 0; i < runs; i++)); do
    for j in 1 2; do
        rm -f "$tmp"/s.db*
        start=$(date +%s.%N)
        "$IOVSIM" sweep "$@" -o "$tmp/s.db" -q -j "$j"
        end=$(date +%s.%N)
        t=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
        if [ "$j" = 1 ]; then
            t1s+=("$t")
            inside=$(sqlite3 "$tmp/s.db" 'SELECT sum(wall_seconds) FROM runs')
            fracs+=("$(awk -v t="$t" -v s="$inside" 'BEGIN { print (t - s) / t }')")
        else
            t2s+=("$t")
        fi
    done
done
t1=$(printf '%s\n' "${t1s[@]}" | median); t2=$(printf '%s\n' "${t2s[@]}" | median)
frac=$(printf '%s\n' "${fracs[@]}" | median)
awk -v a="$t1" -v b="$t2" -v f="$frac" 'BEGIN {
    printf "-j 1 %.3f s, -j 2 %.3f s: speed-up %.2fx (goal >= 1.8x)\n", a, b, a / b
    printf "outside the runs at -j 1 (loading, writing results, summary): %.1f%% (goal: store < 10%%)\n", 100 * f }'
