"""The package without pandas (dicts of numpy columns), its example script, its metadata."""
import os
import subprocess
import sys

import numpy as np

import psyphys
from psyphys import _tables
from conftest import BUNDLED, CHECKOUT


def test_without_pandas(monkeypatch):
    monkeypatch.setattr(_tables, "have_pandas", lambda: None)
    b = psyphys.beats(BUNDLED)
    t = b.table
    assert isinstance(t, dict) and isinstance(t["onset"], np.ndarray) and len(t["rr_ms"]) == len(b)
    s = psyphys.analyze(BUNDLED)
    seg = s["segments"]
    assert isinstance(seg, dict) and seg["label"][0] == "recording" and seg["onset"].dtype == np.float64
    e = psyphys.eda(BUNDLED)
    assert isinstance(e.scr, dict) and len(e.scr["onset"]) == e.summary["scr_count"]
    assert isinstance(psyphys.read(BUNDLED).events, list)


def test_recording():
    rec = psyphys.read(BUNDLED)
    assert rec.format.startswith("EDF") and abs(rec.duration_s - 150) < 1e-9
    assert [c.label for c in rec.channels] == ["ECG", "EDA", "Photosensor", "RSP"]
    ecg = rec.channel("ecg")  # case-insensitive
    assert ecg.data.dtype == np.float64 and len(ecg.data) == ecg.frames and ecg.rate_hz == 100
    assert np.allclose(np.diff(ecg.times), 0.01)
    assert len(rec.events) == 4 and rec.warnings == []
    assert psyphys.library_version.count(".") == 2


def test_example(tmp_path):
    out = subprocess.run([sys.executable, os.path.join(CHECKOUT, "python", "examples", "analyze_session.py"),
                          "-o", str(tmp_path / "hr.png")], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "epoch Negative   at   10.24 s: mean HR change -4.2 bpm" in out.stdout
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    assert (tmp_path / "hr.png").stat().st_size > 10000
