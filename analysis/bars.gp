# Grouped bars with 95% confidence-interval error bars: one group per row
# of data_file (bar_groups; group g centred at x = g - 1, group_name[g]
# under it), one bar per series. Rows: "label" x1 mean1 ci1 x2 mean2 ci2
# ...: each bar's centre comes from plot_slots.c (a group missing series
# centres the bars it has; x NaN: no bar), bar_width wide.

set style fill solid 1.0 border rgb '#333333'
set errorbars lw 1.5 lc rgb '#333333'
set xtics scale 0
set xtics ()
do for [g=1:bar_groups] { set xtics add (group_name[g] g - 1) }
# One group without a name (no --x): no line of empty tic labels under it.
if (bar_groups == 1 && strlen(group_name[1]) == 0) { unset xtics }
# One group fills the plot instead of a third of it; several leave a
# group's width of room on either side.
if (bar_groups == 1) { set xrange [-0.55:0.55] } else { set xrange [-1:bar_groups] }
# Text labels that would run into each other (x_slant) slant.
if (x_slant) { set xtics rotate by 45 right }
# The y axis reaches the top of the highest error bar.
if (!log_y) {
    ytop = 0
    do for [i=1:n_series] {
        stats data_file using (column(3*i) + column(3*i+1)) nooutput
        if (STATS_records > 0 && STATS_max > ytop) { ytop = STATS_max }
    }
    if (ytop > 0) { set yrange [0:ytop * 1.05] } else { set yrange [0:*] }
}

# Printed in gray, a paper's series differ by fill patterns too
# (vary_pattern): a pale fill of the series' colour (full for pattern 3,
# solid) under its pattern drawn in the colour, which the key's sample
# shows (gnuplot draws one sample per plot).
if (vary_pattern) {
    plot for [i=1:n_series] data_file \
        using (column(3*i-1)):(column(3*i)):(column(3*i+1)):(bar_width) with boxerrorbars \
        lc rgb series_colour[i] fs solid (series_pattern[i] == 3 ? 1 : 0.3) noborder notitle, \
        for [i=1:n_series] data_file \
        using (column(3*i-1)):(column(3*i)):(column(3*i+1)):(bar_width) with boxerrorbars \
        lc rgb series_colour[i] fs transparent pattern series_pattern[i] border rgb '#333333' \
        title series_title[i]
} else {
    plot for [i=1:n_series] data_file \
        using (column(3*i-1)):(column(3*i)):(column(3*i+1)):(bar_width) with boxerrorbars \
        lc rgb series_colour[i] fs solid series_fill[i] border rgb '#333333' \
        title series_title[i]
}
