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
[ -f scenarios/quickstart.ini ] && cases+=("quickstart (sriov, stream)|scenarios/quickstart.ini|--reps 1 --set io.strategy=sriov")
[ -f scenarios/disk.ini ] && cases+=("disk (virtio-blk, QD32)|scenarios/disk.ini|--reps 1 --set blk.strategy=virtio-blk --set fio.iodepth=32 --set scenario.duration=1s")
[ -f scenarios/overlay.ini ] && cases+=("overlay (fabric, VXLAN)|scenarios/overlay.ini|--reps 1")
[ -f scenarios/sriov-scaling.ini ] && cases+=("sriov-scaling, 60 VMs|scenarios/sriov-scaling.ini|--reps 1 --set vm.count=60 --set scenario.duration=1s --set scenario.warmup=0s")
[ -f scenarios/datacenter.ini ] && cases+=("datacenter, 4 hosts x 4 VMs|scenarios/datacenter.ini|--reps 1 --set scenario.duration=200ms")
# 16 hosts x 16 VMs at 10 Gb/s, cross-host streams (issue 8's target: 0.1 s in under 60 s).
[ -f scenarios/datacenter.ini ] && cases+=("fabric 16 hosts x 16 VMs|scenarios/datacenter.ini|--reps 1 --set host.count=16 --set fabric.leaves=4 --set fabric.hosts_per_leaf=4 --set fabric.spines=4 --set group.vf.count=8 --set group.pv.count=8 --set scenario.duration=100ms --set scenario.warmup=10ms")

echo
echo "== scenarios: median of $runs runs =="
printf '%-30s %10s %10s %14s %12s %14s\n' scenario "sim s" "wall s" "sim s/wall s" "events/s" "packets/wall s"
echo "(packets: jobs for mm1, requests for disk)"
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
    # Packets (net, fabric), requests (blk) or jobs (queue) simulated,
    # warm-up excluded.
    read -r sim ev pk < <(sqlite3 -separator ' ' "$tmp/b.db" "SELECT sim_seconds, events,
        coalesce((SELECT value FROM metrics WHERE scope = 'all'
                  AND name IN ('packets', 'requests', 'completed')
                  ORDER BY CASE name WHEN 'packets' THEN 0 WHEN 'requests' THEN 1 ELSE 2 END
                  LIMIT 1), 0) FROM runs LIMIT 1")
    awk -v n="$name" -v s="$sim" -v w="$wall" -v e="$ev" -v p="$pk" 'BEGIN {
        printf "%-30s %10.3g %10.3g %14.3g %12.3g %14.3g\n", n, s, w, s / w, e / w, p / w }'
done

# A sweep on 1 and 2 worker processes: the speed-up, and what everything that
# is not simulation (loading, writing results, the summary) costs at -j 1,
# an upper bound on the cost of writing results. Writing costs about 2 us per
# metric row whatever the run's length (a 60-VM run writes 2,700 rows), so
# the runs here simulate 200 ms each, not the scenario's 30 ms test length.
sweep=scenarios/sriov-scaling.ini
sweep_args=(--set scenario.duration=200ms --set scenario.warmup=20ms)
echo
echo "== sweep $sweep ${sweep_args[*]}: -j 1 vs -j 2, median of $runs runs =="
IOVSIM=$IOVSIM BENCH_RUNS=$runs tests/bench/sweep-speed.sh "$sweep" "${sweep_args[@]}"
