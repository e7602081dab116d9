"""Times of the Python package's calls, for bench/python_24h.sh (run with the venv's python).

  python_bench.py hrv RR.txt [correction]   psyphys.hrv on the RR list (read before): seconds
  python_bench.py beats RECORD CHANNEL       psyphys.beats(RECORD, channel=CHANNEL): seconds, beats
  python_bench.py array RECORD CHANNEL DTYPE psyphys.beats on the channel as a DTYPE array: the
                                             peak resident memory the call adds, in kB, and the
                                             array's size in kB
"""
import resource
import sys
import time

import numpy as np

import psyphys


def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


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
        x = c.data.astype(args[2])
        del rec, c
        before = peak_kb()
        b = psyphys.beats(x, fs=360.0)
        print(f"{peak_kb() - before} {x.nbytes // 1024} {len(b)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
