#!/bin/sh
# Builds psyphys (installing missing Debian packages) and runs the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPSYPHYS_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
cd build && ctest --output-on-failure -j "$(nproc)"
