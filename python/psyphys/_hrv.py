"""psyphys.hrv: heart rate variability as `psyphys hrv --json` gives it."""
import math

import numpy as np

from . import _core
from ._beats import Beats, as_recording
from ._recording import Recording, error, read

SPECTRA = (("welch", 1), ("lomb", 2), ("ar", 4))
PSD = {"both": 3, "all": 7, "welch": 1, "lomb": 2, "ar": 4}
DETREND = {"none": 0, "linear": 1, "smoothness": 2}
KEYS = _core.Hrv.keys()


class HrvResult(dict):
    """A row of `psyphys hrv --json`: onset, duration, n_nn, nn_corrected_pct, every key (None
    for n/a), the spectra nested under "welch", "lomb", "ar" when several were computed, and
    na_reasons. Also: counts (beats, intervals, corrected, skipped, classes), settings,
    beat_classes (for a beats table, what gave its beats' classes: its labels, or classified here;
    the sidecar's "beat_classes"; None for other sources), spectra {method: (frequency_hz,
    psd_ms2_per_hz)} of the whole series, pulses (True: the intervals are a PPG's pulse
    intervals, so the values are pulse rate variability) and variability (then the sidecar's
    note on PRV, else None)."""


def _series_of_rr(rr_ms, t_s):
    """An RR list given as an array, as `psyphys hrv` reads the same list from a text file: the
    intervals of an irregular RR channel ending at their running sum."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    if t_s is None:
        s = rr * 0.001
        t_s, rr = np.cumsum(s), s * 1e3
    return Recording.from_arrays([dict(label="RR", type="RR", unit="ms", data=rr, times=t_s)])


def _series(src, correction, fs, channel, t, annotations, read_options):
    """The series to analyse (psyphys/hrv_series.h), built as `psyphys hrv` builds it, and the
    recording it comes from (its gaps rule the windows) or None."""
    ann = {None: -1, "beats": 0, "all": 1}.get(annotations)
    if ann is None:
        raise ValueError(f"annotations is beats or all, not {annotations!r}")
    if isinstance(src, Beats):
        return _core.hrv_series_beats(src._d["list"], correction), None
    if isinstance(src, (str, bytes)) or hasattr(src, "__fspath__"):
        series = _core.hrv_series_table(str(src), correction)  # the table's labels honoured
        if series is not None:
            return series, None
        # with its annotations (a WFDB annotation record's beats); fs: the rate of a file without one
        src = read(src, fs=fs or 0.0, **read_options)
    elif not isinstance(src, Recording):
        src = as_recording(src, fs) if fs is not None else _series_of_rr(src, t)
    return _core.hrv_series_reader(src._reader, channel, ann, correction), src


def _num(v):
    return None if math.isnan(v) else float(v)


def _row(onset, duration, r, spectra, recorded_pct=None):
    """A row as cmd_hrv's row_json builds it (recorded_pct: a window's of a recording with gaps)."""
    row = {"onset": onset, "duration": duration, "n_nn": r["n_nn"],
           "nn_corrected_pct": _num(r["nn_corrected_pct"])}
    if recorded_pct is not None:
        row["recorded_pct"] = math.floor(recorded_pct * 100 + 0.5) / 100  # as C round() for >= 0
    asked = [(name, flag) for name, flag in SPECTRA if spectra & flag]
    nest = len(asked) > 1
    values, na = r["values"]
    for k, (name, freq) in enumerate(KEYS):
        if not nest or not freq:
            row[name] = _num(values[k])
    for name, _ in asked if nest else ():
        v = r[name][0]
        row[name] = {key: _num(v[k]) for k, (key, freq) in enumerate(KEYS) if freq}
    reasons = {KEYS[k][0]: why for k, why in enumerate(na) if why is not None}
    for name, _ in asked[1:]:
        for k, why in enumerate(r[name][1]):
            if why is not None and KEYS[k][1]:
                reasons[f"{name}_{KEYS[k][0]}"] = why
    row["na_reasons"] = reasons
    return row


def hrv(src, preset="default", correction=None, window=None, step=None, psd=None, detrend=None,
        fs=None, channel=None, t=None, annotations=None, **settings):
    """HRV of an NN series: exactly the values of `psyphys hrv --json` for the same input and
    settings.

    src: NN/RR intervals in ms (an array; t: their end times in s, default the running sum, as
    an RR list file), a Beats (psyphys.beats), a Recording, a path (a recording, an RR list, a
    beats table, a WFDB annotation record without signals: its annotations are the beats), or an
    ECG array with fs. channel: a label (default: the first ECG, else RR, else PPG channel: pulse
    rate variability); annotations: beats (default) | all, for annotation records. preset: default | kubios | neurokit | pcst;
    correction: lipponen (default) | pcst (default of the pcst preset) | none; window, step (s):
    a list of rows, one per window, instead of one row; psd: both | all | welch | lomb | ar;
    detrend: smoothness | linear | none; any psy_hrv_config setting by name (resample_hz,
    lambda, welch_segment_s, welch_overlap, lomb_oversampling, sdann_window_s, entropy_m,
    entropy_r_sd, max_corrected_pct, keep_corrected, ...). Read options (format, fs, ...) go to
    psyphys.read for paths."""
    read_options = {k: settings.pop(k) for k in list(settings)
                    if k in ("format", "override_fs", "sidecar", "use_libedf", "channel_types", "units")}
    if psd is not None:
        settings["spectra"] = PSD[psd]
    if detrend is not None:
        settings["detrend"] = DETREND[detrend]
    if step is not None and window is None:
        raise ValueError("step needs window")
    if window is not None:
        step = window if step is None else step
        if window < 10 or step < 1:
            raise ValueError("window needs at least 10 s and step at least 1 s")
    h = _core.Hrv(preset, **settings)
    pcst = preset == "pcst"
    correction = correction or ("pcst" if pcst else "lipponen")
    series, recording = _series(src, correction, fs, channel, t, annotations, read_options)
    nn, tt, flags, t_first = series["nn_ms"], series["t"], series["corrected"], series["t_first"]
    counts = dict(beats=series["beats"], intervals=len(nn), corrected=series["n_corrected"], skipped=0)
    counts.update({k: v for k, v in series["counts"].items() if k != "left_out"})
    if correction == "lipponen":
        counts["left_out"] = series["counts"]["left_out"]
    if correction == "pcst":
        counts["pcst_removed"] = series["pcst_removed"]
    spectra = h.settings()["spectra"]
    if window is None:
        r = h.compute(nn, tt, flags)
        counts["skipped"] = r["skipped"]
        out = HrvResult(_row(t_first, float(tt[-1] - t_first), r, spectra))
        out.spectra = {name: h.spectrum(name) for name, _ in SPECTRA}
    else:
        reader = recording._reader if recording is not None else None
        wins = _core.hrv_windows(pcst, nn, tt, t_first, float(window), float(step), reader)
        if not wins:
            raise error("too_short", f"the series ({tt[-1] - t_first:.1f} s) is shorter than one window of "
                        f"{window:g} s")
        out = []
        for onset, duration, a, b, na_reason, recorded in wins:
            r = h.compute(nn[a:b], tt[a:b], flags[a:b], na_reason)
            counts["skipped"] += r["skipped"]
            out.append(HrvResult(_row(onset, duration, r, spectra, recorded)))
    for row in out if isinstance(out, list) else [out]:
        row.counts, row.settings = counts, dict(h.settings(), preset=preset, correction=correction)
        row.beat_classes = series.get("beat_classes")
        row.pulses, row.variability = series["pulses"], series["variability"]
    return out
