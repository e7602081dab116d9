"""Memory stays flat over 1000 calls: every result is released and the package keeps nothing.
A leak of one signal or beat list per call (>= 100 kB here) would add 100 MB; the bound leaves
room for the allocators' own variation only."""
import os

import numpy as np

import psyphys
from conftest import BUNDLED, BUNDLED_EVENTS


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def calls(rr, x):
    rec = psyphys.read(BUNDLED, events=BUNDLED_EVENTS)
    psyphys.beats(rec).table
    psyphys.hrv(rr)
    psyphys.beats(x, fs=100.0)
    s = psyphys.Stream(ecg_rate_hz=100.0)
    s.push_ecg(x[:2000])
    s.poll()
    try:
        psyphys.read(BUNDLED + ".missing")
    except psyphys.Error:
        pass


def test_flat_over_1000_calls():
    rr = 800 + 40 * np.sin(np.arange(400) / 3.0)
    x = psyphys.read(BUNDLED).channel("ECG").data.copy()
    for _ in range(100):  # allocators and caches settle
        calls(rr, x)
    before = rss_kb()
    for _ in range(1000):
        calls(rr, x)
    grown = rss_kb() - before
    assert grown < 4096, f"resident memory grew by {grown} kB over 1000 calls"


def test_flat_over_session_calls():
    """The heavier calls (EDA, the session analysis), 300 times between them (each reads and
    analyses the whole recording)."""
    rec = psyphys.read(BUNDLED, events=BUNDLED_EVENTS)
    for _ in range(20):
        psyphys.eda(rec)
        psyphys.analyze(rec)
    before = rss_kb()
    for _ in range(150):
        psyphys.eda(rec)
        psyphys.analyze(rec)
    grown = rss_kb() - before
    assert grown < 4096, f"resident memory grew by {grown} kB"
