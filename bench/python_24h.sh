#!/bin/sh
# The Python package against the C library and the CLI, in the same rounds (RUNS, default 5;
# medians), so that a busy machine slows both alike:
#  - psyphys.hrv(rr) on a 24 h RR list (shared/data/rhrv_book/rr_healthy_ms/000.txt, 80 000
#    intervals) against the same work in C (bench/psyphys_hrv_bench RR 1 corrected: the list as
#    an RR channel, its beats and Lipponen correction, every HRV metric); timed inside the
#    processes, reading the file excluded;
#  - psyphys.beats(day.hea, channel="MLII") on the 24 h, 360 Hz record of bench/tile_100.sh
#    against `psyphys beats day.hea --channel MLII -o beats.tsv`, as whole processes (the
#    interpreter's start and imports included; /usr/bin/time: wall and CPU time) and the call
#    alone;
#  - the peak memory psyphys.beats(x, fs=360) adds for the 24 h channel as a float64 array (read
#    in place: about nothing) and as float32 (one conversion to float64: 8 bytes a sample).
# The package is installed as the README says into a throw-away venv, against BUILD_DIR's
# library (pkg-config). Needs /usr/bin/time (Debian package 'time') and Debian's python3 packages.
#   [RUNS=N] sh bench/python_24h.sh [BUILD_DIR [SHARED_DATA_DIR]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
data=$(cd "${2:-$here/../../shared/data}" && pwd) # absolute: the rounds run from elsewhere
runs=${RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig:$(ls -d "$tmp"/prefix/lib/*/pkgconfig 2>/dev/null | tr '\n' ':')"
mkdir "$tmp/src" && cp -r "$here/../python" "$tmp/src/python" && rm -rf "$tmp/src/python/build"
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv"
(cd "$tmp/src" && "$tmp/venv/bin/python" -m pip install -q --no-build-isolation --no-index ./python)
py="$tmp/venv/bin/python"
sh "$here/tile_100.sh" "$tmp" "$data"
rr=$data/rhrv_book/rr_healthy_ms/000.txt
median() { sort -n "$1" | awk '{ w[NR] = $1 } END { print (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }'; }
# wall seconds of a process; its CPU seconds (user + system: what a loaded machine does not
# inflate) appended to $tmp/cpu_$CPU
wall() {
    /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    awk '{ print $2 + $3 }' "$tmp/t" >>"$tmp/cpu_$CPU"
    awk '{ print $1 }' "$tmp/t"
}
i=0
while [ "$i" -lt "$runs" ]; do
    "$build/bench/psyphys_hrv_bench" "$rr" 1 corrected | sed -n 's/.* in \([0-9.]*\) s .*/\1/p' >>"$tmp/hrv_c"
    (cd "$tmp" && "$py" "$here/python_bench.py" hrv "$rr") >>"$tmp/hrv_py"
    CPU=cli wall "$build/psyphys" beats "$tmp/day.hea" --channel MLII -o "$tmp/beats.tsv" --overwrite >>"$tmp/beats_cli"
    CPU=py wall "$py" "$here/python_bench.py" beats "$tmp/day.hea" MLII >>"$tmp/beats_py"
    awk '{ print $1 }' "$tmp/out" >>"$tmp/beats_call"
    i=$((i + 1))
done
ratio() { echo "scale=2; $(median "$1") / $(median "$2")" | bc; }
echo "hrv, 24 h RR list ($(wc -l <"$rr") intervals), Lipponen correction + every metric:"
echo "  C library   median $(median "$tmp/hrv_c") s"
echo "  psyphys.hrv median $(median "$tmp/hrv_py") s   ratio $(ratio "$tmp/hrv_py" "$tmp/hrv_c")"
echo "beats, 24 h 360 Hz MLII ($(($(wc -l <"$tmp/beats.tsv") - 1)) beats):"
echo "  psyphys beats -o (process)        median $(median "$tmp/beats_cli") s"
echo "  psyphys.beats (python process)    median $(median "$tmp/beats_py") s   ratio $(ratio "$tmp/beats_py" "$tmp/beats_cli")"
echo "  CPU time (user + system): CLI median $(median "$tmp/cpu_cli") s, python process median $(median "$tmp/cpu_py") s   ratio $(ratio "$tmp/cpu_py" "$tmp/cpu_cli")"
echo "  psyphys.beats (the call alone)    median $(median "$tmp/beats_call") s   ratio $(ratio "$tmp/beats_call" "$tmp/beats_cli")"
for dtype in float64 float32; do
    set -- $(cd "$tmp" && "$py" "$here/python_bench.py" array "$tmp/day.hea" MLII $dtype)
    echo "  beats(x, fs) on a $dtype array of $2 kB: peak memory added $1 kB ($3 beats)"
done
echo "($runs rounds)"
