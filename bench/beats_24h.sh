#!/bin/sh
# Time and peak memory of `psyphys beats` on a 24 h, 2-channel, 360 Hz record (bench/tile_100.sh),
# alone and with its 109,152 reference annotations beside it (day.atr, as PhysioNet records come:
# beats do not read them), and of `psyphys info` on it with them (what loading the events costs).
# RUNS (default 7) rounds, each running every program once in turn, so that a busy machine slows
# all of them alike; medians of the wall and CPU (user + system) times, the largest peak memory.
# Measured in the same rounds as baselines: reading the record (psyphys_read_bench) and, when
# BASELINE_BUILD_DIR is given (a build of another commit), its `psyphys beats`, with the ratio of
# the medians and whether both wrote the same table. Needs /usr/bin/time (Debian package 'time').
#   [RUNS=N] sh bench/beats_24h.sh [BUILD_DIR [SHARED_DATA_DIR [BASELINE_BUILD_DIR]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
base=${3:-}
runs=${RUNS:-7}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/tile_100.sh" "$tmp" "$data"
mkdir "$tmp/with_atr"
ln -s ../day.hea "$tmp/with_atr/day.hea" && ln -s ../day.dat "$tmp/with_atr/day.dat"
python3 "$here/tile_atr.py" "$data/mitdb/100.atr" "$tmp/with_atr/day.atr" 48 650000
# one run of a command: appends "wall_s peak_kB" to $tmp/$1 and "cpu_s" (user + system, all
# threads) to $tmp/$1.cpu
run() {
    name=$1
    shift
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    awk '{ print $1, $2 }' "$tmp/t" >> "$tmp/$name"
    awk '{ print $3 + $4 }' "$tmp/t" >> "$tmp/$name.cpu"
}
median() { sort -n "$1" | awk '{ w[NR] = $1 } END { print (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'; }
range() { sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
peak() { awk '$2 > m { m = $2 } END { print m }' "$1"; }
i=0
while [ "$i" -lt "$runs" ]; do
    run read "$build/bench/psyphys_read_bench" "$tmp/day.hea"
    run beats "$build/psyphys" beats "$tmp/day.hea" --channel MLII -o "$tmp/beats.tsv" --overwrite
    [ -z "$base" ] || run base "$base/psyphys" beats "$tmp/day.hea" --channel MLII -o "$tmp/base.tsv" --overwrite
    run atr "$build/psyphys" beats "$tmp/with_atr/day.hea" --channel MLII -o "$tmp/atr.tsv" --overwrite
    run info "$build/psyphys" info "$tmp/with_atr/day.hea"
    [ -z "$base" ] || run base_atr "$base/psyphys" beats "$tmp/with_atr/day.hea" --channel MLII -o "$tmp/base_atr.tsv" --overwrite
    [ -z "$base" ] || run base_info "$base/psyphys" info "$tmp/with_atr/day.hea"
    i=$((i + 1))
done
beats_s=$(median "$tmp/beats")
echo "read (both channels):  median $(median "$tmp/read") s ($(range "$tmp/read")), peak $(peak "$tmp/read") kB"
echo "beats (MLII, 24 h):    median $beats_s s ($(range "$tmp/beats")), CPU $(median "$tmp/beats.cpu") s, peak $(peak "$tmp/beats") kB, $(($(wc -l < "$tmp/beats.tsv") - 1)) beats"
echo "ratio beats/read:      $(echo "scale=2; $beats_s / $(median "$tmp/read")" | bc)"
echo "beats, .atr beside:    median $(median "$tmp/atr") s ($(range "$tmp/atr")), peak $(peak "$tmp/atr") kB"
echo "info, .atr beside:     median $(median "$tmp/info") s ($(range "$tmp/info")), peak $(peak "$tmp/info") kB"
if [ -n "$base" ]; then
    echo "baseline beats:        median $(median "$tmp/base") s ($(range "$tmp/base")), CPU $(median "$tmp/base.cpu") s, peak $(peak "$tmp/base") kB"
    echo "ratio beats/baseline:  $(echo "scale=2; $beats_s / $(median "$tmp/base")" | bc) (CPU $(echo "scale=2; $(median "$tmp/beats.cpu") / $(median "$tmp/base.cpu")" | bc))"
    echo "baseline, .atr beside: beats median $(median "$tmp/base_atr") s, peak $(peak "$tmp/base_atr") kB; info median $(median "$tmp/base_info") s, peak $(peak "$tmp/base_info") kB"
    if cmp -s "$tmp/beats.tsv" "$tmp/base.tsv"; then echo "tables:                identical"; else echo "tables:                differ"; fi
fi
echo "($runs rounds)"
