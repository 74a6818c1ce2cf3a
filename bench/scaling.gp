# bench/scaling.gp: draws the figure of bench/scaling.lua from its data file (index 0 float64,
# index 1 float32; the columns are named in the file's header).
#   gnuplot -e "data='docs/figures/scaling.dat'; output='docs/figures/scaling.png'" bench/scaling.gp
if (!exists("data")) data = "docs/figures/scaling.dat"
if (!exists("output")) output = "docs/figures/scaling.png"
set terminal pngcairo size 1100,450 font "sans,11"
set output output
set multiplot layout 1,3 title "COBA, 80 random inputs per neuron, dt 0.1 ms, one thread (bench/scaling.lua)"
set logscale x
set xrange [2500:1600000]
set format x "10^{%L}"
set xlabel "neurons"
set grid
set key top left

set title "CPU time per neuron-step"
set ylabel "ns"
set yrange [0:*]
plot data index 0 using 1:8 with linespoints pt 7 lc rgb "#1f4e9c" title "float64", \
     data index 1 using 1:8 with linespoints pt 5 lc rgb "#c0392b" title "float32"

set title "resident memory"
set ylabel "MiB"
set logscale y
set yrange [*:*]
plot data index 0 using 1:11 with linespoints pt 7 lc rgb "#1f4e9c" title "float64 peak", \
     data index 0 using 1:12 with linespoints pt 6 dt 2 lc rgb "#1f4e9c" title "float64 steady", \
     data index 1 using 1:11 with linespoints pt 5 lc rgb "#c0392b" title "float32 peak", \
     data index 1 using 1:12 with linespoints pt 4 dt 2 lc rgb "#c0392b" title "float32 steady"

set title "build CPU time (connectivity)"
set ylabel "s"
plot data index 0 using 1:4 with linespoints pt 7 lc rgb "#1f4e9c" title "float64", \
     data index 1 using 1:4 with linespoints pt 5 lc rgb "#c0392b" title "float32"
unset multiplot
