# Stacked bars: one bar per row of data_file, one segment per series (e.g.
# the stages of the per-packet cost). Rows: "label" value1 value2 ...
# n_groups > 0 (--x and --by): the rows come in groups, group_title[g]
# centred under its bars at group_at[g], group_drop lines below the axis;
# x_slant = 1 slants labels that would run into each other (gnuplot.c).

set style data histogram
set style histogram rowstacked
set style fill solid 1.0 border rgb '#333333'
set boxwidth 0.7
set xtics scale 0
set yrange [0:*]
# Top segment first in a key beside the plot; a key above the plot (paper)
# reads down its columns from the bottom segment, as a reader reads.
if (!key_above) { set key invert }
if (x_slant) { set xtics rotate by 45 right }
if (n_groups > 0) {
    do for [g=1:n_groups] {
        set label 200 + g group_title[g] at first group_at[g], graph 0 \
            offset 0, -group_drop center noenhanced
    }
    set xlabel offset 0, -2.5
}

# Printed in gray, a paper's segments differ by fill patterns too
# (vary_pattern), as bars do (bars.gp): the histogram's pale fills, then
# each segment's pattern as a box from the sum of those below it (row r
# of the histogram stands at x = r).
if (vary_pattern) {
    plot for [i=1:n_series] data_file using (column(i+1)):xtic(1) \
        lc rgb series_colour[i] fs solid (series_pattern[i] == 3 ? 1 : 0.3) noborder notitle, \
        for [i=1:n_series] data_file \
        using 0:((sum [k=2:i+1] column(k)) - column(i+1) / 2):(0.35):(column(i+1) / 2) \
        with boxxyerror lc rgb series_colour[i] fs transparent pattern series_pattern[i] \
        border rgb '#333333' title series_title[i]
} else {
    plot for [i=1:n_series] data_file using (column(i+1)):xtic(1) \
        lc rgb series_colour[i] fs solid series_fill[i] border rgb '#333333' \
        title series_title[i]
}
