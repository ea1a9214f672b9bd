# House style of every iovsim figure, loaded after the generated params.gp
# and before the figure's own template. Variables it expects:
#   out_file, out_type ('png', 'pdf' or 'svg'), plot_title, x_label, y_label,
#   log_x, log_y (0 or 1), caption (may be empty; caption_lines, _font, _y),
#   key_cols (0: gnuplot's choice), vary_dash (1: curves without points differ by
#   dashes too), vary_pattern (1: bars differ by fill patterns too)
# Sans-serif, the key to the right of the plot so it never covers data,
# light horizontal grid, no enhanced-text markup: labels come from data and
# must show as written.

# term_w, term_h, term_font, term_lw, term_ps, key_above: the theme's size
# (inches for PDF, pixels otherwise), font size, line width, point size and
# key placement, from gp_job_set_look().
term_fontspec = sprintf('Sans,%g', term_font)
if (out_type eq 'png') {
    set terminal pngcairo size term_w, term_h font term_fontspec noenhanced linewidth term_lw
} else {
    if (out_type eq 'pdf') {
        set terminal pdfcairo size term_w in, term_h in font term_fontspec noenhanced \
            linewidth term_lw
    } else {
        set terminal svg size term_w, term_h dynamic font term_fontspec noenhanced \
            linewidth term_lw
    }
}
set output out_file
set encoding utf8

set title plot_title noenhanced
set xlabel x_label noenhanced
set ylabel y_label noenhanced
# A column is too narrow for a key beside the plot: the paper theme puts
# it above, in the columns that fit across the plot (key_cols, gnuplot.c).
if (key_above) {
    set key outside top center horizontal noenhanced nobox samplen 1.5 spacing 1
    if (key_cols > 0) { set key maxcols key_cols }
} else {
    set key outside right top vertical noenhanced nobox samplen 2 spacing 1.2
}
set pointsize term_ps
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
# What the error bars are and how many replications: small, bottom right,
# but never below the theme's size when that is already small (paper: 8 pt),
# in caption_lines lines where longer than the figure is wide (gnuplot.c).
# Empty lines under the x label make room for it.
if (strlen(caption) > 0) {
    # No x label (bars of one unnamed group): lines for the caption only.
    cap_room = ''
    do for [i=1:caption_lines] { cap_room = cap_room . "\n" }
    set xlabel (strlen(x_label) > 0 ? x_label . cap_room : cap_room[2:] . " ") noenhanced
    # caption_y: the first line's height, the last's at 0.025 (gnuplot.c).
    set label 101 caption at screen 0.99, caption_y right font sprintf(',%g', caption_font) \
        tc rgb '#555555' noenhanced
}
