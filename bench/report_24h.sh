#!/bin/sh
# Time, peak memory and size of the QC report of a 24 h, 2-channel, 360 Hz record
# (bench/tile_100.sh): `psyphys analyze` alone as the baseline, `psyphys analyze --report`, and
# `psyphys report` on the outputs; the three in turn, 3 rounds, the fastest wall time of each kept.
# Needs /usr/bin/time and bc (Debian packages 'time', 'bc').
#   sh bench/report_24h.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/tile_100.sh" "$tmp" ${2:-}
# wall seconds and peak kB of one run of a command
run() {
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    cat "$tmp/t"
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
# the three commands in turn, 3 rounds (the machine's load hits them alike), fastest of each kept
a_s="" b_s="" r_s="" a_kb=0 b_kb=0 r_kb=0
for round in 1 2 3; do
    set -- $(run "$build/psyphys" analyze "$tmp/day.hea" -o "$tmp/out" --overwrite)
    a_s=$(min "$a_s" "$1"); [ "$2" -gt "$a_kb" ] && a_kb=$2
    set -- $(run "$build/psyphys" analyze "$tmp/day.hea" -o "$tmp/out" --overwrite --report)
    b_s=$(min "$b_s" "$1"); [ "$2" -gt "$b_kb" ] && b_kb=$2
    set -- $(run "$build/psyphys" report "$tmp/out" --overwrite)
    r_s=$(min "$r_s" "$1"); [ "$2" -gt "$r_kb" ] && r_kb=$2
done
echo "analyze (24 h):          $a_s s, peak $a_kb kB"
echo "analyze --report:        $b_s s, peak $b_kb kB (extra $(echo "$b_s - $a_s" | bc) s)"
echo "report alone:            $r_s s, peak $r_kb kB"
echo "day_report.html:         $(wc -c < "$tmp/out/day_report.html") bytes, $(grep -c '<svg class="plot"' "$tmp/out/day_report.html") plots"
