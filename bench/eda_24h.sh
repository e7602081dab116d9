#!/bin/sh
# Time and peak memory of `psyphys eda` (fast and deconv) on a synthetic 24 h skin conductance
# record at 32 Hz (2 764 800 samples, bench/eda_make_day.c), against reading the record alone,
# and against OLD_BUILD's psyphys (a build of the commit to compare with) in the same run. Each
# is run 3 times; the fastest wall time, the least CPU time (user + system: the figure that
# holds on a loaded machine) and the largest peak are kept. Needs /usr/bin/time and bc.
#   sh bench/eda_24h.sh [BUILD_DIR [RATE_HZ [OLD_BUILD]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
rate=${2:-32}
old=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/psyphys_eda_make_day" "$tmp" 24 "$rate"
measure() {
    best=""
    cpu=""
    peak=0
    for run in 1 2 3; do
        /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
        read -r wall user sys kb < "$tmp/t"
        c=$(echo "$user + $sys" | bc)
        if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; fi
        if [ -z "$cpu" ] || [ "$(echo "$c < $cpu" | bc)" = 1 ]; then cpu=$c; fi
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $cpu $peak"
}
set -- $(measure "$build/bench/psyphys_read_bench" "$tmp/eda_day.hea")
echo "read (24 h, $rate Hz):   $1 s wall, $2 s CPU, peak $3 kB"
for method in fast deconv; do
    for b in "$build" $old; do
        set -- $(measure "$b/psyphys" eda "$tmp/eda_day.hea" --method "$method" -o "$tmp/scr_$method.tsv" --overwrite)
        echo "eda --method $method ($b): $1 s wall, $2 s CPU, peak $3 kB, $(($(wc -l < "$tmp/scr_$method.tsv") - 1)) SCRs"
    done
done
