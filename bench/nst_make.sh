#!/bin/sh
# Muscle-artefact noise stress records: MIT-BIH 118 + the nstdb 'ma' noise at 12, 6 and 0 dB,
# made as WFDB's nst makes 118e12/e06/e00 with its 'em' noise (bench/nst_make.c), and, held out
# from tuning (bench/validate_beats.sh), 103, 212 and 233 + 'ma' at 12 and 6 dB, into OUT_DIR
# (default: a new temporary directory, printed). nstdb has 118 with electrode motion ('em') at 24, 6,
# 0 and -6 dB but not the 'em' record itself, nor 118e12: 118e12 is 118 + (118e06 - 118) scaled by
# 10^(-6/20), which is what nst makes at 12 dB from the same noise (psyphys_nst_make --rescale; made
# this way from 118e06, 118e24 and 118e00 come within 1-3 adu of nstdb's, mean absolute difference).
# Score them with
#   NSTDB=OUT_DIR sh bench/validate_beats.sh BUILD_DIR SHARED_DATA_DIR 118e12 118m12 118m06 118m00 212m12 ...
#   sh bench/nst_make.sh [BUILD_DIR [SHARED_DATA_DIR [OUT_DIR]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
out=${3:-$(mktemp -d)}
mkdir -p "$out"
for snr in 12 06 00; do
    "$build/bench/psyphys_nst_make" "$data/mitdb/118.hea" "$data/nstdb/ma.hea" "$snr" "$out" "118m$snr" >/dev/null
done
"$build/bench/psyphys_nst_make" --rescale "$data/mitdb/118.hea" "$data/nstdb/118e06.hea" 6 12 "$out" 118e12 >/dev/null
for rec in 103 212 233; do
    for snr in 12 06; do
        "$build/bench/psyphys_nst_make" "$data/mitdb/$rec.hea" "$data/nstdb/ma.hea" "$snr" "$out" "${rec}m$snr" >/dev/null
    done
done
echo "$out"
