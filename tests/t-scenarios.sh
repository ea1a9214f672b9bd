#!/usr/bin/env bash
# Every bundled scenario still loads, sweeps and draws: `iovsim check`, then
# every point of a shortened sweep (duration and warm-up cut 20-fold, one
# replication, a temporary database), then its [plot NAME] figures. A
# scenario broken by a renamed key or a changed default fails the build here.
# The random net scenarios must also give replications that differ.
# Prints TAP. Needs IOVSIM (absolute path of the program) and sqlite3.
set -u
IOVSIM=${IOVSIM:-$(cd "$(dirname "$0")/.." && pwd)/iovsim}
SCEN=$(cd "$(dirname "$0")/../scenarios" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fails=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
# "100ms" -> "5ms": the number divided by 20, the unit kept.
shorten() {
    awk -v v="$1" 'BEGIN { n = v; sub(/[a-z]+$/, "", n); printf "%g%s", n / 20, substr(v, length(n) + 1) }'
}
key() { sed -n "s/^$1 *= *//p" "$2" | head -n 1; }

files=("$SCEN"/*.ini)
# The net scenarios of the demo and the published comparisons use random
# workloads (start-time jitter, Poisson arrivals, think times): two
# replications of their base point must differ, or their CIs mean nothing.
random_net=(quickstart interrupts iommu-modes sriov-scaling virtio-notify validate-firecracker)
echo "1..$((${#files[@]} * 3 + ${#random_net[@]}))"
for s in "${files[@]}"; do
    b=$(basename "$s" .ini)
    "$IOVSIM" check "$s" >"$T/check.out" 2>"$T/err"
    ok $? "$b: check ($(head -c 200 "$T/err"))"
    points=$(sed -n 's/.* \([0-9][0-9]*\) sweep points\{0,1\}\(, [0-9]* excluded\)\{0,1\})$/\1/p' "$T/check.out")

    d=$(shorten "$(key duration "$s")")
    w=$(shorten "$(key warmup "$s")")
    "$IOVSIM" sweep "$s" -o "$T/$b.db" -q -j 2 --reps 1 --set "scenario.duration=$d" \
        --set "scenario.warmup=$w" >/dev/null 2>"$T/err"
    rc=$?
    done_runs=$(sqlite3 "$T/$b.db" "SELECT count(*) FROM runs WHERE status = 'done'" 2>/dev/null)
    [ "$rc" = 0 ] && [ -n "$points" ] && [ "$done_runs" = "$points" ]
    ok $? "$b: sweep of $d runs all ${points:-?} points (rc $rc, $done_runs done; $(head -c 200 "$T/err"))"

    if grep -q '^\[plot ' "$s"; then
        mkdir -p "$T/fig-$b"
        "$IOVSIM" plot "$T/$b.db" --scenario "$s" --outdir "$T/fig-$b" >/dev/null 2>"$T/err"
        rc=$?
        figs=$(find "$T/fig-$b" -type f \( -name '*.png' -o -name '*.svg' -o -name '*.pdf' \) | wc -l)
        want=$(grep -c '^\[plot ' "$s")
        [ "$rc" = 0 ] && [ "$figs" = "$want" ]
        ok $? "$b: plot draws $want figures (rc $rc, $figs drawn; $(head -c 200 "$T/err"))"
    else
        ok 0 "$b: no [plot] groups"
    fi
done
for b in "${random_net[@]}"; do
    s="$SCEN/$b.ini"
    d=$(shorten "$(key duration "$s")")
    w=$(shorten "$(key warmup "$s")")
    "$IOVSIM" run "$s" -o "$T/r-$b.db" -q --reps 2 --set "scenario.duration=$d" \
        --set "scenario.warmup=$w" >/dev/null 2>"$T/err"
    differ=$(sqlite3 "$T/r-$b.db" "SELECT count(*) FROM (SELECT scope, name FROM metrics
        GROUP BY scope, name HAVING count(DISTINCT value) > 1)" 2>/dev/null)
    [ -n "$differ" ] && [ "$differ" -gt 0 ]
    ok $? "$b: two replications differ ($differ metrics; $(head -c 200 "$T/err"))"
done
exit $((fails > 0))
