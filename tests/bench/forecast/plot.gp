# Forecast vs actual for one trace, from veerd-replay --plot data.
#
#   gnuplot -e "dat='x.dat'; out='x.png'; ttl='...'; lead=11; \
#               xmin=0; xmax=3600" plot.gp
#
# Columns: 1 t  2 y  3 served  4 mean  5 lo  6 hi  7 alarm  8 share
#          9 anomaly  10 thr  11 reactive_share  12 prob
# mean/lo/hi are the forecast made `lead` steps before t (the lead-time
# horizon), plotted at the time they forecast.
set terminal pngcairo size 1400,900 font ",10"
set output out
set multiplot layout 2,1 title ttl
set lmargin 10
set rmargin 4
set xrange [xmin:xmax]
set grid
set key top left opaque box

set size 1,0.62
set origin 0,0.36
set ylabel "load per step"
set format x ""
plot dat u 1:5:6 w filledcurves lc rgb "#c6dbef" fs solid 0.8 \
	title sprintf("90%% interval, forecast %d steps ahead", lead), \
     "" u 1:4 w l lc rgb "#2171b5" lw 1.5 title "forecast", \
     "" u 1:2 w l lc rgb "#252525" lw 1 title "actual (offered)", \
     "" u 1:3 w l lc rgb "#31a354" lw 1 dt 3 title "served after shift", \
     "" u 1:10 w l lc rgb "#de2d26" lw 2 dt 2 title "threshold", \
     "" u 1:($7 > 0 && $2 <= $10 ? $10 * 1.02 : 1/0) w p pt 7 ps 0.4 \
	lc rgb "#fd8d3c" title "breach predicted (alarm)"

set size 1,0.36
set origin 0,0
set format x "%g"
set xlabel "seconds"
set ylabel "% of new flows shifted"
set yrange [0:55]
plot dat u 1:8 w steps lc rgb "#2171b5" lw 1.5 title "veer shift", \
     "" u 1:11 w steps lc rgb "#de2d26" lw 1 title "reactive shift", \
     "" u 1:($9 > 0 ? 52 : 1/0) w p pt 5 ps 0.3 lc rgb "#756bb1" \
	title "anomaly band fired"
unset multiplot
