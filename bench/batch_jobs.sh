#!/bin/sh
# psyphys batch: speed-up of -j 2 over -j 1 on 20 equal files (copies of MIT-BIH record 100, 30 min,
# from ../shared/data), and the per-file overhead of batch beyond psyphys analyze: batch -j 1
# against a shell loop running analyze on the same files (the baseline, measured in the same run),
# on those records and on 200 copies of a 2 s EDF where analyze itself is nearly free. Each timing
# is the best of 3 runs (/usr/bin/time: wall clock, and user + system CPU). Needs bc and time.
#   sh bench/batch_jobs.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
# analyze on each file in turn, as a shell loop would (the baseline)
if [ "${1:-}" = --analyze-loop ]; then
    for f in $(find "$2" -name '*.hea' -o -name '*.edf' | sort); do
        d=${f%/*}
        "$3" analyze "$f" -o "$4/${d##*/}" >/dev/null 2>&1
    done
    exit 0
fi
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

# best of 3 runs: "WALL_MS CPU_MS" (CPU: user + system of the command and its children, the least of
# the 3 — the figure a busy shared machine disturbs least); outputs are removed before each run
measure() {
    best=""
    cpu=""
    for run in 1 2 3; do
        rm -rf "$tmp/out"
        /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >/dev/null 2>&1 || true
        read -r e u s <"$tmp/t"
        w=$(echo "$e * 1000 / 1" | bc)
        c=$(echo "($u + $s) * 1000 / 1" | bc)
        if [ -z "$best" ] || [ "$w" -lt "$best" ]; then best=$w; fi
        if [ -z "$cpu" ] || [ "$c" -lt "$cpu" ]; then cpu=$c; fi
    done
    echo "$best $cpu"
}
loop() { echo sh "$here/batch_jobs.sh" --analyze-loop "$1" "$psyphys" "$tmp/out"; }

load0=$(cut -d' ' -f1 /proc/loadavg)
set -- $(measure "$psyphys" batch "$tmp/records" -o "$tmp/out" -j 1 --quiet); j1=$1 j1_cpu=$2
set -- $(measure "$psyphys" batch "$tmp/records" -o "$tmp/out" -j 2 --quiet); j2=$1
set -- $(measure $(loop "$tmp/records")); loop_ms=$1 loop_cpu=$2
set -- $(measure "$psyphys" batch "$tmp/tiny" -o "$tmp/out" -j 1 --quiet); tiny=$1 tiny_cpu=$2
set -- $(measure $(loop "$tmp/tiny")); tiny_loop=$1 tiny_loop_cpu=$2
echo "20 x MIT-BIH 100 (30 min): analyze loop $loop_ms ms ($loop_cpu ms CPU), batch -j 1 $j1 ms ($j1_cpu ms CPU), batch -j 2 $j2 ms"
echo "speed-up -j 2 / -j 1:      $(echo "scale=2; $j1 / $j2" | bc)"
echo "overhead per file beyond analyze, 30 min records: wall $(echo "scale=1; ($j1 - $loop_ms) / 20" | bc) ms, CPU $(echo "scale=1; ($j1_cpu - $loop_cpu) / 20" | bc) ms"
echo "overhead per file beyond analyze, 200 x 2 s EDF:  wall $(echo "scale=1; ($tiny - $tiny_loop) / 200" | bc) ms, CPU $(echo "scale=1; ($tiny_cpu - $tiny_loop_cpu) / 200" | bc) ms"
echo "load average (1 min) before and after: $load0, $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs (a busy machine hides the speed-up)"
