"""psyphys.load_beat_times reads what `psyphys score-beats` reads, with the library's refusals."""
import json
import os

import numpy as np
import pytest

import psyphys
from conftest import BUNDLED, shared


def test_table_as_score_beats(cli, tmp_path):
    table = tmp_path / "b.tsv"
    cli("beats", BUNDLED, "-o", table)
    times = psyphys.load_beat_times(table)
    assert times.dtype == np.float64 and len(times) > 100 and np.all(np.diff(times) >= 0)
    scored = json.loads(cli("score-beats", "--ref", table, "--test", table, "--from", 0, "--json"))
    assert scored["n_reference"] == len(times)
    np.testing.assert_allclose(times, psyphys.beats(BUNDLED).onset, rtol=0, atol=5e-7)  # 6 decimals


def test_samples_labels_and_refusals(tmp_path):
    samples = tmp_path / "s.csv"
    samples.write_text("sample,label\n100,N\n150,~\n200,V\n")
    np.testing.assert_array_equal(psyphys.load_beat_times(samples, fs=100), [1.0, 2.0])
    with pytest.raises(psyphys.Error) as e:
        psyphys.load_beat_times(samples)
    assert e.value.status == "invalid" and "give their rate" in e.value.reason
    bad = tmp_path / "bad.tsv"
    bad.write_text("onset\n1\nx\n")
    with pytest.raises(psyphys.Error) as e:
        psyphys.load_beat_times(bad)
    assert e.value.status == "format" and "line 3: 'x' is not a number" in e.value.reason
    with pytest.raises(psyphys.Error) as e:
        psyphys.load_beat_times(tmp_path / "none.tsv")
    assert e.value.status == "io"


def test_paths_in_any_form(tmp_path):
    # a name that is not UTF-8 (bytes, as os.fsencode gives it) reaches the file, not a mangled copy
    table = tmp_path.as_posix().encode() + b"/beats-\xff.tsv"
    with open(table, "w") as f:
        f.write("onset\n0.5\n1.5\n")
    np.testing.assert_array_equal(psyphys.load_beat_times(table), [0.5, 1.5])
    np.testing.assert_array_equal(psyphys.load_beat_times(os.fsdecode(table)), [0.5, 1.5])


def test_mitdb_annotations():
    atr = shared("mitdb", "100.atr")
    assert len(psyphys.load_beat_times(atr, fs=100)) == 2273  # the header's 360 Hz wins
    np.testing.assert_allclose(psyphys.load_beat_times(atr, fs=100, override_fs=True)[:3] * 100 / 360,
                               psyphys.load_beat_times(atr)[:3])
