#!/bin/bash
# The command line's small traps, each caught with one helpful line: a
# mistyped command, options before the command's name, `params` with a
# prefix nothing has, `run` on a scenario with a [sweep] (base point only),
# `--where` with a value no point has, and `table` without -m (the
# scenario's `table` key, else the headline metrics that fit), and a
# command's mistyped option; `iovsim help COMMAND`. Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"
export LC_ALL=C.UTF-8
# one_line STATUS PATTERN CMD...: exit STATUS and exactly one stderr line
# containing PATTERN (fixed string).
one_line() {
    local want=$1 pattern=$2
    shift 2
    "$IOVSIM" "$@" >out.txt 2>err.txt
    local rc=$?
    [ "$rc" = "$want" ] && [ "$(wc -l <err.txt)" = 1 ] && grep -qF -- "$pattern" err.txt
}
cat >s.ini <<'INI'
[scenario]
name = traps
duration = 300s
reps = 2

[sweep]
queue.servers = 1, 2
INI
sed '/^\[sweep\]/,$d' s.ini >nosweep.ini
sed 's/^reps = 2$/reps = 2\ntable = wait_mean, utilization/' s.ini >tabled.ini
echo "1..19"

one_line 2 "iovsim: unknown command 'plt' (did you mean 'plot'?)" plt x.db
ok $? "a mistyped command gets a did-you-mean ($(cat err.txt))"
one_line 2 "iovsim: unknown command 'frobnicate' (see 'iovsim --help')" frobnicate
ok $? "a command nothing resembles points to --help"
"$IOVSIM" help sweep >out.txt 2>err.txt && grep -q "^  sweep \[OPTION" out.txt && [ ! -s err.txt ]
ok $? "'iovsim help sweep' is 'iovsim sweep --help'"
one_line 2 "iovsim: unknown command 'swep' (did you mean 'sweep'?)" help swep
ok $? "'iovsim help' with a mistyped command gets a did-you-mean"
one_line 2 "iovsim: options go after the command's name, as in: iovsim run --set queue.servers=2 s.ini" \
    --set queue.servers=2 run s.ini
ok $? "an option before the command shows the command line put right ($(cat err.txt))"
one_line 2 "iovsim: unknown option '--verison' (did you mean '--version'?)" --verison
ok $? "a mistyped program option gets a did-you-mean"
one_line 2 "iovsim: '-o' is an option of a command: write it after the command's name" -o x.db
ok $? "an option with no command says where options go"
one_line 2 "iovsim sweep: unknown option '--varry' (did you mean '--vary'?)" \
    sweep s.ini --varry queue.servers=1,2 && one_line 2 \
    "iovsim plot: unknown option '--them' (did you mean '--theme'?)" plot x.db --them=paper &&
    one_line 2 "iovsim: Unknown option --zzzzz" table x.db --zzzzz
ok $? "a command's mistyped option gets a did-you-mean ($(cat err.txt))"

one_line 2 "iovsim params: no parameter starts with 'workload.tipe' (did you mean 'workload.type'?)" \
    params workload.tipe
ok $? "params with a mistyped key suggests the key"
one_line 2 "iovsim params: no parameter starts with 'zzzz' (sections: scenario, " params zzzz
ok $? "params with a prefix nothing has lists the sections"
"$IOVSIM" params queue. >out.txt 2>err.txt && grep -q '^queue.servers ' out.txt && [ ! -s err.txt ]
ok $? "params with a matching prefix lists its keys"

"$IOVSIM" run s.ini -o r.db >out.txt 2>err.txt && [ "$(cat err.txt)" = "note: 's.ini' has a \
[sweep] of 2 points; 'iovsim run' runs its base point only ('iovsim sweep' runs them all)" ]
ok $? "run on a scenario with a [sweep] says it runs the base point only"
"$IOVSIM" run nosweep.ini -o r2.db >out.txt 2>err.txt && [ ! -s err.txt ] &&
    "$IOVSIM" run s.ini -o r3.db -q >out.txt 2>err.txt && [ ! -s err.txt ]
ok $? "no such note without a sweep, or with -q"

"$IOVSIM" sweep s.ini -o s.db -q && "$IOVSIM" sweep tabled.ini -o t.db -q
one_line 2 "--where 'queue.servers=3': no point has it (queue.servers values: 1, 2)" \
    plot s.db --kind bars --y wait_mean --where queue.servers=3 -o w.png
ok $? "--where with a value no point has lists the values present ($(cat err.txt))"

"$IOVSIM" table t.db >out.txt 2>err.txt && [ ! -s err.txt ] &&
    [ "$(head -1 out.txt | tr -s ' ')" = "point n wait_mean (s) utilization" ]
ok $? "table without -m shows the scenario's table key ($(head -1 out.txt))"
"$IOVSIM" table s.db >out.txt 2>err.txt && [ "$(awk '{ if (length($0) > w) w = length($0) } END { print w }' out.txt)" -le 160 ] &&
    grep -q "^note: [0-9]* more metrics not shown; -m A,B,... picks them, -m all shows every one$" err.txt &&
    head -1 out.txt | grep -q '^point  *n  *throughput'
ok $? "table without -m or table key: headline metrics first, 160 columns at most"
COLUMNS=90 "$IOVSIM" table s.db >out.txt 2>err.txt &&
    [ "$(awk '{ if (length($0) > w) w = length($0) } END { print w }' out.txt)" -le 90 ] &&
    [ "$(head -1 out.txt | wc -w)" -lt "$("$IOVSIM" table s.db 2>/dev/null | head -1 | wc -w)" ]
ok $? "table without -m fits \$COLUMNS when stdout is no terminal"
"$IOVSIM" table s.db -m all >out.txt 2>err.txt && [ ! -s err.txt ] &&
    [ "$(head -1 out.txt | wc -w)" -gt "$(("$("$IOVSIM" table s.db 2>/dev/null | head -1 | wc -w)" + 3))" ]
ok $? "table -m all shows every metric"
"$IOVSIM" table s.db -f csv >out.txt 2>err.txt && [ ! -s err.txt ] &&
    [ "$(head -1 out.txt | tr ',' '\n' | grep -c ' ci95')" = "$("$IOVSIM" table s.db -m all -f csv | head -1 | tr ',' '\n' | grep -c ' ci95')" ]
ok $? "table -f csv keeps every metric: it is for tools"
exit $((fails > 0))
