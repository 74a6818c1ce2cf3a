# docs/microcircuit.gp: draws docs/microcircuit.png from the data the example writes.
#   annlua examples/microcircuit.lua --scale 0.1 --duration 1000 --transient 200 --seed 1 \
#       --raster /tmp/mc
#   gnuplot -e "data='/tmp/mc'" docs/microcircuit.gp
# Left: raster of the last 100 ms (excitatory populations black, inhibitory grey, L2/3 at the
# top); right: the population rates over the run after the transient.
if (!exists("data")) data = "/tmp/mc"
set terminal pngcairo size 1100,600 font "sans,11"
set output "docs/microcircuit.png"
set multiplot layout 1,2 title "Potjans and Diesmann (2014) microcircuit in annlua, scale 0.1"

set size 0.62,0.92
set origin 0.0,0.0
set xlabel "time (ms)"
set ylabel ""
stats data."_spikes.dat" using 2 nooutput
set yrange [STATS_max + 20:0]
set ytics ("L2/3" 1325, "L4" 4020, "L5" 5686, "L6" 6850)
unset key
plot data."_spikes.dat" using 1:2:(int($3) % 2 == 0 ? 0x000000 : 0x999999) with points pt 7 ps 0.25 lc rgb variable

set size 0.36,0.92
set origin 0.63,0.0
set xlabel "rate (Hz)"
set yrange [7.6:-0.6]
set xrange [0:*]
set ytics ("L23E" 0, "L23I" 1, "L4E" 2, "L4I" 3, "L5E" 4, "L5I" 5, "L6E" 6, "L6I" 7)
set style fill solid 0.8
plot data."_rates.dat" using (0):3:(0):2:($3 - 0.35):($3 + 0.35):($3 - 2 * floor($3 / 2) == 0 ? 0x000000 : 0x999999) \
     with boxxyerror lc rgb variable
unset multiplot
