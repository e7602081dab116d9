"""Times of the Python package's calls, for bench/python_24h.sh (run with the venv's python).

  python_bench.py hrv RR.txt [correction]   psyphys.hrv on the RR list (read before): seconds
  python_bench.py beats RECORD CHANNEL       psyphys.beats(RECORD, channel=CHANNEL): seconds, beats
  python_bench.py array RECORD CHANNEL DTYPE psyphys.beats on the channel as a DTYPE array: the
                                             peak resident memory the call adds (the peak during
                                             the call, reset before it through
                                             /proc/self/clear_refs, less the resident memory
                                             before), in kB, and the array's size in kB
"""
import sys
import time

import numpy as np

import psyphys


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def main(mode, *args):
    if mode == "hrv":
        rr = np.loadtxt(args[0])
        t = time.perf_counter()
        psyphys.hrv(rr, correction=args[1] if len(args) > 1 else None)
        print(f"{time.perf_counter() - t:.4f}")
    elif mode == "beats":
        t = time.perf_counter()
        b = psyphys.beats(args[0], channel=args[1])
        print(f"{time.perf_counter() - t:.4f} {len(b)}")
    elif mode == "array":
        rec = psyphys.read(args[0])
        c = rec.channel(args[1])
        x = c.data if args[2] == "float64" else c.data.astype(args[2])
        del rec, c
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets the peak (VmHWM) to the current resident size
        before = status_kb("VmRSS")
        b = psyphys.beats(x, fs=360.0)
        print(f"{status_kb('VmHWM') - before} {x.nbytes // 1024} {len(b)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
