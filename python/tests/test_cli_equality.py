"""Every call gives exactly the numbers of the psyphys command on the same input and settings:
the Python values, printed as the CLI prints them, are the CLI's text."""
import json
import math
import os

import numpy as np
import pytest

import psyphys
from conftest import BUNDLED, BUNDLED_EVENTS, shared


def beats_tsv(b):
    """The table as `psyphys beats` writes it."""
    d = b._d
    rows = ["onset\tsample\trr_ms\tlabel\tcorrected"]
    for i in range(len(b)):
        rows.append("\t".join((f"{d['onset'][i]:.6f}", "n/a" if d["sample"][i] < 0 else str(d["sample"][i]),
                               "n/a" if math.isnan(d["rr_ms"][i]) else f"{d['rr_ms'][i]:.3f}",
                               psyphys.BEAT_CLASSES[d["class"][i]], str(d["corrected"][i]))))
    return "\n".join(rows) + "\n"


def as_cli_json(v):
    """A value as `psyphys hrv --json` prints it: reals with 12 significant digits."""
    if isinstance(v, float):
        return float(f"{v:.12g}")
    if isinstance(v, dict):
        return {k: as_cli_json(x) for k, x in v.items()}
    return v


def check_hrv(cli, mine, *args):
    want = json.loads(cli("hrv", *args, "--json"))["windows"]
    got = mine if isinstance(mine, list) else [mine]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert list(g) == list(w)  # the same keys in the same order
        assert as_cli_json(dict(g)) == w


@pytest.mark.parametrize("src", ["bundled", "mitdb/100", "marsh/0017_ecg.hea"])
def test_beats(cli, src, tmp_path):
    path = BUNDLED if src == "bundled" else shared(*src.split("/")) if src.endswith(".hea") \
        else shared("mitdb", "100.hea")
    b = psyphys.beats(path)
    assert beats_tsv(b) == cli("beats", path)
    out = tmp_path / "b.tsv"
    cli("beats", path, "-o", out, "--nn", tmp_path / "nn.tsv")
    nn = (tmp_path / "nn.tsv").read_text().splitlines()[1:]
    assert nn == [f"{t:.6f}\t{v:.3f}\t{c}" for t, v, c in zip(b.nn_onset, b.nn_ms, b.nn_corrected)]
    # a Recording and an array give the same beats
    rec = psyphys.read(path)
    ch = rec.pick(None, ("ECG", "RR"))
    assert beats_tsv(psyphys.beats(rec)) == beats_tsv(b)
    c = rec.channels[ch]
    assert beats_tsv(psyphys.beats(c.data, fs=c.rate_hz)) == beats_tsv(b)


@pytest.mark.parametrize("src", ["bundled", "wesad_wrist/S2/S2_E4_Data/BVP.csv"])
def test_beats_sidecar(cli, src, tmp_path):
    """The sidecar of `psyphys beats -o`, byte for byte as JSON; a PPG channel gives its pulses."""
    path = BUNDLED if src == "bundled" else shared(*src.split("/"))
    cli("beats", path, "-o", tmp_path / "b.tsv")
    b = psyphys.beats(path)
    assert b.sidecar == json.loads((tmp_path / "b.json").read_text())
    assert b.pulses == (src != "bundled")
    assert b.sidecar["input"]["sha256"] and b.sidecar["counts"]["beats"] == len(b)
    assert beats_tsv(b).splitlines()[1:] == [
        "\t".join(row.split("\t")[:5]) for row in (tmp_path / "b.tsv").read_text().splitlines()[1:]]


def test_hrv_bundled(cli):
    b = psyphys.beats(BUNDLED)
    check_hrv(cli, psyphys.hrv(b), BUNDLED)
    check_hrv(cli, psyphys.hrv(BUNDLED, preset="neurokit"), BUNDLED, "--preset", "neurokit")
    check_hrv(cli, psyphys.hrv(b, psd="all", correction="none"), BUNDLED, "--psd", "all", "--correction", "none")
    check_hrv(cli, psyphys.hrv(b, psd="lomb"), BUNDLED, "--psd", "lomb")  # one spectrum: not nested
    check_hrv(cli, psyphys.hrv(b, max_corrected_pct=1, keep_corrected=1, sdann_window_s=60), BUNDLED,
              "--max-corrected-pct", 1, "--keep-corrected", "--sdann-window", 60)
    check_hrv(cli, psyphys.hrv(b, max_corrected_pct=1), BUNDLED, "--max-corrected-pct", 1)


def test_hrv_beats_table(cli, tmp_path):
    table = tmp_path / "beats.tsv"
    cli("beats", BUNDLED, "-o", table)
    check_hrv(cli, psyphys.hrv(table), table)
    check_hrv(cli, psyphys.hrv(table, correction="pcst"), table, "--correction", "pcst")
    # labels edited by hand are honoured alike (a normal beat marked ectopic, one marked extra)
    rows = table.read_text().splitlines()
    for k, label in ((50, "ectopic"), (80, "extra")):
        cells = rows[k].split("\t")
        rows[k] = "\t".join(cells[:3] + [label] + cells[4:])
    edited = tmp_path / "edited.tsv"
    edited.write_text("\n".join(rows) + "\n")
    mine = psyphys.hrv(edited)
    check_hrv(cli, mine, edited)
    assert mine.counts["extra"] == 1 and mine.beat_classes.startswith("the table's labels")
    onset, rr, labels = psyphys._core.read_beats_table(str(edited))
    assert len(labels) == len(onset) == len(rr) and labels[49] == "ectopic" and labels[79] == "extra"


def test_hrv_rr_array(cli, tmp_path):
    """An RR array gives what the same list as a text file gives."""
    rr = np.round(800 + 60 * np.sin(np.arange(600) / 4.1) + 30 * np.sin(np.arange(600) / 23.0))
    rr[300] = 1600  # a missed beat
    path = tmp_path / "rr.txt"
    path.write_text("".join(f"{v:g}\n" for v in rr))
    check_hrv(cli, psyphys.hrv(rr), path)
    check_hrv(cli, psyphys.hrv(rr, window=120, step=60), path, "--window", 120, "--step", 60)
    check_hrv(cli, psyphys.hrv(rr, preset="kubios", welch_segment_s=120, entropy_r_sd=0.15), path,
              "--preset", "kubios", "--welch-segment", 120, "--entropy-r", 0.15)


def test_hrv_mitdb(cli):
    path = shared("mitdb", "100.hea")
    b = psyphys.beats(path)
    check_hrv(cli, psyphys.hrv(b), path)
    check_hrv(cli, psyphys.hrv(b, window=300, step=150), path, "--window", 300, "--step", 150)
    check_hrv(cli, psyphys.hrv(b, preset="pcst", window=300), path, "--preset", "pcst", "--window", 300)
    check_hrv(cli, psyphys.hrv(b, preset="neurokit", detrend="linear", psd="welch"), path,
              "--preset", "neurokit", "--detrend", "linear", "--psd", "welch")


def test_hrv_device_ibi(cli):
    path = shared("wesad_wrist", "S2", "S2_E4_Data", "IBI.csv")
    check_hrv(cli, psyphys.hrv(path), path)


def test_hrv_annotation_record(cli, tmp_path):
    """A WFDB annotation record without signals: its annotations are the beats, as in the CLI."""
    cli("beats", BUNDLED, "-o", tmp_path / "wb.tsv", "--format", "wfdb")
    qrs = tmp_path / "wb.qrs"
    check_hrv(cli, psyphys.hrv(qrs, fs=100), qrs, "--fs", 100)
    check_hrv(cli, psyphys.hrv(qrs, fs=100, correction="none", annotations="all", preset="pcst"), qrs,
              "--fs", 100, "--correction", "none", "--annotations", "all", "--preset", "pcst")
    with pytest.raises(psyphys.Error, match="annotation record"):
        psyphys.hrv(BUNDLED, annotations="all")


@pytest.mark.parametrize("correction", ["lipponen", "pcst", "none"])
def test_hrv_counts(cli, tmp_path, correction):
    """The counts are the sidecar's."""
    cli("hrv", BUNDLED, "--correction", correction, "-o", tmp_path / "h.tsv")
    assert psyphys.hrv(BUNDLED, correction=correction).counts == json.loads((tmp_path / "h.json").read_text())["counts"]


def test_hrv_pcst_nsr2db(cli):
    path = shared("pcst_hrv_reference", "nsr2db", "nsr004.hea")
    mine = psyphys.hrv(path, fs=125, override_fs=True, annotations="all", preset="pcst", window=300, step=30)
    check_hrv(cli, mine, path, "--fs", 125, "--override-fs", "--annotations", "all", "--preset", "pcst",
              "--window", 300, "--step", 30)
    assert mine[0].counts["beats"] > 1000 and "pcst_removed" in mine[0].counts


def test_hrv_ppg(cli, tmp_path):
    """No ECG or RR channel: the pulses of the PPG channel (pulse rate variability), as the CLI;
    the result says it is PRV as the command's sidecar does, from a path, a Recording, the pulses
    and their beats table (ux21b F20: no mark)."""
    path = shared("wesad_wrist", "S2", "S2_E4_Data", "BVP.csv")
    check_hrv(cli, psyphys.hrv(path), path)
    cli("hrv", path, "-o", tmp_path / "h.tsv")
    note = json.loads((tmp_path / "h.json").read_text())["variability"]
    cli("beats", path, "-o", tmp_path / "pulses.tsv")
    b = psyphys.beats(path)
    for h in (psyphys.hrv(path), psyphys.hrv(psyphys.read(path)), psyphys.hrv(b), psyphys.hrv(tmp_path / "pulses.tsv"),
              *psyphys.hrv(b, window=300)):
        assert h.pulses is True and h.variability == note and note.startswith("pulse rate variability (PRV)")
    for h in (psyphys.hrv(BUNDLED), psyphys.hrv(psyphys.beats(BUNDLED)), psyphys.hrv([800.0] * 100)):
        assert h.pulses is False and h.variability is None


def eda_check(cli, tmp_path, path, mine, *args):
    scr, ep, seg = tmp_path / "scr.tsv", tmp_path / "ep.tsv", tmp_path / "seg.tsv"
    summary = json.loads(cli("eda", path, *args, "--json", "-o", scr, "--epochs", ep, "--segments", seg,
                             "--overwrite"))
    f = lambda v, d: "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{d}f}"
    s = mine._d["scr"]
    assert scr.read_text().splitlines()[1:] == [
        f"{s['onset'][i]:.4f}\t{s['peak_onset'][i]:.4f}\t{s['amplitude_us'][i]:.5f}\t{s['rise_time_s'][i]:.4f}\t"
        + f(s["half_recovery_s"][i], 4) for i in range(len(s["onset"]))]
    assert ep.read_text().splitlines()[1:] == [
        f"{lab}\t{on:.4f}\t{f(found, 0)}\t{f(amp, 5)}\t{f(lat, 4)}\t{f(rise, 4)}\t{f(peak, 4)}\t{f(scl, 5)}"
        for lab, on, found, amp, lat, rise, peak, scl in mine._d["epochs"]]
    keys = ("scl_us", "scr_count", "ns_scr_count", "ns_scr_per_min", "excluded_s", "scr_amplitude_mean_us",
            "scr_amplitude_sum_us", "phasic_driver_area_us_s")
    assert seg.read_text().splitlines()[1:] == [
        f"{lab}\t{on:.4f}\t{dur:.4f}\t" + "\t".join(f(v[k], 0 if k in ("scr_count", "ns_scr_count", "excluded_s")
                                                      else 5) for k in keys)
        for lab, on, dur, v in mine._d["segments"]]

    def close(a, b):  # --json prints 10 significant digits
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
        if isinstance(a, float) and isinstance(b, (int, float)):
            return float(f"{a:.10g}") == b
        return a == b
    assert close(mine.summary, summary), (mine.summary, summary)
    side = json.loads((tmp_path / "scr.json").read_text())["settings"]
    assert side["scr"]["min_amplitude_us"] == mine.settings["min_amplitude_us"]
    assert side["event_related"]["latency_window_s"] == list(mine.settings["latency_window_s"])
    assert side["preprocessing"]["lowpass_hz"] == mine.settings["lowpass_hz"]


def test_eda_bundled(cli, tmp_path):
    eda_check(cli, tmp_path, BUNDLED, psyphys.eda(BUNDLED, events=BUNDLED_EVENTS), "--events", BUNDLED_EVENTS)
    eda_check(cli, tmp_path, BUNDLED, psyphys.eda(BUNDLED, method="deconv", min_amplitude_us=0.05, latency=(1, 3)),
              "--method", "deconv", "--min-amplitude", 0.05, "--latency", "1,3")


def test_eda_wesad(cli, tmp_path):
    path = shared("wesad_wrist", "S2", "S2_E4_Data", "EDA.csv")
    eda_check(cli, tmp_path, path, psyphys.eda(path))


ANALYZE = [((), {}),
           (("--events", BUNDLED_EVENTS), dict(events=BUNDLED_EVENTS)),  # repeats the EDF's: skipped, said
           (("--segments", "markers", "--eda-method", "deconv"), dict(segments="markers", eda_method="deconv")),
           (("--segments", "window:30:15", "--epochs", "Negative", "--pre", 2, "--post", 8, "--latency", "1:3"),
            dict(segments="windows", window=30, step=15, epochs=["Negative"], pre=2, post=8, latency=(1, 3)))]


@pytest.mark.parametrize("args,kw", ANALYZE)
def test_analyze(cli, tmp_path, args, kw):
    """The tables are the files `psyphys analyze` writes, byte for byte."""
    out = tmp_path / "out"
    cli("analyze", BUNDLED, *args, "-o", out)
    s = psyphys.analyze(BUNDLED, **kw)
    files = sorted(os.listdir(out))
    # every table the CLI writes (the beats apart: s.beats)
    assert {f.rsplit("_", 1)[1][:-4] for f in files if f.endswith(".tsv")} == set(s.tables) | {"beats"}
    for name in s.tables:
        match = [f for f in files if f.endswith(f"_{name}.tsv")]
        assert len(match) == 1, (name, files)
        assert s.tsv(name) == (out / match[0]).read_text()
    beats = [f for f in files if f.endswith("_beats.tsv")]
    assert beats_tsv(s.beats) == (out / beats[0]).read_text()
    seg = s["segments"]
    assert seg["label"][0] == "recording"
    # the sidecars: the CLI's, less what the command adds about its own options
    for name in s.tables:
        want = json.loads((out / [f for f in files if f.endswith(f"_{name}.json")][0]).read_text())
        for key in ("layout", "input_options"):
            del want["settings"][key]
        assert s.sidecars[name] == want
    assert s.metadata["input"]["sha256"] == want["input"]["sha256"]
    assert s.metadata["warnings"] == want["warnings"] and s.metadata["settings"] == want["settings"]


def test_analyze_bids_pairing(cli, tmp_path):
    """A BIDS EEG recording and its run's _events.tsv beside it: paired as the CLI pairs them (the
    events both give count once), and an --events naming that file is read once."""
    import shutil
    root = tmp_path / "ds"
    (root / "sub-03" / "eeg").mkdir(parents=True)
    shutil.copy(os.path.join(os.path.dirname(BUNDLED), "..", "tests", "data", "bids", "dataset_description.json"),
                root)
    eeg = root / "sub-03" / "eeg" / "sub-03_task-demo_run-1_eeg.edf"
    shutil.copy(BUNDLED, eeg)
    ev = root / "sub-03" / "eeg" / "sub-03_task-demo_run-1_events.tsv"
    ev.write_text(open(BUNDLED_EVENTS).read() + "70.00\t0\tExtra\n")
    cli("analyze", eeg, "-o", tmp_path / "out")
    stem = tmp_path / "out" / "sub-03" / "eeg" / "sub-03_task-demo_run-1"
    for s in (psyphys.analyze(eeg), psyphys.analyze(eeg, events=ev)):
        assert s.tsv("epochs") == open(f"{stem}_epochs.tsv").read()
        assert "Extra" in list(s["epochs"]["label"])
        want = json.loads(open(f"{stem}_epochs.json").read())
        assert s.sidecars["epochs"]["skipped_events"] == want["skipped_events"]


def test_analyze_marsh(cli, tmp_path):
    path = shared("marsh", "0017_ecg.hea")
    out = tmp_path / "out"
    cli("analyze", path, "-o", out)
    s = psyphys.analyze(path)
    for name in s.tables:
        match = [f for f in os.listdir(out) if f.endswith(f"_{name}.tsv")]
        assert s.tsv(name) == (out / match[0]).read_text()


def test_hrv_windows_gaps(cli):
    """A recording with gaps (a Movesense ECG paused for 166 s, with dropouts): the windows in or
    over a gap are n/a with the reason, each row says how much of it is recorded, as the CLI's."""
    path = shared("dyadic_movesense", "data", "234130000594", "ECG-2025_01_25-16_42_59.csv")
    rows = psyphys.hrv(path, window=60, step=30)
    check_hrv(cli, rows, path, "--window", 60, "--step", 30)
    in_gap = [r for r in rows if r["recorded_pct"] == 0]
    assert in_gap and all(r["n_nn"] == 0 and r["na_reasons"]["rmssd_ms"] ==
                          "the window lies in a gap of the recording (no data)" for r in in_gap)
    crossing = [r for r in rows if 85 <= r["recorded_pct"] < 100]
    assert crossing and all(r["n_nn"] > 80 for r in crossing)  # analysed from the part with data
