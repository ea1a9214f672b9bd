#!/usr/bin/env bash
# End to end: every kind of bad input to `iovsim run` gives one line on
# stderr naming the file/line/key, exit status 2, and no database rows.
set -u
IOVSIM=${IOVSIM:-./iovsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

good="$tmp/good.ini"
cat >"$good" <<'INI'
[scenario]
name = good
model = queue
duration = 100s
warmup = 10s

[queue]
interarrival = exp(2s)
service = exp(1s)
INI

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

# expect_error NAME PATTERN DB ARGS...: status 2 (or $EXPECT_STATUS), exactly one stderr line
# matching PATTERN (a grep -E regex), and DB absent or without runs.
expect_error() {
    local name=$1 pattern=$2 db=$3
    shift 3
    "$IOVSIM" "$@" >"$tmp/out" 2>"$tmp/err"
    local status=$? lines
    lines=$(wc -l <"$tmp/err")
    local rows=0
    if [ -f "$db" ] && [ -s "$db" ]; then
        rows=$(sqlite3 "$db" 'SELECT count(*) FROM runs' 2>/dev/null || echo 0)
    fi
    if [ "$status" = "${EXPECT_STATUS:-2}" ] && [ "$lines" = 1 ] && grep -Eq -- "$pattern" "$tmp/err" && [ "$rows" = 0 ]; then
        ok "$name"
    else
        not_ok "$name" "status=$status lines=$lines rows=$rows" "stderr: $(head -c 400 "$tmp/err")"
    fi
}

db="$tmp/r.db"
expect_error "missing file" "nope\.ini.*(No such file|cannot read)" "$db" run "$tmp/nope.ini" -o "$db"
expect_error "directory as file" "directory" "$db" run "$tmp" -o "$db"
: >"$tmp/empty.ini"
expect_error "empty file" "empty\.ini.*empty" "$db" run "$tmp/empty.ini" -o "$db"
mkfifo "$tmp/fifo.ini"
timeout 10 "$IOVSIM" check "$tmp/fifo.ini" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "fifo\.ini.*not a regular file" "$tmp/err" && ok "a FIFO instead of a file is refused, not read forever" \
    || not_ok "a FIFO instead of a file is refused, not read forever" "$(cat "$tmp/err")"
head -c 2000 /dev/urandom >"$tmp/garbage.ini"
printf '\0\0\1' >>"$tmp/garbage.ini"
expect_error "binary garbage" "garbage\.ini" "$db" run "$tmp/garbage.ini" -o "$db"

# A key a mechanism replaced says what replaced it.
printf '[scenario]\nmodel = net\nduration = 1ms\n[iommu]\niova_lock_hold = 250ns\n' >"$tmp/retired.ini"
expect_error "a retired key names what replaced it" \
    "retired\.ini:5: key 'iommu\.iova_lock_hold': retired: .*iommu\.iova_lock_lines x host\.line_transfer" \
    "$db" run "$tmp/retired.ini" -o "$db"

# An impossible combination names the key to change.
printf '[scenario]\nmodel = net\nduration = 1ms\n[io]\nstrategy = sriov\n[vm]\ncount = 2\n[nic]\nvfs = 65\n' >"$tmp/vfs.ini"
expect_error "more VFs than the NIC has names nic.max_vfs" \
    "vfs\.ini:9: key 'nic\.vfs': 65 VFs enabled but the NIC has 64 \(nic\.max_vfs\)" "$db" run "$tmp/vfs.ini" -o "$db"
printf '[scenario]\nmodel = net\nduration = 1ms\n[host]\ncores = 2\n[vm]\nvcpus = 3\n' >"$tmp/pin.ini"
expect_error "more pinned vCPUs than cores says what to change" \
    "pin\.ini:7: key 'vm\.vcpus'.*raise host\.cores or set host\.pin_vcpus = false" "$db" run "$tmp/pin.ini" -o "$db"
printf '[scenario]\nmodel = net\nduration = 1ms\n' >"$tmp/net.ini"
# A packet names its VMs in 16 bits: 64 hosts of 1024 VMs crashed (SIGSEGV)
# and one host of 40000 ran with VMs above 32767 wrapped to negative numbers.
expect_error "more VMs on all hosts than a run can address" \
    "^--set: key 'host\.count': 65536 VMs on 64 host\(s\), more than the 32768 a run can address$" \
    "$db" check "$tmp/net.ini" --set vm.count=1024 --set host.pin_vcpus=false --set host.count=64
printf '[scenario]\nmodel = net\nduration = 1ms\n[host]\npin_vcpus = false\n[group a]\ncount = 40000\nnet = virtio\n' >"$tmp/vms.ini"
expect_error "more VMs on one host than a run can address" \
    "vms\.ini:7: key 'group\.a\.count': 40000 VMs on 1 host\(s\), more than the 32768" "$db" check "$tmp/vms.ini"
expect_error "a retired key given with --set too" "key 'host\.sched_wakeup': retired: .*host\.idle" \
    "$db" run "$tmp/net.ini" -o "$db" --set host.sched_wakeup=2us
mk() { # mk NAME: copy good.ini with sed expression $2 applied
    sed -e "$2" "$good" >"$tmp/$1.ini"
}
mk dup '/^service/a service = exp(1s)'
expect_error "duplicate key" "dup\.ini:10: key 'queue\.service'.*duplicate" "$db" run "$tmp/dup.ini" -o "$db"
mk unknown 's/^service/servce/'
expect_error "unknown key with suggestion" "unknown\.ini:9: key 'queue\.servce'.*did you mean 'queue\.service'" "$db" run "$tmp/unknown.ini" -o "$db"
mk badunit 's/exp(1s)/exp(1sx)/'
expect_error "wrong unit" "badunit\.ini:9: key 'queue\.service'.*unit" "$db" run "$tmp/badunit.ini" -o "$db"
mk negdur 's/^duration = 100s/duration = -5s/'
expect_error "negative duration" "negdur\.ini:4: key 'scenario\.duration'" "$db" run "$tmp/negdur.ini" -o "$db"
mk inlinecomment 's/^duration = 100s/duration = 100s # long enough/'
expect_error "a comment after a value says where comments go" \
    "inlinecomment\.ini:4: key 'scenario\.duration': unknown unit 's # long enough' .*; a '#' starts a comment only at the start of a line$" \
    "$db" run "$tmp/inlinecomment.ini" -o "$db"
mk zeroservers '/^service/a servers = 0'
expect_error "zero servers" "zeroservers\.ini:10: key 'queue\.servers'.*range" "$db" run "$tmp/zeroservers.ini" -o "$db"
mk longwarm 's/^warmup = 10s/warmup = 200s/'
expect_error "warm-up longer than duration" "longwarm\.ini:5: key 'scenario\.warmup'" "$db" run "$tmp/longwarm.ini" -o "$db"
mk pathname 's|^name = good|name = ../../escape|'
expect_error "scenario name that is a path" "pathname\.ini:2: key 'scenario\.name'.*may only contain" "$db" run "$tmp/pathname.ini" -o "$db"
# The name becomes results/NAME.db: a name too long for a file name is
# refused by its length, not echoed (a 1 MB name made a 1 MB error line).
{ printf '[scenario]\nname = '; head -c 1000000 /dev/zero | tr '\0' a; echo; sed 1,2d "$good"; } >"$tmp/longname.ini"
expect_error "scenario name longer than a file name" "longname\.ini:2: key 'scenario\.name': 1000000 characters long, at most 128" "$tmp/long.db" run "$tmp/longname.ini" -o "$tmp/long.db"
[ "$(wc -c <"$tmp/err")" -lt 200 ] && ok "the long name is not echoed" || not_ok "the long name is not echoed" "$(wc -c <"$tmp/err") bytes"
sed '/^name/d' "$good" >"$tmp/$(printf 'b%.0s' $(seq 200)).ini"
"$IOVSIM" check "$tmp/$(printf 'b%.0s' $(seq 200)).ini" | grep -q "scenario '$(printf 'b%.0s' $(seq 128))'" &&
    ok "a default name from a long file name is cut to 128 characters" ||
    not_ok "a default name from a long file name is cut to 128 characters"
# Any long value quoted in an error: the line keeps its start (file, line,
# key) and its end (what was expected) and loses the middle.
{ printf '[scenario]\nduration = 1'; head -c 5000000 /dev/zero | tr '\0' x; echo; sed 1,4d "$good"; } >"$tmp/longvalue.ini"
expect_error "a 5 MB value is cut out of its error line" \
    "^[^ ]*longvalue\.ini:2: key 'scenario\.duration': unknown unit 'x+\[\.\.\. [0-9]+ bytes left out \.\.\.\]x+' \(expected one of: ps ns us ms s\)$" \
    "$db" check "$tmp/longvalue.ini"
[ "$(wc -c <"$tmp/err")" -le 4200 ] && ok "and the line is short" || not_ok "and the line is short" "$(wc -c <"$tmp/err") bytes"
# run ignores [sweep] but refuses a wrong one, as check does.
printf '\n[sweep]\nqueue.servce = 1, 2\n' | cat "$good" - >"$tmp/sweeptypo.ini"
expect_error "misspelled key in [sweep]" "sweeptypo\.ini:12: key 'queue\.servce'.*did you mean 'queue\.service'" "$db" run "$tmp/sweeptypo.ini" -o "$db"
expect_error "--set without =" "--set.*'queue\.servers'.*expected" "$db" run "$good" --set queue.servers -o "$db"
expect_error "--set out of range" "--set.*key 'queue\.servers'.*range" "$db" run "$good" --set queue.servers=0 -o "$db"
expect_error "--seed -5 is checked, not ignored" "^--seed: key 'scenario\.seed'.*range" "$db" run "$good" --seed -5 -o "$db"
expect_error "--reps 0 is checked, not ignored" "^--reps: key 'scenario\.reps'.*range" "$db" run "$good" --reps 0 -o "$db"
# --seed and --reps read their numbers as the scenario does: glib's option
# parser took 0x10 as hex and 010 as octal 8, and refused 1e9 without a range.
expect_error "--seed 0x10 is refused as --set refuses it" "^--seed: key 'scenario\.seed': unexpected unit 'x10'" "$tmp/hex.db" run "$good" --seed 0x10 -o "$tmp/hex.db"
expect_error "--reps 1e9 gets the range" "^--reps: key 'scenario\.reps': 1e9 is out of range \[1, 100000\]" "$db" run "$good" --reps 1e9 -o "$db"
"$IOVSIM" run "$good" --reps 010 -q -o "$tmp/octal.db" && [ "$(sqlite3 "$tmp/octal.db" 'SELECT count(*) FROM runs')" = 10 ] &&
    "$IOVSIM" run "$good" --seed 010 -q -o "$tmp/seed010.db" && "$IOVSIM" run "$good" --seed 10 -q -o "$tmp/seed10.db" &&
    [ "$(sqlite3 "$tmp/seed010.db" 'SELECT seed FROM runs')" = "$(sqlite3 "$tmp/seed10.db" 'SELECT seed FROM runs')" ] &&
    ok "--reps 010 is ten replications and --seed 010 is seed 10, not octal" ||
    not_ok "--reps 010 is ten replications and --seed 010 is seed 10, not octal" "$(sqlite3 "$tmp/octal.db" 'SELECT count(*) FROM runs')"
expect_error "unknown option" "unknown option|Unknown option" "$db" run "$good" --bogus -o "$db"

# A database path that cannot hold a database is bad input (exit 2), as a
# missing scenario file is; a failure while writing is an I/O failure (1).
expect_error "database in a missing directory" "nodir/r\.db" "$tmp/nodir/r.db" run "$good" -o "$tmp/nodir/r.db"
[ -e "$tmp/nodir" ] && not_ok "no directory created for a bad database path" || ok "no directory created for a bad database path"
mkdir "$tmp/isdir.db"
expect_error "database path is a directory" "isdir\.db" "$tmp/none" run "$good" -o "$tmp/isdir.db"
head -c 4096 /dev/urandom >"$tmp/corrupt.db"
cp "$tmp/corrupt.db" "$tmp/corrupt.orig"
expect_error "corrupt database" "corrupt\.db" "$tmp/none" run "$good" -o "$tmp/corrupt.db"
cmp -s "$tmp/corrupt.db" "$tmp/corrupt.orig" && ok "corrupt database left untouched" || not_ok "corrupt database left untouched"
sqlite3 "$tmp/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
expect_error "sqlite database that is not iovsim's" "other\.db.*not an iovsim database" "$tmp/none" run "$good" -o "$tmp/other.db"

# Memory (issue 7 item 1): in-range values whose product is too large are
# refused before anything is built, with an explicit --mem-limit so the
# result does not depend on the machine.
cat >"$tmp/fabric.ini" <<'INI'
[scenario]
model = fabric
duration = 1s
[fabric]
leaves = 1024
spines = 256
switch_ports = 4096
table_size = 1000000
INI
expect_error "check: 1280 switches of 1e6 flow entries" "fabric\.ini:8: key 'fabric\.table_size': needs about [0-9.]+GiB of memory, more than the limit of 8\.0GiB \(fabric\.table_size, fabric\.leaves, fabric\.spines" \
    "$db" check "$tmp/fabric.ini" --mem-limit 8GiB
expect_error "run: the same, nothing written" "fabric\.ini:8: key 'fabric\.table_size': needs about" "$db" run "$tmp/fabric.ini" --mem-limit 8GiB -o "$db"
printf '[scenario]\nmodel = blk\nduration = 1s\n[blk]\nformat = qcow2\ndisk_size = 1048576GiB\nvms = 64\n[qcow2]\ncluster_size = 512B\nl2_entry_size = 512B\n' >"$tmp/qcow2.ini"
expect_error "check: huge qcow2 images" "qcow2\.ini:6: key 'blk\.disk_size': needs about .*blk\.vms" "$db" check "$tmp/qcow2.ini" --mem-limit 8GiB
printf '[scenario]\nmodel = net\nduration = 1s\n[host]\npin_vcpus = false\n[vm]\ncount = 1024\n[virtio]\nring_size = 32768\nqueues = 64\n[nic]\nmsix_vectors = 129\n' >"$tmp/rings.ini"
expect_error "check: 1024 VMs with the largest rings" "rings\.ini:9: key 'virtio\.ring_size': needs about .*vm\.count" "$db" check "$tmp/rings.ini" --mem-limit 8GiB
printf '[scenario]\nmodel = net\nduration = 1ms\n[host]\ncount = 128\ncores = 1024\n[fabric]\nleaves = 64\nhosts_per_leaf = 64\nspines = 16\n[group a]\ncount = 256\nnet = virtio\ndisk = virtio-blk\n[workload]\ntarget = remote\n' >"$tmp/hosts.ini"
expect_error "run: 128 hosts of 256 VMs each, refused before anything is built" "hosts\.ini:5: key 'host\.count': needs about .*host\.count, group\.a\.count" \
    "$db" run "$tmp/hosts.ini" --mem-limit 1GiB -o "$db"
printf '[scenario]\nmodel = fabric\nduration = 1s\n[sweep]\nfabric.table_size = 1000, 1000000\n[fabric]\nleaves = 1024\nspines = 256\nswitch_ports = 4096\n' >"$tmp/fsweep.ini"
expect_error "sweep: a point over the limit stops the sweep before it starts" "sweep point 'fabric\.table_size=1000000': .*needs about" \
    "$db" sweep "$tmp/fsweep.ini" --mem-limit 8GiB -o "$db"
expect_error "--mem-limit needs a size" "^--mem-limit: missing unit" "$db" check "$good" --mem-limit 8
"$IOVSIM" check "$tmp/fabric.ini" --set fabric.table_size=1000 --mem-limit 8GiB >/dev/null 2>"$tmp/err" \
    && ok "the same fabric with small tables fits" || not_ok "the same fabric with small tables fits" "$(cat "$tmp/err")"

# At run time: flows arriving far faster than they complete. The run stops
# at the limit with one line, and the database keeps no run. A virtual
# memory cap guards the machine should the bound fail (not under ASan,
# whose shadow memory needs more).
cp "$(dirname "$0")/../scenarios/sdn-controller.ini" "$tmp/flood.ini"
limited=$IOVSIM
if ! ldd "$IOVSIM" 2>/dev/null | grep -q libasan; then
    limited=$tmp/limited
    printf '#!/bin/sh\nulimit -v 3000000\nexec "%s" "$@"\n' "$IOVSIM" >"$limited"
    chmod +x "$limited"
fi
IOVSIM=$limited expect_error "run: growth past the limit ends the run" \
    "flood\.ini: the run outgrew the memory limit at .* s simulated" \
    "$tmp/flood.db" run "$tmp/flood.ini" --set fabric.flow_rate=1000Mpps --mem-limit 256MiB -o "$tmp/flood.db"

# A file name with spaces gives a usable default scenario name.
sed '/^name/d' "$good" >"$tmp/my run.ini"
"$IOVSIM" check "$tmp/my run.ini" | grep -q "scenario 'my_run'" && ok "default name from a file name with spaces" \
    || not_ok "default name from a file name with spaces"

# And the good file works, writing one 'done' run.
if "$IOVSIM" run "$good" -o "$db" -q 2>"$tmp/err" && \
   [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE status='done'")" = 1 ]; then
    ok "valid scenario writes one done run"
else
    not_ok "valid scenario writes one done run" "$(cat "$tmp/err")"
fi

echo "1..$n"
exit $fail
