#!/bin/sh
# Opens a session folder of two devices recorded together (an E4 export and a Garmin log, HOURS
# long, made from FLIRT's by bench/devices_folder.py) with `psyphys info` and `psyphys analyze`
# under /usr/bin/time -v (Debian package 'time'), RUNS rounds; with OLD_BUILD (a build of the
# commit to compare with) each round runs both, one after the other, and the medians' ratio
# new/old is printed. Prints per command: median wall time (s) and median peak RSS (KB).
#   RUNS=5 HOURS=2 sh bench/devices_folder.sh [BUILD_DIR [SHARED_DATA_DIR [OLD_BUILD]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
old=${3:-}
runs=${RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/devices_folder.py" "$data/flirt_wearables" "$tmp/folder" "${HOURS:-2}"
# one run: "wall_s rss_kb" appended to $tmp/<name>
measure() { # name binary args...
    name=$1
    shift
    /usr/bin/time -v "$@" > /dev/null 2> "$tmp/time.txt"
    awk -F': ' '/Elapsed/ { n = split($2, p, ":"); s = p[n] + (n > 1 ? 60 * p[n - 1] : 0) }
                /Maximum resident/ { kb = $2 } END { print s, kb }' "$tmp/time.txt" >> "$tmp/$name"
}
for i in $(seq "$runs"); do
    for which in new ${old:+old}; do
        bin=$build/psyphys
        [ "$which" = old ] && bin=$old/psyphys
        measure "info.$which" "$bin" info "$tmp/folder"
        rm -rf "$tmp/out"
        measure "analyze.$which" "$bin" analyze "$tmp/folder" -o "$tmp/out"
    done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for cmd in info analyze; do
    for which in new ${old:+old}; do
        wall=$(cut -d' ' -f1 "$tmp/$cmd.$which" | median)
        rss=$(cut -d' ' -f2 "$tmp/$cmd.$which" | median)
        echo "$cmd $which: wall median $wall s (runs: $(cut -d' ' -f1 "$tmp/$cmd.$which" | tr '\n' ' ')) peak RSS median $rss KB"
        eval "${cmd}_${which}_wall=$wall ${cmd}_${which}_rss=$rss"
    done
    if [ -n "$old" ]; then
        eval "awk -v a=\$${cmd}_new_wall -v b=\$${cmd}_old_wall -v c=\$${cmd}_new_rss -v d=\$${cmd}_old_rss" \
            "'BEGIN { printf \"$cmd new/old: wall %.2f, peak RSS %.2f\\n\", a / b, c / d }'"
    fi
done
