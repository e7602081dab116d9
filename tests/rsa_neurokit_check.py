#!/usr/bin/env python3
"""RSA of `psyphys resp --preset neurokit --json` against an independent numpy/scipy
re-implementation of NeuroKit2 0.2.12's hrv_rsa definitions (its documentation and the
behaviour described in shared/reference/neurokit), on the same breaths and NN intervals:

- RSA_P2T_Mean: per breath cycle (one inspiration onset to the next), the NN intervals whose two
  beats lie in the cycle; with at least 2 of them, their maximum minus their minimum (ms); the
  mean over the cycles that have a value;
- RSA_PorgesBohrer: the heart rate (bpm) monotone-cubic interpolated through the beats onto the
  signal's samples (constant before the first and after the last beat), resampled to 2 Hz (cubic
  spline zoom), minus its Savitzky-Golay 21-point cubic trend, band-passed 0.12-0.40 Hz (second-
  order Butterworth band-pass, forward-backward), cut into 30-s epochs from the start (the last
  partial one included), ln(variance (ddof 1) / 1000) per epoch, their mean.

usage: rsa_neurokit_check.py NN.tsv BREATHS.tsv PSYPHYS.json DURATION_S FS [TOLERANCE]
  NN.tsv: `psyphys beats --nn` (onset, nn_ms); BREATHS.tsv: `psyphys resp -o` (onset, duration_s);
  exit 0 when both values agree within TOLERANCE (relative, default 0.05), 1 otherwise."""
import json
import sys

import numpy as np
import scipy.interpolate
import scipy.ndimage
import scipy.signal


def table(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path)]
    return {k: np.array([float(r[i]) if r[i] != "n/a" else np.nan for r in rows[1:]]) for i, k in enumerate(rows[0])}


def p2t_mean(t, nn, onsets, ends):
    values = []
    starts = t - nn / 1000.0
    for a, z in zip(onsets, ends):
        inside = nn[(starts >= a) & (t < z)]
        values.append(inside.max() - inside.min() if len(inside) >= 2 else np.nan)
    return np.nanmean(values)


def porges_bohrer(t, nn, duration_s, fs):
    x = np.arange(int(round(duration_s * fs))) / fs
    rate = scipy.interpolate.PchipInterpolator(t, 60000.0 / nn, extrapolate=False)(x)
    rate[x < t[0]] = 60000.0 / nn[0]
    rate[x > t[-1]] = 60000.0 / nn[-1]
    n2 = int(round(len(rate) * 2.0 / fs))
    resampled = scipy.ndimage.zoom(rate, n2 / len(rate))
    zero_mean = resampled - scipy.signal.savgol_filter(resampled, 21, 3)
    sos = scipy.signal.butter(2, [0.12, 0.40], btype="bandpass", fs=2, output="sos")
    filtered = scipy.signal.sosfiltfilt(sos, zero_mean)
    epochs = np.arange(len(filtered)) / 2 // 30
    return np.mean([np.log(np.var(filtered[epochs == e], ddof=1) / 1000) for e in np.unique(epochs)])


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    nn_t = table(sys.argv[1])
    br = table(sys.argv[2])
    got = json.load(open(sys.argv[3]))
    duration_s, fs = float(sys.argv[4]), float(sys.argv[5])
    tol = float(sys.argv[6]) if len(sys.argv) > 6 else 0.05
    t, nn = nn_t["onset"], nn_t["nn_ms"]
    ref = {"rsa_p2t_mean_ms": p2t_mean(t, nn, br["onset"], br["onset"] + br["duration_s"]),
           "rsa_pb_ln_bpm2_per_1000": porges_bohrer(t, nn, duration_s, fs)}
    bad = 0
    for key, want in ref.items():
        have = got[key]
        err = abs(have - want) / abs(want)
        print(f"{key}: psyphys {have:.4f}, NeuroKit definition {want:.4f}, relative error {100 * err:.2f} %")
        if not err <= tol:
            print(f"FAIL: {key}")
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
