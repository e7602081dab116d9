#!/bin/sh
# Time and peak memory of every hostile input (tests/data/bad/ and synthetic 1 GB inputs), and
# the time of reading valid CSVs of 10 and 100 MB (linear scaling). Needs /usr/bin/time.
#   sh bench/hostile.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
bench=$build/bench/psyphys_hostile_bench
run() {
    /usr/bin/time -f '%M' -o /tmp/psyphys-hostile-time.$$ "$bench" "$1" | tr -d '\n'
    printf '  peak %6s KB\n' "$(cat /tmp/psyphys-hostile-time.$$)"
}
for f in "$here"/../tests/data/bad/*; do
    case "$f" in *.sh|*.dat) continue ;; esac
    run "$f"
done
run @line:1073741824
run @rows:10000000
run @rows:100000000
rm -f /tmp/psyphys-hostile-time.$$
