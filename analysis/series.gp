# Time series, one line per series: data_file holds one block per series,
# rows "t value" at each sample time (the mean over replications).

# The y axis from 0 (or below, for negative values), as for lines: a
# goodput's dip from 7 to 6 Gb/s must not fill the plot's height.
if (!log_y) { set yrange [*<0:*] }
# Printed in gray, curves told apart by colour alone would look alike:
# vary_dash (the paper theme) dashes them too.
curve_dt(i) = vary_dash ? 1 + (i - 1) % 5 : 1

plot for [i=1:n_series] data_file index (i-1) using 1:2 \
    with lines lw 2 lc rgb series_colour[i] dt curve_dt(i) title series_title[i]
