# House style of every iovsim figure, loaded after the generated params.gp
# and before the figure's own template. Variables it expects:
#   out_file, out_type ('png', 'pdf' or 'svg'), plot_title, x_label, y_label,
#   log_x, log_y (0 or 1), caption (may be empty)
# Sans-serif 11 pt (10 pt in PDF, which is printed smaller), the key to the
# right of the plot so it never covers data, light horizontal grid, no
# enhanced-text markup: labels come from data and must show as written.

if (out_type eq 'png') {
    set terminal pngcairo size 900,540 font 'Sans,11' noenhanced linewidth 1.2
} else {
    if (out_type eq 'pdf') {
        set terminal pdfcairo size 6in,3.6in font 'Sans,10' noenhanced
    } else {
        set terminal svg size 900,540 dynamic font 'Sans,11' noenhanced
    }
}
set output out_file
set encoding utf8

set title plot_title noenhanced
set xlabel x_label noenhanced
set ylabel y_label noenhanced
set key outside right top vertical noenhanced nobox samplen 2 spacing 1.2
set border 3 lc rgb '#333333'
set tics nomirror out
set grid ytics lc rgb '#dddddd' lt 1 dt 1
set errorbars small

if (log_x) { set logscale x; set format x '%g' }
if (log_y) { set logscale y; set format y '%g' }

# The --by parameter names the series in the key.
if (strlen(key_title) > 0) { set key title key_title noenhanced }
# Integer parameters with few values: one tic per value.
if (strlen(x_tics) > 0) {
    set xtics ()
    # A variable, because a comma inside the tic list would split it.
    do for [i=1:words(x_tics)] {
        tic_at = word(x_tics, i) + 0
        set xtics add (tic_at)
    }
}
# What the error bars are and how many replications: small, bottom right.
if (strlen(caption) > 0) {
    set label 101 caption at screen 0.99, 0.015 right font ',8' tc rgb '#555555' noenhanced
}
