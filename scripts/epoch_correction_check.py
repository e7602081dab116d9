#!/usr/bin/env python3
"""How much correcting ectopic beats moves an epoch's heart-rate response (psyphys analyze).

Clean stretches of real RR series (../shared/data/rhrv_book/rr_healthy_ms, the first 1500
intervals of each) get artefacts injected at densities of 2-20 % of the beats: premature beats
(30 % of the interval early, then a full compensatory pause), missed beats and extra detections,
each keeping every later beat's time. Both series are analysed with events every 13 s (`--pre 1 --post 10`), and each
epoch the clean series left uncorrected is compared with the same epoch of the injected series
after psyphys's correction, binned by the epoch's nn_corrected_pct. The README quotes its table.

The threshold psyphys uses (PSY_HR_RESPONSE_MAX_CORRECTED) was read off the development series;
`--marsh` checks it on the MARSH resting ECGs instead (RR intervals of psyphys's own beats, their
first 1500), which were not used to choose it.

usage: scripts/epoch_correction_check.py PSYPHYS [SHARED_DIR] [--marsh]  (SHARED_DIR default ../shared)
"""
import glob
import random
import subprocess
import sys
import tempfile


def epochs(psyphys, path, events, out):
    subprocess.run([psyphys, "analyze", path, "--events", events, "--keep-corrected", "-o", out, "--overwrite"],
                   capture_output=True, check=True)
    rows = [line.rstrip("\n").split("\t") for line in open(glob.glob(out + "/*_epochs.tsv")[0])]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def inject(rr, density, seed):
    """Artefacts that keep every later beat's time (so the events stay where they were): a
    premature beat with a full compensatory pause, a missed beat (two intervals merged), an extra
    detection (one interval split 40/60)."""
    rng, out, i = random.Random(seed), list(rr), 5
    while i < len(out) - 5:
        if rng.random() >= density:
            i += 1
            continue
        kind = rng.randrange(3)
        if kind == 0:
            early = 0.3 * out[i]
            out[i] -= early
            out[i + 1] += early
        elif kind == 1:
            out[i : i + 2] = [out[i] + out[i + 1]]
        else:
            out[i : i + 1] = [0.4 * out[i], 0.6 * out[i]]
        i += 3
    return out


def read_rr(psyphys, path, tmp):
    """The first 1500 RR intervals (ms) of an RR list, or of the beats psyphys finds in an ECG."""
    if path.endswith(".txt"):
        return [float(x) for x in open(path).read().split() if x.replace(".", "", 1).isdigit()][:1500]
    table = tmp + "/beats.tsv"
    subprocess.run([psyphys, "beats", path, "-o", table, "--overwrite"], capture_output=True, check=True)
    rows = [line.split("\t") for line in open(table)][1:]
    return [float(r[2]) for r in rows if r[2] != "n/a"][:1500]


def main():
    args = [a for a in sys.argv[1:] if a != "--marsh"]
    psyphys = args[0]
    shared = args[1] if len(args) > 1 else "../shared"
    pattern = "/data/marsh/*_ecg.hea" if "--marsh" in sys.argv else "/data/rhrv_book/rr_healthy_ms/*.txt"
    files = sorted(glob.glob(shared + pattern))
    if not files:
        sys.exit("no RR series under " + shared)
    keys = ["hr_baseline_bpm", "hr_mean_change_bpm", "hr_min_change_bpm", "hr_max_change_bpm"]
    found = []  # (nn_corrected_pct, |error| per key)
    tmp = tempfile.mkdtemp()
    for fi, f in enumerate(files):
        rr = read_rr(psyphys, f, tmp)
        clean, events = f"{tmp}/clean{fi}.txt", f"{tmp}/events{fi}.tsv"
        open(clean, "w").write("\n".join("%g" % x for x in rr) + "\n")
        with open(events, "w") as e:
            e.write("onset\tduration\ttrial_type\n")
            t = 20.0
            while t < sum(rr) / 1000 - 20:
                e.write(f"{t:.3f}\t0\tcue\n")
                t += 13
        base = epochs(psyphys, clean, events, f"{tmp}/c{fi}")
        for density in (0.02, 0.05, 0.1, 0.2):
            injected = f"{tmp}/injected{fi}.txt"
            series = inject(rr, density, fi * 100 + int(density * 100))
            open(injected, "w").write("\n".join("%g" % x for x in series) + "\n")
            for a, b in zip(base, epochs(psyphys, injected, events, f"{tmp}/i{fi}")):
                mean = "hr_mean_change_bpm"
                if "n/a" in (a[mean], b[mean]) or float(a["nn_corrected_pct"]) > 0:
                    continue
                found.append((float(b["nn_corrected_pct"]), [abs(float(a[k]) - float(b[k])) for k in keys]))
    print("nn_corrected_pct  epochs  |error| median / 90th percentile (bpm): " + ", ".join(keys))
    for lo, hi in ((0, 0.01), (0.01, 10), (10, 15), (15, 20), (20, 25), (25, 30), (30, 40), (40, 101)):
        rows = [e for p, e in found if lo <= p < hi]
        if not rows:
            continue
        cells = []
        for k in range(len(keys)):
            v = sorted(r[k] for r in rows)
            cells.append(f"{v[len(v) // 2]:.2f} / {v[min(len(v) - 1, int(0.9 * len(v)))]:.2f}")
        print(f"{lo:g}-{hi:g} %".ljust(18) + f"{len(rows):6d}  " + "   ".join(cells))


if __name__ == "__main__":
    main()
