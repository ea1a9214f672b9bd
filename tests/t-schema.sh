#!/usr/bin/env bash
# Databases of an older schema: tests/data/schema1.db was written by iovsim
# 0.1.0 (schema 1: one hist row per bucket), tests/data/schema2.db by the
# iovsim of 2026-12-04 before schema 3 (one hists row per histogram with
# every bucket's bounds), tests/data/schema3.db by the one before schema 4
# (no time series), tests/data/schema4.db by the one before schema 5 (each
# histogram's counts in one run, its empty buckets as zeros). Reading
# commands read each as it is and change nothing; a command that writes
# converts it to the current schema, keeping every old row exactly; merge
# takes it as an input.
# Prints TAP. Needs IOVSIM and sqlite3.
set -u
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"
# Every stored value of the fixture's four runs, in a fixed order, exactly.
dump() {
    sqlite3 "$1" "SELECT run_id, point, rep, seed, status FROM runs WHERE run_id <= 4
            ORDER BY run_id;
        SELECT run_id, key, value FROM params WHERE run_id <= 4 ORDER BY run_id, key;
        SELECT run_id, scope, name, printf('%.17g', value), unit FROM metrics
            WHERE run_id <= 4 ORDER BY run_id, scope, name;
        SELECT run_id, scope, name, unit, printf('%.17g', lo), printf('%.17g', hi), count
            FROM hist WHERE run_id <= 4 ORDER BY run_id, scope, name, lo"
}

for v in 1 2 3 4; do
    rm -f merged.db merged.db-*
    cp "$SRC/tests/data/schema$v.db" old.db
    sum_before=$(md5sum <old.db)
    dump old.db >before.txt
    runs=$(sqlite3 old.db "SELECT count(*) FROM runs")
    [ "$(sqlite3 old.db 'PRAGMA user_version')" = "$v" ] && [ "$(wc -l <before.txt)" -gt 1000 ]
    ok $? "the fixture is a schema $v database with histograms"

    "$IOVSIM" table old.db >table.txt 2>err.txt
    ok $? "table reads a schema $v database ($(head -c 200 err.txt))"
    "$IOVSIM" plot old.db --kind cdf --y sojourn --by queue.servers -o cdf.png >/dev/null 2>err.txt &&
        [ -s cdf.png ]
    ok $? "plot draws a CDF from schema $v histograms ($(head -c 200 err.txt))"
    "$IOVSIM" plot old.db --kind series --y migration_vm_throughput -o series.png >/dev/null \
        2>err.txt
    [ $? = 2 ] && grep -q "time series" err.txt
    ok $? "a schema $v database has no time series here, and says so ($(head -c 200 err.txt))"
    [ "$(md5sum <old.db)" = "$sum_before" ] && [ -z "$(ls old.db-* 2>/dev/null)" ]
    ok $? "reading changes nothing and leaves no side file"

    # A run into it converts it; the old rows stay exactly as they were. (--force:
    # the fixture's scenario hash is another iovsim's, which may hash otherwise.)
    cp old.db conv.db
    "$IOVSIM" run "$SRC/scenarios/mm1.ini" -o conv.db -q --reps 1 --force \
        --set scenario.duration=1000s --set scenario.warmup=100s 2>err.txt
    ok $? "run into a schema $v database ($(head -c 200 err.txt))"
    [ "$(sqlite3 conv.db 'PRAGMA user_version')" = 5 ] &&
        [ "$(sqlite3 conv.db "SELECT value FROM meta WHERE key = 'schema_version'")" = 5 ] &&
        [ "$(sqlite3 conv.db "SELECT count(*) FROM series")" = 0 ] &&
        [ "$(sqlite3 conv.db "SELECT type FROM sqlite_master WHERE name = 'hist'")" = view ] &&
        [ "$(sqlite3 conv.db "SELECT count(*) FROM sqlite_master WHERE name GLOB 'hist*_v*'")" = 0 ]
    ok $? "it is converted: hist is a view over one row per histogram, no old table left, a series table"
    [ "$(sqlite3 conv.db "SELECT count(*) FROM hists WHERE counts NOT GLOB '[[][[]0,*]]'
            AND counts <> '[]'")" = 0 ]
    ok $? "its histograms' counts are runs of buckets from the first"
    dump conv.db >after.txt
    cmp -s before.txt after.txt
    ok $? "every old row reads back exactly after the conversion"
    [ "$(sqlite3 conv.db "SELECT count(*) FROM runs")" = $((runs + 1)) ] &&
        [ "$(sqlite3 conv.db "SELECT count(*) FROM hists")" = $((runs + 1)) ]
    ok $? "the new run goes in beside them"

    # merge takes a schema $v input; the result holds the same rows.
    "$IOVSIM" merge merged.db old.db -q 2>err.txt
    ok $? "merge takes a schema $v input ($(head -c 200 err.txt))"
    dump merged.db >merged.txt
    cmp -s before.txt merged.txt
    ok $? "the merged database reads back the same rows"
done

# Schema 4's time series go through merge as they are.
rm -f s4.db* m4.db*
"$IOVSIM" run "$SRC/scenarios/migration.ini" -o s4.db -q --reps 1 --set io.strategy=virtio \
    --set migration.dirty_rate=1Gbps --set scenario.duration=20ms --set migration.sample=1ms \
    2>err.txt && "$IOVSIM" merge m4.db s4.db -q 2>>err.txt &&
    [ "$(sqlite3 s4.db "SELECT count(*) FROM sample")" -gt 30 ] &&
    [ "$(sqlite3 s4.db "SELECT group_concat(samples) FROM series ORDER BY name")" = \
        "$(sqlite3 m4.db "SELECT group_concat(samples) FROM series ORDER BY name")" ]
ok $? "merge copies the time series of a schema 4 input ($(head -c 200 err.txt))"

echo "1..$n"
exit $((fails > 0))
