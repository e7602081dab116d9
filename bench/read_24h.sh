#!/bin/sh
# Builds a 24 h, 2-channel, 360 Hz WFDB record (format 212) by tiling mitdb 100.dat 48 times
# into a temporary directory, then reads it with psyphys_read_bench under /usr/bin/time -v and
# prints the read speed and the peak resident memory.
#   sh bench/read_24h.sh [BENCH_BINARY [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bench=${1:-$here/../build/bench/psyphys_read_bench}
data=${2:-$here/../../shared/data}
src=$data/mitdb/100.dat
[ -x "$bench" ] || { echo "no bench binary at $bench (build first)" >&2; exit 1; }
[ -r "$src" ] || { echo "no $src" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
while [ $i -lt 48 ]; do cat "$src"; i=$((i + 1)); done > "$tmp/day.dat"
frames=$((650000 * 48))
# checksums dropped (they would cover one tile); initial values stay true (the first tile's)
cat > "$tmp/day.hea" <<HEA
day 2 360 $frames
day.dat 212 200 11 1024 995
day.dat 212 200 11 1024 1011
HEA
/usr/bin/time -v "$bench" "$tmp/day.hea" 2> "$tmp/time.txt"
grep -E "Maximum resident|Elapsed" "$tmp/time.txt"
