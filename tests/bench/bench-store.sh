#!/usr/bin/env bash
# Sweeps of short runs and analysis of big databases: where the store, not
# the simulation, sets the pace (issue 15's goals). Median of $BENCH_RUNS.
#   - 210 runs of mm1 of about 1 ms of simulation each, on 1 and 2
#     workers: the speed-up, and the share of -j 1's time spent outside the
#     runs (loading, writing results: an upper bound on the store's cost);
#   - table, compare and plot over a 2,000-point database (26,000 cells).
set -euo pipefail
IOVSIM=${IOVSIM:-./iovsim}
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
export IOVSIM BENCH_RUNS=$runs

# A third of a second each: five runs at least, its medians jump otherwise.
sweep_runs=$((runs < 5 ? 5 : runs))
echo
echo "== sweep of 210 short runs (mm1, ~1 ms each): -j 1 vs -j 2, median of $sweep_runs runs =="
BENCH_RUNS=$sweep_runs tests/bench/sweep-speed.sh scenarios/mm1.ini --reps 3 \
    --vary queue.servers=1..70:1 --set scenario.duration=12000s --set scenario.warmup=400s

echo
echo "== analysis of a 2,000-point database (13 metrics: 26,000 cells), median of $runs runs =="
"$IOVSIM" sweep scenarios/mm1.ini -o "$tmp/big.db" -q -j 2 --reps 3 \
    --vary queue.servers=1..1000:1 --vary queue.stations=1,2 \
    --set scenario.duration=200s --set scenario.warmup=10s
metrics=$(sqlite3 "$tmp/big.db" "SELECT group_concat(name) FROM
    (SELECT DISTINCT name FROM metrics WHERE scope = 'all' ORDER BY name)")
cases=(
    "table|table $tmp/big.db -m $metrics"
    "compare|compare $tmp/big.db --baseline queue.stations=1 -m $metrics"
    "plot (lines)|plot $tmp/big.db --x queue.servers --y sojourn_mean --by queue.stations -o $tmp/f.png"
)
for c in "${cases[@]}"; do
    IFS='|' read -r name args <<<"$c"
    ts=()
    for ((i = 0; i < runs; i++)); do
        start=$(now)
        # shellcheck disable=SC2086
        "$IOVSIM" $args >/dev/null
        ts+=("$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')")
    done
    t=$(printf '%s\n' "${ts[@]}" | median)
    awk -v n="$name" -v t="$t" 'BEGIN { printf "%-14s %.3f s (goal < 1 s)\n", n, t }'
done
