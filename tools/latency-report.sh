#!/usr/bin/env bash
# Turns RTOS latency runs (tools/rtos-latency.sh output folders) into a
# text table and, with gnuplot, histogram PNGs for people.
#   tools/latency-report.sh BENCHDIR
# Reads BENCHDIR/rtos-MODE-TIMER/{lat,hist}.txt; writes
# BENCHDIR/rtos-latency.txt and BENCHDIR/rtos-latency-TIMER.png.
set -uo pipefail
dir=$1
modes="native_idle partition_idle native_loaded partition_loaded"
table=$dir/rtos-latency.txt
{
    printf '%-14s %-5s %-17s %8s %8s %8s %8s %6s\n' path timer mode min avg max p99.9 exits
    for timer in tsc hpet; do
        for mode in $modes; do
            lat=$dir/rtos-$mode-$timer/lat.txt
            [[ -f $lat ]] || continue
            exits=$(awk '$1 == "exits" { print $2 }' "$lat")
            awk -v t=$timer -v m=$mode -v e="${exits:--}" '$1 != "exits" {
                printf "%-14s %-5s %-17s %8s %8s %8s %8s %6s\n", $1, t, m, $2, $3, $4, $5, e }' "$lat"
        done
    done
} >"$table"
echo "table: $table"

command -v gnuplot >/dev/null || { echo "latency-report: gnuplot not installed; no PNG" >&2; exit 0; }
for timer in tsc hpet; do
    plots=()
    for mode in $modes; do
        hist=$dir/rtos-$mode-$timer/hist.txt
        [[ -f $hist ]] || continue
        # One data file per path: bucket centre, count.
        while read -r _ path lo hi counts; do
            awk -v lo="$lo" -v hi="$hi" '{ w = (hi - lo) / NF; for (i = 1; i <= NF; i++) print lo + (i - 0.5) * w, $i }' \
                <<<"$counts" >"$dir/rtos-$mode-$timer-$path.dat"
        done <"$hist"
        plots+=("$mode")
    done
    [[ ${#plots[@]} -gt 0 ]] || continue
    paths=$(awk '{ print $2 }' "$dir/rtos-${plots[0]}-$timer/hist.txt")
    {
        echo "set terminal png noenhanced size 1000,$((360 * $(wc -w <<<"$paths"))); set output '$dir/rtos-latency-$timer.png'"
        echo "set multiplot layout $(wc -w <<<"$paths"),1"
        # Identical runs overlap exactly: distinct point shapes keep each visible.
        echo "set logscale y; set yrange [0.5:*]; set xlabel 'latency (TSC ticks)'; set ylabel 'samples (log)'; set key top right"
        for path in $paths; do
            echo "set title 'RTOS $path ($timer timer)'"
            line="plot"
            pt=4
            for mode in "${plots[@]}"; do
                line+=" '$dir/rtos-$mode-$timer-$path.dat' using 1:(\$2 > 0 ? \$2 : 1/0) with linespoints lw 2 pt $pt ps 1.5 title '$mode',"
                pt=$((pt + 2))
            done
            echo "${line%,}"
        done
        echo "unset multiplot"
    } >"$dir/rtos-latency-$timer.gp"
    gnuplot "$dir/rtos-latency-$timer.gp" && echo "plot: $dir/rtos-latency-$timer.png  (gnuplot $dir/rtos-latency-$timer.gp)"
done
