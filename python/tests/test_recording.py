"""Recording.events and Recording.start: every column and the start's time zone, against what
`psyphys info --json` says of the same input."""
import datetime
import json
import math
import struct

import numpy as np

import psyphys
from psyphys import _tables
from conftest import BUNDLED, shared

EVENT_COLUMNS = ("onset", "duration", "label", "detail", "source", "sample", "channel", "code", "session")
WFDB_CODES = {"N": 1, "V": 5, "A": 8, "+": 28}  # WFDB's annotation codes (ecgcodes.h)


def event_rows(rec, monkeypatch):
    """The events as the list of dicts of a Python without pandas."""
    with monkeypatch.context() as m:
        m.setattr(_tables, "have_pandas", lambda: None)
        return rec.events


def check_events(cli, monkeypatch, path, *options, **read_options):
    """Each event of psyphys.read(path) against `psyphys info --json` (its onset_s, duration_s,
    label, detail, source, sample): the same values, each column of one type."""
    want = json.loads(cli("info", path, "--json", "--first-events", "-1", *options))["events"]
    rec = psyphys.read(path, **read_options)
    rows = event_rows(rec, monkeypatch)
    assert len(rows) == len(want)
    for r, w in zip(rows, want):
        assert list(r) == list(EVENT_COLUMNS)
        assert float(f"{r['onset']:.12g}") == w["onset_s"]
        assert (math.isnan(r["duration"]) if w["duration_s"] is None
                else float(f"{r['duration']:.12g}") == w["duration_s"])
        assert (r["label"], r["detail"], r["source"]) == (w["label"], w.get("detail", ""), w["source"])
        assert r["sample"] == w.get("sample", -1) and r["session"] == (w["source"] != "wfdb")
        assert r["code"] == (WFDB_CODES[w["label"]] if w["source"] == "wfdb" else 0)
        assert r["channel"] == -1  # neither names a channel (no WFDB CHN annotation)
        assert [type(r[k]) for k in EVENT_COLUMNS] == [float, float, str, str, str, int, int, int, bool]
    if _tables.have_pandas() is not None:
        t = rec.events
        assert [str(t[k].dtype) for k in EVENT_COLUMNS] == [
            "float64", "float64", "object", "object", "object", "int64", "int64", "int64", "bool"]
        assert list(t["source"]) == [w["source"] for w in want]
    return rows


def test_events_of_a_wfdb_record_and_an_events_file(cli, monkeypatch, tmp_path):
    """MIT-BIH 100's annotations (beats N/A/V and rhythm '+' with its '(N' detail) and an events
    file's phases: source, sample, code and session are the library's (ux21b F17: source held the
    address of its name)."""
    ev = tmp_path / "ev.tsv"
    ev.write_text("onset\tduration\ttrial_type\n10\t60\trest\n100.5\tn/a\ttalk\n")
    path = shared("mitdb", "100.hea")
    rows = check_events(cli, monkeypatch, path, "--events", ev, events=ev)
    assert {r["source"] for r in rows} == {"wfdb", "file"}
    assert [r["label"] for r in rows if r["session"]] == ["rest", "talk"]


def test_events_of_edf_annotations(cli, monkeypatch):
    """The bundled EDF+'s annotations: session events with durations, no sample."""
    rows = check_events(cli, monkeypatch, BUNDLED)
    assert len(rows) == 4 and {r["source"] for r in rows} == {"annotation"} and rows[0]["duration"] == 3.0


def test_event_sample_beyond_32_bits(cli, monkeypatch, tmp_path):
    """A WFDB annotation 3e9 samples in (two SKIP annotations of 1.5e9): its sample whole, not cut
    to 32 bits."""
    def word(code, delta):
        return struct.pack("<H", code << 10 | delta)

    def skip(n):  # SKIP (59), then the interval as two 16-bit words, the high one first
        return word(59, 0) + struct.pack("<HH", n >> 16, n & 0xFFFF)

    (tmp_path / "big.hea").write_text("big 0 1000\n")
    (tmp_path / "big.atr").write_bytes(word(1, 5) + skip(1_500_000_000) * 2 + word(5, 0) + word(0, 0))
    rows = check_events(cli, monkeypatch, tmp_path / "big.atr")
    assert [r["sample"] for r in rows] == [5, 3_000_000_005]


def start_of_cli(cli, path):
    """The start `psyphys info --json` gives (ISO 8601, Z or an offset when the zone is known) as
    a datetime cut to microseconds; None when unknown."""
    text = json.loads(cli("info", path, "--json"))["start"]
    if text is None:
        return None
    zone = "+00:00" if text.endswith("Z") else text[-6:] if text[-6] in "+-" else ""
    clock = text[:len(text) - (1 if text.endswith("Z") else len(zone))]
    if "." in clock:
        whole, frac = clock.split(".")
        clock = f"{whole}.{frac[:6]:0<6}"
    return datetime.datetime.fromisoformat(clock + zone)


def test_start_time_zone(cli, tmp_path):
    """start is aware (UTC) where the file counts Unix time, naive where it gives a wall clock
    without a zone (EDF), None where it gives none (ux21b F14: naive for Unix-stamped files, so
    .timestamp() took the machine's zone)."""
    csv = tmp_path / "unix.csv"  # a time column in Unix seconds
    csv.write_text("time,ECG\n" + "".join(f"{1700000000.25 + i * 0.01:.2f},{i % 50 / 50:.2f}\n" for i in range(500)))
    start = psyphys.read(csv).start
    assert start == start_of_cli(cli, csv) and start.tzinfo is not None and start.utcoffset().total_seconds() == 0
    assert start.timestamp() == 1700000000.25
    assert psyphys.read(BUNDLED).start is None  # an anonymised EDF+ ("startdate X")
    utc = [("dyadic_movesense", "data", "234130000540", "ECG-2025_01_25-16_42_59.csv"),
           ("wesad_wrist", "S2", "S2_E4_Data")]
    wall = [("edf_pyedflib", "test_subsecond.edf"), ("edf_pyedflib", "test_generator.edf")]
    for parts in utc + wall:
        path = shared(*parts)
        start = psyphys.read(path).start
        assert start == start_of_cli(cli, path)
        assert (start.tzinfo is not None) == (parts in utc), parts
