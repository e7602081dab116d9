#!/bin/sh
# Builds psyphys (installing missing Debian packages) and runs the main job on the bundled demo
# session recording: `psyphys analyze` (beats, HRV, skin conductance, breathing, per event) and its
# QC page, out/demo/neurokit_eventrelated_report.html.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
./build/psyphys analyze recordings/neurokit_eventrelated.edf -o out/demo --overwrite --report
