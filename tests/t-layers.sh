#!/usr/bin/env bash
# The folders show the architecture (issue 8): the engine (sim/) includes no
# model header, and the folders under models/ include each other without a
# cycle, so each layer builds on the ones below it. Prints TAP and, on a
# failure, the include lines that make the cycle.
set -u
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

# "from to file:line" for every #include of a sibling folder under models/.
edges() {
    for f in "$SRC"/models/*/*.[ch]; do
        from=$(basename "$(dirname "$f")")
        grep -n '^#include "\.\./[a-z_]*/' "$f" | while IFS= read -r line; do
            to=$(printf '%s\n' "$line" | sed 's|^[0-9]*:#include "\.\./\([a-z_]*\)/.*|\1|')
            [ "$to" != "$from" ] && printf '%s %s %s:%s\n' "$from" "$to" "${f#"$SRC"/}" "${line%%:*}"
        done
    done
}
edges >edges.txt
ok $? "collected the include edges between models/ folders"

# tsort names a loop's members on stderr; a DAG sorts silently.
cut -d' ' -f1,2 edges.txt | sort -u | tsort >order.txt 2>loops.txt
if [ -s loops.txt ]; then
    sed 's/^/# /' loops.txt
    cycle=$(grep -v 'input contains a loop' loops.txt | sed 's/^tsort: //' | tr '\n' ' ')
    for a in $cycle; do
        for b in $cycle; do
            grep "^$a $b " edges.txt | head -2 | sed 's/^/#   /'
        done
    done
fi
test ! -s loops.txt
ok $? "no include cycle between models/ folders"

# The engine and the CLI stay free of model headers; the model registry
# (models/registry.c) is the one place that names the models.
grep -n '#include "[^"]*models/' "$SRC"/sim/*.[ch] >sim-models.txt
sed 's/^/# /' sim-models.txt
test ! -s sim-models.txt
ok $? "sim/ includes no header of models/"

# A strategy works on one host and one VM's device (net/dev.h): no file of
# models/io/ sees the world's definition (net/net.h), even through another
# header, nor names a world's fields. net/path.c does: the check can fail.
read -ra glib_flags <<<"$(pkg-config --cflags glib-2.0)"
sees_world() {
    ${CC:-cc} -E "${glib_flags[@]}" -I"$SRC/sim" "$1" 2>/dev/null |
        grep -q "^struct $2_world {"
}
seen=""
for f in "$SRC"/models/io/*.c; do
    sees_world "$f" net && seen="$seen ${f#"$SRC"/}"
done
echo "# see struct net_world:${seen:- none}"
[ -z "$seen" ] && sees_world "$SRC/models/net/path.c" net
ok $? "models/io/ strategies do not see the world's definition"
grep -n '\bw->' "$SRC"/models/io/*.[ch] >io-world.txt
sed 's/^/# /' io-world.txt
test ! -s io-world.txt
ok $? "models/io/ names no world's field (w->)"

# The same for the disk strategies (blk_*_ops) and the blk world.
blk_strategies="baremetal emulation virtio_blk passthrough"
seen=""
for s in $blk_strategies; do
    sees_world "$SRC/models/blk/$s.c" blk && seen="$seen $s"
    grep -n '\bw->' "$SRC/models/blk/$s.c" | sed "s|^|# $s.c:|"
    grep -q '\bw->' "$SRC/models/blk/$s.c" && seen="$seen $s(w->)"
done
echo "# see struct blk_world:${seen:- none}"
[ -z "$seen" ] && sees_world "$SRC/models/blk/blk_path.c" blk
ok $? "blk strategies neither see the blk world's definition nor name its fields"

# The check itself can fail: a planted cycle is found.
printf 'a b\nb a\n' | tsort >/dev/null 2>&1
test $? -ne 0
ok $? "tsort reports a planted cycle"

echo "1..$n"
exit $((fails > 0))
