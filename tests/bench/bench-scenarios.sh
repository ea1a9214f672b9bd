#!/usr/bin/env bash
# Real scenarios: simulated seconds per wall second and events per second,
# read back from the runs table (median of $BENCH_RUNS runs).
set -euo pipefail
IOVSIM=${IOVSIM:-./iovsim}
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# name|scenario|extra args
cases=(
    "mm1|scenarios/mm1.ini|--reps 1"
)
[ -f scenarios/quickstart.ini ] && cases+=("quickstart (sriov, stream)|scenarios/quickstart.ini|--reps 1 --set vm.strategy=sriov")
[ -f scenarios/sriov-scaling.ini ] && cases+=("sriov-scaling, 60 VMs|scenarios/sriov-scaling.ini|--reps 1 --set vm.count=60 --set scenario.duration=1s --set scenario.warmup=0s")

echo
echo "== scenarios: median of $runs runs =="
printf '%-30s %12s %14s %14s %12s\n' scenario "sim s" "wall s" "sim s/wall s" "events/s"
for c in "${cases[@]}"; do
    IFS='|' read -r name file extra <<<"$c"
    [ -f "$file" ] || continue
    walls=()
    for ((i = 0; i < runs; i++)); do
        rm -f "$tmp/b.db"
        # shellcheck disable=SC2086
        "$IOVSIM" run "$file" -o "$tmp/b.db" -q $extra
        walls+=("$(sqlite3 "$tmp/b.db" 'SELECT wall_seconds FROM runs LIMIT 1')")
    done
    wall=$(printf '%s\n' "${walls[@]}" | median)
    read -r sim ev < <(sqlite3 -separator ' ' "$tmp/b.db" 'SELECT sim_seconds, events FROM runs LIMIT 1')
    awk -v n="$name" -v s="$sim" -v w="$wall" -v e="$ev" 'BEGIN {
        printf "%-30s %12.3g %14.3g %14.3g %12.3g\n", n, s, w, s / w, e / w }'
done
