#!/bin/bash
# Progress of a sweep (or run) whose stderr is a log (Slurm, CI), not a terminal: a
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
echo "1..6"
# check_lines FILE [COMMAND [RUNS]]: every line is a progress line of
# COMMAND (sweep) over RUNS (6) runs whose ETA is what is left at the rate
# it shows (to the second), and the last says done.
check_lines() {
    awk -v who="${2:-sweep}" -v runs="${3:-6}" '
        BEGIN { p = "^iovsim " who ": " }
        $0 ~ p "[0-9]+/" runs " runs, [0-9.e+]+ runs/s, ETA [0-9]+:[0-9][0-9]:[0-9][0-9]$" {
            split($3, f, "/"); rate = $5; split($8, t, ":")
            eta = t[1] * 3600 + t[2] * 60 + t[3]; want = (f[2] - f[1]) / rate
            if (eta < want - 1 || eta > want + 1) bad = 1
            n++; last = 0; next
        }
        $0 ~ p runs "/" runs " runs, [0-9.e+]+ runs/s, done in [0-9.e+]+ s$" { last = 1; next }
        $0 ~ p "0/" runs " runs, no run has ended yet \\([0-9]+ s\\)$" { next }
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
sed '/^\[sweep\]/,$d' p.ini >p1.ini
IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" run p1.ini -o r.db --reps 5 >out.txt 2>err.txt &&
    check_lines err.txt run 5 && grep -q '^sojourn_mean ' out.txt
ok $? "run: its replications the same way ($(head -2 err.txt | tr '\n' '|'))"
"$IOVSIM" sweep p.ini -o c.db >out.txt 2>err.txt && [ ! -s err.txt ]
ok $? "a sweep shorter than the default interval (5 s) logs nothing"
IOVSIM_PROGRESS_INTERVAL=0.05 "$IOVSIM" sweep p.ini -o d.db -q >out.txt 2>err.txt &&
    [ ! -s err.txt ] && [ ! -s out.txt ]
ok $? "-q: no progress"
exit $((fails > 0))
