# Empirical CDFs from the stored histograms, one curve per series. data_file
# holds one block per series, rows "x F(x)" at both bounds of every bucket:
# straight lines between them interpolate within a bucket, no further.

set yrange [0:1.02]
set ytics 0.1

plot for [i=1:n_series] data_file index (i-1) using 1:2 \
    with lines lw 2 lc rgb series_colour[i] dt series_dt[i] title series_title[i]
