#!/bin/sh
# Installs the Debian packages psyphys needs to build and test, when any is missing.
# As root it runs apt-get itself; otherwise it prints the command to run.
# Usage: [PSYPHYS_FUZZ=1] [PSYPHYS_BROWSER=1] [PSYPHYS_SLURM=1] sh scripts/setup-deps.sh
set -eu
PACKAGES="build-essential cmake pkg-config libedf-dev libsndfile1-dev libfftw3-dev zlib1g-dev libjansson-dev libexpat1-dev nettle-dev libcmocka-dev liblo-dev liblo-tools python3-numpy python3-scipy python3-dev python3-venv python3-pip python3-setuptools python3-wheel python3-pytest python3-pandas"
# PSYPHYS_FUZZ=1: also clang and its runtime libraries (libFuzzer, sanitizers) for the fuzz targets.
[ "${PSYPHYS_FUZZ:-0}" = 1 ] && PACKAGES="$PACKAGES clang libclang-rt-14-dev"
# PSYPHYS_BROWSER=1: also Chromium, for the QC report's browser test (ctest -L integration).
[ "${PSYPHYS_BROWSER:-0}" = 1 ] && PACKAGES="$PACKAGES chromium"
# PSYPHYS_SLURM=1: also Slurm and munge, for the one-node cluster of tests/cli_batch_slurm.sh.
[ "${PSYPHYS_SLURM:-0}" = 1 ] && PACKAGES="$PACKAGES munge slurmctld slurmd slurm-client"
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "psyphys needs these Debian packages:$missing" >&2
    echo "run as root: apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
