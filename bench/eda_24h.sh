#!/bin/sh
# Time and peak memory of `psyphys eda` (fast and deconv) on a synthetic 24 h skin conductance
# record at 32 Hz (2 764 800 samples, bench/eda_make_day.c), against reading the record alone.
# Each is run 3 times; the fastest wall time and the largest peak are kept. Needs /usr/bin/time
# and bc.   sh bench/eda_24h.sh [BUILD_DIR [RATE_HZ]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
rate=${2:-32}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/psyphys_eda_make_day" "$tmp" 24 "$rate"
measure() {
    best=""
    peak=0
    for run in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
        read -r wall kb < "$tmp/t"
        if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; fi
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $peak"
}
set -- $(measure "$build/bench/psyphys_read_bench" "$tmp/eda_day.hea")
echo "read (24 h, $rate Hz):   $1 s, peak $2 kB"
for method in fast deconv; do
    set -- $(measure "$build/psyphys" eda "$tmp/eda_day.hea" --method "$method" -o "$tmp/scr_$method.tsv" --overwrite)
    echo "eda --method $method: $1 s, peak $2 kB, $(($(wc -l < "$tmp/scr_$method.tsv") - 1)) SCRs"
done
