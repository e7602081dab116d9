#!/bin/sh
# Read speed of the lab recorders' formats: 8 channels at 1 kHz for MINUTES minutes (default 60,
# 28.8 M samples) written by psyphys_lab_make as AcqKnowledge 5 (uncompressed, compressed),
# BrainVision (INT_16 multiplexed, IEEE_FLOAT_32 vectorised), XDF (float32) and OpenSignals text;
# each read whole by psyphys_read_bench (blocks of 65536 samples per channel), best of 3 runs,
# against the same signals converted to EDF+ (psyphys convert) read in the same run, through
# EDFlib (the default for conformant files) and psyphys's own EDF parser. Peak memory from
# /usr/bin/time (Debian package 'time').
#   sh bench/lab_formats.sh [BUILD_DIR [MINUTES]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
minutes=${2:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/psyphys_lab_make" "$tmp" "$minutes"
"$build/psyphys" convert "$tmp/day.vhdr" "$tmp/day.edf" >/dev/null 2>&1
# best M samples/s of 3 runs, and the peak kB
measure() {
    best=0 peak=0
    for run in 1 2 3; do
        /usr/bin/time -f "%M" -o "$tmp/t" "$build/bench/psyphys_read_bench" "$@" > "$tmp/out"
        speed=$(sed -n 's/.* \([0-9.]*\) M samples\/s.*/\1/p' "$tmp/out")
        kb=$(cat "$tmp/t")
        best=$(awk -v a="$speed" -v b="$best" 'BEGIN { print (a > b ? a : b) }')
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $peak"
}
set -- $(measure "$tmp/day.edf")
edf=$1
printf '%-32s %8s M samples/s  peak %6s kB\n' "EDF+ through EDFlib (baseline)" "$1" "$2"
set -- $(measure "$tmp/day.edf" --no-libedf)
own=$1
printf '%-32s %8s M samples/s  peak %6s kB\n' "EDF+, own parser (baseline)" "$1" "$2"
for f in day.acq day_c.acq day.vhdr day_vec.vhdr day.xdf day_opensignals.txt; do
    set -- $(measure "$tmp/$f")
    printf '%-32s %8s M samples/s  peak %6s kB  %.2f x EDFlib, %.2f x own EDF\n' "$f" "$1" "$2" \
        "$(awk -v a="$1" -v b="$edf" 'BEGIN { print a / b }')" "$(awk -v a="$1" -v b="$own" 'BEGIN { print a / b }')"
done
