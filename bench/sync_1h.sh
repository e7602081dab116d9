#!/bin/sh
# Time and peak memory of `psyphys sync` on a synthetic 1-h dyad (bench/sync_make_dyad.c: ECG,
# skin conductance and respiration at 250 Hz in each of two WFDB records), 3 signals, 1000
# surrogates, against the same run without surrogates and against reading both records (the
# baselines, measured in the same run). Each is run 3 times; the fastest wall time and the largest
# peak are kept. Needs /usr/bin/time and bc.   sh bench/sync_1h.sh [BUILD_DIR [HOURS]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
hours=${2:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/psyphys_sync_make_dyad" "$tmp" "$hours"
measure() {
    best=""
    peak=0
    for run in 1 2 3; do
        /usr/bin/time -f "%e %U %M" -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
        read -r wall user kb < "$tmp/t"
        if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; cpu=$user; fi
        [ "$kb" -gt "$peak" ] && peak=$kb
    done
    echo "$best $cpu $peak"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
set -- $(measure sh -c "'$build/bench/psyphys_read_bench' '$tmp/dyad_a.hea' && '$build/bench/psyphys_read_bench' '$tmp/dyad_b.hea'")
echo "read both records:             $1 s wall, $2 s CPU, peak $3 kB"
set -- $(measure "$build/psyphys" sync "$tmp/dyad_a.hea" "$tmp/dyad_b.hea" -o "$tmp/o0" --overwrite --surrogates 0)
echo "sync, 3 signals, no surrogates: $1 s wall, $2 s CPU, peak $3 kB"
set -- $(measure "$build/psyphys" sync "$tmp/dyad_a.hea" "$tmp/dyad_b.hea" -o "$tmp/o" --overwrite)
echo "sync, 3 signals, 1000 surrogates: $1 s wall, $2 s CPU, peak $3 kB (target < 10 s; every one of the $(cut -f9 "$tmp/o/dyad_a_dyad_b_sync.tsv" | sed -n 2p) shifts of 5-s steps)"
cat "$tmp/out"
set -- $(measure "$build/psyphys" sync "$tmp/dyad_a.hea" "$tmp/dyad_b.hea" -o "$tmp/o2" --overwrite --step 2.5)
echo "the same with --step 2.5 (1000 of $(($(grep -c '	hr	' "$tmp/o2/dyad_a_dyad_b_sync-windows.tsv") - 23)) shifts drawn): $1 s wall, $2 s CPU, peak $3 kB"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
