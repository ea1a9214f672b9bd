# Stacked bars: one bar per row of data_file, one segment per series (e.g.
# the stages of the per-packet cost). Rows: "label" value1 value2 ...

set style data histogram
set style histogram rowstacked
set style fill solid 1.0 border rgb '#333333'
set boxwidth 0.7
set xtics scale 0
set yrange [0:*]
# Top segment first in the key, as in the bars.
set key invert

plot for [i=1:n_series] data_file using (column(i+1)):xtic(1) \
    lc rgb series_colour[i] fs solid series_fill[i] border rgb '#333333' \
    title series_title[i]
