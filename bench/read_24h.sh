#!/bin/sh
# Reads a 24 h, 2-channel, 360 Hz WFDB record (bench/tile_100.sh) with psyphys_read_bench under
# /usr/bin/time -v (Debian package 'time') and prints the read speed and the peak memory.
#   sh bench/read_24h.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/tile_100.sh" "$tmp" ${2:-}
/usr/bin/time -v "$build/bench/psyphys_read_bench" "$tmp/day.hea" 2> "$tmp/time.txt"
grep -E "Maximum resident|Elapsed" "$tmp/time.txt"
