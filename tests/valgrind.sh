#!/usr/bin/env bash
# make valgrind: the CLI's main paths under valgrind (memcheck, leaks), each
# failing on the first error. The GTest binaries run under ASan+UBSan in
# `make sanitize`; this covers the program as users run it.
set -euo pipefail
IOVSIM=${IOVSIM:-./iovsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9)
n=0
step() {
    n=$((n + 1))
    if "${vg[@]}" "$IOVSIM" "$@" >/dev/null 2>"$tmp/err"; then
        echo "ok $n - valgrind iovsim $*"
    else
        echo "not ok $n - valgrind iovsim $*"
        sed 's/^/# /' "$tmp/err" | head -40
        exit 1
    fi
}
for s in baremetal emulation virtio passthrough sriov; do
    step run scenarios/quickstart.ini --reps 1 -q -o "$tmp/q-$s.db" --set io.strategy="$s" \
        --set workload.type=rr
done
# qcow2 on virtio-blk: disk.ini's sweep also holds strategies without an
# image, which run refuses to combine with blk.format = qcow2.
step run scenarios/qcow2-cache.ini --reps 1 -q -o "$tmp/d.db" --set scenario.duration=20ms \
    --set scenario.warmup=2ms
# Many hosts, VM groups with disks, the fabric and VXLAN.
step run scenarios/datacenter.ini --reps 1 -q -o "$tmp/dc.db" --set scenario.duration=2ms \
    --set scenario.warmup=0s --set fabric.vxlan=true
step run scenarios/sdn-controller.ini --reps 1 -q -o "$tmp/f.db"
step sweep scenarios/mmc-sweep.ini -o "$tmp/m.db" -q -j 2 --reps 2
step table "$tmp/m.db" -f latex
step compare "$tmp/m.db" --baseline queue.stations=1
step plot "$tmp/m.db" --scenario scenarios/mmc-sweep.ini --outdir "$tmp"
step check scenarios/iommu-modes.ini
echo "1..$n"
