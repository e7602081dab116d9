"""Analyse a session and plot heart rate per phase.

    python analyze_session.py [RECORDING [EVENTS.tsv]] [-o hr.png]

Without arguments it analyses the bundled recording (recordings/neurokit_eventrelated.edf, whose
events are EDF+ annotations). Prints each phase's heart rate, RMSSD and skin conductance level, and each event's
heart-rate response; with matplotlib installed, draws the beat-to-beat heart rate with the phases
shaded and their mean heart rate (hr.png, or -o PATH)."""
import argparse
import os
import sys

import numpy as np

import psyphys

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED = os.path.join(HERE, "..", "..", "recordings", "neurokit_eventrelated.edf")


def column(table, name):
    return np.asarray(table[name])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("recording", nargs="?", default=BUNDLED)
    ap.add_argument("events", nargs="?")
    ap.add_argument("-o", default="hr.png", help="the plot (PNG)")
    a = ap.parse_args()
    try:
        s = psyphys.analyze(a.recording, events=a.events)
    except psyphys.Error as e:
        sys.exit(f"analyze_session: {e}")
    seg = s["segments"]
    labels, onsets, durations = column(seg, "label"), column(seg, "onset"), column(seg, "duration")
    hr, rmssd, scl = column(seg, "mean_hr_bpm"), column(seg, "rmssd_ms"), column(seg, "scl_us")
    print(f"{a.recording}: channels {s.channels}")
    for i in range(len(labels)):
        print(f"  {labels[i]:<12} {onsets[i]:8.1f} s +{durations[i]:6.1f} s  HR {hr[i]:6.1f} bpm  "
              f"RMSSD {rmssd[i]:6.1f} ms  SCL {scl[i]:6.2f} uS")
    if "epochs" in s.tables:
        ep = s["epochs"]
        for lab, on, dhr in zip(column(ep, "label"), column(ep, "onset"), column(ep, "hr_mean_change_bpm")):
            print(f"  epoch {lab:<10} at {on:7.2f} s: mean HR change {dhr:+.1f} bpm")
    for w in s.warnings:
        print(f"  warning: {w}")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no plot)")
        return
    b = s.beats
    ok = np.isfinite(b.nn_ms)
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot(b.nn_onset[ok], 60000.0 / b.nn_ms[ok], lw=0.8, color="k", label="beat-to-beat HR")
    for i in range(1, len(labels)):  # row 0 is the whole recording
        ax.axvspan(onsets[i], onsets[i] + durations[i], alpha=0.2, color=f"C{i % 10}")
        ax.hlines(hr[i], onsets[i], onsets[i] + durations[i], color=f"C{i % 10}", lw=3)
        ax.text(onsets[i], ax.get_ylim()[1], labels[i], va="top", fontsize=8)
    ax.set_xlabel("time from the recording start (s)")
    ax.set_ylabel("heart rate (bpm)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(a.o, dpi=120)
    print(f"plot: {a.o}")


if __name__ == "__main__":
    main()
