#!/usr/bin/env bash
# make bench: the engine's hold model against the reference heap of
# bench-engine.c, then real scenarios. Each figure is the median of
# $BENCH_RUNS runs, engine and reference interleaved so that both see the
# same load on a shared machine.
set -euo pipefail
bindir=${1:-build/bench}
runs=${BENCH_RUNS:-3}
events=${BENCH_EVENTS:-10000000}
sizes=${BENCH_SIZES:-100 1000 10000 100000 1000000}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

engine_bench() {
    echo "== engine: hold model, $events events, events/s of CPU time, median of $runs runs =="
    printf '%-10s %14s %14s %8s %12s %12s\n' pending "iovsim ev/s" "4-ary ev/s" ratio "iovsim MiB" "4-ary MiB"
    for pending in $sizes; do
        local e_rates=() r_rates=() e_mem=() r_mem=() out e r em rm_ i
        for ((i = 0; i < runs; i++)); do
            out=$("$bindir/bench-engine" engine "$pending" "$events")
            e_rates+=("$(field rate <<<"$out")"); e_mem+=("$(field peak_rss_kib <<<"$out")")
            out=$("$bindir/bench-engine" reference "$pending" "$events")
            r_rates+=("$(field rate <<<"$out")"); r_mem+=("$(field peak_rss_kib <<<"$out")")
        done
        e=$(printf '%s\n' "${e_rates[@]}" | median); r=$(printf '%s\n' "${r_rates[@]}" | median)
        em=$(printf '%s\n' "${e_mem[@]}" | median); rm_=$(printf '%s\n' "${r_mem[@]}" | median)
        awk -v p="$pending" -v e="$e" -v r="$r" -v em="$em" -v rm="$rm_" 'BEGIN {
            printf "%-10d %13.2fM %13.2fM %8.2f %12.1f %12.1f\n", p, e / 1e6, r / 1e6, e / r, em / 1024, rm / 1024 }'
    done
}

engine_bench

if [ -x tests/bench/bench-scenarios.sh ]; then
    IOVSIM=${IOVSIM:-./iovsim} tests/bench/bench-scenarios.sh
fi
IOVSIM=${IOVSIM:-./iovsim} tests/bench/bench-loader.sh

# The store and the analysis: short-run sweeps, big databases.
IOVSIM=${IOVSIM:-./iovsim} tests/bench/bench-store.sh
