#!/usr/bin/env bash
# A sweep on 1 and 2 worker processes, interleaved: the speed-up, the CPU
# time (user + system, the workers' included), and the share of -j 1's time
# spent outside the runs (loading, writing results, the summary), an upper
# bound on what the store costs; and how much longer the runs themselves
# take, summed, on two workers than on one: their wall time includes the
# time the parent (writing results) or another process held their core.
# Medians of $BENCH_RUNS (default 5); the load average beside them, since
# wall times follow the machine's load.
# Usage: sweep-speed.sh ARGS... (the arguments of `iovsim sweep`, no -o/-j)
set -euo pipefail
IOVSIM=${IOVSIM:-./iovsim}
runs=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

t1s=(); t2s=(); c1s=(); c2s=(); fracs=(); in1s=(); in2s=()
load0=$(cut -d' ' -f1 /proc/loadavg)
for ((i = 0; i < runs; i++)); do
    for j in 1 2; do
        rm -f "$tmp"/s.db*
        # bash's time: wall, then the CPU of the sweep and of its workers.
        TIMEFORMAT='%R %U %S'
        { time "$IOVSIM" sweep "$@" -o "$tmp/s.db" -q -j "$j"; } 2>"$tmp/time.txt"
        read -r t user sys <"$tmp/time.txt"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
        inside=$(sqlite3 "$tmp/s.db" 'SELECT sum(wall_seconds) FROM runs')
        if [ "$j" = 1 ]; then
            t1s+=("$t"); c1s+=("$cpu"); in1s+=("$inside")
            fracs+=("$(awk -v t="$t" -v s="$inside" 'BEGIN { print (t - s) / t }')")
        else
            t2s+=("$t"); c2s+=("$cpu"); in2s+=("$inside")
        fi
    done
done
t1=$(printf '%s\n' "${t1s[@]}" | median); t2=$(printf '%s\n' "${t2s[@]}" | median)
c1=$(printf '%s\n' "${c1s[@]}" | median); c2=$(printf '%s\n' "${c2s[@]}" | median)
frac=$(printf '%s\n' "${fracs[@]}" | median)
in1=$(printf '%s\n' "${in1s[@]}" | median); in2=$(printf '%s\n' "${in2s[@]}" | median)
awk -v a="$t1" -v b="$t2" -v ca="$c1" -v cb="$c2" -v f="$frac" -v l0="$load0" \
    -v i1="$in1" -v i2="$in2" \
    -v l1="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    printf "-j 1 %.3f s (CPU %.3f s), -j 2 %.3f s (CPU %.3f s): speed-up %.2fx (goal >= 1.8x)\n",
        a, ca, b, cb, a / b
    printf "outside the runs at -j 1 (loading, writing results, summary): %.1f%% (goal: store < 10%%)\n", 100 * f
    printf "the runs themselves: %.3f s at -j 1, %.3f s summed at -j 2 (%+.1f%%)\n", i1, i2,
        100 * (i2 / i1 - 1)
    printf "load average %s before, %s after\n", l0, l1 }'
