#!/bin/sh
# Peak memory and CPU of `psyphys analyze` as the record grows: MIT-BIH 100 tiled to 24 h, 48 h and
# 7 days with its .atr beside it (bench/tile_100.sh ATR=1 TILES=48/96/336; ~940 MB of temporary
# files), each length run RUNS times (default 2; the lowest CPU and the highest peak kept). With a
# second binary (e.g. main built in /tmp: `git archive main | tar -x -C DIR`), both are run on the
# same files in the same run, alternately. Needs /usr/bin/time (Debian package 'time').
#   sh bench/analyze_long.sh [BUILD_DIR [BASELINE_PSYPHYS [SHARED_DATA_DIR]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
base=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=${RUNS:-2}
# lowest user CPU seconds and highest peak kB of RUNS runs of a command
measure() {
    cpu="" peak=0
    i=0
    while [ $i -lt "$runs" ]; do
        /usr/bin/time -f "%U %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
        read -r user kb <"$tmp/t"
        cpu=$(awk -v a="$user" -v b="${cpu:-$user}" 'BEGIN { print (a < b ? a : b) }')
        [ "$kb" -gt "$peak" ] && peak=$kb
        i=$((i + 1))
    done
    echo "$cpu s CPU, peak $peak kB"
}
for tiles in 48 96 336; do
    mkdir -p "$tmp/$tiles"
    ATR=1 TILES=$tiles sh "$here/tile_100.sh" "$tmp/$tiles" ${3:-}
    label="$((tiles / 2)) h"
    [ -z "$base" ] || echo "$label  baseline: $(measure "$base" analyze "$tmp/$tiles/day.hea" -o "$tmp/out" --overwrite)"
    echo "$label  psyphys:  $(measure "$build/psyphys" analyze "$tmp/$tiles/day.hea" -o "$tmp/out" --overwrite)"
    rm -rf "$tmp/$tiles" "$tmp/out"
done
