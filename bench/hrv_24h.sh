#!/bin/sh
# HRV on whole-day RR lists (shared/data/rhrv_book/rr_healthy_ms: 24 h Holter, ~60 000 - 100 000
# beats): the library alone (bench/psyphys_hrv_bench, best of 3; every spectrum, then Welch alone as
# `psyphys analyze` asks; "+N kB over the input": the analyser's own memory) and the whole command
# (`psyphys hrv --correction none`, reading included; /usr/bin/time, Debian package 'time').
#   sh bench/hrv_24h.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
for f in 000 006 007; do
    rr=$data/rhrv_book/rr_healthy_ms/$f.txt
    echo "$f: $("$build/bench/psyphys_hrv_bench" "$rr" 3 | head -1)"
    echo "     Welch alone, as analyze: $("$build/bench/psyphys_hrv_bench" "$rr" 3 welch | head -1)"
    /usr/bin/time -f "%e %M" -o /tmp/psyphys_hrv_time.$$ "$build/psyphys" hrv "$rr" --correction none >/dev/null
    read -r wall kb </tmp/psyphys_hrv_time.$$
    echo "     psyphys hrv (read + correct none + all metrics): $wall s, peak $kb kB"
    /usr/bin/time -f "%e %M" -o /tmp/psyphys_hrv_time.$$ "$build/psyphys" hrv "$rr" --window 300 --step 30 >/dev/null
    read -r wall kb </tmp/psyphys_hrv_time.$$
    echo "     psyphys hrv --window 300 --step 30 (lipponen): $wall s, peak $kb kB"
    /usr/bin/time -f "%e %U %M" -o /tmp/psyphys_hrv_time.$$ "$build/psyphys" hrv "$rr" --preset pcst --window 300 --step 30 >/dev/null
    read -r wall user kb </tmp/psyphys_hrv_time.$$
    echo "     psyphys hrv --preset pcst --window 300 --step 30: $wall s ($user s CPU), peak $kb kB"
done
rm -f /tmp/psyphys_hrv_time.$$
