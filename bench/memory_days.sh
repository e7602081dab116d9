#!/bin/sh
# Peak memory and CPU of `psyphys analyze`, `psyphys beats --channel MLII` and the two leads combined
# (`beats2`: --channel MLII --channel V5) as the record grows:
# MIT-BIH 100 tiled to 24 h, 48 h and 7 days (bench/tile_100.sh, TILES 48 / 96 / 336), each with
# its tiled reference annotations beside it (day.atr, as PhysioNet records come). Peak memory is
# the maximum resident set (/usr/bin/time %M), CPU user + system; RUNS (default 2) rounds, each
# running every program once in turn, keep the least CPU and the largest peak. With
# BASELINE_BUILD_DIR (a build of another commit) its programs run in the same rounds, and the
# tables both wrote are compared. Last, what each program's peak grows by a beat between the
# shortest and the longest record (and so per day of this record's ECG, 109 104 beats a day): what
# is still O(length), and the days of it each stays within 32 MB (analyze: about 1 byte a beat,
# flat from 7 days on: its beats table, NN series and windows' rows are in temporary files, the
# whole recording's HRV reads the NN series in passes). The 7-day record takes 655 MB of disk in a temporary folder (DAYS=672, 14 days: 1.3 GB;
# DAYS=1344, 28 days: 2.6 GB). Needs /usr/bin/time (Debian package 'time').
#   [RUNS=N] [DAYS="48 96 336"] sh bench/memory_days.sh [BUILD_DIR [SHARED_DATA_DIR [BASELINE_BUILD_DIR]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
base=${3:-}
runs=${RUNS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# one run: prints "cpu_s peak_kB"
run() {
    /usr/bin/time -f "%U %S %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$tmp/t"
}
# least CPU and largest peak of the lines "cpu_s peak_kB" in file $1
best() {
    awk 'NR == 1 || $1 < c { c = $1 } $2 > p { p = $2 } END { printf "%5.2f s CPU, peak %6.1f MB", c, p / 1024 }' "$1"
}
printf '%-9s %-8s %-36s %s\n' record program "this build" "${base:+baseline}"
for tiles in ${DAYS:-48 96 336}; do
    rm -f "$tmp"/day.* "$tmp"/*.runs
    ATR=1 TILES=$tiles sh "$here/tile_100.sh" "$tmp" "$data"
    i=0
    while [ $i -lt "$runs" ]; do
        for b in $build $base; do
            tag=$([ "$b" = "$build" ] && echo new || echo old)
            run "$b/psyphys" analyze "$tmp/day.hea" -o "$tmp/analyze_$tag" --overwrite >> "$tmp/analyze_$tag.runs"
            run "$b/psyphys" beats "$tmp/day.hea" --channel MLII -o "$tmp/beats_$tag.tsv" --overwrite \
                >> "$tmp/beats_$tag.runs"
            run "$b/psyphys" beats "$tmp/day.hea" --channel MLII --channel V5 -o "$tmp/beats2_$tag.tsv" \
                --overwrite >> "$tmp/beats2_$tag.runs"
        done
        i=$((i + 1))
    done
    hours=$(awk -v t="$tiles" 'BEGIN { printf "%.1f h", t * 650000 / 360 / 3600 }')
    beats=$(($(wc -l < "$tmp/beats_new.tsv") - 1))
    for p in analyze beats beats2; do
        awk -v p=$p -v n="$beats" '$2 > k { k = $2 } END { print p, n, k }' "$tmp/${p}_new.runs" >> "$tmp/growth"
        line=$(printf '%-9s %-8s %s' "$hours" "$p" "$(best "$tmp/${p}_new.runs")")
        if [ -n "$base" ]; then
            same=different
            if [ $p != analyze ]; then
                cmp -s "$tmp/${p}_new.tsv" "$tmp/${p}_old.tsv" && same=same
            else
                diff -r "$tmp/analyze_new" "$tmp/analyze_old" >/dev/null 2>&1 && same=same
            fi
            line="$line   $(best "$tmp/${p}_old.runs") ($same output)"
        fi
        echo "$line"
    done
done
# bytes a beat (kB = 1024 bytes) between the first and the last record of DAYS, and how many days
# of this ECG stay within 32 MB on the line through the two
awk '!($1 in n0) { n0[$1] = $2; k0[$1] = $3 } { n1[$1] = $2; k1[$1] = $3 }
     END { for (p in n0) if (n1[p] > n0[p]) {
               g = (k1[p] - k0[p]) * 1024 / (n1[p] - n0[p])
               days = (32 * 1048576 - k0[p] * 1024 + g * n0[p]) / g / 109104
               printf "growth   %-8s %5.1f bytes a beat (%.1f MB a day of ECG at 109 104 beats a day), <= 32 MB to %.1f days\n",
                      p, g, g * 109104 / 1048576, days } }' \
    "$tmp/growth" | sort -k2,2
