#!/bin/sh
# Writes DIR/day.hea + DIR/day.dat: a 24 h, 2-channel, 360 Hz WFDB record (format 212) made by
# tiling MIT-BIH record 100 48 times (checksums dropped: they would cover one tile); with ATR=1,
# DIR/day.atr too: its reference annotations tiled alike (109,000), as PhysioNet records come; with
# TILES=n, n copies instead of 48 (96: 48 h, 336: 7 days).
#   [ATR=1] [TILES=48] sh bench/tile_100.sh DIR [SHARED_DATA_DIR]
set -eu
dir=$1
data=${2:-$(cd "$(dirname "$0")" && pwd)/../../shared/data}
src=$data/mitdb/100.dat
[ -r "$src" ] || { echo "no $src (../shared/data is needed)" >&2; exit 1; }
tiles=${TILES:-48}
i=0
while [ $i -lt "$tiles" ]; do cat "$src"; i=$((i + 1)); done > "$dir/day.dat"
cat > "$dir/day.hea" <<HEA
day 2 360 $((650000 * tiles))
day.dat 212 200 11 1024 995 0 0 MLII
day.dat 212 200 11 1024 1011 0 0 V5
HEA
[ "${ATR:-0}" = 0 ] || python3 "$(dirname "$0")/tile_atr.py" "$data/mitdb/100.atr" "$dir/day.atr" "$tiles" 650000
