#!/bin/bash
# End-to-end tests of `iovsim table`, `compare` and `plot`: every format,
# figures of every kind in PNG, PDF and SVG, strings from the database and
# the command line that try to run commands in gnuplot, and the one-line
# errors (unknown names with the valid ones listed, foreign or newer
# databases, gnuplot missing). Prints TAP. Needs IOVSIM, sqlite3, gnuplot.
set -u
# Titles with "µ" or "é" are text in a UTF-8 locale.
export LC_ALL=C.UTF-8
IOVSIM=${IOVSIM:-$(cd "$(dirname "$0")/.." && pwd)/iovsim}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T" /tmp/iovsim-pwned-$$*' EXIT
cd "$T" || exit 1
n=0
fails=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
bad() {
    local d=$1 want=$2; shift 2
    "$@" >out.txt 2>err.txt
    local rc=$?
    [ $rc = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -qF -- "$want" err.txt
    ok $? "$d (rc $rc: $(head -c 200 err.txt))"
}
# The first bytes of a file say what it is.
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
is_pdf() { [ "$(head -c 5 "$1")" = %PDF- ]; }
is_svg() { grep -q '<svg' "$1"; }

cat >a.ini <<'INI'
[scenario]
name = tanalysis
duration = 2000s
reps = 3

[sweep]
queue.servers = 1, 2
queue.service = exp(1s), exp(2s)
lockstep = queue.servers, queue.service
queue.stations = 1, 2
INI
if ! command -v gnuplot >/dev/null; then
    echo "1..0 # SKIP gnuplot is not installed"
    exit 0
fi
echo "1..132"
"$IOVSIM" sweep a.ini -o a.db -q
ok $? "sweep for the figures"

"$IOVSIM" table a.db >t.txt 2>/dev/null && grep -q 'sojourn_mean (s)' t.txt && grep -q ' ± ' t.txt
ok $? "table, text"
"$IOVSIM" table a.db -m sojourn_mean,throughput -f csv >t.csv
head -1 t.csv | grep -qx 'point,n,sojourn_mean (s),sojourn_mean ci95 (s),throughput (1/s),'\
'throughput ci95 (1/s)' &&
    grep -q '^"queue.servers=1,queue.service=exp(1s),queue.stations=1",3,' t.csv
ok $? "table, csv with quoted labels"
"$IOVSIM" table a.db -m sojourn_mean -f markdown |
    grep -q '^| point  *| n | sojourn\\_mean (s) |$'
ok $? "table, markdown"
"$IOVSIM" table a.db -m sojourn_mean -f latex | grep -q 'sojourn\\_mean (s) \\\\$'
ok $? "table, latex"
"$IOVSIM" compare a.db --baseline queue.servers=1 -m sojourn_mean >c.txt
grep -q '^queue.servers=2,queue.service=exp(2s),queue.stations=2  '\
'queue.servers=1,queue.service=exp(1s),queue.stations=2 ' c.txt
ok $? "compare pairs each point with its baseline (lockstep keys follow)"

# fig FILE CHECK ARGS...: draw FILE from ARGS and check what it is.
fig() { local out=$1 check=$2; shift 2; "$IOVSIM" plot "$@" -o "$out" >/dev/null && $check "$out"; }
fig l.png is_png a.db --x queue.servers --y sojourn_mean --by queue.stations
ok $? "plot lines, png"
fig l.pdf is_pdf a.db --x queue.service --y wait_mean --by queue.stations --logy
ok $? "plot lines over a distribution's mean, pdf, log y"
fig b.svg is_svg a.db --kind bars --x queue.servers --y wait_mean --by queue.stations
ok $? "plot grouped bars, svg"
fig b1.png is_png a.db --kind bars --y wait_mean,sojourn_mean \
    --where queue.servers=1 --where queue.stations=2
ok $? "plot grouped bars of one point"
fig s.png is_png a.db --kind stack --x queue.servers --y 'wait_mean,sojourn_p50' \
    --where queue.stations=1
ok $? "plot stacked bars"
fig c.png is_png a.db --kind cdf --y sojourn --by queue.stations --where queue.servers=2 --logx
ok $? "plot cdf from the histograms"
# The CDF data itself: a template that prints each curve's first and last F.
mkdir -p gpcheck
cp "$SRC/analysis/style.gp" gpcheck/
cat >gpcheck/cdf.gp <<'GP'
set print "cdf-ends.txt"
do for [i = 0:n_series - 1] {
    stats data_file index i using 2 nooutput
    print sprintf("%g %g", STATS_min, STATS_max)
}
GP
IOVSIM_GNUPLOT_DIR=$PWD/gpcheck "$IOVSIM" plot a.db --kind cdf --y sojourn --by queue.stations \
    --where queue.servers=2 -o gpcheck.png >/dev/null 2>&1
[ "$(sort -u cdf-ends.txt)" = "0 1" ]
ok $? "cdf curves start at F = 0 and end at F = 1"
# A plot gnuplot fails on (here a broken template) leaves an existing
# figure as it was and no partial file behind.
mkdir -p gpbroken
cp "$SRC/analysis/style.gp" gpbroken/
echo 'plot undefined_function_of(x)' >gpbroken/cdf.gp
echo keep >old.png
IOVSIM_GNUPLOT_DIR=$PWD/gpbroken "$IOVSIM" plot a.db --kind cdf --y sojourn --by queue.stations \
    --where queue.servers=2 -o old.png >/dev/null 2>&1
[ $? = 1 ] && [ "$(cat old.png)" = keep ] && [ -z "$(ls | grep partial)" ]
ok $? "a failed plot leaves the old figure and no partial file (exit 1)"
# The disk fills up while gnuplot writes: a gnuplot whose writes fail past
# LIMIT KiB (0: at once, as on a full disk). gnuplot itself exits 0 then.
real_gnuplot=$(command -v gnuplot)
mkdir -p fullbin
cat >fullbin/gnuplot <<EOF
#!/bin/sh
[ -n "\${GP_KEEP_XFSZ:-}" ] || trap '' XFSZ
ulimit -f \$GP_LIMIT
exec "$real_gnuplot" "\$@"
EOF
chmod +x fullbin/gnuplot
for case in "0 png" "1 png" "0 pdf" "2 pdf" "0 svg" "1 svg" "1 png killed"; do
    set -- $case
    echo keep >"old.$2"
    GP_LIMIT=$1 GP_KEEP_XFSZ=${3:-} PATH="$PWD/fullbin:$PATH" "$IOVSIM" plot a.db \
        --x queue.servers --y sojourn_mean --by queue.stations -o "old.$2" >out.txt 2>err.txt
    rc=$?
    [ $rc = 1 ] && [ "$(cat "old.$2")" = keep ] && [ -z "$(ls | grep partial)" ] &&
        [ ! -s out.txt ] && [ "$(wc -l <err.txt)" = 1 ] &&
        grep -q "^'old.$2': gnuplot could not write the whole figure\|^gnuplot failed: " err.txt
    ok $? "full disk at $1 KiB, $2${3:+, gnuplot killed}: exit 1, old figure kept (rc $rc: $(cat err.txt))"
done
"$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --by queue.stations -o nodir/f.png \
    2>err.txt
[ $? = 2 ] && [ "$(cat err.txt)" = "'nodir/f.png': cannot write the figure: no directory 'nodir'" ]
ok $? "a missing output directory is named (exit 2, bad input as a database's path)"
mkdir dir.png
"$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --by queue.stations -o dir.png 2>err.txt
[ $? = 2 ] && [ "$(cat err.txt)" = "'dir.png': cannot write the figure: a directory of that name is in the way" ] &&
    [ -z "$(ls dir.png)" ] && [ -z "$(ls | grep partial)" ]
ok $? "-o naming a directory: exit 2 before gnuplot runs, nothing left (it exited 1 at the rename)"
rmdir dir.png
# gnuplot gets the path as text with controls made spaces: a newline in it
# made gnuplot write 'a b.png.partial-*', left behind, and iovsim report a
# full disk. Such a path is refused before anything is made.
for o in "$(printf 'a\nb.png')" "$(printf 'a\377b.png')"; do
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --by queue.stations -o "$o" >out.txt 2>err.txt
    [ $? = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -q "a figure's path must be UTF-8 text without control characters" err.txt &&
        [ -z "$(ls | grep partial)" ] && [ -z "$(ls | grep '^a.*b\.png')" ]
    ok $? "a figure path with a control character or a byte that is not UTF-8 is refused, nothing left ($(head -c 100 err.txt))"
done
{ cat a.ini; printf '[plot x]\nx = queue.servers\ny = sojourn_mean\nby = queue.stations\n'; } >ap.ini
"$IOVSIM" plot a.db --scenario ap.ini --outdir "$(printf 'figs\001')" >out.txt 2>err.txt
[ $? = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -q "a figure's path must be" err.txt && [ -z "$(ls | grep '^figs')" ]
ok $? "plot --scenario refuses such an --outdir before making it"
# --outdir places a figure named by default; with -o it would be ignored.
"$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --by queue.stations --outdir od/sub \
    >out.txt 2>&1 &&
    is_png od/sub/a-sojourn_mean.png && grep -qF "wrote od/sub/a-sojourn_mean.png" out.txt
ok $? "--outdir holds a single figure named by default (made if need be)"
bad "-o with --outdir is refused" "--outdir is for figures named by default" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --outdir od -o od/x.png
: >afile
bad "an --outdir under a file is named (exit 2)" "'afile/sub': cannot make directory" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --outdir afile/sub
# Reading commands never write: an empty file stays empty.
: >empty.db
"$IOVSIM" table empty.db >/dev/null 2>&1
[ $? = 2 ] && [ ! -s empty.db ] && [ ! -e empty.db-wal ]
ok $? "table on an empty file refuses it and leaves it empty"
# A database that lost its summary view is refused in one line, not a crash.
cp a.db broken.db
sqlite3 broken.db 'DROP VIEW summary'
"$IOVSIM" table broken.db >out.txt 2>err.txt
[ $? = 2 ] && [ "$(wc -l <err.txt)" = 1 ] && grep -q "damaged iovsim database" err.txt
ok $? "a damaged database is refused in one line (exit 2)"
"$IOVSIM" plot a.db --kind bars --x queue.servers --y wait_mean --logy -o lb.png >/dev/null 2>err.txt
[ $? = 2 ] && grep -q "apply to lines and cdf" err.txt && [ ! -e lb.png ]
ok $? "a log axis on bars is refused up front"
# A name with a newline in it (a hand-edited database) still gives one line.
cp a.db nl.db
sqlite3 nl.db "UPDATE metrics SET name = 'wait' || char(10) || 'x' WHERE name = 'wait_mean'"
"$IOVSIM" table nl.db -m wait_mean >/dev/null 2>err.txt
[ $? = 2 ] && [ "$(wc -l <err.txt)" = 1 ]
ok $? "errors quoting names with newlines stay on one line"
# Control characters from a database (ESC sequences, BEL, U+009B) never
# reach the terminal raw: not in tables of any format, not in error lines.
cp a.db esc.db
sqlite3 esc.db "UPDATE runs SET point = replace(point, 'queue.stations=1', 'queue.stations=' ||
    char(27) || '[2J' || char(7) || char(155)), scenario = char(27) || ']0;pwned' || char(7);
    UPDATE metrics SET name = 'w' || char(27) || '[2Jx' WHERE name = 'wait_mean'"
raw() { tr -d '\n' <"$1" | LC_ALL=C grep -q $'[[:cntrl:]]\\|\xc2[\x80-\x9f]'; }
for f in text csv markdown latex; do
    "$IOVSIM" table esc.db -m all -f $f >esc.txt && ! raw esc.txt && grep -q 'x1B' esc.txt &&
        "$IOVSIM" compare esc.db --baseline queue.servers=1 -f $f -m sojourn_mean >esc.txt &&
        ! raw esc.txt && grep -q 'x07' esc.txt
    ok $? "table and compare, $f: control characters escaped"
done
"$IOVSIM" table esc.db -m wait_maen 2>err.txt
[ $? = 2 ] && ! raw err.txt && grep -q "w\\\\x1B\[2Jx)$" err.txt
ok $? "an error listing a metric name escapes it"
"$IOVSIM" sweep a.ini -o esc.db --set queue.servers=3 -q 2>err.txt
[ $? = 2 ] && ! raw err.txt && grep -q "different scenario '\\\\x1B\]0;pwned\\\\x07'" err.txt
ok $? "an error naming the database's scenario escapes it"
# A deterministic workload: every replication identical, every CI 0. table,
# compare and plot say so in one line on stderr and still succeed; a random
# one (a.db) gets no such line.
cat >det.ini <<'INI'
[scenario]
name = tdet
duration = 200s
reps = 3
[queue]
interarrival = 2s
service = 1s
[sweep]
queue.servers = 1, 2
[plot one]
x = queue.servers
y = sojourn_mean
[plot two]
kind = bars
y = sojourn_mean,wait_mean
where = queue.servers=2
INI
"$IOVSIM" sweep det.ini -o det.db -q
note="note: at every point all replications are identical (e.g. all 3 of 'queue.servers=1'): \
the 95% CIs are 0 because the workload is deterministic"
noted() { [ "$1" = 0 ] && [ "$(cat err.txt)" = "$2" ] && [ -s out.txt ]; }
"$IOVSIM" table det.db -m all >out.txt 2>err.txt
noted $? "$note"
ok $? "table notes identical replications (stderr: $(cat err.txt))"
"$IOVSIM" compare det.db --baseline queue.servers=1 -f csv >out.txt 2>err.txt
noted $? "$note"
ok $? "compare notes identical replications"
"$IOVSIM" plot det.db --x queue.servers --y sojourn_mean -o det.png >out.txt 2>err.txt
noted $? "$note" && is_png det.png
ok $? "plot notes identical replications"
"$IOVSIM" plot det.db --kind bars --y sojourn_mean --where queue.servers=2 -o det2.png \
    >out.txt 2>err.txt
noted $? "note: all 3 replications of point 'queue.servers=2' are identical: its 95% CI is 0 \
because the workload is deterministic"
ok $? "plot of one point names it"
"$IOVSIM" plot det.db --scenario det.ini --outdir detfigs >out.txt 2>err.txt
noted $? "$note" && is_png detfigs/tdet-one.png && is_png detfigs/tdet-two.png
ok $? "plot --scenario notes it once for all its figures"
"$IOVSIM" table a.db -m all >/dev/null 2>err.txt && "$IOVSIM" compare a.db --baseline queue.servers=1 \
    >/dev/null 2>>err.txt && "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean \
    --by queue.stations -o rnd.png >/dev/null 2>>err.txt && [ ! -s err.txt ]
ok $? "replications that differ get no note"
# What a figure says: a style that prints the axis labels, the legend title
# and each series (title, colour) before drawing with the real templates.
mkdir -p gplabels
cat >gplabels/style.gp <<GP
set print "labels.txt" append
print "x=" . x_label . "|y=" . y_label . "|key=" . key_title
do for [i = 1:n_series] { print "series=" . series_title[i] . " " . series_colour[i] }
do for [i = 1:n_series] { print sprintf("fill=%g", series_fill[i]) }
do for [i = 1:n_series] { print sprintf("dt=%d", series_dt[i]) }
if (exists("n_groups")) { do for [g = 1:n_groups] { print "group=" . group_title[g] } }
print "caption=" . caption
print "title=" . plot_title
print sprintf("key_cols=%d", key_cols)
print sprintf("look=%g %g %g", term_w, term_h, term_font)
print sprintf("slant=%d", x_slant)
load "$SRC/analysis/style.gp"
GP
for t in lines bars stack cdf series; do echo "load \"$SRC/analysis/$t.gp\"" >gplabels/$t.gp; done
echo 'print sprintf("xrange=%g:%g", GPVAL_X_MIN, GPVAL_X_MAX)' >>gplabels/bars.gp
echo 'system("cp \"" . data_file . "\" bars.dat")' >>gplabels/bars.gp
echo 'save set "stackset.gp"' >>gplabels/stack.gp
echo 'save set "seriesset.gp"' >>gplabels/series.gp
echo 'save set "barsset.gp"' >>gplabels/bars.gp
# labels.sh OUTPUT ARGS...: what `plot ARGS -o OUTPUT` says, in labels.txt.
labels() {
    local out=$1
    shift
    rm -f labels.txt
    IOVSIM_GNUPLOT_DIR=$PWD/gplabels "$IOVSIM" plot "$@" -o "$out" >/dev/null 2>err.txt
}
labels l1.png a.db --x queue.servers --y sojourn_mean --by queue.stations
[ "$(head -1 labels.txt)" = "x=Servers|y=Mean sojourn time (s)|key=Stations" ]
ok $? "axis labels and legend title from human names ($(head -1 labels.txt))"
# One series alone: the y axis names it, the key stays empty.
labels l7.png a.db --x queue.servers --y sojourn_mean --where queue.stations=1 &&
    [ "$(grep '^series=' labels.txt)" = 'series= #0072B2' ] &&
    labels b7.png a.db --kind bars --x queue.servers --y sojourn_mean --where queue.stations=1 &&
    [ "$(grep '^series=' labels.txt)" = 'series= #0072B2' ]
ok $? "a lone line or set of bars has no key ($(grep '^series=' labels.txt))"
grep -qx 'caption=mean ± 95% CI, n = 3 replications' labels.txt
ok $? "the caption says what the bars are and n"
labels l3.png det.db --x queue.servers --y sojourn_mean
grep -qx 'caption=mean of n = 3 replications, all identical (no interval)' labels.txt
ok $? "the caption says when all replications are identical"
labels l4.png a.db --x queue.servers --y sojourn_mean --by queue.stations --caption none &&
    grep -qx 'caption=' labels.txt &&
    labels l5.png a.db --x queue.servers --y sojourn_mean --by queue.stations --caption 'Fig. 3' &&
    grep -qx 'caption=Fig. 3' labels.txt
ok $? "--caption replaces it, 'none' drops it"
labels l2.png a.db --x queue.servers --y sojourn_mean --by queue.stations --xlabel 'Cores' \
    --ylabel 'Time in system (s)' --legend 'Tandem stations' --label '2=two stations'
[ "$(head -1 labels.txt)" = "x=Cores|y=Time in system (s)|key=Tandem stations" ] &&
    grep -qx 'series=two stations #E69F00' labels.txt
ok $? "--xlabel, --ylabel, --legend and --label override them"
# Themes and sizes: the paper theme is one 3.3 in column with 8 pt text.
labels p1.pdf a.db --x queue.servers --y sojourn_mean --by queue.stations --theme paper &&
    grep -qx 'look=3.3 2.4 8' labels.txt
ok $? "--theme paper: 3.3 in wide, 8 pt ($(grep look= labels.txt))"
if command -v pdfinfo >/dev/null; then
    pdfinfo p1.pdf | grep -q '^Page size: *237 x 172 pts'
    ok $? "the paper PDF is 3.3 x 2.4 in"
else
    n=$((n + 1)); echo "ok $n # SKIP pdfinfo (poppler-utils) is not installed"
fi
labels p2.pdf a.db --x queue.servers --y sojourn_mean --by queue.stations --size 8cm,5.08cm \
    --font 9 && grep -qx 'look=3.14961 2 9' labels.txt &&
    labels p3.png a.db --x queue.servers --y sojourn_mean --by queue.stations --size 1200,800 &&
    grep -qx 'look=1200 800 11' labels.txt &&
    labels p4.png a.db --x queue.servers --y sojourn_mean --by queue.stations --theme slides &&
    grep -qx 'look=1600 900 24' labels.txt
ok $? "--size in cm or pixels, --font, --theme slides"
# A paper's figure draws no scenario title (the paper's caption says it),
# only one asked for with --title; a title too long for the figure's width
# goes on lines of even length, and a y label too long for the plot's
# height too.
long='VMs booting together: their vCPU 0s share 2 of 16 cores, where the probes run one after another'
{ cat a.ini; printf '[plot t]\nx = queue.servers\ny = sojourn_mean\nby = queue.stations\ntitle = From the scenario\n'; } >at.ini
rm -f labels.txt
IOVSIM_GNUPLOT_DIR=$PWD/gplabels "$IOVSIM" plot a.db --scenario at.ini --theme paper --outdir tfig >/dev/null 2>err.txt &&
    grep -qx 'title=' labels.txt &&
    rm -f labels.txt &&
    IOVSIM_GNUPLOT_DIR=$PWD/gplabels "$IOVSIM" plot a.db --scenario at.ini --outdir tfig >/dev/null 2>err.txt &&
    grep -qx 'title=From the scenario' labels.txt &&
    labels t1.pdf a.db --x queue.servers --y sojourn_mean --by queue.stations --theme paper \
    --title 'Asked for' && grep -qx 'title=Asked for' labels.txt &&
    labels t2.png a.db --x queue.servers --y sojourn_mean --by queue.stations --theme slides \
        --title "$long" && grep -qx 'title=VMs booting together: their vCPU 0s share 2 of' labels.txt &&
    grep -qx '16 cores, where the probes run one after another' labels.txt &&
    labels t3.png a.db --x queue.servers --y sojourn_mean --by queue.stations --title 'Short' &&
    grep -qx 'title=Short' labels.txt
ok $? "a paper's figure: no scenario title, a --title drawn; a long title on two lines elsewhere"
long='Mean idle-state exit latency (µs)'
labels t4.pdf a.db --x queue.servers --y sojourn_mean --by queue.stations --theme paper \
    --ylabel "$long" && [ "$(head -1 labels.txt)" = "x=Servers|y=Mean idle-state" ] &&
    grep -qx 'exit latency (µs)|key=Stations' labels.txt &&
    labels t5.png a.db --x queue.servers --y sojourn_mean --by queue.stations --ylabel "$long" &&
    [ "$(head -1 labels.txt)" = "x=Servers|y=$long|key=Stations" ]
ok $? "a y label longer than the plot is high goes on two lines ($(head -1 labels.txt))"
# A caption longer than the figure is wide: lines of even length (one line
# was cut at the figure's left edge), in paper; the default theme's width
# holds it.
long='Mean of 5 replications with 95% confidence intervals; the host runs 16 cores at 2.1 GHz'
labels cap1.pdf a.db --x queue.servers --y sojourn_mean --by queue.stations --theme paper \
    --caption "$long" && grep -qx 'caption=Mean of 5 replications with 95% confidence' labels.txt &&
    grep -qx 'intervals; the host runs 16 cores at 2.1 GHz' labels.txt &&
    labels cap2.png a.db --x queue.servers --y sojourn_mean --by queue.stations --caption "$long" &&
    grep -qx "caption=$long" labels.txt
ok $? "a caption wider than a paper figure goes on two lines ($(grep -A1 '^caption=' labels.txt | tr '\n' '|'))"
bad "a bad --size" "--size '3in': expected WIDTH,HEIGHT in pixels or both in in or cm" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --by queue.stations --size 3in -o p.png
bad "an unknown --theme" "--theme 'poster': unknown theme (valid: default, paper, slides)" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --by queue.stations --theme poster \
    -o p.png
# Curves that coincide (a deterministic queue never uses its second
# server): the key says which one hides under which.
sed 's/^queue.servers = 1, 2$/queue.servers = 1, 2\nqueue.service = 0.5s, 1s/' det.ini >det2.ini
"$IOVSIM" sweep det2.ini -o det2.db -q
labels co.png det2.db --x queue.service --y sojourn_mean --by queue.servers
[ "$(grep '^series=' labels.txt | tr '\n' ,)" = "series=1 #0072B2,series=2 (same as 1) #E69F00," ]
ok $? "a curve hidden under another says so in the key ($(grep '^series=' labels.txt | tr '\n' ' '))"
# Declared order: servers 4, 1, 2 give series 4, 1, 2 in a scenario's
# figures and, from the order the sweep recorded, on the command line and in
# tables; in a database without that record numbers ascend.
cat >o.ini <<'INI'
[scenario]
name = torder
duration = 500s
reps = 2
[sweep]
queue.servers = 4, 1, 2
queue.stations = 2, 1
[plot by]
x = queue.stations
y = sojourn_mean
by = queue.servers
xlabel = Stations in tandem
labels = 4=four servers
[plot bars]
kind = bars
x = queue.stations
y = wait_mean
by = queue.servers
INI
"$IOVSIM" sweep o.ini -o o.db -q
rm -f labels.txt
IOVSIM_GNUPLOT_DIR=$PWD/gplabels "$IOVSIM" plot o.db --scenario o.ini --outdir ofigs >/dev/null 2>&1
[ "$(grep -c '^series=' labels.txt)" = 6 ] &&
    [ "$(grep '^series=' labels.txt | cut -d' ' -f1-2 | tr '\n' ,)" = \
        "series=four servers,series=1 #E69F00,series=2 #009E73,series=4 #0072B2,series=1 \
#E69F00,series=2 #009E73," ] &&
    grep -q '^x=Stations in tandem|y=Mean sojourn time (s)|key=Servers$' labels.txt
ok $? "a scenario's figures: series in declared order, its xlabel and labels ($(grep '^series=' labels.txt | tr '\n' ' '))"
labels o1.png o.db --x queue.stations --y sojourn_mean --by queue.servers
[ "$(grep '^series=' labels.txt | cut -d' ' -f1 | tr '\n' ,)" = "series=4,series=1,series=2," ]
ok $? "without a scenario, the order the sweep recorded ($(grep '^series=' labels.txt | tr '\n' ' '))"
"$IOVSIM" table o.db -m sojourn_mean | awk '{ print $1 }' | tr '\n' ' ' >rows.txt
[ "$(cat rows.txt)" = "point queue.servers=4,queue.stations=2 queue.servers=4,queue.stations=1 \
queue.servers=1,queue.stations=2 queue.servers=1,queue.stations=1 \
queue.servers=2,queue.stations=2 queue.servers=2,queue.stations=1 " ]
ok $? "table rows in declared order ($(cat rows.txt))"
cp o.db o-old.db && sqlite3 o-old.db "DELETE FROM meta WHERE key GLOB 'order *'" &&
    labels o2.png o-old.db --x queue.stations --y sojourn_mean --by queue.servers &&
    [ "$(grep '^series=' labels.txt | cut -d' ' -f1 | tr '\n' ,)" = "series=1,series=2,series=4," ]
ok $? "a database without the recorded order: numbers ascend"
# Strategies: human names, the declared order (vdpa before passthrough),
# one colour each in every figure; stages keep their colours from figure to
# figure.
"$IOVSIM" sweep "$SRC/scenarios/quickstart.ini" -o q.db -q --reps 2 --set scenario.duration=20ms
labels q1.png q.db --kind bars --by io.strategy --y throughput --where workload.type=stream
grep '^series=' labels.txt | tr '\n' , >q1.txt
[ "$(cat q1.txt)" = "series=Bare metal #000000,series=Emulation #D55E00,series=virtio #0072B2,\
series=vDPA #CC79A7,series=Passthrough #009E73,series=SR-IOV #E69F00," ] &&
    grep -q '|key=Strategy$' labels.txt
ok $? "strategies by name, in the declared order, each in its colour ($(cat q1.txt))"
# One metric's bars: one group across the plot, not a third of it.
grep -qx 'xrange=-0.55:0.55' labels.txt &&
    labels q1b.png q.db --kind bars --x io.strategy --y throughput --where workload.type=stream &&
    ! grep -qx 'xrange=-0.55:0.55' labels.txt
ok $? "one group of bars fills the plot, several keep gnuplot's layout"
# A group missing series (an exclude rule): its bars close ranks over its
# name, each in its series' colour; a full group keeps a slot per series.
cat >gap.ini <<'INI'
[scenario]
name = tgap
duration = 200s
reps = 1

[sweep]
queue.servers = 1, 2
queue.stations = 1, 2, 3
exclude = queue.servers=1, queue.stations=1|2
INI
"$IOVSIM" sweep gap.ini -o gap.db -q &&
    labels gap.png gap.db --kind bars --x queue.servers --y sojourn_mean --by queue.stations &&
    [ "$(awk '{ print $1, $2, $5, $8 }' bars.dat | tr '\n' ,)" = '"1" NaN NaN 0,"2" 0.75 1 1.25,' ] &&
    [ "$(grep -c '^series=' labels.txt)" = 3 ]
ok $? "a lone bar stands over its group's name ($(awk '{ print $1, $2, $5, $8 }' bars.dat | tr '\n' ,))"
labels q2.png q.db --x workload.type --y throughput --by io.strategy
# (A line drawn over another's says so: "SR-IOV (≈ vDPA)".)
[ "$(grep '^series=' labels.txt | sed 's/ (\(≈\|same as\) [^)]*)//' | sort | tr '\n' ,)" = \
    "$(tr , '\n' <q1.txt | grep . | sort | tr '\n' ,)" ]
ok $? "the same colours in a line plot ($(grep '^series=' labels.txt | tr '\n' ' '))"
labels q3.png q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr
grep '^series=' labels.txt | sort >s1.txt
grep -q '^x=Strategy|y=Time by stage (µs)|key=$' labels.txt && grep -q '^series=Guest stack ' s1.txt &&
    grep -qxE 'caption=mean(, n = 2| of n = 2) replications(, all identical \(no interval\))?' \
        labels.txt
ok $? "stacked stages: named in words, 'Time by stage' on the axis"
# Six strategy names fit under a default figure's bars but not under a
# 3.3 in column's: there they slant (stacks, grouped bars, categories).
slants() {
    labels "$@" >/dev/null && grep '^slant=' labels.txt | cut -d= -f2 | tr -d '\n'
}
[ "$(slants q9.png q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr)$(
    slants q9.pdf q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr \
        --theme paper)$(
    slants q10.png q.db --kind bars --x io.strategy --by workload.type --y cycles_per_packet)$(
    slants q10.pdf q.db --kind bars --x io.strategy --by workload.type --y cycles_per_packet \
        --theme paper)$(
    slants q11.png q.db --x io.strategy --by workload.type --y cycles_per_packet)$(
    slants q11.pdf q.db --x io.strategy --by workload.type --y cycles_per_packet \
        --theme paper)" = 010101 ]
ok $? "x labels slant only where they would collide"
# The key beside a stack lists the top segment first; a key above it (paper)
# lists the bottom one first, reading down its columns.
labels q12.png q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr &&
    grep -q '^set key .*invert' stackset.gp &&
    labels q12.pdf q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr \
        --theme paper && grep -q '^set key .*noinvert' stackset.gp
ok $? "a stack's key: top segment first beside the plot, bottom first above it"
# Several groups of bars leave a group's room on either side: two names of
# 15 characters take three places' width, too much for a column's.
[ "$(slants q13.pdf q.db --kind bars --x workload.type --y throughput --where io.strategy=virtio \
    --label 'stream=a bulk stream flow' --label 'rr=a request stream' --theme paper)$(
    slants q13.png q.db --kind bars --x workload.type --y throughput --where io.strategy=virtio \
        --label 'stream=a bulk stream flow' --label 'rr=a request stream')" = 10 ]
ok $? "names under two groups of bars slant where three places' width would not hold them"
# A key above the plot in the columns that fit across the figure (gnuplot
# counts them over the whole width and lets the key run off its right edge);
# a paper figure grows by the rows of a key taller than three, unless --size
# says its size.
labels q14.pdf q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr \
    --theme paper && grep -qx 'key_cols=2' labels.txt &&
    awk -F'[= ]' '/^look=/ { exit !($2 == 3.3 && $3 > 2.9 && $4 == 8) }' labels.txt &&
    labels q15.pdf q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr \
        --theme paper --size 3.3in,2.4in && grep -qx 'look=3.3 2.4 8' labels.txt &&
    labels q16.pdf q.db --kind bars --x io.strategy --by workload.type --y throughput \
        --theme paper && grep -qx 'key_cols=2' labels.txt && grep -qx 'look=3.3 2.4 8' labels.txt &&
    labels q17.png q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr &&
    grep -qx 'key_cols=0' labels.txt
ok $? "a key above the plot: the columns that fit, the figure taller by its rows past three"
# In gray, curves without points differ by their dashes (paper theme).
"$IOVSIM" plot a.db --kind cdf --y sojourn --by queue.stations --where queue.servers=2 \
    --theme paper -o cdfp.svg >/dev/null && grep -q 'stroke-dasharray' cdfp.svg &&
    "$IOVSIM" plot a.db --kind cdf --y sojourn --by queue.stations --where queue.servers=2 \
        -o cdfd.svg >/dev/null && ! grep -q 'stroke-dasharray' cdfd.svg
ok $? "a paper's CDF curves are dashed, each its own way"
# In gray, bars and stack segments differ by their fill patterns (paper
# theme): one pattern per series, none in the default theme.
patterns() { grep -A1 '<pattern' "$1" | grep -o " d='[^']*'" | sort -u | wc -l; }
"$IOVSIM" plot q.db --kind bars --by io.strategy --y throughput --where workload.type=stream \
    --theme paper -o barp.svg >/dev/null && [ "$(patterns barp.svg)" -ge 6 ] &&
    "$IOVSIM" plot q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr \
        --theme paper -o stackp.svg >/dev/null && [ "$(patterns stackp.svg)" -ge 7 ] &&
    "$IOVSIM" plot q.db --kind bars --by io.strategy --y throughput --where workload.type=stream \
        -o bard.svg >/dev/null && ! grep -q '<pattern' bard.svg &&
    "$IOVSIM" plot q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr \
        -o stackd.svg >/dev/null && ! grep -q '<pattern' stackd.svg
ok $? "a paper's bars and stack segments have fill patterns ($(patterns barp.svg), $(patterns stackp.svg)), the default's none"
# Bars of one unnamed group (no --x): no empty line of tic labels or x
# label under them, one line for the caption.
labels b9.png q.db --kind bars --by io.strategy --y throughput --where workload.type=stream &&
    grep -q '^unset xtics' barsset.gp && grep -qx "set xlabel \" \" *.*" barsset.gp &&
    labels b10.png q.db --kind bars --x io.strategy --y throughput --where workload.type=stream &&
    ! grep -q '^unset xtics' barsset.gp
ok $? "bars without --x leave no empty room under them"
# A time series' y axis starts at 0 (or below it), as a line plot's does.
"$IOVSIM" run "$SRC/scenarios/migration.ini" --reps 1 --set migration.mode=precopy -o m.db -q &&
    labels s1.png m.db --kind series --y migration_vm_throughput &&
    grep -q '^set yrange \[ \* < 0' seriesset.gp
ok $? "a time series' y axis includes 0 ($(grep '^set yrange' seriesset.gp))"
labels q4.png q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=stream
grep '^series=' labels.txt | sort >s2.txt
# Every stage in both figures has one colour: "NAME #RRGGBB" lines.
awk 'NR == FNR { i = index($0, " #"); c[substr($0, 1, i)] = substr($0, i); next }
    { i = index($0, " #"); k = substr($0, 1, i)
      if (k in c) { both++; if (c[k] != substr($0, i)) bad++ } }
    END { exit !(both > 3 && !bad) }' s1.txt s2.txt
ok $? "a stage has the same colour in both figures"
# Bars are filled solid (fill patterns show white seams in PDF viewers).
! grep -q 'fs pattern' "$SRC"/analysis/*.gp && grep -qx 'fill=1' labels.txt
ok $? "bars and stacks are filled solid"
# Two --by keys: colour by the first (a strategy keeps its own), a dash or a
# paler fill by the second.
labels q5.png q.db --kind bars --y throughput --by io.strategy,workload.type
grep -qx 'series=virtio, Bulk stream #0072B2' labels.txt &&
    grep -qx 'series=virtio, Request/response #0072B2' labels.txt &&
    [ "$(grep -c '^series=' labels.txt)" = 12 ] && grep -q '|key=Strategy, Workload$' labels.txt &&
    [ "$(grep '^fill=' labels.txt | sort -u | tr '\n' ,)" = "fill=0.55,fill=1," ]
ok $? "bars --by two keys: a bar per pair, the strategy's colour, paler for the second value"
labels l6.png a.db --x queue.stations --y sojourn_mean --by queue.servers,queue.service
[ "$(grep '^series=' labels.txt | tr '\n' ,)" = "series=1, exp(1s) #0072B2,series=2, exp(2s) #E69F00," ] &&
    [ "$(grep '^dt=' labels.txt | tr '\n' ,)" = "dt=1,dt=2," ] &&
    grep -q '|key=Servers, Service time$' labels.txt
ok $? "lines --by two keys: colour by the first, dash type by the second ($(grep '^series=' labels.txt | tr '\n' ' '))"
bad "three --by keys" "--by 'queue.servers,queue.service,queue.stations': expected one key or two" \
    "$IOVSIM" plot a.db --x queue.stations --y sojourn_mean -o b3.png \
    --by queue.servers,queue.service,queue.stations
# Stages stack in the order a packet meets them (models/net/dev.h), not by name;
# their names are words (IRQ delivery for irq_delivery).
labels q6.png q.db --kind stack --x io.strategy --y 'stage_*' --where workload.type=rr
sed -n 's/^ *X(\([a-z_]*\)) *\\\{0,1\}$/\1/p' "$SRC/models/net/dev.h" | tr _ ' ' >path.txt
grep '^series=' labels.txt | sed 's/^series=\(.*\) #.*/\1/' >shown.txt
[ "$(grep -cxiFf shown.txt path.txt)" = "$(wc -l <shown.txt)" ] && [ "$(wc -l <shown.txt)" -gt 5 ] &&
    [ "$(grep -xiFf shown.txt path.txt)" = "$(tr A-Z a-z <shown.txt)" ]
ok $? "stages in data path order ($(tr '\n' , <shown.txt))"
labels q7.png q.db --kind stack --x io.strategy --by workload.type --y 'stage_*'
[ "$(grep '^group=' labels.txt | tr '\n' ,)" = "group=Bare metal,group=Emulation,group=virtio,\
group=vDPA,group=Passthrough,group=SR-IOV," ] && grep -q '^x=Strategy|' labels.txt && is_png q7.png
ok $? "a stack --x and --by: bars per --by value, each group named under them"
labels q8.png q.db --kind stack --y 'stage_*' --where workload.type=stream &&
    grep -q '^x=Strategy|' labels.txt
ok $? "a stack over points that differ in one key names its bars by it"
bad "a stack over points that differ in several keys refuses as lines do" \
    "several points per bar: the points differ in 'io.strategy', 'workload.type'; pick one with \
--where KEY=VALUE, or name the bars with --x KEY and split them with --by KEY" \
    "$IOVSIM" plot q.db --kind stack --y 'stage_*' -o many.png
labels c1.png det2.db --kind cdf --y sojourn --by queue.servers --where queue.service=1s
[ "$(grep '^series=' labels.txt | cut -d' ' -f1-4 | tr '\n' ,)" = "series=1 #0072B2,series=2 (same as 1)," ]
ok $? "a CDF hidden under another says so in the key ($(grep '^series=' labels.txt | tr '\n' ' '))"
# Curves a little apart (service 1 s and 1.012 s, under 0.5% of an axis
# that reaches 3 s) still look like one: the key says which they hide under
# (≈); 3 s is plainly apart.
sed 's/^queue.servers = 1, 2$/queue.servers = 1, 2\nqueue.service = 1s, 1.012s, 3s/' det.ini \
    >det3.ini && sed -i 's/^interarrival = 2s$/interarrival = 4s/' det3.ini
"$IOVSIM" sweep det3.ini -o det3.db -q
labels c2.png det3.db --kind cdf --y sojourn --by queue.service --where queue.servers=1 &&
    [ "$(grep '^series=' labels.txt | tr '\n' ,)" = \
        "series=1 s #0072B2,series=1.012 s (≈ 1 s) #E69F00,series=3 s #009E73," ]
c2=$?
labels l6.png det3.db --x queue.servers --y sojourn_mean --by queue.service &&
    [ "$(grep '^series=' labels.txt | tr '\n' ,)" = \
        "series=1 s #0072B2,series=1.012 s (≈ 1 s) #E69F00,series=3 s #009E73," ]
[ $c2 = 0 ] && [ $? = 0 ]
ok $? "CDFs and lines within half a percent of the axes are marked as hidden ($(grep '^series=' labels.txt | tr '\n' ' '))"
# Results another user made (here: root's, read by nobody) can be read.
if [ "$(id -u)" = 0 ] && command -v su >/dev/null; then
    ro=$(mktemp -d /tmp/iovsim-ro-XXXXXX)
    cp a.db "$ro/a.db"
    chmod 755 "$ro"
    chmod 644 "$ro/a.db"
    su nobody -s /bin/sh -c "cd /tmp && '$IOVSIM' table '$ro/a.db' -m sojourn_mean" >/dev/null 2>&1
    ok $? "a database the user cannot write can still be read"
    rm -rf "$ro"
else
    n=$((n + 1)); echo "ok $n # SKIP needs root to test another user's database"
fi
"$IOVSIM" plot a.db --y sojourn_mean --x queue.servers --by queue.stations >/dev/null &&
    is_png a-sojourn_mean.png
ok $? "default output next to the database"

# Strings from the command line and from the database never run as gnuplot
# commands, whichever quoting they try.
p=/tmp/iovsim-pwned-$$
evil="x'; system('touch $p-1'); '\" ; system(\"touch $p-2\"); \"\`touch $p-3\`@out_file"
"$IOVSIM" sweep a.ini -o e.db -q --reps 2 --vary "scenario.description=$evil" \
    --vary 'queue.stations=1'
fig e.png is_png e.db --x queue.servers --y sojourn_mean --by scenario.description --title "$evil"
ok $? "hostile title and series names are drawn"
fig e2.svg is_svg e.db --kind bars --x queue.servers --y sojourn_mean \
    --by scenario.description --title "$evil"
ok $? "hostile names in bars"
# Each hostile string as the title, as series and category names from the
# database (bars and lines), and in the figure's file name.
hostile=("'quoted' title" "''" "'" "'''" "x''" "a''b" 'back\slash\' $'new\nline' $'cr\rx\ttab'
    "\`touch $p-4\`" "system(\"touch $p-5\")" "\"; system('touch $p-6'); \""
    "'.system('touch $p-7').'" "\" . system(\"touch $p-8\") . \"" '@out_file' '%s %d %%'
    '{/Symbol a}^2_x' 'a;b' $'\e[31mred\e[0m' $'\xff\xfe not utf-8' 'é µ ± 中' '')
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
drawn=0
for s in "${hostile[@]}"; do
    cp a.db h.db
    sqlite3 h.db "UPDATE params SET value = CAST(X'$(hex "$s")' AS TEXT) WHERE
        (key = 'queue.stations' AND value = '2') OR (key = 'queue.service' AND value = 'exp(2s)')"
    # The command line takes text in the locale's character set only.
    title=$s
    printf '%s' "$s" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || title=x
    out="h'$drawn\`touch pwned-9\`\$(touch pwned-10).png"
    "$IOVSIM" plot h.db --x queue.service --y sojourn_mean --by queue.stations \
        --title "$title" -o "$out" >/dev/null 2>err.txt && is_png "$out" &&
        "$IOVSIM" plot h.db --kind bars --x queue.service --y sojourn_mean --by queue.stations \
            --title "$title" -o h.pdf >/dev/null 2>>err.txt && is_pdf h.pdf &&
        drawn=$((drawn + 1)) || echo "# failed on '$s': $(cat err.txt)"
done
[ $drawn = ${#hostile[@]} ]
ok $? "every hostile string is drawn ($drawn of ${#hostile[@]})"
ls $p-* pwned-* >/dev/null 2>&1
ok $((! $?)) "nothing was executed"
ls $p-* >/dev/null 2>&1
ok $((! $?)) "nothing was executed"

# Bad input: one line, exit 2, the valid names listed.
bad "unknown metric" \
    "unknown metric 'sojourn_maen' in scope 'all' (did you mean 'sojourn_mean'? valid: arr" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_maen
bad "unknown parameter" "unknown parameter 'queue.server' (did you mean 'queue.servers'? valid: \
queue.servers, queue.service, queue.stations)" \
    "$IOVSIM" plot a.db --x queue.server --y sojourn_mean
bad "unknown scope" "unknown scope 'vm0' (valid: all, station1, station2)" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --scope vm0
bad "unknown histogram" "unknown distribution 'latency'" \
    "$IOVSIM" plot a.db --kind cdf --y latency
bad "unknown metric in compare" "unknown metric 'x'" \
    "$IOVSIM" compare a.db --baseline queue.servers=1 -m x
bad "unknown baseline key" "unknown varied parameter 'queue.interarrival'" \
    "$IOVSIM" compare a.db --baseline 'queue.interarrival=exp(1s)'
bad "baseline value not swept" "no point has queue.servers=3 (its values: 1, 2)" \
    "$IOVSIM" compare a.db --baseline queue.servers=3
bad "several points per x" "also differ in 'queue.service', 'queue.stations'" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean
bad "a stack of points that share an x refuses as lines do" \
    "several points per x value: the points also differ in 'queue.service', 'queue.stations'" \
    "$IOVSIM" plot a.db --kind stack --x queue.servers --y wait_mean,sojourn_p50 -o st.png
bad "unknown figure type" "unknown figure type (use .png, .pdf or .svg)" \
    "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean --by queue.stations -o f.jpg
bad "unknown format" "unknown format 'html'" "$IOVSIM" table a.db -f html
printf 'this is not an sqlite database, not at all, no\n' >junk.db
bad "not an iovsim database" "'junk.db': not an iovsim database" "$IOVSIM" table junk.db
sqlite3 other.db 'CREATE TABLE t (x)'
bad "an sqlite database of something else" "'other.db': not an iovsim database" \
    "$IOVSIM" plot other.db --x a --y b
cp a.db new.db
sqlite3 new.db "PRAGMA user_version = 99; UPDATE meta SET value = '99' WHERE key = 'schema_version'"
bad "a newer schema" "schema version 99 is newer" "$IOVSIM" table new.db
bad "a missing database" "'missing.db': no such database" "$IOVSIM" table missing.db
# No job finishes in 1 us: every run leaves wait_mean undefined.
"$IOVSIM" run a.ini -o undef.db -q --reps 1 --set scenario.duration=1us >/dev/null 2>&1
bad "a metric undefined in every run" "'wait_mean' has no value at any point" \
    "$IOVSIM" plot undef.db --x queue.servers --y wait_mean -o undef.png
bad "the same in bars, not gnuplot's 'no valid data points' (exit 1)" "'wait_mean' has no value at any point" \
    "$IOVSIM" plot undef.db --kind bars --y wait_mean -o undef.png
# A database with no finished run (made, then every run lost or failed).
cp a.db norun.db
sqlite3 norun.db "UPDATE runs SET status = 'failed'"
bad "plot with no finished run says so, not gnuplot's 'no valid points' (exit 1)" \
    "nothing to plot: the database holds no finished run" \
    "$IOVSIM" plot norun.db --x queue.servers --y sojourn_mean --by queue.stations -o norun.png
[ ! -e norun.png ]
ok $? "and draws nothing"
"$IOVSIM" table norun.db >out.txt 2>err.txt
[ $? = 0 ] && [ "$(cat err.txt)" = "note: 'norun.db' holds no finished run: the table is empty" ] &&
    [ "$(wc -l <out.txt)" = 1 ]
ok $? "table on it prints the header and says the table is empty ($(cat err.txt))"
[ ! -e missing.db ]
ok $? "a missing database is not created"
bad "gnuplot missing" \
    "gnuplot not found in PATH; install it (Debian/Ubuntu: apt-get install gnuplot-nox)" \
    env PATH=/nonexistent "$IOVSIM" plot a.db --x queue.servers --y sojourn_mean \
    --by queue.stations -o g.png

# [plot NAME] groups: only once the plot.* keys are in the registry.
if "$IOVSIM" params plot. | grep -q '^plot\.\*\.kind'; then
    cat >f.ini <<'INI'
[scenario]
name = tfigs
duration = 2000s
reps = 2
[sweep]
queue.servers = 1, 2
queue.stations = 1, 2
[plot means]
x = queue.servers
y = sojourn_mean
by = queue.stations
title = it's "quoted"
[plot dist]
kind = cdf
y = sojourn
by = queue.servers
where = queue.stations=2
output = dist.svg
INI
    "$IOVSIM" sweep f.ini -o f.db -q && "$IOVSIM" plot f.db --scenario f.ini --outdir figs >out.txt
    ok $? "plot --scenario draws the [plot NAME] figures"
    is_png figs/tfigs-means.png && is_svg figs/dist.svg
    ok $? "into the output directory, named SCENARIO-GROUP or by its output key"
    # A scenario names its figures; where they go is the command line's call.
    mkdir -p deep/er
    for o in ../../x.png sub/x.png /tmp/x.png ..; do
        sed "s|^output = dist.svg|output = $o|" f.ini >deep/er/o.ini
        bad "check refuses output = $o" "deep/er/o.ini:18: key 'plot.dist.output': '$o' is a path, \
not a file name (figures go to plot --outdir DIR; plot -o FILE draws one figure anywhere)" \
            "$IOVSIM" check deep/er/o.ini
        (cd deep/er && "$IOVSIM" plot ../../f.db --scenario o.ini --outdir figs >out.txt 2>err.txt)
        [ $? = 2 ] && [ "$(wc -l <deep/er/err.txt)" = 1 ] && [ ! -e x.png ] && [ ! -e deep/er/figs ]
        ok $? "plot --scenario refuses output = $o and draws nothing"
    done
    sed "s|^output = dist.svg|output = figure.txt|" f.ini >t.ini
    bad "check refuses output = figure.txt" \
        "t.ini:18: key 'plot.dist.output': 'figure.txt': unknown figure type (use .png, .pdf or .svg)" \
        "$IOVSIM" check t.ini
    bad "plot --scenario refuses output = figure.txt" "t.ini:18: key 'plot.dist.output'" \
        "$IOVSIM" plot f.db --scenario t.ini --outdir figs2
    bad "--set plot.NAME.output is checked too" "--set: key 'plot.dist.output': 'a/b.png' is a path" \
        "$IOVSIM" check f.ini --set plot.dist.output=a/b.png
    bad "-o with --scenario is refused, not ignored" "--scenario figures go to --outdir DIR" \
        "$IOVSIM" plot f.db --scenario f.ini -o elsewhere.png
    "$IOVSIM" check f.ini >/dev/null && "$IOVSIM" check f.ini --set plot.dist.output=D.PDF >/dev/null
    ok $? "plain file names of each type are accepted"
else
    for i in $(seq 13); do n=$((n + 1)); echo "ok $n # SKIP plot.* keys are not registered"; done
fi
exit $((fails > 0))
