#!/bin/sh
# Issue 19's speed target: 24 h of 64 Hz PPG in under 0.2 s, and streaming = offline.
#  1. the pulse detector alone, in memory (psyphys_ppg_bench: best CPU of 5, the R-peak detector on
#     the same samples as baseline, in the same run);
#  2. end to end on a 24-h Empatica E4 BVP.csv (synthetic: pulses at 66-84 bpm with a dicrotic
#     wave, breathing-like interval changes, baseline wander and noise): `psyphys beats`, with
#     reading the file (psyphys_read_bench) as baseline, medians of RUNS (default 3) rounds, wall,
#     CPU and peak memory (/usr/bin/time, Debian package 'time');
#  3. `psyphys stream --replay --speed max --exact` on the same file: its pulses (sample and
#     interval) must be those of `psyphys beats`, every one; its HRV lines at the default cadence
#     (one per 5 s) and, as baseline, after every NN interval (--hrv-every 0).
#   [RUNS=N] sh bench/ppg_24h.sh [BUILD_DIR]
set -eu
build=${1:-build}
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== the detector alone"
"$build/bench/psyphys_ppg_bench" 24 64 5
awk 'BEGIN { print "1560279825.000000"; print "64.000000"; srand(19); t0 = 0.3; prev = -10;
    for (i = 0; i < 64 * 86400; i++) { t = i / 64;
        if (t >= t0) { prev = t0; t0 += 0.8 + 0.06 * sin(6.2831853 * t0 / 4.5) + 0.05 * sin(6.2831853 * t0 / 300) }
        d = t - prev;
        v = d < 0 ? 0 : d < 0.12 ? 0.5 * (1 - cos(3.14159265 * d / 0.12)) : exp(-(d - 0.12) / 0.3) + 0.15 * exp(-((d - 0.35) / 0.05) ^ 2);
        printf "%.2f\n", 80 * v + 10 * sin(6.2831853 * t / 4) + 20 * sin(6.2831853 * t / 600) + 2 * (rand() - 0.5) } }' >"$tmp/BVP.csv"
run() {
    name=$1
    shift
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/t" "$@" >"$tmp/$name.out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    awk '{ print $1, $2 }' "$tmp/t" >>"$tmp/$name"
    awk '{ print $3 + $4 }' "$tmp/t" >>"$tmp/$name.cpu"
}
median() { sort -n "$1" | awk '{ w[NR] = $1 } END { print (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'; }
peak() { awk '$2 > m { m = $2 } END { print m }' "$1"; }
i=0
while [ "$i" -lt "$runs" ]; do
    run read "$build/bench/psyphys_read_bench" "$tmp/BVP.csv"
    run beats "$build/psyphys" beats "$tmp/BVP.csv" -o "$tmp/beats.tsv" --overwrite
    run stream "$build/psyphys" stream --replay "$tmp/BVP.csv" --speed max --exact
    run stream_every "$build/psyphys" stream --replay "$tmp/BVP.csv" --speed max --exact --hrv-every 0
    i=$((i + 1))
done
echo "== 24 h E4 BVP.csv at 64 Hz ($(($(wc -l <"$tmp/BVP.csv") - 2)) samples; $runs rounds, medians)"
echo "read (baseline):        $(median "$tmp/read") s wall, $(median "$tmp/read.cpu") s CPU, peak $(peak "$tmp/read") kB"
echo "psyphys beats:          $(median "$tmp/beats") s wall, $(median "$tmp/beats.cpu") s CPU, peak $(peak "$tmp/beats") kB, $(($(wc -l <"$tmp/beats.tsv") - 1)) pulses"
echo "psyphys stream (max):   $(median "$tmp/stream") s wall, $(median "$tmp/stream.cpu") s CPU, peak $(peak "$tmp/stream") kB, $(grep -c '"type":"hrv"' "$tmp/stream.out") HRV lines"
echo "  --hrv-every 0:         $(median "$tmp/stream_every") s wall, $(median "$tmp/stream_every.cpu") s CPU, peak $(peak "$tmp/stream_every") kB, $(grep -c '"type":"hrv"' "$tmp/stream_every.out") HRV lines"
echo "ratio stream/every:     $(echo "scale=2; $(median "$tmp/stream.cpu") / $(median "$tmp/stream_every.cpu")" | bc) (CPU)"
echo "ratio beats/read:       $(echo "scale=2; $(median "$tmp/beats.cpu") / $(median "$tmp/read.cpu")" | bc) (CPU)"
tail -n +2 "$tmp/beats.tsv" | cut -f2,3 | sed 's/\tn\/a$/\tnull/' >"$tmp/offline"
grep '"type":"beat"' "$tmp/stream.out" | sed 's/.*"sample":\([0-9]*\),"rr_ms":\([^}]*\)}.*/\1\t\2/' >"$tmp/streamed"
if cmp -s "$tmp/offline" "$tmp/streamed"; then
    echo "stream = offline:       yes, $(wc -l <"$tmp/streamed") pulses, samples and intervals"
else
    echo "stream = offline:       NO: $(diff "$tmp/offline" "$tmp/streamed" | head -3)"
    exit 1
fi
