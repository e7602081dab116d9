#!/usr/bin/env python3
"""The Empatica E4's own HR.csv over one condition, three ways (stdlib only; for bench/ppg_wesad.sh).

    python3 bench/e4_hr.py E4_DIR PULSES_SIDECAR START_S END_S

Times are seconds from the E4 session's start (line 1 of BVP.csv). HR.csv starts 10 s after the
other files: its sample k lies at (its own line 1 - BVP's) + k / its rate (line 2). Its value is a
trailing mean over about a minute; the window used here, [t - 65, t - 5] s, was fitted on these
same WESAD data (against psyphys's pulse rate per second on the meditations past their first
minute, 4 subjects: bias +0.05 to +0.3 bpm, RMS 0.3 to 1.9 bpm; windows of 30 s or less, or lags
of 0-20 s more, fit worse; the fit is not in this repository), so the "inside" and "usable" means
depend on a window fitted on the data they are scored on. Prints the pulses' unusable share of
[START, END) (%, from PULSES_SIDECAR: psyphys beats' JSON sidecar, its gaps) and three means
(bpm; all tab separated) of the HR.csv samples
  all     at t in [START, END);
  inside  whose minute [t - 65, t - 5] lies inside [START, END): not the rate of the condition
          before and of the walk between rooms, which HR.csv carries into a condition's first minute;
  usable  of those, whose minute holds under 10 % of the pulses' unusable time: where the E4
          counted motion as beats.
'n/a' where no sample qualifies."""
import json
import sys

SPAN, LAG = 60.0, 5.0  # the trailing mean's length and lag, s


def read_e4(path):
    """An E4 file's start (line 1, s), rate (line 2, Hz) and first column's samples."""
    with open(path) as f:
        start, rate = (float(f.readline().split(",")[0]) for _ in range(2))
        return start, rate, [float(line.split(",")[0]) for line in f if line.strip()]


def unusable_share(gaps, a, b):
    return sum(max(0.0, min(b, g["onset"] + g["duration"]) - max(a, g["onset"])) for g in gaps) / (b - a)


def mean(v):
    return "%.1f" % (sum(v) / len(v)) if v else "n/a"


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    e4, sidecar, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    with open(f"{e4}/BVP.csv") as f:
        bvp_start = float(f.readline().split(",")[0])
    hr_start, rate, hr = read_e4(f"{e4}/HR.csv")
    if rate <= 0:
        sys.exit(f"{e4}/HR.csv: line 2, its rate, is {rate:g} Hz")
    with open(sidecar) as f:
        gaps = json.load(f)["gaps"]
    all_, inside, usable = [], [], []
    for k, v in enumerate(hr):
        t = hr_start - bvp_start + k / rate
        if start <= t < end:
            all_.append(v)
        a, b = t - LAG - SPAN, t - LAG
        if start <= a and b <= end:
            inside.append(v)
            if unusable_share(gaps, a, b) < 0.1:
                usable.append(v)
    print("%.0f\t" % (100 * unusable_share(gaps, start, end)) + "\t".join(mean(v) for v in (all_, inside, usable)))


if __name__ == "__main__":
    main()
