#!/bin/sh
# Time and peak memory of `psyphys beats` on a 24 h, 2-channel, 360 Hz record (bench/tile_100.sh),
# with reading the same record as the baseline measured in the same run; each is run 3 times and
# the fastest wall time is kept. Needs /usr/bin/time (Debian package 'time').
#   sh bench/beats_24h.sh [BUILD_DIR [SHARED_DATA_DIR]]
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
set -- $(measure "$build/bench/psyphys_read_bench" "$tmp/day.hea")
read_s=$1 read_kb=$2
set -- $(measure "$build/psyphys" beats "$tmp/day.hea" --channel MLII -o "$tmp/beats.tsv" --overwrite)
beats_s=$1 beats_kb=$2
echo "read (both channels):  $read_s s, peak $read_kb kB"
echo "beats (MLII, 24 h):    $beats_s s, peak $beats_kb kB, $(($(wc -l < "$tmp/beats.tsv") - 1)) beats"
echo "ratio beats/read:      $(echo "scale=2; $beats_s / $read_s" | bc)"
