#!/bin/sh
# Pulses of the MARSH finger PPG against the ECG's R-peaks (bench/ppg_marsh.c): the table for the
# subjects the detector was developed on, then for those held out and scored only at the end.
#   sh bench/ppg_marsh.sh [BUILD_DIR [SHARED_DATA]]
set -u
build=${1:-build}
data=${2:-../shared/data}
echo "== development subjects"
"$build/bench/psyphys_ppg_marsh" "$data/marsh" 0017 0018 0037 0214 1337 2655 5329
dev=$?
echo "== held-out subjects"
"$build/bench/psyphys_ppg_marsh" "$data/marsh" 0047 0256 1436 3723 5600 8000 8623
held=$?
echo "targets met: development $([ $dev -eq 0 ] && echo yes || echo no), held-out $([ $held -eq 0 ] && echo yes || echo no)"
