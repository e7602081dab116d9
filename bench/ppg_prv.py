#!/usr/bin/env python3
"""Why PRV RMSSD departs from the ECG's: the MARSH finger PPG, per subject (numpy only).

    mkdir -p /tmp/prv && PPG_DUMP=/tmp/prv build/bench/psyphys_ppg_marsh ../shared/data/marsh SUBJECT...
    python3 bench/ppg_prv.py /tmp/prv ../shared/data/marsh SUBJECT...

On the runs of three consecutive pulses matched to R-peaks (normal, RR 0.3-1.6 s, |dRR| < 250 ms),
per 5-min window of ECG time: the RMSSD of the R-peaks re-timed free of mains (the reference,
bench/ppg_marsh.c), of psyphys's R-peaks, and the PRV RMSSD of each fiducial point in % of the
reference: psyphys's half-amplitude point (mid), foot, steepest upstroke, systolic peak, and the
half-amplitude point on a 6-Hz instead of 12-Hz low-pass (mid6), and the 50 % crossing of a line
fitted to the upstroke between 30 and 70 % on the 12-Hz low-pass (fit). Per subject, the pulse arrival
time PAT = fiducial - R-peak decomposes the difference: the pulse interval is RR + dPAT, so
PRV^2 - HRV^2 = var(d2PAT) + 2 cov(dRR, d2PAT) (d2PAT: the second difference of PAT, dRR the
successive RR difference); and the SD of psyphys's R-peaks against the annotations shows the
ECG's own timing noise. Labels (from PPG_DUMP's r_class and r_index): on the runs of three pulses
matched to consecutive R-peaks, the intervals the pulses' classification calls other than normal
where the ECG's calls them normal and the reverse (with their median |PI - RR|), and per window the
half-amplitude point's PRV RMSSD in % of the mains-free RR's when each side leaves out the runs its
own labels mark, as bench/ppg_marsh.c's NN series do (own_labels), and when both leave out the runs
either marks (shared_labels)."""
import math
import sys

import numpy as np


def read_wfdb_16(hea):
    with open(hea) as f:
        rate = float(f.readline().split()[2])
    return np.fromfile(hea[:-4] + ".dat", dtype="<i2").astype(float), rate


def lowpass(x, fc, rate):
    """Zero-phase windowed-sinc (Hamming) low-pass, 0.5 s of taps."""
    h = int(0.25 * rate)
    i = np.arange(-h, h + 1)
    taps = np.sinc(2 * fc / rate * i) * (0.54 + 0.46 * np.cos(np.pi * i / (h + 1)))
    return np.convolve(x, taps / taps.sum(), "same")


def half_amplitude(y, rate, foot, peak, fit=False):
    """The upstroke's 50 % crossing; fit: of a line fitted to the upstroke between 30 and 70 %."""
    out = np.full(len(foot), np.nan)
    for n, (f, p) in enumerate(zip(foot, peak)):
        a, k = int((f - 0.1) * rate), int(round(p * rate))
        if a < 1 or k + 1 >= len(y) or k <= a + 2:
            continue
        while k + 1 < len(y) and y[k + 1] > y[k]:
            k += 1
        lo = a + int(np.argmin(y[a:k + 1]))
        if k - lo < 2:
            continue
        level = 0.5 * (y[lo] + y[k])
        j = lo + int(np.argmax(y[lo:k + 1] >= level))
        out[n] = (j - 1 + (level - y[j - 1]) / (y[j] - y[j - 1])) / rate
        if fit:
            i0, i1, amp = j, j, y[k] - y[lo]
            while i0 > lo and y[i0 - 1] >= y[lo] + 0.3 * amp:
                i0 -= 1
            while i1 < k and y[i1 + 1] <= y[lo] + 0.7 * amp:
                i1 += 1
            if i1 > i0:
                slope, icpt = np.polyfit(np.arange(i0, i1 + 1), y[i0:i1 + 1], 1)
                out[n] = (level - icpt) / slope / rate
    return out


def median_ms(v):
    return f"{np.median(v):.1f}" if v.size else "n/a"


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    dump, marsh = sys.argv[1], sys.argv[2]
    print("subject\twindow_s\tref_rmssd_ms\tpsyphys_r_pct\tmid_pct\tfoot_pct\tupstroke_pct\tpeak_pct\tmid6_pct\tfit_pct\town_labels_pct\tshared_labels_pct")
    notes = []
    for s in sys.argv[3:]:
        with open(f"{dump}/{s}.tsv") as f:
            head = f.readline().split()
        a, d = float(head[2]), float(head[4])
        t = np.genfromtxt(f"{dump}/{s}.tsv", skip_header=2)
        foot, up, mid, peak, cls, r_ann, r_ps, r_mf = t[:, 0], t[:, 1], t[:, 2], t[:, 3], t[:, 5], t[:, 6], t[:, 7], t[:, 8]
        r_cls, r_idx = t[:, 9], t[:, 10]
        x, rate = read_wfdb_16(f"{marsh}/{s}_ppg.hea")
        mid6 = half_amplitude(lowpass(x, 6.0, rate), rate, foot, peak)
        fit = half_amplitude(lowpass(x, 12.0, rate), rate, foot, peak, fit=True)
        ok = (cls == 0) & ~np.isnan(r_mf)
        rr = np.diff(r_mf)
        good = np.zeros(len(t), bool)  # triples ending at i
        good[2:] = ok[2:] & ok[1:-1] & ok[:-2] & (rr[1:] > 0.3) & (rr[1:] < 1.6) & (rr[:-1] > 0.3) & (rr[:-1] < 1.6) & \
            (np.abs(rr[1:] - rr[:-1]) < 0.25)

        def sdiff(times, scale):  # successive interval differences (ms) ending at each i
            v = np.full(len(times), np.nan)
            v[2:] = 1000 * scale * (times[2:] - 2 * times[1:-1] + times[:-2])
            return v

        ref, ps = sdiff(r_mf, 1), sdiff(r_ps, 1)
        fids = [sdiff(f, 1 + d) for f in (mid, foot, up, peak, mid6, fit)]
        # runs of three pulses on consecutive R-peaks; each side's labels of their two intervals
        run = np.zeros(len(t), bool)
        run[2:] = (r_idx[2:] == r_idx[1:-1] + 1) & (r_idx[1:-1] == r_idx[:-2] + 1) & (r_idx[:-2] >= 0)
        normal_p, normal_e = np.zeros(len(t), bool), np.zeros(len(t), bool)
        normal_p[2:] = (cls[2:] == 0) & (cls[1:-1] == 0)
        normal_e[2:] = (r_cls[2:] == 0) & (r_cls[1:-1] == 0)
        pair = np.zeros(len(t), bool)
        pair[1:] = (r_idx[1:] == r_idx[:-1] + 1) & (r_idx[:-1] >= 0)
        pi_rr = np.full(len(t), np.nan)
        pi_rr[1:] = 1000 * np.abs((mid[1:] - mid[:-1]) * (1 + d) - (r_mf[1:] - r_mf[:-1]))
        only_p, only_e = pair & (cls != 0) & (r_cls == 0), pair & (cls == 0) & (r_cls != 0)

        def pct(fid, on, ref_on):  # NaN (printed n/a) on an empty selection, no numpy warning
            if not on.any() or not ref_on.any():
                return math.nan
            return 100 * (math.sqrt(np.mean(fid[on] ** 2)) / math.sqrt(np.mean(ref[ref_on] ** 2)) - 1)

        w0 = math.ceil(np.nanmin(r_mf))
        while w0 + 300 <= np.nanmax(r_mf):
            m = good & (r_mf >= w0) & (r_mf < w0 + 300)
            e = math.sqrt(np.mean(ref[m] ** 2))
            row = [100 * (math.sqrt(np.nanmean(v[m] ** 2)) - e) / e for v in [ps] + fids]
            w = run & (r_mf >= w0) & (r_mf < w0 + 300) & ~np.isnan(fids[0]) & ~np.isnan(ref)
            row += [pct(fids[0], w & normal_p, w & normal_e), pct(fids[0], w & normal_p & normal_e, w & normal_p & normal_e)]
            print(f"{s}\t{w0}\t{e:.2f}\t" + "\t".join("n/a" if math.isnan(v) else f"{v:+.1f}" for v in row))
            w0 += 300
        # PAT decomposition (half-amplitude point), whole record
        pat = 1000 * (mid * (1 + d) + a - r_mf)
        d2 = np.full(len(t), np.nan)
        d2[2:] = pat[2:] - 2 * pat[1:-1] + pat[:-2]
        m = good & ~np.isnan(d2)
        both = ~np.isnan(r_ann) & ~np.isnan(r_ps)
        notes.append(f"{s}: PAT SD {np.std(pat[m]):.1f} ms, d2PAT RMS {math.sqrt(np.mean(d2[m] ** 2)):.1f} ms, "
                     f"cov(dRR, d2PAT) {np.mean(ref[m] * d2[m]):+.0f} ms^2 (RR reference RMSSD^2 {np.mean(ref[m] ** 2):.0f}); "
                     f"psyphys R-peaks - annotations SD {1000 * np.std(r_ps[both] - r_ann[both]):.1f} ms; of {pair.sum()} "
                     f"intervals on consecutive R-peaks, not normal in the pulses only {only_p.sum()}, in the ECG only "
                     f"{only_e.sum()} (median |PI - RR| {median_ms(pi_rr[only_p | only_e])} ms)")
    print("\n".join(notes))


if __name__ == "__main__":
    main()
