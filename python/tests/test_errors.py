"""Failures become psyphys.Error with the library's reason; bad input never crashes."""
import os

import numpy as np
import pytest

import psyphys
from conftest import BUNDLED


def test_missing_file(tmp_path):
    with pytest.raises(psyphys.Error) as e:
        psyphys.read(tmp_path / "none.edf")
    assert e.value.status == "io"
    assert str(tmp_path / "none.edf") in str(e.value)


def test_malformed(tmp_path):
    bad = tmp_path / "bad.edf"
    bad.write_bytes(b"0       " + b"x" * 300)
    with pytest.raises(psyphys.Error) as e:
        psyphys.read(bad)
    assert e.value.status in ("format", "truncated", "unknown_format")
    assert e.value.reason and e.value.reason in str(e.value)
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(psyphys.Error):
        psyphys.beats(junk)


def test_settings_refused():
    with pytest.raises(psyphys.Error) as e:
        psyphys.hrv(BUNDLED, preset="nonesuch")
    assert e.value.status == "not_found"
    with pytest.raises(psyphys.Error) as e:
        psyphys.hrv(BUNDLED, resample_hz=-1)
    assert "resample" in e.value.reason  # the library names the setting
    with pytest.raises(TypeError):
        psyphys.hrv(BUNDLED, no_such_setting=1)
    with pytest.raises(psyphys.Error) as e:
        psyphys.eda(BUNDLED, min_rise_s=10, max_rise_s=1)
    assert e.value.status == "invalid"


def test_channels():
    with pytest.raises(psyphys.Error) as e:
        psyphys.beats(BUNDLED, channel="nope")
    assert e.value.status == "not_found" and "'ECG', 'EDA'" in e.value.reason
    with pytest.raises(KeyError):
        psyphys.read(BUNDLED).channel("nope")
    with pytest.raises(psyphys.Error) as e:
        psyphys.read(BUNDLED, units={"nope": "mV"})
    assert e.value.status == "not_found" and BUNDLED in str(e.value)
    with pytest.raises(psyphys.Error) as e:
        psyphys.beats(BUNDLED, channel="EDA")  # a known other type is refused, with the reason
    assert "EDA" in e.value.reason
    with pytest.raises(psyphys.Error):
        psyphys.eda(np.full(10, np.nan), fs=0.5)


def test_stream_errors():
    with pytest.raises(psyphys.Error) as e:
        psyphys.Stream()
    assert e.value.status == "invalid"
    s = psyphys.Stream(ecg_rate_hz=250)
    with pytest.raises(psyphys.Error):
        s.push_eda(np.zeros(10))
    s.finish()
    with pytest.raises(psyphys.Error):
        s.push_ecg(np.zeros(10))


def test_hrv_nothing_to_analyse():
    with pytest.raises(psyphys.Error) as e:
        psyphys.hrv(np.array([800.0]), window=60)
    assert e.value.status == "too_short" and "window" in e.value.reason
