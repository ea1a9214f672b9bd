#!/bin/bash
# Progress of a sweep whose stderr is a log (Slurm, CI), not a terminal: a
# line every IOVSIM_PROGRESS_INTERVAL seconds with done/total, the measured
# rate and the ETA it gives, a final line; nothing for a sweep shorter than
# one interval, nothing with -q. Prints TAP.
set -u
. "$(dirname "$0")/tap.sh"
cat >p.ini <<'INI'
[scenario]
name = progress
duration = 300000s
reps = 2

[sweep]
queue.servers = 1, 2, 3
INI
echo "1..5"
# check_lines FILE: every line is a progress line whose ETA is what is left
# at the rate it shows (to the second), and the last says done.
check_lines() {
    awk '
        /^iovsim sweep: [0-9]+\/6 runs, [0-9.e+]+ runs\/s, ETA [0-9]+:[0-9][0-9]:[0-9][0-9]$/ {
            split($3, f, "/"); rate = $5; split($8, t, ":")
            eta = t[1] * 3600 + t[2] * 60 + t[3]; want = (f[2] - f[1]) / rate
            if (eta < want - 1 || eta > want + 1) bad = 1
            n++; last = 0; next
        }
        /^iovsim sweep: 6\/6 runs, [0-9.e+]+ runs\/s, done in [0-9.e+]+ s$/ { last = 1; next }
        /^iovsim sweep: 0\/6 runs, no run has ended yet \([0-9]+ s\)$/ { next }
        { bad = 1 }
        END { exit !(n >= 1 && last && !bad) }' "$1"
}
IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" sweep p.ini -o a.db >out.txt 2>err.txt &&
    check_lines err.txt
ok $? "serial: progress lines with done/total, rate, ETA, then a final line ($(head -2 err.txt | tr '\n' '|'))"
IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" sweep p.ini -o b.db -j 2 >out.txt 2>err.txt &&
    check_lines err.txt
ok $? "-j 2: the same ($(head -2 err.txt | tr '\n' '|'))"
grep -q '^queue.servers=3 ' out.txt
ok $? "the table still goes to stdout"
"$IOVSIM" sweep p.ini -o c.db >out.txt 2>err.txt && [ ! -s err.txt ]
ok $? "a sweep shorter than the default interval (5 s) logs nothing"
IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" sweep p.ini -o d.db -q >out.txt 2>err.txt &&
    [ ! -s err.txt ] && [ ! -s out.txt ]
ok $? "-q: no progress"
exit $((fails > 0))
