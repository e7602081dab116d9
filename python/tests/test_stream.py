"""The live stream: replaying a recording gives the offline beats; pushes release the GIL; one
thread pushing while another polls gives what one thread gives."""
import json
import threading
import time

import numpy as np
import pytest

import psyphys
from conftest import BUNDLED, shared


def ecg():
    rec = psyphys.read(BUNDLED)
    return rec.channel("ECG").data, rec.channel("ECG").rate_hz


def replay(x, fs, block=64):
    s = psyphys.Stream(ecg_rate_hz=fs)
    out = []
    for i in range(0, len(x), block):
        s.push_ecg(x[i:i + block])
        out += s.poll()
    s.finish()
    return out + s.poll()


def test_replay_is_offline():
    x, fs = ecg()
    out = replay(x, fs)
    beats = [o for o in out if o["type"] == "beat"]
    labels = [o for o in out if o["type"] == "label"]
    offline = psyphys.beats(BUNDLED)
    assert np.array_equal([o["onset"] for o in beats], offline.onset)
    assert [o["label"] for o in labels] == [psyphys.BEAT_CLASSES[c] for c in offline.classes]
    hr = [o for o in out if o["type"] == "hr"]
    assert all(30 < o["bpm"] < 200 for o in hr)
    hrv = [o for o in out if o["type"] == "hrv"]
    assert hrv and hrv[-1]["rmssd_ms"] is not None
    assert hrv[0]["na_reasons"]["lf_ms2"]  # 128 s window still filling: why it is n/a
    every = psyphys.Stream(ecg_rate_hz=fs, hrv_interval_s=0)  # a line after every NN interval
    every.push_ecg(x)
    every.finish()
    all_hrv = [o for o in every.poll() if o["type"] == "hrv"]
    assert len(all_hrv) > 3 * len(hrv) and all(o in all_hrv for o in hrv)


def test_two_threads():
    """A pushing thread and a polling thread: every output once, in order, as one thread."""
    x, fs = ecg()
    want = replay(x, fs)
    s = psyphys.Stream(ecg_rate_hz=fs)
    got, done = [], threading.Event()

    def poller():
        while not done.is_set():
            got.extend(s.poll())
        got.extend(s.poll())

    t = threading.Thread(target=poller)
    t.start()
    for i in range(0, len(x), 37):
        s.push_ecg(x[i:i + 37])
    s.finish()
    done.set()
    t.join()
    assert got == want


def test_push_releases_gil():
    """Another thread runs while one long block is pushed."""
    fs = 500.0
    t = np.arange(int(1800 * fs)) / fs
    x = np.sin(2 * np.pi * 1.2 * t) ** 31  # a spiky 72 bpm signal, 30 min
    s = psyphys.Stream(ecg_rate_hz=fs)
    inside, ticks, stop = threading.Event(), [], threading.Event()

    def ticker():
        while not stop.is_set():
            if inside.is_set():
                ticks.append(time.perf_counter())
            time.sleep(0.0005)

    th = threading.Thread(target=ticker)
    th.start()
    time.sleep(0.01)
    inside.set()
    t0 = time.perf_counter()
    s.push_ecg(x)
    t1 = time.perf_counter()
    inside.clear()
    stop.set()
    th.join()
    during = [k for k in ticks if t0 < k < t1]
    assert t1 - t0 > 0.02 and len(during) >= 5, (t1 - t0, len(during))


def test_rr_and_eda():
    s = psyphys.Stream(eda_rate_hz=0, rr_input=True)
    rr = 800 + 40 * np.sin(np.arange(300) / 3.0)
    s.push_rr(rr.astype(np.float32))
    s.finish()
    types = {o["type"] for o in s.poll()}
    assert {"beat", "hr", "label", "hrv"} <= types
    rec = psyphys.read(BUNDLED)
    e = psyphys.Stream(eda_rate_hz=rec.channel("EDA").rate_hz)
    e.push_eda(rec.channel("EDA").data)
    e.finish()
    out = e.poll()
    assert any(o["type"] == "scl" and o["scl_us"] is not None for o in out)
    assert any(o["type"] == "scr" for o in out)


def test_scl_na_reasons():
    # contact missing for the first 20 s: the scl dicts say why a value is None, as hrv's do
    # (ux20 review: the reasons reached the JSON lines, not Python)
    fs = 32
    t = np.arange(120 * fs)
    eda = np.where(t < 20 * fs, 0.01, 5 + 0.001 * t / fs)
    s = psyphys.Stream(eda_rate_hz=fs)
    s.push_eda(eda)
    s.finish()
    scl = [o for o in s.poll() if o["type"] == "scl"]
    missing = [o for o in scl if o["scl_us"] is None]
    assert missing and all("flagged" in o["na_reasons"]["scl_us"] for o in missing)
    assert all(o["na_reasons"]["ns_scr_per_min"] for o in scl if o["ns_scr_per_min"] is None)
    assert any(o["scl_us"] is not None and o["na_reasons"]["scl_us"] is None for o in scl)


def test_outputs_keyed_as_the_json_lines(cli):
    """poll()'s dicts name their output `type`, as the JSON lines of `psyphys stream` (ux21b F12:
    they said `kind`); `kind` still answers this release, with a DeprecationWarning."""
    x, fs = ecg()
    out = replay(x, fs)
    lines = [json.loads(line) for line in cli("stream", "--replay", BUNDLED, "--speed", "max").splitlines()]
    for kind in ("beat", "hr"):
        mine, theirs = [o for o in out if o["type"] == kind], [l for l in lines if l["type"] == kind]
        assert [list(o) for o in mine] == [list(l) for l in theirs]
        assert [f"{o['onset']:.6f}" for o in mine] == [f"{l['onset']:.6f}" for l in theirs]
    assert all(next(iter(o)) == "type" and "kind" not in o for o in out)
    with pytest.warns(DeprecationWarning, match="'kind' is now 'type'"):
        assert out[0]["kind"] == out[0]["type"] == "beat"
    with pytest.warns(DeprecationWarning, match="'kind' is now 'type'"):
        assert out[0].get("kind") == "beat"  # dict.get skips __missing__
    assert out[0].get("absent", 7) == 7
    with pytest.raises(KeyError):
        out[0]["bpm"]


def test_gap():
    """gap(seconds): what is pushed after it lies that much later, no interval spans it, a
    time_jump status says so; 0, not finite, over 3600 s with EDA, or after finish: refused."""
    x, fs = ecg()
    half = len(x) // 2
    s = psyphys.Stream(ecg_rate_hz=fs, eda_rate_hz=32)
    s.push_ecg(x[:half])
    s.gap(30.0)
    s.push_ecg(x[half:])
    with pytest.raises(psyphys.Error, match="gap"):
        s.gap(float("nan"))
    for refused in (0.0, 1e12):  # no gap; an EDA NaN fill beyond the bound: nothing pushed
        with pytest.raises(psyphys.Error, match="gap"):
            s.gap(refused)
    s.finish()
    with pytest.raises(psyphys.Error):
        s.gap(1.0)
    out = s.poll()
    jumps = [o for o in out if o["type"] == "status" and o["condition"] == "time_jump"]
    assert [(j["input"], j["gap_s"]) for j in jumps] == [("heart", 30.0), ("eda", 30.0)]
    assert abs(jumps[0]["onset"] - half / fs) < 1e-9
    plain = [o for o in replay(x, fs) if o["type"] == "beat"]
    beats = [o for o in out if o["type"] == "beat"]
    assert len(beats) == len(plain)
    first_after = next(i for i, o in enumerate(plain) if o["sample"] >= half)
    for i, (a, b) in enumerate(zip(plain, beats)):
        assert abs(b["onset"] - a["onset"] - (30 if i >= first_after else 0)) < 1e-9
        assert b["rr_ms"] == (None if i == first_after else a["rr_ms"])


def test_gaps_of_a_recording():
    """A Movesense recording with a 166.6-s pause and 6 dropouts (8 stretches), pushed stretch by
    stretch with gap() before each: the beats of psyphys.beats() (ux21b F12; without the gaps
    one interval spanned the pause, 17 930 ms)."""
    path = shared("dyadic_movesense", "data", "234130000540", "ECG-2025_01_25-16_42_59.csv")
    ch = psyphys.read(path).channels[0]
    x, t, fs = ch.data, ch.times, ch.rate_hz
    shift = t - np.arange(len(t)) / fs  # each sample's time less index / rate: a step at each gap
    starts = np.flatnonzero(np.abs(np.diff(shift)) > 1e-7) + 1
    assert len(starts) == 7
    s = psyphys.Stream(ecg_rate_hz=fs)
    out, done = [], 0
    for a, b in zip(np.r_[0, starts], np.r_[starts, len(x)]):
        if a:
            s.gap(shift[a] - shift[a - 1])
        s.push_ecg(x[a:b])
        out += s.poll()
    s.finish()
    out += s.poll()
    beats = [o for o in out if o["type"] == "beat"]
    offline = psyphys.beats(path)
    assert len(beats) == len(offline.onset) > 860
    assert np.allclose([o["onset"] for o in beats], offline.onset, rtol=0, atol=1e-9)
    rr = np.array([np.nan if o["rr_ms"] is None else o["rr_ms"] for o in beats])
    assert np.allclose(rr, offline.rr_ms, rtol=1e-12, equal_nan=True)
    assert np.nanmax(rr) < 2000
