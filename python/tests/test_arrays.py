"""numpy arrays of any dtype, stride and byte order: converted once to float64 (no copy when
they already are one), the same results as the float64 array of the same values."""
import numpy as np
import pytest

import psyphys
from conftest import BUNDLED


@pytest.fixture(scope="module")
def ecg():
    rec = psyphys.read(BUNDLED)
    return rec.channel("ECG").data, rec.channel("ECG").rate_hz


def same_beats(a, b):
    return (np.array_equal(a.onset, b.onset) and np.array_equal(a.rr_ms, b.rr_ms, equal_nan=True)
            and np.array_equal(a.classes, b.classes) and np.array_equal(a.nn_ms, b.nn_ms))


def variants(x):
    """The same values as other layouts: strided, reversed twice, big-endian, in a 2-D column,
    Fortran order, read-only, a list."""
    wide = np.zeros((len(x), 3))
    wide[:, 1] = x
    spaced = np.zeros(2 * len(x))
    spaced[::2] = x
    ro = x.copy()
    ro.flags.writeable = False
    return {"strided": spaced[::2], "big-endian": x.astype(">f8"), "column": wide[:, 1],
            "fortran": np.asfortranarray(wide)[:, 1], "reversed twice": x[::-1].copy()[::-1],
            "read-only": ro, "list": x.tolist()}


def test_layouts(ecg):
    x, fs = ecg
    want = psyphys.beats(x, fs=fs)
    assert len(want) > 100
    for name, v in variants(x).items():
        assert same_beats(psyphys.beats(v, fs=fs), want), name


@pytest.mark.parametrize("dtype", ["f4", ">f4", "i2", ">i4", "i8", "u2", "f2"])
def test_dtypes(ecg, dtype):
    """Integer and narrow float signals (raw ADC counts, float32 buffers): the beats of their
    values converted to float64."""
    x, fs = ecg
    scale = 1000 if np.dtype(dtype).kind in "iu" else 1
    v = (x * scale + (2000 if np.dtype(dtype).kind == "u" else 0)).astype(dtype)
    assert same_beats(psyphys.beats(v, fs=fs), psyphys.beats(v.astype(np.float64), fs=fs))


def test_rr_dtypes():
    rr = np.round(800 + 50 * np.sin(np.arange(400) / 3.7)).astype(np.int32)
    want = psyphys.hrv(rr.astype(np.float64))
    for v in (rr, rr.astype(">i2"), rr.astype(np.float32), rr.astype(np.float64)[::-1][::-1], list(rr)):
        assert psyphys.hrv(v) == want


def test_no_copy_of_float64():
    """A float64 C-contiguous signal is read in place: the recording sees the caller's array."""
    x = np.sin(np.arange(5000) / 10.0)
    rec = psyphys.Recording.from_arrays([dict(label="ECG", type="ECG", data=x, rate_hz=250.0)])
    x[7] = 42.0
    assert rec.channels[0].data[7] == 42.0


def test_bad_arrays():
    with pytest.raises(ValueError):
        psyphys.beats(np.zeros((10, 10)), fs=250)
    with pytest.raises(ValueError):
        psyphys.beats(np.zeros(100))  # no fs
    with pytest.raises((ValueError, TypeError)):
        psyphys.beats(np.array(["a", "b"]), fs=250)
