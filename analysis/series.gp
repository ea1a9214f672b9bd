# Time series, one line per series: data_file holds one block per series,
# rows "t value" at each sample time (the mean over replications).

plot for [i=1:n_series] data_file index (i-1) using 1:2 \
    with lines lw 2 lc rgb series_colour[i] title series_title[i]
