#!/usr/bin/env bash
# End to end: `iovsim run` on an M/M/1 queue writes a database whose summary
# view matches the closed form; the same seed gives byte-identical metrics;
# Ctrl-C leaves a database that passes integrity_check with complete runs.
set -u
IOVSIM=${IOVSIM:-./iovsim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

cat >"$tmp/mm1.ini" <<'INI'
[scenario]
name = mm1-test
model = queue
duration = 20000s
warmup = 2000s
reps = 20
seed = 7

[queue]
interarrival = exp(1.25s)
service = exp(1s)
INI

# M/M/1, lambda = 0.8, mu = 1: W = 1/(mu - lambda) = 5 s, rho = 0.8,
# Wq = rho/(mu - lambda) = 4 s, Lq = rho^2/(1 - rho) = 3.2.
if "$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/a.db" >"$tmp/out" 2>"$tmp/err"; then
    ok "mm1 runs"
else
    not_ok "mm1 runs" "$(cat "$tmp/err")"
fi
check_summary() { # NAME THEORY: |mean - theory| <= max(ci95, 1e-9)
    local row
    row=$(sqlite3 "$tmp/a.db" "SELECT n, mean, ci95 FROM summary WHERE scope='all' AND name='$1'")
    if awk -F'|' -v t="$2" '{ d = $2 - t; if (d < 0) d = -d; exit !($1 == 20 && d <= $3) }' <<<"$row"; then
        ok "summary $1 = $row matches theory $2 within its 95% CI"
    else
        not_ok "summary $1 = $row matches theory $2 within its 95% CI"
    fi
}
check_summary sojourn_mean 5
check_summary wait_mean 4
check_summary utilization 0.8
check_summary queue_length_mean 3.2
grep -q "sojourn_mean" "$tmp/out" && ok "table printed on stdout" || not_ok "table printed on stdout"

dump() { sqlite3 "$1" "SELECT r.rep, r.seed, m.scope, m.name, printf('%.17g', m.value)
    FROM metrics m JOIN runs r USING (run_id) ORDER BY r.rep, m.scope, m.name"; }
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/b.db" -q --reps 3 2>/dev/null
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/c.db" -q --reps 3 2>/dev/null
if [ -n "$(dump "$tmp/b.db")" ] && [ "$(dump "$tmp/b.db")" = "$(dump "$tmp/c.db")" ]; then
    ok "same seed: identical metrics, bit for bit"
else
    not_ok "same seed: identical metrics, bit for bit"
fi
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/d.db" -q --reps 3 --seed 8 2>/dev/null
[ "$(dump "$tmp/b.db")" != "$(dump "$tmp/d.db")" ] && ok "another seed: other numbers" || not_ok "another seed: other numbers"

# A rerun into the same database replaces its replications, never doubles them.
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/b.db" -q --reps 3 2>/dev/null
n_b=$(sqlite3 "$tmp/b.db" "SELECT n FROM summary WHERE scope='all' AND name='sojourn_mean'")
[ "$n_b" = 3 ] && ok "rerun into the same database: n stays 3" || not_ok "rerun: n stays 3" "n=$n_b"
sed 's/exp(1s)/exp(0.9s)/' "$tmp/mm1.ini" >"$tmp/mm1b.ini"
"$IOVSIM" run "$tmp/mm1b.ini" -o "$tmp/b.db" -q --reps 1 2>"$tmp/err"
status=$?
if [ "$status" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q -- "--force" "$tmp/err"; then
    ok "another scenario into the same database is refused (mentions --force)"
else
    not_ok "another scenario into the same database is refused" "status=$status $(cat "$tmp/err")"
fi

# What a scenario simulates is its identity, not its file's text: a comment,
# a [plot] group or more replications in the file are the same scenario.
{ echo '# a comment'; cat "$tmp/mm1.ini"; printf '\n[plot p]\nx = queue.servers\ny = sojourn_mean\n'; } |
    sed 's/^reps = 20$/reps = 30/' >"$tmp/mm1p.ini"
"$IOVSIM" run "$tmp/mm1p.ini" -o "$tmp/b.db" -q --reps 3 2>"$tmp/err" &&
    ok "a comment, a [plot] group and reps do not make another scenario" ||
    not_ok "a comment, a [plot] group and reps do not make another scenario" "$(cat "$tmp/err")"

# --force never adds a second copy of a replication: the same scenario name,
# point, rep and seed under another hash (here another service time) replaces
# the earlier run, in run and in merge, so n stays 3.
sed 's/exp(1s)/exp(0.9s)/' "$tmp/mm1.ini" >"$tmp/mm1c.ini"
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/f1.db" -q --reps 3 2>/dev/null
"$IOVSIM" run "$tmp/mm1c.ini" -o "$tmp/f2.db" -q --reps 3 2>/dev/null
cp "$tmp/f1.db" "$tmp/f3.db"
"$IOVSIM" run "$tmp/mm1c.ini" -o "$tmp/f1.db" -q --reps 3 --force 2>/dev/null
nf=$(sqlite3 "$tmp/f1.db" "SELECT n FROM summary WHERE scope = 'all' AND name = 'sojourn_mean'")
[ "$nf" = 3 ] && ok "run --force replaces a replication of the same name and seed (n=$nf)" ||
    not_ok "run --force replaces a replication of the same name and seed" "n=$nf"
"$IOVSIM" merge "$tmp/f3.db" "$tmp/f2.db" --force -q 2>/dev/null
nf=$(sqlite3 "$tmp/f3.db" "SELECT n FROM summary WHERE scope = 'all' AND name = 'sojourn_mean'")
[ "$nf" = 3 ] && ok "merge --force adds no second copy of a replication (n=$nf)" ||
    not_ok "merge --force adds no second copy of a replication" "n=$nf"

# --seed is part of the scenario's identity: another seed into the same
# database is refused instead of mixing replications of two seeds.
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/s.db" -q --reps 2 --seed 1 2>/dev/null
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/s.db" -q --reps 2 --seed 2 2>"$tmp/err"
status=$?
[ "$status" = 2 ] && grep -q -- "--force" "$tmp/err" && ok "another --seed into the same database is refused" \
    || not_ok "another --seed into the same database is refused" "status=$status $(cat "$tmp/err")"

# SQLite names that are not files would be "saved" and lost: refused, exit 2,
# one line, and nothing created.
for name in ':memory:' 'file:x.db?mode=memory' 'file:y.db'; do
    for cmd in run sweep; do
        (cd "$tmp" && "$IOVSIM" $cmd mm1.ini -o "$name" -q --reps 1 >out 2>err)
        status=$?
        if [ "$status" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "not a database file name" "$tmp/err" &&
            [ -z "$(cd "$tmp" && ls -d file:* x.db* y.db* 2>/dev/null)" ]; then
            ok "$cmd -o '$name' is refused (exit 2, one line, no file)"
        else
            not_ok "$cmd -o '$name' is refused" "status=$status $(cat "$tmp/err")"
        fi
    done
done
"$IOVSIM" table ':memory:' >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "not a database file name" "$tmp/err" && ok "table ':memory:' is refused" \
    || not_ok "table ':memory:' is refused" "$(cat "$tmp/err")"

# One exit-status rule for every command (README, "Exit status"): 2 for bad
# input, 1 for a file or database that cannot be read or written. Each
# command gets one of each; I/O failures come from a path through a plain
# file, which fails for root too.
echo plain >"$tmp/plain"
exit_is() { # WANT NAME ARGS...: status WANT and exactly one line on stderr
    local want=$1 name=$2
    shift 2
    "$IOVSIM" "$@" >"$tmp/out" 2>"$tmp/err"
    local status=$?
    if [ "$status" = "$want" ] && [ "$(wc -l <"$tmp/err")" = 1 ]; then
        ok "exit $want: $name"
    else
        not_ok "exit $want: $name" "status=$status $(head -c 300 "$tmp/err")"
    fi
}
exit_is 2 "run, unknown key" run "$tmp/mm1.ini" --set queue.nope=1 -o "$tmp/e.db"
exit_is 2 "run, database under a file" run "$tmp/mm1.ini" -q --reps 1 -o "$tmp/plain/x.db"
exit_is 2 "sweep, bad --vary" sweep "$tmp/mm1.ini" --vary queue.servers=0 -o "$tmp/e.db"
exit_is 2 "sweep, database under a file" sweep "$tmp/mm1.ini" -q --reps 1 -o "$tmp/plain/x.db"
exit_is 2 "merge, input not a database" merge "$tmp/m.db" "$tmp/mm1.ini"
exit_is 2 "merge, output under a file" merge "$tmp/plain/x.db" "$tmp/b.db"
exit_is 2 "table, unknown metric" table "$tmp/b.db" -m nope
exit_is 2 "table, database is a directory" table "$tmp"
exit_is 2 "plot, unknown metric" plot "$tmp/b.db" --y nope -o "$tmp/f.png"
mkdir -p "$tmp/dir.png"
exit_is 2 "plot, figure path is a directory (bad input, as a database that is one)" plot "$tmp/b.db" --y sojourn --kind cdf -o "$tmp/dir.png"

# Commands that only read a database leave no -wal or -shm file beside it.
for cmd in "table $tmp/b.db" "compare $tmp/b.db --baseline queue.servers=1" \
    "plot $tmp/b.db --y sojourn --kind cdf -o $tmp/r.png" "merge $tmp/merged.db $tmp/b.db"; do
    # shellcheck disable=SC2086
    "$IOVSIM" $cmd >/dev/null 2>&1
    left=$(cd "$tmp" && ls b.db-* 2>/dev/null)
    [ -z "$left" ] && ok "${cmd%% *} leaves no side file beside what it reads" ||
        not_ok "${cmd%% *} leaves no side file beside what it reads" "left: $left"
done

# params.num: the value as a number in SI base units where it is one.
nums=$(sqlite3 "$tmp/b.db" "SELECT group_concat(key || '=' || coalesce(num, 'NULL'), ' ') FROM
    (SELECT DISTINCT key, num FROM params WHERE key IN ('scenario.duration', 'scenario.reps',
     'queue.service', 'queue.servers') ORDER BY key)")
[ "$nums" = "queue.servers=1.0 queue.service=NULL scenario.duration=20000.0 scenario.reps=3.0" ] &&
    ok "params.num holds SI numbers, NULL for a distribution" || not_ok "params.num" "$nums"
# Provenance: the host, and the commit of a build from a git checkout.
top_dir=$(cd "$(dirname "$0")/.." && pwd)
want_commit=$(git -C "$top_dir" rev-parse --short=12 HEAD 2>/dev/null)
# A build from changed files says so (the program was built from this tree).
if [ -n "$want_commit" ] && ! git -C "$top_dir" diff --quiet HEAD -- 2>/dev/null; then
    want_commit=$want_commit-dirty
fi
prov=$(sqlite3 "$tmp/b.db" "SELECT DISTINCT host || ' ' || coalesce(git_commit, '') || ' ' || version FROM runs")
[ "$prov" = "$(hostname) $want_commit $(cat "$top_dir/VERSION" 2>/dev/null || echo 0.1.0)" ] &&
    ok "runs record host, commit and version ($prov)" || not_ok "runs record host, commit and version" "$prov"

# Without -o, run makes results/ itself.
(cd "$tmp" && mkdir fresh && cd fresh && "$IOVSIM" run ../mm1.ini -q --reps 1 2>/dev/null) &&
    [ -f "$tmp/fresh/results/mm1-test.db" ] && ok "run makes results/ for its default database" \
    || not_ok "run makes results/ for its default database"

# A mean over no samples is undefined: stored as NULL, not 0 (a bulk stream
# has no round trips), and the summary counts it out of n.
top=$(cd "$(dirname "$0")/.." && pwd)
"$IOVSIM" run "$top/scenarios/quickstart.ini" -o "$tmp/nan.db" -q --reps 2 \
    --set workload.type=stream 2>/dev/null
row=$(sqlite3 "$tmp/nan.db" "SELECT count(*), sum(value IS NULL) FROM metrics
    WHERE scope = 'all' AND name = 'rtt_mean'")
nrtt=$(sqlite3 "$tmp/nan.db" "SELECT n FROM summary WHERE scope = 'all' AND name = 'rtt_mean'")
[ "$row" = "2|2" ] && [ "$nrtt" = 0 ] && ok "undefined metrics are NULL, and n counts them out" \
    || not_ok "undefined metrics are NULL, and n counts them out" "row=$row n=$nrtt"

# Ctrl-C in the middle of a long run.
"$IOVSIM" run "$tmp/mm1.ini" -o "$tmp/int.db" --reps 100000 -q 2>"$tmp/interr" &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
status=$?
if [ "$status" = 130 ] && grep -q "database intact" "$tmp/interr"; then
    ok "ctrl-c: exit 130 and says the database is intact"
else
    not_ok "ctrl-c: exit 130 and says the database is intact" "status=$status $(cat "$tmp/interr")"
fi
[ "$(sqlite3 "$tmp/int.db" 'PRAGMA integrity_check')" = ok ] && ok "ctrl-c: integrity_check ok" \
    || not_ok "ctrl-c: integrity_check ok"
incomplete=$(sqlite3 "$tmp/int.db" "SELECT count(*) FROM runs r WHERE status != 'done'
    OR (SELECT count(*) FROM metrics m WHERE m.run_id = r.run_id) = 0")
done_runs=$(sqlite3 "$tmp/int.db" "SELECT count(*) FROM runs")
if [ "$incomplete" = 0 ] && [ "$done_runs" -ge 1 ]; then
    ok "ctrl-c: $done_runs complete runs, none partial"
else
    not_ok "ctrl-c: complete runs only" "incomplete=$incomplete runs=$done_runs"
fi

echo "1..$n"
exit $fail
