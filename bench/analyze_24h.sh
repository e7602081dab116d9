#!/bin/sh
# Time and peak memory of `psyphys analyze` on a 24 h, 2-channel, 360 Hz record (bench/tile_100.sh):
# with the lead chosen by quality (both leads' first 300 s scored), with the lead named (--ecg),
# with ECG-derived breaths (--edr: one more pass over the lead for the QRS waveform), and
# `psyphys beats` on the same lead as the baseline measured in the same run; each is run 3 times
# and the fastest wall time is kept. Needs /usr/bin/time (Debian package 'time').
#   sh bench/analyze_24h.sh [BUILD_DIR [SHARED_DATA_DIR]]
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
        best=$(awk -v a="$wall" -v b="${best:-$wall}" 'BEGIN { print (a < b ? a : b) }')
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $peak"
}
set -- $(measure "$build/psyphys" beats "$tmp/day.hea" --channel MLII -o "$tmp/beats.tsv" --overwrite)
beats_s=$1 beats_kb=$2
set -- $(measure "$build/psyphys" analyze "$tmp/day.hea" -o "$tmp/auto" --overwrite)
auto_s=$1 auto_kb=$2
set -- $(measure "$build/psyphys" analyze "$tmp/day.hea" --ecg MLII -o "$tmp/named" --overwrite)
named_s=$1 named_kb=$2
set -- $(measure "$build/psyphys" analyze "$tmp/day.hea" --ecg MLII --edr -o "$tmp/edr" --overwrite)
edr_s=$1 edr_kb=$2
echo "beats (MLII, 24 h):              $beats_s s, peak $beats_kb kB"
echo "analyze, lead chosen by quality: $auto_s s, peak $auto_kb kB"
echo "analyze --ecg MLII:              $named_s s, peak $named_kb kB"
echo "analyze --ecg MLII --edr:        $edr_s s, peak $edr_kb kB"
awk -v a="$auto_s" -v n="$named_s" -v e="$edr_s" -v b="$beats_s" \
    'BEGIN { printf "ratio analyze/beats:             %.2f (lead chosen), %.2f (named), %.2f (--edr)\n", a / b, n / b, e / b }'
