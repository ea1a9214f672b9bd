# Empirical CDFs from the stored histograms, one curve per series. data_file
# holds one block per series, rows "x F(x)" at both bounds of every bucket:
# straight lines between them interpolate within a bucket, no further.

set yrange [0:1.02]
set ytics 0.1

# Printed in gray, curves told apart by colour alone would look alike:
# vary_dash (the paper theme) dashes them too, unless a second --by key
# already has (series_dt).
curve_dt(i) = (vary_dash && own_dashes == 0) ? 1 + (i - 1) % 5 : series_dt[i]
own_dashes = 0
do for [i=1:n_series] { if (series_dt[i] != 1) { own_dashes = 1 } }

plot for [i=1:n_series] data_file index (i-1) using 1:2 \
    with lines lw 2 lc rgb series_colour[i] dt curve_dt(i) title series_title[i]
