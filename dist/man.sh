#!/bin/sh
# Writes the iovsim(1) man page on stdout from the program's own help:
# `iovsim --help` lists the commands, `iovsim COMMAND --help` gives each
# one's synopsis and options, so the page cannot drift from the program.
# Usage: dist/man.sh PATH/TO/iovsim
set -eu
prog=$1
export LC_ALL=C.UTF-8
version=$("$prog" --version | sed 's/^iovsim //')

# roff reads ASCII: other characters (the help's "…", "±", "µ") as \[uXXXX].
ascii() { perl -CS -pe 's/([^\x00-\x7f])/sprintf("\\[u%04X]", ord($1))/ge'; }

{

cat <<HEAD
.TH IOVSIM 1 "" "iovsim $version" "User Commands"
.SH NAME
iovsim \- discrete-event simulator comparing I/O virtualization strategies
.SH SYNOPSIS
.B iovsim
.I COMMAND
.RI [ OPTIONS ]
.I ARGUMENTS
.br
.B iovsim
.RB [ \-\-help | \-\-version ]
.SH DESCRIPTION
iovsim runs scenario files (INI) describing guests, a hypervisor, an IOMMU,
PCIe and NICs or disks under device emulation, virtio, passthrough, SR\-IOV,
vDPA or bare metal, stores every run's metrics in an SQLite database and
draws tables and gnuplot figures from it.
A SCENARIO is a file, or the name of a bundled scenario
(\fBiovsim list\fR shows them).
.SH COMMANDS
HEAD
# The "  run      run a scenario's ..." lines of the top-level help.
"$prog" --help | sed -n 's/^  \([a-z][a-z]*\)  *\(.*\)$/\1 \2/p' | while read -r cmd text; do
    { printf 'COMMAND %s %s\n' "$cmd" "$text"; "$prog" "$cmd" --help; } | awk '
        # roff: backslashes doubled, minus signs escaped, no line starts with a dot.
        function roff(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); sub(/^[.'"'"']/, "\\\\\\&&", s); return s }
        /^COMMAND / { cmd = $2; sub(/^COMMAND [a-z]+ /, ""); printf ".SS %s\n%s\n", cmd, roff($0); next }
        /^Usage:/ { getline; sub(/^ +[a-z]+ /, ""); printf ".PP\n.B iovsim %s\n%s\n", cmd, roff($0); next }
        /^Application Options:/ { opts = 1; print ".RS"; next }
        opts && /^ +-/ {
            sub(/^ +/, "")
            n = match($0, /   +/)
            flag = n ? substr($0, 1, n - 1) : $0
            text = n ? substr($0, n + RLENGTH) : ""
            printf ".TP\n.B %s\n%s\n", roff(flag), roff(text)
        }
        END { if (opts) print ".RE" }'
done
cat <<'TAIL'
.SH EXIT STATUS
0 success; 2 bad input (a scenario, an option, a value, a database of
another scenario), reported in one line before anything is written;
1 a read or write that failed underway, or a run that failed;
130 interrupted.
.SH ENVIRONMENT
.TP
.B IOVSIM_GNUPLOT_DIR
the directory of the gnuplot templates (default: beside the program, then
\fI../share/iovsim/analysis\fR, then the copies built into the program)
.TP
.B IOVSIM_PROGRESS_INTERVAL
seconds between the progress lines a sweep writes to a log (default 5)
.SH FILES
.TP
.I PREFIX/share/iovsim/scenarios/*.ini
the bundled scenarios
.TP
.I PREFIX/share/iovsim/analysis/*.gp
the gnuplot templates
.SH SEE ALSO
.BR gnuplot (1),
.BR sqlite3 (1)
TAIL
} | ascii
