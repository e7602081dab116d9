#!/bin/sh
# psyphys stream: beat latency and CPU cost (bench/stream_bench.c, synthetic ECG and EDA).
#  - latency from the arrival of each R-peak's sample to its beat output, over 1 h at 250 Hz and
#    at 1 kHz, pushing one sample at a time (the algorithm's own delay) and in 1/32 s blocks;
#  - CPU time of 1 h of 1 kHz ECG + 32 Hz EDA pushed at full speed (library), against the R-peak
#    detector alone on the same signal (baseline, same run);
#  - the whole command on the same hour: as float32 frames on stdin, and as a WFDB record (1 kHz
#    ECG + 32 Hz EDA) replayed at max speed, against `psyphys beats` on that record (baseline)
#    (/usr/bin/time: Debian 'time').
#  - the latency on real ECG when ../shared/data is there: MIT-BIH 100, 105, 113 (360 Hz, 30 min).
#   sh bench/stream_latency.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
bench=$build/bench/psyphys_stream_bench
for rate in 250 1000; do
    "$bench" latency "$rate" 1
    "$bench" latency "$rate" 1 $((rate / 32))
done
for r in 100 105 113; do
    [ -f "$data/mitdb/$r.hea" ] && "$bench" latency-file "$data/mitdb/$r.hea" MLII
done
"$bench" cpu 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bench" frames 1000 1 >"$tmp/hour.f32"
# the default (a provisional label and HRV line at each beat) and --exact (the final ones only)
for mode in "" --exact; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$build/psyphys" stream --stdin float32 --ecg-rate 1000 --eda-rate 1000 \
        $mode <"$tmp/hour.f32" >"$tmp/out.jsonl"
    read -r user sys kb <"$tmp/time"
    echo "psyphys stream --stdin float32 ${mode:-(provisional)}, 1 h of 1 kHz ECG + EDA frames: user $user s," \
        "system $sys s, peak $kb kB, $(grep -c '"type":"beat"' "$tmp/out.jsonl") beats"
done
rm -f "$tmp/hour.f32"
"$bench" wfdb "$tmp" 1
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$build/psyphys" stream --replay "$tmp/stream_hour.hea" --speed max \
    >"$tmp/out.jsonl"
read -r wall user sys kb <"$tmp/time"
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$build/psyphys" beats "$tmp/stream_hour.hea" --channel ECG >/dev/null
read -r bwall buser bsys bkb <"$tmp/time"
echo "psyphys stream --replay (1 h, 1 kHz ECG + 32 Hz EDA) --speed max: CPU $user s user + $sys s system," \
    "wall $wall s, peak $kb kB, $(grep -c '"type":"beat"' "$tmp/out.jsonl") beats," \
    "$(grep -c '"type":"scr"' "$tmp/out.jsonl") SCRs; psyphys beats on it: CPU $buser s + $bsys s, wall $bwall s, peak $bkb kB"
