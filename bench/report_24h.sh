#!/bin/sh
# Time, peak memory and size of the QC report of a 24 h, 2-channel, 360 Hz record
# (bench/tile_100.sh): `psyphys analyze` alone as the baseline, `psyphys analyze --report`, and
# `psyphys report` on the outputs; each run 3 times in this run, the fastest wall time kept.
# Needs /usr/bin/time and bc (Debian packages 'time', 'bc').
#   sh bench/report_24h.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/tile_100.sh" "$tmp" ${2:-}
# best wall seconds and peak kB of 3 runs of a command
measure() {
    best=""
    peak=0
    for run in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
        read -r wall kb < "$tmp/t"
        if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; fi
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $peak"
}
set -- $(measure "$build/psyphys" analyze "$tmp/day.hea" -o "$tmp/out" --overwrite)
analyze_s=$1 analyze_kb=$2
set -- $(measure "$build/psyphys" analyze "$tmp/day.hea" -o "$tmp/out" --overwrite --report)
both_s=$1 both_kb=$2
set -- $(measure "$build/psyphys" report "$tmp/out" --overwrite)
report_s=$1 report_kb=$2
echo "analyze (24 h):          $analyze_s s, peak $analyze_kb kB"
echo "analyze --report:        $both_s s, peak $both_kb kB (extra $(echo "$both_s - $analyze_s" | bc) s)"
echo "report alone:            $report_s s, peak $report_kb kB"
echo "day_report.html:         $(wc -c < "$tmp/out/day_report.html") bytes, $(grep -c '<svg class="plot"' "$tmp/out/day_report.html") plots"
