#!/bin/sh
# `psyphys hrv` on whole-day RR lists (shared/data/rhrv_book/rr_healthy_ms: 24 h Holter), two builds
# alternating in the same run (RUNS rounds, CPU user s and peak kB from /usr/bin/time, Debian package
# 'time'), the whole day as one series and in 5-min windows every 30 s, outputs compared; then, with
# perf, the share of the samples in SampEn/ApEn (hrv_entropy.c's functions; the counting inlines into
# block_counts).
#   RUNS=3 sh bench/hrv_24h_paired.sh OLD_PSYPHYS NEW_PSYPHYS [SHARED_DATA_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
old=$1 new=$2
data=${3:-$here/../../shared/data}
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in 000 003 007; do
    rr=$data/rhrv_book/rr_healthy_ms/$f.txt
    for mode in day windows; do
        set -- hrv "$rr" --correction none
        [ $mode = windows ] && set -- "$@" --window 300 --step 30
        for i in $(seq "$runs"); do
            for b in old new; do
                eval bin=\$$b
                /usr/bin/time -f "%U %M" -o "$tmp/t" "$bin" "$@" >"$tmp/$b.tsv"
                echo "$f $mode round $i $b: $(cat "$tmp/t") (CPU s, peak kB)"
            done
        done
        cmp -s "$tmp/old.tsv" "$tmp/new.tsv" && echo "$f $mode: same table" || echo "$f $mode: TABLES DIFFER"
        if command -v perf >/dev/null; then
            for b in old new; do
                eval bin=\$$b
                perf record -q -F 2000 -o "$tmp/perf.data" "$bin" "$@" >/dev/null 2>&1
                perf report -i "$tmp/perf.data" --no-children --stdio --sort sym 2>/dev/null |
                    awk -v w="$f $mode $b" '/block_counts|merge_templates|entropy|count_[23d]|sweep|sort_keys|tree_build|select_k/ {s += $1}
                        END {printf "%s: SampEn/ApEn %.1f %% of the samples\n", w, s}'
            done
        fi
    done
done
