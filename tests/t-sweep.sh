#!/bin/bash
# End-to-end tests of `iovsim sweep`: the grid, resuming, -j N giving the
# same rows bit for bit, Ctrl-C leaving a sound database that resumes to the
# same result, the scenario/version guard, and one-line errors for bad sweeps.
# Prints TAP. Needs IOVSIM (absolute path of the program) and sqlite3.
set -u
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"
check() { local d=$1; shift; "$@" >/dev/null 2>&1; ok $? "$d"; }
# Rows that must agree between two databases, compared exactly in SQL.
same_rows() {
    sqlite3 "$1" "ATTACH '$2' AS b;
        SELECT (SELECT count(*) FROM (SELECT point, rep, scope, name, value FROM metrics
                JOIN runs USING (run_id) WHERE status = 'done'
            EXCEPT SELECT point, rep, scope, name, value FROM b.metrics
                JOIN b.runs USING (run_id) WHERE status = 'done'))
         + (SELECT count(*) FROM (SELECT point, rep, scope, name, value FROM b.metrics
                JOIN b.runs USING (run_id) WHERE status = 'done'
            EXCEPT SELECT point, rep, scope, name, value FROM metrics
                JOIN runs USING (run_id) WHERE status = 'done'))
         + abs((SELECT count(*) FROM metrics) - (SELECT count(*) FROM b.metrics))" | grep -qx 0
}
# Bad input: exit status 2 and exactly one line on stderr containing $2.
bad() {
    local d=$1 want=$2; shift 2
    "$@" >out.txt 2>err.txt
    local rc=$?
    [ $rc = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -qF -- "$want" err.txt
    ok $? "$d (rc $rc: $(head -c 200 err.txt))"
}

cat >s.ini <<'INI'
[scenario]
name = tsweep
duration = 2000s
warmup = 100s
reps = 3

[queue]
interarrival = exp(1.25s)

[sweep]
queue.servers = 1, 2
queue.service = exp(1s), exp(2s)
lockstep = queue.servers, queue.service
queue.stations = 1..3:1
INI

echo "1..64"
"$IOVSIM" sweep s.ini -o a.db >out.txt 2>err.txt
ok $? "sweep runs"
ok "$([ "$(sqlite3 a.db "SELECT count(*) FROM runs WHERE status = 'done'")" = 18 ] && echo 0)" \
    "6 points x 3 reps done"
grep -q '^point ' out.txt &&
    grep -q 'queue.servers=2,queue.service=exp(2s),queue.stations=3' out.txt
ok $? "summary table on stdout"
[ ! -s err.txt ]
ok $? "no progress on stderr when it is not a terminal"
sqlite3 a.db "SELECT DISTINCT seed FROM runs WHERE rep = 1" >seeds.txt
ok "$([ "$(wc -l <seeds.txt)" = 1 ] && echo 0)" "seeds depend on the replication only"

"$IOVSIM" sweep s.ini -o a.db >out.txt 2>&1
grep -q '0 runs now, 18 already done' out.txt
ok $? "second call skips what is done"

"$IOVSIM" sweep s.ini -o b.db -j3 -q
ok $? "sweep -j3 (written as make users write it)"
same_rows a.db b.db
ok $? "-j 3 gives the same rows as -j 1, bit for bit"

"$IOVSIM" sweep s.ini -o a.db --reps 4 -q
ok "$([ "$(sqlite3 a.db "SELECT count(*) FROM runs")" = 24 ] && echo 0)" \
    "more --reps later adds only the new replications"

# A failed run is rerun on resume, and only it.
cp b.db f.db
sqlite3 f.db "PRAGMA foreign_keys = ON; UPDATE runs SET status = 'failed' WHERE run_id = 5;
              DELETE FROM metrics WHERE run_id = 5"
"$IOVSIM" sweep s.ini -o f.db -j 2 >out.txt 2>&1
grep -q '1 run now, 17 already done' out.txt && same_rows f.db b.db
ok $? "failed runs are rerun"

# Ctrl-C: stop, keep a sound database, resume to the uninterrupted result.
long=(--set scenario.duration=400000s --reps 4)
"$IOVSIM" sweep s.ini -o ref.db -j 2 -q "${long[@]}"
for j in 2 1; do
    rm -f i.db*
    "$IOVSIM" sweep s.ini -o i.db -j $j -q "${long[@]}" 2>err.txt &
    pid=$!
    # Interrupt once the first runs are in, so it lands mid-sweep on any machine.
    for _ in $(seq 200); do
        [ "$(sqlite3 i.db 'SELECT count(*) FROM runs' 2>/dev/null)" -ge 2 ] 2>/dev/null && break
        sleep 0.05
    done
    kill -INT $pid
    wait $pid
    rc=$?
    done_runs=$(sqlite3 i.db "SELECT count(*) FROM runs")
    [ $rc = 130 ] && [ "$done_runs" -lt 24 ] && grep -q 'interrupted' err.txt
    ok $? "-j $j: SIGINT stops with status 130 ($rc, $done_runs of 24 runs written)"
    [ "$(sqlite3 i.db 'PRAGMA integrity_check')" = ok ]
    ok $? "-j $j: database passes integrity_check"
    "$IOVSIM" sweep s.ini -o i.db -j $j -q "${long[@]}" && same_rows i.db ref.db
    ok $? "-j $j: resuming gives the uninterrupted result"
done

# SIGKILL loses at most the runs of the last quarter second: a finished run
# is written within that (and a tick of the parent), however long the runs
# after it take. Each run here takes about 3 s of CPU.
printf '[scenario]\nname = tkill\nduration = 30000s\nwarmup = 0s\n[queue]\n%s\n%s\n' \
    'interarrival = exp(1.25ms)' 'service = exp(1ms)' >k.ini
for j in 1 2; do
    # Removed first: the shell truncates it in the child, maybe after the
    # loop below has read the last round's lines.
    rm -f k.db* k.txt
    IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" sweep k.ini -o k.db -j $j --reps 4 >/dev/null 2>k.txt &
    pid=$!
    for _ in $(seq 1200); do
        grep -q '^iovsim sweep: [1-9]' k.txt && break
        sleep 0.05
    done
    sleep 1.5
    written=$(sqlite3 k.db 'SELECT count(*) FROM runs')
    kill -0 $pid 2>/dev/null
    running=$?
    kids=$(pgrep -P $pid)
    # shellcheck disable=SC2086
    kill -KILL $pid $kids 2>/dev/null
    wait $pid 2>/dev/null
    [ "$written" -ge 1 ] && [ $running = 0 ] &&
        [ "$(sqlite3 k.db 'PRAGMA integrity_check')" = ok ] &&
        [ "$(sqlite3 k.db 'SELECT count(*) FROM runs')" -ge "$written" ]
    ok $? "-j $j: a finished run is written while the next runs ($written written, running $running)"
done

# The parent killed (SIGKILL, a closed terminal): its workers, whose runs
# only the parent writes, go too instead of simulating on for nothing.
IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" sweep k.ini -o orphan.db -j 2 --reps 2 \
    --set scenario.duration=300000s >/dev/null 2>&1 &
pid=$!
kids=
for _ in $(seq 200); do
    kids=$(pgrep -P $pid | tr '\n' ' ')
    [ "$(echo $kids | wc -w)" = 2 ] && break
    sleep 0.05
done
kill -KILL $pid
wait $pid 2>/dev/null
left=$kids
for _ in $(seq 100); do
    left=
    for k in $kids; do kill -0 "$k" 2>/dev/null && left="$left $k"; done
    [ -z "$left" ] && break
    sleep 0.05
done
[ -n "$kids" ] && [ -z "$left" ]
ok $? "-j 2: the workers end with their parent (workers $kids, left:${left:- none})"
# shellcheck disable=SC2086
[ -n "$left" ] && kill -KILL $left 2>/dev/null

# A worker killed mid-sweep: its run is reported lost (status 1), and the
# task it held next is run by the other worker, so every other run is there.
# kill_worker RUNS_DONE SWEEP_ARGS...: start a 2-worker sweep into w.db,
# wait until its progress line reports RUNS_DONE (a bracket expression),
# SIGKILL the first worker forked (worker 0), and set rc.
kill_worker() {
    local done=$1 pid
    shift
    rm -f w.db* w.txt
    IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" sweep k.ini -o w.db -j 2 "$@" >/dev/null 2>w.txt &
    pid=$!
    for _ in $(seq 1200); do
        grep -q "^iovsim sweep: $done" w.txt && break
        sleep 0.05
    done
    kill -KILL "$(pgrep -o -P $pid)"
    wait $pid
    rc=$?
}
kill_worker '[1-9]' --reps 8 --set scenario.duration=3000s
[ $rc = 1 ] && grep -q 'worker [01] died (signal 9)' w.txt &&
    [ "$(sqlite3 w.db "SELECT count(*) FROM runs WHERE status = 'done'")" = 7 ]
ok $? "-j 2: a killed worker's run is lost and the rest are done (rc $rc, $(sqlite3 w.db 'SELECT count(*) FROM runs') runs)"

# The same when the other worker has already run out of tasks: worker 0
# holds two long runs, worker 1 two short ones and is done first; the long
# run worker 0 had not started is then run by the parent.
kill_worker '[2-9]' --reps 1 --vary scenario.duration=30000s,30001s,100s,101s
done_points=$(sqlite3 w.db "SELECT group_concat(point, ' ') FROM
    (SELECT point FROM runs WHERE status = 'done' ORDER BY point)")
[ $rc = 1 ] && grep -q 'worker 0 died (signal 9)' w.txt &&
    [ "$done_points" = "scenario.duration=100s scenario.duration=101s scenario.duration=30001s" ]
ok $? "-j 2: a killed worker's next task is run even when the other has finished (rc $rc: $done_points)"

# The guard against mixing scenarios and versions.
bad "another seed is another scenario" "--force" "$IOVSIM" sweep s.ini -o b.db --seed 7
"$IOVSIM" sweep s.ini -o b.db --seed 7 --force -q
ok $? "--force mixes them"
cp a.db v.db
sqlite3 v.db "UPDATE runs SET version = '0.0.1' WHERE run_id = 1"
bad "another iovsim version is refused" "made by iovsim 0.0.1" "$IOVSIM" sweep s.ini -o v.db

# Two sweeps of different scenarios (seeds) started at once on a new
# database: one runs, the other is refused before writing anything.
for i in 1 2 3; do
    rm -f race.db*
    "$IOVSIM" sweep s.ini -o race.db -q --seed 11 --reps 1 2>race1.txt &
    p1=$!
    "$IOVSIM" sweep s.ini -o race.db -q --seed 12 --reps 1 2>race2.txt &
    p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    hashes=$(sqlite3 race.db "SELECT count(DISTINCT scenario_hash) FROM runs")
    [ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" = "0 2 " ] && [ "$hashes" = 1 ] &&
        grep -q -- --force race1.txt race2.txt
    ok $? "race $i: two scenarios at once on a new database, one refused (rc $r1 $r2, $hashes hashes)"
done

# Two identical sweeps at once on one database share the work: every run is
# done once, by one of them, and the rows are those of -j 1 bit for bit.
"$IOVSIM" sweep s.ini -o twin-ref.db -q --set scenario.duration=40000s
for j in 1 2; do
    rm -f twin.db*
    "$IOVSIM" sweep s.ini -o twin.db -j $j --set scenario.duration=40000s >twin1.txt 2>&1 &
    p1=$!
    "$IOVSIM" sweep s.ini -o twin.db -j $j --set scenario.duration=40000s >twin2.txt 2>&1 &
    p2=$!
    wait $p1; r1=$?
    wait $p2; r2=$?
    now1=$(sed -n 's/.*, \([0-9]*\) runs\{0,1\} now,.*/\1/p' twin1.txt)
    now2=$(sed -n 's/.*, \([0-9]*\) runs\{0,1\} now,.*/\1/p' twin2.txt)
    [ $r1 = 0 ] && [ $r2 = 0 ] && [ $((now1 + now2)) = 18 ] &&
        [ "$(sqlite3 twin.db 'SELECT count(*) FROM runs')" = 18 ] &&
        [ "$(sqlite3 twin.db 'SELECT count(*) FROM claims')" = 0 ] && same_rows twin.db twin-ref.db
    ok $? "-j $j: two identical sweeps at once do each run once ($now1 + $now2 of 18, rc $r1 $r2)"
done

# A scenario without a sweep has the single point "base".
printf '[scenario]\nduration = 100s\nreps = 2\n' >base.ini
"$IOVSIM" sweep base.ini -o base.db -q
[ "$(sqlite3 base.db 'SELECT DISTINCT point FROM runs')" = base ]
ok $? "no sweep: one point called base"

# --plan: one command per (point, rep), each with its own database.
"$IOVSIM" sweep s.ini --plan --vary 'queue.stations=1,2' >plan.txt
[ "$(wc -l <plan.txt)" = 12 ] && grep -q -- \
    "--only 3 --rep 2 -q -o 'results/tsweep.p3.r2.db' --vary 'queue.stations=1,2'" plan.txt
ok $? "--plan prints one command per (point, rep)"

# A database that refuses writes (here a trigger; a full disk in life)
# stops the sweep at the first lost run instead of failing every run.
cp a.db full.db
sqlite3 full.db "CREATE TRIGGER no_room BEFORE INSERT ON runs BEGIN SELECT RAISE(FAIL, 'disk is full'); END;"
"$IOVSIM" sweep s.ini -o full.db --reps 6 -q >out.txt 2>err.txt
rc=$?
[ $rc = 1 ] && [ "$(wc -l <err.txt)" -le 2 ] && grep -q "disk is full" err.txt
ok $? "a refused write stops the sweep (rc $rc, $(wc -l <err.txt) lines)"
# The closing line counts every run the failed write lost (it said 1).
lost=$(sed -n 's/^\([0-9]*\) runs lost: .*/\1/p' err.txt)
[ -n "$lost" ] && grep -qx "iovsim: $lost runs failed; run the same command again to retry" err.txt
ok $? "the closing line counts the $lost runs lost ($(tail -1 err.txt))"

# exclude: the points a rule matches are not run, planned or numbered; the
# others keep their labels, so a database made without the rule resumes.
cat >x.ini <<'INI'
[scenario]
name = texclude
duration = 2000s
warmup = 100s
reps = 2

[queue]
interarrival = exp(1.25s)

[sweep]
queue.servers = 1, 2
queue.stations = 1..3:1
exclude = queue.servers=1, queue.stations=2|3
INI
grep -v '^exclude' x.ini >xfull.ini
"$IOVSIM" check x.ini | grep -q '(scenario .texclude., model queue, 4 sweep points, 2 excluded)$'
ok $? "check counts the points left (4 of 6) and the points excluded"
"$IOVSIM" check xfull.ini | grep -q '(scenario .texclude., model queue, 6 sweep points)$'
ok $? "check names no excluded points when no rule excludes any"
"$IOVSIM" sweep x.ini -o x.db >out.txt 2>&1 &&
    grep -q "4 points (2 excluded) x 2 replications, 8 runs now" out.txt
ok $? "sweep runs only the points left and says how many it excluded ($(grep "^sweep" out.txt))"
[ "$(sqlite3 x.db "SELECT group_concat(point, ' ') FROM (SELECT DISTINCT point FROM runs
    ORDER BY point)")" = "queue.servers=1,queue.stations=1 queue.servers=2,queue.stations=1 \
queue.servers=2,queue.stations=2 queue.servers=2,queue.stations=3" ]
ok $? "the points left keep their labels"
"$IOVSIM" sweep x.ini -o xj.db -j 2 -q && same_rows x.db xj.db
ok $? "-j 2 gives the same rows"
"$IOVSIM" sweep x.ini --plan >plan.txt
[ "$(wc -l <plan.txt)" = 8 ] && grep -q -- '--only 3 --rep 1 ' plan.txt && ! grep -q -- '--only 4' plan.txt
ok $? "--plan: one command per point left and rep, numbered without gaps"
"$IOVSIM" sweep x.ini -o o.db --only 1 -q &&
    [ "$(sqlite3 o.db 'SELECT DISTINCT point FROM runs')" = queue.servers=2,queue.stations=1 ]
ok $? "--only 1 is the second point left"
bad "--only past the points left" "--only 4: the sweep has points 0 to 3" \
    "$IOVSIM" sweep x.ini -o e.db --only 4
# Numbers are decimal: glib read --only 010 as octal 8, a wrong point run
# without a word, and -j 0x2 as hex.
bad "--only 010 is point 10, not octal 8" "--only 10: the sweep has points 0 to 3" \
    "$IOVSIM" sweep x.ini -o e.db --only 010
bad "-j 0x2 is not a number of workers" "iovsim sweep: -j 0x2: expected 1 to 1024 workers" \
    "$IOVSIM" sweep x.ini -o jx.db -j 0x2
"$IOVSIM" sweep x.ini -o o.db >out.txt 2>&1 && grep -q '6 runs now, 2 already done' out.txt &&
    same_rows o.db x.db
ok $? "a partly done sweep with exclusions resumes"
"$IOVSIM" sweep xfull.ini -o y.db --reps 1 -q && "$IOVSIM" sweep x.ini -o y.db >out.txt 2>&1 &&
    grep -q '4 runs now, 4 already done' out.txt
ok $? "a database made without the rule resumes with it ($(grep "^sweep" out.txt))"
"$IOVSIM" sweep x.ini --plan --vary 'queue.service=exp(1s),exp(2s)' \
    --exclude 'queue.service=exp(2s), queue.stations=1' >plan.txt
[ "$(wc -l <plan.txt)" = 12 ] &&
    [ "$(grep -c -- "--exclude 'queue.service=exp(2s), queue.stations=1'$" plan.txt)" = 12 ]
ok $? "--exclude (on a --vary key) adds to the file's rules; --plan passes it on"
bad "--exclude of a value not swept" "--exclude: exclude key 'queue.servers': value '3' is not one" \
    "$IOVSIM" sweep x.ini -o e.db --exclude 'queue.servers=3'
printf '[scenario]\nduration = 10s\n[sweep]\nqueue.servers = 1, 2\nexclude = queue.stations=1\n' >e5.ini
bad "exclude of a key not swept" "e5.ini:5: exclude key 'queue.stations' is not swept" \
    "$IOVSIM" sweep e5.ini -o e.db
bad "exclude of every point" "--exclude: exclude 'queue.stations=1|2|3' leaves no point" \
    "$IOVSIM" sweep x.ini -o e.db --exclude 'queue.stations=1|2|3'

# Bad sweeps: one line each, exit 2, nothing written.
printf '[scenario]\nduration = 10s\n[sweep]\nqueue.servers =\n' >e1.ini
bad "empty list in [sweep]" "e1.ini:4: key 'queue.servers': empty list of values" \
    "$IOVSIM" sweep e1.ini -o e.db
printf '[scenario]\nduration = 10s\n[sweep]\nqueue.servers = 1, 2\nqueue.service = exp(1s)\n%s\n' \
    'lockstep = queue.servers, queue.service' >e2.ini
bad "lockstep lists of different lengths" \
    "e2.ini:6: lockstep keys 'queue.servers' (2 values) and 'queue.service' (1 value)" \
    "$IOVSIM" sweep e2.ini -o e.db
printf '[scenario]\nduration = 10s\n[sweep]\nqueue.servers = 1, 0\n' >e3.ini
bad "value out of range" "e3.ini:4: key 'queue.servers'" "$IOVSIM" sweep e3.ini -o e.db
bad "bad --vary value" "--vary: key 'queue.service'" \
    "$IOVSIM" sweep s.ini -o e.db --vary 'queue.service=exp(1s),exp(-1s)'
printf '[scenario]\nduration = 100s\nwarmup = 20s\n[sweep]\nscenario.duration = 50s, 10s\n' >e4.ini
bad "a point whose values clash (warm-up past a swept duration)" \
    "sweep point 'scenario.duration=10s': e4.ini:3: key 'scenario.warmup'" \
    "$IOVSIM" sweep e4.ini -o e.db
bad "a value listed twice" "--vary: key 'queue.servers': value '1' is listed twice" \
    "$IOVSIM" sweep s.ini -o e.db --vary 'queue.servers=1,1'
bad "a range of too many values says how many" \
    "--vary: key 'queue.servers': range '1..200000:1' has 200000 values, more than 100000" \
    "$IOVSIM" sweep s.ini -o e.db --vary 'queue.servers=1..200000:1'
bad "a tiny step's count in three digits, not three hundred" \
    "range '1..2:1e-300' has 1e+300 values, more than 100000" \
    "$IOVSIM" sweep s.ini -o e.db --vary 'queue.servers=1..2:1e-300'
# The sweep takes its seeds, replications and name from the base scenario:
# swept, every point silently ran the same seeds and replications.
printf '[scenario]\nduration = 10s\n[sweep]\nscenario.seed = 1, 2\n' >e5.ini
bad "scenario.seed cannot be swept" \
    "e5.ini:4: key 'scenario.seed': cannot be swept: one value holds for every point (set it in [scenario] or with --seed N)" \
    "$IOVSIM" sweep e5.ini -o e.db
bad "nor scenario.reps with --vary" "--vary: key 'scenario.reps': cannot be swept" \
    "$IOVSIM" sweep s.ini -o e.db --vary 'scenario.reps=1,5'
# 100000 points x 100000 replications: the sweep listed 10^10 runs and
# aborted on a 4 GiB allocation, a database already made.
printf '[scenario]\nduration = 1s\nreps = 100000\n[sweep]\nqueue.capacity = 1..100000:1\n' >e6.ini
bad "more runs than a sweep takes, refused up front" \
    "e6.ini:3: key 'scenario.reps': 100000 points x 100000 replications make 1e+10 runs, more than the 10000000 a sweep takes" \
    "$IOVSIM" sweep e6.ini -o e6.db
[ ! -e e6.db ]
ok $? "and no database is made for it"
# The workers start on the first tasks while a new database is made; when
# it cannot be, they stop and the error is the one line.
touch notdir
bad "-j 2: a database path under a file" "'notdir': cannot make directory" \
    "$IOVSIM" sweep s.ini -o notdir/e.db -j 2
"$IOVSIM" check e4.ini >out.txt 2>err.txt
[ $? = 2 ] && grep -q "sweep point 'scenario.duration=10s'" err.txt
ok $? "check validates the [sweep] group as sweep would"
[ ! -e e.db ]
ok $? "no database is created for a bad sweep"
exit $((fails > 0))
