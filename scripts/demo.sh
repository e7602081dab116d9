#!/bin/sh
# Builds psyphys (installing missing Debian packages) and runs the main job on the bundled demo
# recording: today `psyphys info`; `psyphys analyze` once it lands.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
./build/psyphys info recordings/neurokit_eventrelated.edf
