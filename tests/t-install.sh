#!/bin/bash
# `make install PREFIX=... DESTDIR=...`: the installed program finds its
# gnuplot templates and bundled scenarios from anywhere, a copy of the
# program alone still plots (its built-in templates), the man page covers
# every command and option of the program's help, and the bash completion
# parses and answers. Prints TAP. Needs make, gnuplot.
set -u
. "$(dirname "$0")/tap.sh"
export LC_ALL=C.UTF-8
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
if ! command -v gnuplot >/dev/null || ! command -v make >/dev/null; then
    echo "1..0 # SKIP needs make and gnuplot"
    exit 0
fi
echo "1..13"
stage=$T/stage
root=$stage/opt/iovsim
# A make run by `make sanitize` passes its BUILD, OPT and LDFLAGS on, in
# MAKEFLAGS and in the environment (command-line variables are exported):
# with them, install would copy the ASan build over ./iovsim, which the
# valgrind step then runs. This is a plain install.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u OPT -u LDFLAGS -u CFLAGS \
    make -s -C "$SRC" install DESTDIR="$stage" \
    PREFIX=/opt/iovsim >make.txt 2>&1
ok $? "make install DESTDIR=... PREFIX=/opt/iovsim ($(tail -c 300 make.txt))"
[ -x "$root/bin/iovsim" ] && [ -f "$root/share/iovsim/analysis/style.gp" ] &&
    [ -f "$root/share/iovsim/scenarios/quickstart.ini" ] && [ -f "$root/share/man/man1/iovsim.1" ] &&
    [ -f "$root/share/bash-completion/completions/iovsim" ]
ok $? "the program, templates, scenarios, man page and completion are in place"

mkdir away tmp && cd away || exit 1
# Plots make their temporary directories here: none may remain.
export TMPDIR=$T/tmp
"$root/bin/iovsim" list >out.txt && grep -q "^scenarios (in $root/share/iovsim/scenarios/):" out.txt &&
    grep -q '^  quickstart.ini  *net ' out.txt
ok $? "list shows the installed bundled scenarios from elsewhere"
unset IOVSIM_GNUPLOT_DIR
"$root/bin/iovsim" sweep mm1 -o m.db -q --reps 2 --set scenario.duration=3000s &&
    "$root/bin/iovsim" plot m.db --kind bars --y sojourn_mean -o m.png >/dev/null && is_png m.png
ok $? "the installed program runs a bundled scenario by name and plots"
mkdir solo && cp "$root/bin/iovsim" solo/ &&
    solo/iovsim plot m.db --kind bars --y sojourn_mean -o solo.png >/dev/null && cmp -s m.png solo.png
ok $? "a copy of the program alone draws the same figure (built-in templates)"
mkdir tpl && cp "$root/share/iovsim/analysis/"*.gp tpl/ && sed -i 's/^set title/set title "X" #/' tpl/style.gp &&
    IOVSIM_GNUPLOT_DIR=$PWD/tpl solo/iovsim plot m.db --kind bars --y sojourn_mean -o tpl.png \
    >/dev/null && ! cmp -s m.png tpl.png
ok $? "IOVSIM_GNUPLOT_DIR still takes precedence"
[ -z "$(ls -A "$TMPDIR")" ]
ok $? "no temporary template directory is left behind"

man1=$root/share/man/man1/iovsim.1
missing=""
for cmd in $("$IOVSIM" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'); do
    grep -q "^\.SS $cmd\$" "$man1" || missing="$missing $cmd"
    for opt in $("$IOVSIM" "$cmd" --help | sed -n 's/^  .*\(--[a-z][a-z-]*\).*/\1/p'); do
        grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$man1" || missing="$missing $cmd:$opt"
    done
done
[ -z "$missing" ]
ok $? "the man page has every command and option of the help (missing:$missing)"
if command -v groff >/dev/null; then
    [ -z "$(groff -man -Tutf8 -ww -z "$man1" 2>&1)" ]
    ok $? "groff renders the man page without a warning"
else
    echo "ok $((n += 1)) # SKIP groff is not installed"
fi

comp=$root/share/bash-completion/completions/iovsim
bash -n "$comp"
ok $? "the completion script parses (bash -n)"
mkdir bin && ln -s "$root/bin/iovsim" bin/iovsim
# q WORD...: what completing the last word offers, on one line.
q() {
    PATH=$PWD/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _iovsim; echo "${COMPREPLY[*]}"' _ "$comp" "$@"
}
[ "$(q iovsim sw)" = sweep ] && [ "$(q iovsim plot --the)" = --theme ] &&
    [ "$(q iovsim sweep m.db --ma)" = "" ]
ok $? "completes commands and each command's options"
[ "$(q iovsim run --set io.strat)" = io.strategy= ] &&
    [ "$(q iovsim run --set io.strategy = vi)" = virtio ] &&
    [ "$(q iovsim params workload.typ)" = workload.type ]
ok $? "completes parameter keys and enum values"
[ "$(q iovsim sweep quicks)" = quickstart ] && [ "$(q iovsim export m.db -f '')" = "csv json" ] &&
    [ "$(q iovsim table m.)" = m.db ]
ok $? "completes bundled scenarios, formats and databases"
exit $((fails > 0))
