# Grouped bars with 95% confidence-interval error bars: one group per row
# of data_file, one bar per series. Rows: "label" mean1 ci1 mean2 ci2 ...

set style data histogram
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 1.0 border rgb '#333333'
set boxwidth 0.9
set xtics scale 0
if (!log_y) { set yrange [0:*] }

plot for [i=1:n_series] data_file using (column(2*i)):(column(2*i+1)):xtic(1) \
    lc rgb series_colour[i] fs solid series_fill[i] border rgb '#333333' \
    title series_title[i]
