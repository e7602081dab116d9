#!/usr/bin/env python3
"""Cross-check of `psyphys hrv --preset neurokit --correction none --json` against an independent
numpy re-implementation of NeuroKit2 0.2.12's definitions (hrv_time, hrv_nonlinear: Poincare,
SampEn/ApEn, DFA), written for this test from NeuroKit's documented behaviour (see
shared/reference/neurokit/README.md): pNNx over the number of intervals, SDANN/SDNNI over
round(total / 5 min) windows each dropping its last interval, r = 0.2 SD (ddof 1), DFA on the
profile cumsum(RR - mean) with half-overlapping windows (starts 0, s//2, ... < N - s), linear
detrending, windows of detrended variance <= 1e-8 left out, F = sqrt(mean variance), slope of
log2 F against log2 s; alpha1 scales 4..11, alpha2 12..int((N + 1) / 10).

usage: neurokit_hrv_check.py RR_MS.txt PSYPHYS.json  -> exit 0 when every key agrees to 1e-9
(relative), 1 otherwise (each key's value and error printed).
       neurokit_hrv_check.py --wfdb-rr ANNOTATIONS FS MAX_S  -> the RR intervals (ms) between the
beat annotations of a WFDB (MIT format) annotation file over its first MAX_S seconds, one a line."""
import json
import sys

import numpy as np


def dfa(rr, scales):
    y = np.cumsum(rr - rr.mean())
    n = len(y)
    fluct = []
    for s in scales:
        starts = np.arange(0, n - s, s // 2)
        segs = np.array([y[a:a + s] for a in starts])
        x = np.arange(s)
        coef = np.polyfit(x, segs.T, 1)
        resid = segs - (np.outer(coef[0], x) + coef[1][:, None])
        var = np.var(resid, axis=1)
        var = var[var > 1e-8]
        if len(var) == 0:
            return float("nan")
        fluct.append(np.sqrt(var.mean()))
    return np.polyfit(np.log2(scales), np.log2(fluct), 1)[0]


def match_counts(rr, m, r):
    """Pairs i < j of the first len - m templates within r (Chebyshev), lengths m and m + 1."""
    n = len(rr)
    k = n - m
    emb = np.array([rr[i:i + k] for i in range(m + 1)]).T  # k templates of length m + 1
    b = a = 0
    for i in range(k - 1):
        d = np.abs(emb[i + 1:] - emb[i])
        dm = d[:, :m].max(axis=1) <= r
        b += dm.sum()
        a += (dm & (d[:, m] <= r)).sum()
    return a, b


def apen(rr, m, r):
    def phi(mm):
        k = len(rr) - mm + 1
        emb = np.array([rr[i:i + k] for i in range(mm)]).T
        c = np.array([(np.abs(emb - emb[i]).max(axis=1) <= r).mean() for i in range(k)])
        return np.log(c).mean()
    return phi(m) - phi(m + 1)


def sdann(rr, w_ms=300000.0):
    pos = np.cumsum(rr)
    nw = int(round(pos[-1] / w_ms))
    if nw < 3:
        return float("nan"), float("nan")
    means, sds = [], []
    for k in range(nw):
        idx = np.where((pos >= k * w_ms) & (pos < (k + 1) * w_ms))[0]
        seg = rr[idx[0]:idx[-1]] if len(idx) else rr[:0]  # the window's last interval dropped
        if len(seg):
            means.append(seg.mean())
        if len(seg) >= 2:
            sds.append(seg.std(ddof=1))
    return np.std(means, ddof=1), np.mean(sds)


def reference(rr):
    d = np.diff(rr)
    mean, sd = rr.mean(), rr.std(ddof=1)
    rmssd = np.sqrt(np.mean(d ** 2))
    med = np.median(rr)
    q75, q25 = np.percentile(rr, [75, 25])
    x, y = rr[:-1], rr[1:]
    sd1 = np.std((x - y) / np.sqrt(2), ddof=1)
    sd2 = np.std((x + y) / np.sqrt(2), ddof=1)
    r = 0.2 * sd
    a, b = match_counts(rr, 2, r)
    n = len(rr)
    out = {
        "mean_nn_ms": mean, "sdnn_ms": sd, "rmssd_ms": rmssd, "sdsd_ms": np.std(d, ddof=1),
        "cvnn": sd / mean, "cvsd": rmssd / mean, "median_nn_ms": med,
        "mad_nn_ms": 1.4826 * np.median(np.abs(rr - med)), "iqr_nn_ms": q75 - q25,
        "pnn50_pct": 100.0 * np.sum(np.abs(d) > 50) / n, "pnn20_pct": 100.0 * np.sum(np.abs(d) > 20) / n,
        "min_nn_ms": rr.min(), "max_nn_ms": rr.max(), "mean_hr_bpm": 60000.0 / mean,
        "sd1_ms": sd1, "sd2_ms": sd2, "sd1_sd2": sd1 / sd2, "ellipse_area_ms2": np.pi * sd1 * sd2,
        "sampen": -np.log(a / b), "apen": apen(rr, 2, r),
        "dfa_alpha1": dfa(rr, np.arange(4, 12)),
        "dfa_alpha2": dfa(rr, np.arange(12, int((n + 1) / 10) + 1)),
    }
    out["sdann_ms"], out["sdnni_ms"] = sdann(rr)
    return out


BEAT_CODES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 31, 34, 35, 37, 38}


def wfdb_beat_samples(path):
    """Sample numbers of the beat annotations (MIT format: 16-bit words, code << 10 | interval)."""
    data = open(path, "rb").read()
    t, i, out = 0, 0, []
    while i + 1 < len(data):
        w = data[i] | data[i + 1] << 8
        i += 2
        code, low = w >> 10, w & 0x3FF
        if code == 0 and low == 0:
            break
        if code == 59:  # SKIP: a 32-bit interval follows, high half first
            hi = data[i] | data[i + 1] << 8
            lo = data[i + 2] | data[i + 3] << 8
            t += ((hi << 16 | lo) ^ 0x80000000) - 0x80000000
            i += 4
        elif code == 63:  # AUX: low bytes of text, padded to even
            i += low + (low & 1)
        elif code in (60, 61, 62):  # NUM, SUB, CHN
            pass
        else:
            t += low
            if code in BEAT_CODES:
                out.append(t)
    return np.array(out, dtype=float)


def main():
    if sys.argv[1] == "--wfdb-rr":
        s = wfdb_beat_samples(sys.argv[2])
        fs, max_s = float(sys.argv[3]), float(sys.argv[4])
        s = s[s <= s[0] + max_s * fs]
        for v in np.diff(s) / fs * 1000.0:
            print(repr(float(v)))
        return 0
    rr = np.loadtxt(sys.argv[1], dtype=float)
    with open(sys.argv[2]) as f:
        got = json.load(f)["windows"][0]
    bad = 0
    for key, want in reference(rr).items():
        have = got.get(key)
        if np.isnan(want):
            ok = have is None
            err = 0.0
        else:
            err = abs(have - want) / max(abs(want), 1e-300) if have is not None else float("inf")
            ok = err <= 1e-9
        print("%-18s psyphys %-22r numpy %-22r rel.err %.2g%s" % (key, have, want, err, "" if ok else "  <-- FAIL"))
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
