#!/usr/bin/env bash
# Build ns-3's core module as the fair peer for `make bench-peers`: a
# release build (-O3 -DNDEBUG) with logging and asserts compiled out, the
# configuration the issue that set the engine's goal measured. Debian's
# libns3 keeps both compiled in, which makes its schedulers
# slower on the hold model (1.1-2.7x here, by scheduler).
#
# usage: build-ns3.sh SRC [OUT]   SRC: an ns-3 source tree (a release
#        tarball from nsnam.org or a checkout of nsnam/ns-3-dev-git; only
#        CMakeLists.txt, build-support/ and src/core/ are needed);
#        OUT: the build directory (default SRC/build-release).
# then:  NS3_DIR=OUT make bench-peers
set -euo pipefail
src=${1:?usage: build-ns3.sh SRC [OUT]}
out=${2:-$src/build-release}
if [ ! -f "$src/src/core/CMakeLists.txt" ]; then
    echo "build-ns3.sh: $src is not an ns-3 source tree (no src/core/CMakeLists.txt)" >&2
    exit 2
fi
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S "$src" -B "$out" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DNS3_ENABLED_MODULES=core \
    -DNS3_OUTPUT_DIRECTORY="$out" -DNS3_EXAMPLES=OFF -DNS3_TESTS=OFF -DNS3_PYTHON_BINDINGS=OFF \
    -DNS3_LOG=OFF -DNS3_ASSERT=OFF \
    >"$out.configure.log" 2>&1 || { echo "build-ns3.sh: configure failed, see $out.configure.log" >&2; exit 1; }
cmake --build "$out" -j "$(nproc)" >"$out.build.log" 2>&1 ||
    { echo "build-ns3.sh: build failed, see $out.build.log" >&2; exit 1; }
echo "$out"
