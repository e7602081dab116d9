#!/bin/sh
# R-peak timing against the reference annotations (bench/ecg_timing.c): every MARSH subject (ECG at
# 250 Hz, 50 Hz mains; the annotations are whole samples: 1.15 ms SD of rounding alone), then every
# MIT-BIH Arrhythmia record (360 Hz).
#   sh bench/ecg_timing.sh [BUILD_DIR [SHARED_DATA]]
set -u
build=${1:-build}
data=${2:-../shared/data}
"$build/bench/psyphys_ecg_timing" "$data"/marsh/*_ecg.hea
"$build/bench/psyphys_ecg_timing" "$data"/mitdb/*.hea | tail -n +2
