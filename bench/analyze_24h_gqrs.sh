#!/bin/sh
# The whole `psyphys analyze` on the 24 h record (MIT-BIH 100 tiled 48 times, with its .atr beside
# it as PhysioNet records come: bench/tile_100.sh) against the targets of issue 17: peak memory
# <= 32 MB and time <= 0.4 x WFDB's gqrs on the same record, measured in the same rounds.
# RUNS (default 5) rounds, each running every program once in turn (a busy machine slows all
# alike); medians of the wall and CPU (user + system) times, the largest peak RSS (/usr/bin/time -v). Baselines in the
# same rounds: gqrs (GQRS=path, or `gqrs` on PATH: WFDB is not packaged in Debian; build it from
# PhysioNet's sources), `psyphys beats` on the lead, and when BASELINE_BUILD_DIR is given (a build
# of another commit) its `psyphys analyze`, with whether both wrote the same tables.
#   [RUNS=N] [GQRS=path] sh bench/analyze_24h_gqrs.sh [BUILD_DIR [SHARED_DATA_DIR [BASELINE_BUILD_DIR]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
data=${2:-$here/../../shared/data}
base=${3:-}
[ -z "$base" ] || base=$(cd "$base" && pwd)
runs=${RUNS:-5}
gqrs=${GQRS:-$(command -v gqrs || true)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ATR=1 sh "$here/tile_100.sh" "$tmp" "$data"
# one run: appends "wall_s peak_kB" to $tmp/NAME and the CPU time (user + system, all threads)
# to $tmp/NAME.cpu
run() {
    name=$1
    shift
    (cd "$tmp" && /usr/bin/time -v -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err") || { cat "$tmp/err" >&2; exit 1; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
                /Maximum resident set size/ { kb = $2 } END { print s, kb }' "$tmp/t" >> "$tmp/$name"
    awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$tmp/t" >> "$tmp/$name.cpu"
}
median() { awk '{ print $1 }' "$1" | sort -n | awk '{ w[NR] = $1 } END { print (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'; }
peak() { awk '$2 > m { m = $2 } END { print m }' "$1"; }
i=0
while [ "$i" -lt "$runs" ]; do
    run analyze "$build/psyphys" analyze day.hea -o "$tmp/new" --overwrite
    run beats "$build/psyphys" beats day.hea --channel MLII -o "$tmp/beats.tsv" --overwrite
    [ -z "$gqrs" ] || run gqrs "$gqrs" -r day -s 0
    [ -z "$base" ] || run base "$base/psyphys" analyze day.hea -o "$tmp/old" --overwrite
    i=$((i + 1))
done
a=$(median "$tmp/analyze") a_kb=$(peak "$tmp/analyze")
echo "analyze (24 h, .atr beside): median $a s, CPU $(median "$tmp/analyze.cpu") s, peak $a_kb kB (target <= 32768 kB: $([ "$a_kb" -le 32768 ] && echo met || echo not met))"
echo "beats (MLII):                median $(median "$tmp/beats") s, CPU $(median "$tmp/beats.cpu") s, peak $(peak "$tmp/beats") kB"
echo "ratio analyze/beats:         $(echo "scale=2; $a / $(median "$tmp/beats")" | bc)"
if [ -n "$gqrs" ]; then
    g=$(median "$tmp/gqrs")
    r=$(echo "scale=2; $a / $g" | bc)
    echo "gqrs:                        median $g s, peak $(peak "$tmp/gqrs") kB"
    echo "ratio analyze/gqrs:          $r (target <= 0.4: $(echo "$r <= 0.4" | bc | sed 's/1/met/;s/0/not met/'))"
else
    echo "gqrs:                        not found (GQRS=path): no ratio"
fi
if [ -n "$base" ]; then
    echo "baseline analyze:            median $(median "$tmp/base") s, CPU $(median "$tmp/base.cpu") s, peak $(peak "$tmp/base") kB"
    echo "ratio analyze/baseline:      $(echo "scale=2; $a / $(median "$tmp/base")" | bc) (CPU $(echo "scale=2; $(median "$tmp/analyze.cpu") / $(median "$tmp/base.cpu")" | bc))"
    if diff -r -x '*.json' "$tmp/new" "$tmp/old" >/dev/null; then echo "tables:                      identical"; else echo "tables:                      differ"; fi
fi
echo "($runs rounds)"
