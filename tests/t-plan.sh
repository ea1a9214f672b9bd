#!/bin/bash
# End-to-end test of the distributed recipe: `iovsim sweep --plan` run
# through GNU parallel, one database per (point, rep), `iovsim merge` into
# one, which must hold the same rows as a -j 1 sweep. Also merge's guards.
# Prints TAP. Needs IOVSIM (absolute path), sqlite3 and GNU parallel.
set -u
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"
same_rows() {
    sqlite3 "$1" "ATTACH '$2' AS b;
        SELECT (SELECT count(*) FROM (SELECT point, rep, seed, scope, name, value FROM metrics
                JOIN runs USING (run_id)
            EXCEPT SELECT point, rep, seed, scope, name, value FROM b.metrics
                JOIN b.runs USING (run_id)))
         + (SELECT count(*) FROM (SELECT point, rep, seed, scope, name, value FROM b.metrics
                JOIN b.runs USING (run_id)
            EXCEPT SELECT point, rep, seed, scope, name, value FROM metrics
                JOIN runs USING (run_id)))
         + abs((SELECT count(*) FROM metrics) - (SELECT count(*) FROM b.metrics))
         + abs((SELECT count(*) FROM hist) - (SELECT count(*) FROM b.hist))
         + abs((SELECT count(*) FROM params) - (SELECT count(*) FROM b.params))" | grep -qx 0
}
bad() {
    local d=$1 want=$2; shift 2
    "$@" >out.txt 2>err.txt
    local rc=$?
    [ $rc = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -qF -- "$want" err.txt
    ok $? "$d (rc $rc: $(head -c 200 err.txt))"
}

cat >p.ini <<'INI'
[scenario]
name = tplan
duration = 2000s
reps = 2

[sweep]
queue.servers = 2, 1
INI

if ! command -v parallel >/dev/null; then
    echo "1..0 # SKIP GNU parallel is not installed"
    exit 0
fi
echo "1..19"
# The commands say "iovsim": put the program under test first on PATH.
mkdir bin && ln -s "$IOVSIM" bin/iovsim
export PATH="$T/bin:$PATH"
mkdir parts
iovsim sweep p.ini --plan --plan-dir parts --vary 'queue.stations=1,2' >plan.txt
ok $? "--plan"
[ "$(wc -l <plan.txt)" = 8 ]
ok $? "8 commands for 4 points x 2 reps"
parallel -j 2 <plan.txt
ok $? "GNU parallel runs them"
[ "$(ls parts/*.db | wc -l)" = 8 ]
ok $? "one database per (point, rep)"
iovsim merge all.db parts/*.db >out.txt
ok $? "merge"
iovsim sweep p.ini -o ref.db -q --vary 'queue.stations=1,2'
same_rows all.db ref.db
ok $? "merged database has the rows of a -j 1 sweep"
# Each part records its point's place in the sweep: the merged rows come in
# the declared order (servers 2 before 1), as a one-process sweep's do.
iovsim table all.db -m utilization | awk '{ print $1 }' >rows.txt &&
    iovsim table ref.db -m utilization | awk '{ print $1 }' | cmp -s - rows.txt &&
    [ "$(sed -n 2p rows.txt)" = queue.servers=2,queue.stations=1 ]
ok $? "merged points in the declared order ($(tr '\n' ' ' <rows.txt))"
iovsim merge all.db parts/*.db >out.txt && grep -q 'merged 0 runs' out.txt &&
    same_rows all.db ref.db
ok $? "merging again adds nothing"

# merge knows the plan's size: a part not merged yet is named, exit 1.
iovsim merge half.db parts/tplan.p0.r*.db parts/tplan.p1.r0.db >out.txt 2>err.txt
rc=$?
[ $rc = 1 ] && [ "$(wc -l <err.txt)" = 1 ] &&
    grep -q '5 of 8 planned runs not merged yet: parts tplan.p1.r1, tplan.p2.r0, tplan.p2.r1, tplan.p3.r0, tplan.p3.r1$' err.txt
ok $? "merge names the parts not merged yet (rc $rc: $(cat err.txt))"
iovsim merge half.db parts/tplan.p[123].r*.db >out.txt 2>err.txt && [ ! -s err.txt ] &&
    same_rows half.db ref.db
ok $? "merging the rest completes it: exit 0, nothing missing"

# Excluded points are not in the plan: its parts are numbered without gaps,
# so merge finds none missing.
mkdir xparts
iovsim sweep p.ini --plan --plan-dir xparts --vary 'queue.stations=1,2' \
    --exclude 'queue.servers=1, queue.stations=2' >xplan.txt && [ "$(wc -l <xplan.txt)" = 6 ] &&
    parallel -j 2 <xplan.txt && iovsim merge xall.db xparts/*.db >out.txt 2>err.txt && [ ! -s err.txt ]
ok $? "a plan with --exclude: 6 commands, merged with nothing missing ($(head -c 200 err.txt))"
iovsim sweep p.ini -o xref.db -q --vary 'queue.stations=1,2' \
    --exclude 'queue.servers=1, queue.stations=2' && same_rows xall.db xref.db
ok $? "merged database has the rows of a -j 1 sweep with --exclude"

# The README's Slurm recipe, where this machine has a working Slurm.
if command -v sbatch >/dev/null && sinfo -h >/dev/null 2>&1; then
    mkdir slurm && (cd slurm && iovsim sweep ../p.ini --plan --plan-dir parts \
        --vary 'queue.stations=1,2' >plan.txt &&
        sbatch --wait --array=1-"$(wc -l <plan.txt)" \
            --wrap 'eval "$(sed -n ${SLURM_ARRAY_TASK_ID}p plan.txt)"' >/dev/null &&
        iovsim merge s.db parts/*.db -q) && same_rows slurm/s.db ref.db
    ok $? "the Slurm recipe (sbatch --wait, then merge) gives the rows of -j 1"
else
    n=$((n + 1))
    echo "ok $n # SKIP no working Slurm here (sbatch, sinfo) for the README's recipe"
fi

iovsim sweep p.ini -o other.db -q --seed 9
bad "merge refuses another scenario" "--force" iovsim merge all.db other.db
printf 'not a database at all, really not one, no\n' >junk.db
bad "merge refuses a file that is not an iovsim database" "not an iovsim database" \
    iovsim merge all.db junk.db
bad "merge of a missing input" "no such database" iovsim merge fresh.db parts/nothing.db
[ ! -e fresh.db ]
ok $? "a failed merge creates no output database"
bad "merge of inputs from two scenarios" "--force" iovsim merge fresh2.db all.db other.db
[ ! -e fresh2.db ]
ok $? "inputs are checked against each other before the output is made"
exit $((fails > 0))
