#!/usr/bin/env python3
"""Makes a session folder of two devices recorded together, HOURS long, from FLIRT's exports
(../shared/data/flirt_wearables): the E4's sensor files with their rows repeated (IBI.csv's
times carried on), and the Garmin log's data.csv and acc.csv repeated the same way, its times
moved to start 5 s after the E4's (the exports were recorded 127 days apart), so the folder
opens as one "Empatica E4 + Garmin folder".
    python3 bench/devices_folder.py FLIRT_DIR OUT_DIR [HOURS]"""
import datetime
import os
import sys


def tile_e4(src, dst, seconds):
    with open(src) as f:
        lines = f.read().splitlines()
    if not lines:
        return
    head, rows = lines[:2], lines[2:]
    out = list(head)
    if "IBI" in head[0]:  # time since the start, interval: times carried on
        rows = lines[1:]
        out = lines[:1]
        period = float(rows[-1].split(",")[0]) + 1
        k = 0
        while True:
            for row in rows:
                t, ibi = row.split(",")
                t = float(t) + k * period
                if t > seconds:
                    break
                out.append("%.6f,%s" % (t, ibi))
            else:
                k += 1
                continue
            break
    else:
        rate = float(head[1].split(",")[0])
        n = int(rate * seconds)
        out += [rows[i % len(rows)] for i in range(n)]
    with open(dst, "w") as f:
        f.write("\n".join(out) + "\n")


def stamp(t, zone):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + zone


def tile_garmin(src, dst, begin, seconds):
    rows = []
    with open(src) as f:
        for line in f.read().splitlines():
            t, rest = line.split(";", 1)
            rows.append((datetime.datetime.fromisoformat(t), rest, t[-6:]))
    first = rows[0][0]
    period = (rows[-1][0] - first).total_seconds() + 1
    out, k = [], 0
    while True:
        for t, rest, zone in rows:
            since = (t - first).total_seconds() + k * period
            if since > seconds:
                break
            out.append(stamp(begin.astimezone(t.tzinfo) + datetime.timedelta(seconds=since), zone) + ";" + rest)
        else:
            k += 1
            continue
        break
    with open(dst, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    flirt, out = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3] if len(sys.argv) > 3 else 2) * 3600
    os.makedirs(out, exist_ok=True)
    e4 = os.path.join(flirt, "empatica")
    start = None
    for name in sorted(os.listdir(e4)):
        if name.endswith(".csv") and name != "tags.csv":
            tile_e4(os.path.join(e4, name), os.path.join(out, name), seconds)
            with open(os.path.join(e4, name)) as f:
                start = float(f.readline().split(",")[0])
    begin = datetime.datetime.fromtimestamp(start + 5, datetime.timezone.utc)
    for name in ("data.csv", "acc.csv"):
        tile_garmin(os.path.join(flirt, "garmin", name), os.path.join(out, name), begin, seconds)


main()
