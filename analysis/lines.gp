# Lines with 95% confidence-interval error bars, one line per series.
# data_file holds one block per series (blocks separated by two blank
# lines), rows "x mean ci95 label"; x_categorical = 1 puts the labels on the
# x axis instead of the numbers in column 1.

if (!log_y) { set yrange [0:*] }
# Text labels that would run into each other (x_slant) slant.
if (x_slant) { set xtics rotate by 45 right }
# Exact x range plus a margin: extending it to the next tic could show a
# negative number of VMs.
set autoscale xfix
set offsets graph 0.03, graph 0.03, graph 0.05, 0

if (x_categorical) {
    plot for [i=1:n_series] data_file index (i-1) using 1:2:3:xtic(4) \
        with yerrorlines lw 2 ps 1.2 * term_ps lc rgb series_colour[i] pt series_pt[i] dt series_dt[i] \
        title series_title[i]
} else {
    plot for [i=1:n_series] data_file index (i-1) using 1:2:3 \
        with yerrorlines lw 2 ps 1.2 * term_ps lc rgb series_colour[i] pt series_pt[i] dt series_dt[i] \
        title series_title[i]
}
