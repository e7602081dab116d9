#!/bin/sh
# psyphys batch: speed-up of -j 2 over -j 1 on 20 equal files (copies of MIT-BIH record 100, 30 min,
# from ../shared/data), and the per-file overhead of batch beyond psyphys analyze: batch -j 1
# against a shell loop running analyze on the same files (the baseline, measured in the same run),
# on those records and on 200 copies of a 2 s EDF where analyze itself is nearly free. Each timing
# is the fastest of 3 runs (wall clock, date +%s%N).
#   sh bench/batch_jobs.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
psyphys=$build/psyphys
[ -r "$data/mitdb/100.dat" ] || { echo "no $data/mitdb/100.dat (../shared/data is needed)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/records" "$tmp/tiny"
i=1
while [ $i -le 20 ]; do # WFDB headers name their .dat: one folder per copy
    mkdir "$tmp/records/r$i"
    cp "$data/mitdb/100.hea" "$data/mitdb/100.dat" "$data/mitdb/100.atr" "$tmp/records/r$i/"
    i=$((i + 1))
done
i=1
while [ $i -le 200 ]; do
    cp "$here/../tests/data/bad/edf_valid_reference.edf" "$tmp/tiny/t$i.edf"
    i=$((i + 1))
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# best of 3 wall milliseconds of a command; outputs are removed before each run
best_ms() {
    best=""
    for run in 1 2 3; do
        rm -rf "$tmp/out"
        t0=$(now_ms)
        "$@" >/dev/null 2>&1 || true
        dt=$(($(now_ms) - t0))
        if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then best=$dt; fi
    done
    echo "$best"
}
analyze_loop() {
    for f in $(find "$1" -name '*.hea' -o -name '*.edf' | sort); do
        "$psyphys" analyze "$f" -o "$tmp/out/$(basename "$(dirname "$f")")" >/dev/null 2>&1
    done
}

j1=$(best_ms "$psyphys" batch "$tmp/records" -o "$tmp/out" -j 1 --quiet)
j2=$(best_ms "$psyphys" batch "$tmp/records" -o "$tmp/out" -j 2 --quiet)
loop=$(best_ms analyze_loop "$tmp/records")
tiny_batch=$(best_ms "$psyphys" batch "$tmp/tiny" -o "$tmp/out" -j 1 --quiet)
tiny_loop=$(best_ms analyze_loop "$tmp/tiny")
echo "20 x MIT-BIH 100 (30 min): analyze loop $loop ms, batch -j 1 $j1 ms, batch -j 2 $j2 ms"
echo "speed-up -j 2 / -j 1:      $(echo "scale=2; $j1 / $j2" | bc)"
echo "overhead per file (30 min records): $(echo "scale=1; ($j1 - $loop) / 20" | bc) ms"
echo "overhead per file (200 x 2 s EDF):  $(echo "scale=1; ($tiny_batch - $tiny_loop) / 200" | bc) ms" \
     "(analyze loop $tiny_loop ms, batch -j 1 $tiny_batch ms)"
