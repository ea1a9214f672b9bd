#!/usr/bin/env bash
# make bench-peers: the hold model of bench-engine.c on iovsim's engine, the
# pooled 4-ary heap reference and ns-3's five schedulers, all drawing the
# same delays (../hold-rng.h), all reporting events per CPU second over the
# event loop. Median of $PEER_RUNS runs, every engine once per round so all
# see the same load. Not part of CI: it needs ns-3 (Debian's libns3-dev,
# installed here when we run as root) and takes several minutes.
#
# usage: run-peers.sh [BINDIR]       (BINDIR holds bench-engine; default build/bench)
# env:   PEER_RUNS (3), PEER_EVENTS (10^7), PEER_SIZES ("100 1000 10000 100000 1000000"),
#        PEER_TIMEOUT (60 s for one ns-3 run),
#        NS3_DIR: an ns-3 build tree (include/ and lib/, as build-ns3.sh makes
#        one) to measure instead of Debian's package. Debian's libns3 keeps
#        logging and asserts compiled in; a release build (-O3, NS3_LOG and
#        NS3_ASSERT off) is the fair peer.
set -euo pipefail
bindir=${1:-build/bench}
runs=${PEER_RUNS:-3}
events=${PEER_EVENTS:-10000000}
sizes=${PEER_SIZES:-100 1000 10000 100000 1000000}
limit=${PEER_TIMEOUT:-60}
here=$(cd "$(dirname "$0")" && pwd)
scheds=(Map List Heap Calendar PriorityQueue)

ns3=$bindir/ns3-hold
if [ -n "${NS3_DIR:-}" ]; then
    lib=$(ls "$NS3_DIR"/lib/libns3*-core*.so 2>/dev/null | head -n 1 || true)
    if [ -z "$lib" ] || [ ! -f "$NS3_DIR/include/ns3/core-module.h" ]; then
        echo "bench-peers: NS3_DIR=$NS3_DIR has no include/ns3/core-module.h and lib/libns3*-core*.so" >&2
        exit 2
    fi
    ns3=$bindir/ns3-hold-$(basename "$lib" .so)
    ns3_cflags=(-isystem "$NS3_DIR/include")
    ns3_libs=(-L"$NS3_DIR/lib" "-l:$(basename "$lib")" -Wl,-rpath,"$NS3_DIR/lib")
    ns3_label="$(basename "$lib" .so) from $NS3_DIR ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$NS3_DIR/CMakeCache.txt" 2>/dev/null || echo unknown) build)"
else
    if ! pkg-config --exists ns3-core 2>/dev/null && [ ! -f /usr/include/ns3/core-module.h ]; then
        if [ "$(id -u)" = 0 ]; then
            echo "bench-peers: installing libns3-dev g++" >&2
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                --no-install-recommends libns3-dev g++) >&2
        else
            echo "bench-peers: ns-3 missing; run: sudo apt-get install -y libns3-dev g++" >&2
            exit 1
        fi
    fi
    # Not -I/usr/include/ns3: ns-3 ships a string.h that would shadow libc's.
    ns3_cflags=()
    ns3_libs=(-lns3-core)
    ns3_label="$(dpkg-query -W -f '${Package} ${Version}' libns3-dev 2>/dev/null || echo unknown) (Debian's build, logging compiled in)"
fi
if [ ! -x "$ns3" ] || [ "$here/ns3-hold.cc" -nt "$ns3" ] || [ "$here/../hold-rng.h" -nt "$ns3" ]; then
    mkdir -p "$bindir"
    g++ -O2 -std=c++17 -Wall -Wextra -Werror "${ns3_cflags[@]}" -o "$ns3" "$here/ns3-hold.cc" "${ns3_libs[@]}"
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "")}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

# The clock at the last event must agree, or the engines did not run the
# same model.
check_end() {
    if [ -z "$want_end" ]; then
        want_end=$1
    elif [ "$1" != "$want_end" ]; then
        echo "bench-peers: $2 ended at $1, iovsim at $want_end: not the same model" >&2
        exit 1
    fi
}

echo "== hold model, events/s of CPU time (M), median of $runs runs; ns-3: $ns3_label =="
printf '%-9s %8s %8s' pending iovsim 4-ary
for s in "${scheds[@]}"; do printf ' %8s' "$s"; done
printf ' %14s\n' "iovsim/best"
declare -A slow
for pending in $sizes; do
    declare -A rates=()
    want_end=
    for ((i = 0; i < runs; i++)); do
        for who in engine reference "${scheds[@]}"; do
            n=$events
            # A scheduler that fell under 10^6 ev/s at a smaller size would take
            # minutes: it runs 1/20 of the events; under 10^5, not at all. One
            # that still runs past $limit s runs 1/200 from then on.
            case ${slow[$who]:-} in
                skip) continue ;;
                short) n=$((events / 20)) ;;
                shorter) n=$((events / 200)) ;;
            esac
            case $who in
                engine | reference) out=$("$bindir/bench-engine" "$who" "$pending" "$n") ;;
                *)
                    if ! out=$(timeout "$limit" "$ns3" "$who" "$pending" "$n"); then
                        slow[$who]=shorter
                        n=$((events / 200))
                        out=$("$ns3" "$who" "$pending" "$n")
                    fi
                    ;;
            esac
            [ "$n" = "$events" ] && check_end "$(field end <<<"$out")" "$who"
            rates[$who]+="$(field rate <<<"$out") "
        done
    done
    line=$(printf '%-9s' "$pending")
    best=0
    for who in engine reference "${scheds[@]}"; do
        r=$(tr ' ' '\n' <<<"${rates[$who]:-}" | grep . | median || true)
        if [ -z "$r" ]; then
            line+=$(printf ' %8s' -)
            continue
        fi
        line+=$(awk -v r="$r" 'BEGIN { printf " %8.2f", r / 1e6 }')
        case $who in
            engine) mine=$r ;;
            reference) ;;
            *) best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
                if awk -v r="$r" 'BEGIN { exit !(r < 1e5) }'; then slow[$who]=skip
                elif [ -z "${slow[$who]:-}" ] && awk -v r="$r" 'BEGIN { exit !(r < 1e6) }'; then
                    slow[$who]=short
                fi ;;
        esac
    done
    echo "$line$(awk -v a="$mine" -v b="$best" 'BEGIN { printf " %14.2f", (b > 0 ? a / b : 0) }')"
    unset rates
done
