# Grouped bars with 95% confidence-interval error bars: one group per row
# of data_file (bar_groups), one bar per series. Rows: "label" mean1 ci1
# mean2 ci2 ...

set style data histogram
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 1.0 border rgb '#333333'
set boxwidth 0.9
set xtics scale 0
# One group fills the plot instead of a third of it (the histogram style
# leaves a group's width of room on either side).
if (bar_groups == 1) { set xrange [-0.55:0.55] }
# Text labels that would run into each other (x_slant) slant.
if (x_slant) { set xtics rotate by 45 right }
# The histogram style autoscales to the bars, not to their error bars:
# take the top of the highest error bar instead.
if (!log_y) {
    ytop = 0
    do for [i=1:n_series] {
        stats data_file using (column(2*i) + column(2*i+1)) nooutput
        if (STATS_records > 0 && STATS_max > ytop) { ytop = STATS_max }
    }
    if (ytop > 0) { set yrange [0:ytop * 1.05] } else { set yrange [0:*] }
}

plot for [i=1:n_series] data_file using (column(2*i)):(column(2*i+1)):xtic(1) \
    lc rgb series_colour[i] fs solid series_fill[i] border rgb '#333333' \
    title series_title[i]
