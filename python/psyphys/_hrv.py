"""psyphys.hrv: heart rate variability as `psyphys hrv --json` gives it."""
import math

import numpy as np

from . import _core
from ._beats import Beats, beats as detect_beats
from ._recording import Recording, error

SPECTRA = (("welch", 1), ("lomb", 2), ("ar", 4))
PSD = {"both": 3, "all": 7, "welch": 1, "lomb": 2, "ar": 4}
DETREND = {"none": 0, "linear": 1, "smoothness": 2}
KEYS = _core.Hrv.keys()


class HrvResult(dict):
    """A row of `psyphys hrv --json`: onset, duration, n_nn, nn_corrected_pct, every key (None
    for n/a), the spectra nested under "welch", "lomb", "ar" when several were computed, and
    na_reasons. Also: counts (beats, intervals, corrected, skipped, classes), settings, and
    spectra {method: (frequency_hz, psd_ms2_per_hz)} of the whole series."""


def _series_of_rr(rr_ms, t_s):
    """An RR list given as an array, as `psyphys hrv` reads the same list from a text file: the
    intervals of an irregular RR channel ending at their running sum."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    if t_s is None:
        s = rr * 0.001
        t_s, rr = np.cumsum(s), s * 1e3
    return Recording.from_arrays([dict(label="RR", type="RR", unit="ms", data=rr, times=t_s)])


def _series(src, correction, fs, channel, t, read_options):
    """(nn, t, flags, counts) of the input, corrected or raw."""
    if isinstance(src, (str, bytes)) or hasattr(src, "__fspath__"):
        path = str(src)
        table = _core.read_beats_table(path)
        if table is not None:
            onset, rr = table
            counts = dict(beats=len(onset))
            if correction == "lipponen":
                nn, tt, flags, classes = _core.rr_correct_stretches(rr, onset)
                counts.update(classes)
                return nn, tt, flags, counts
            return rr, onset, np.zeros(len(rr), np.uint8), counts
    if not isinstance(src, Beats):
        if not isinstance(src, (str, bytes, Recording)) and not hasattr(src, "__fspath__") and fs is None:
            src = _series_of_rr(src, t)
        src = detect_beats(src, fs=fs, channel=channel, **read_options)
    counts = dict(beats=len(src), **src.counts)
    if correction == "lipponen":
        return src.nn_ms, src.nn_onset, src.nn_corrected, counts
    return src.rr_ms, src.onset, np.zeros(len(src.rr_ms), np.uint8), counts


def _num(v):
    return None if math.isnan(v) else float(v)


def _row(onset, duration, r, spectra):
    """A row as cmd_hrv's row_json builds it."""
    row = {"onset": onset, "duration": duration, "n_nn": r["n_nn"],
           "nn_corrected_pct": _num(r["nn_corrected_pct"])}
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
        fs=None, channel=None, t=None, **settings):
    """HRV of an NN series: exactly the values of `psyphys hrv --json` for the same input and
    settings.

    src: NN/RR intervals in ms (an array; t: their end times in s, default the running sum, as
    an RR list file), a Beats (psyphys.beats), a Recording, a path (a recording, an RR list, a
    beats table), or an ECG array with fs. preset: default | kubios | neurokit | pcst;
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
    if correction not in ("lipponen", "pcst", "none"):
        raise ValueError("correction is lipponen, pcst or none")
    nn, tt, flags, counts = _series(src, correction, fs, channel, t, read_options)
    nn, tt, flags = (np.ascontiguousarray(a) for a in (nn, tt, flags))
    ok = np.isfinite(nn) & (nn > 0)
    t_first = float(tt[ok][0] - nn[ok][0] / 1000.0) if ok.any() else 0.0
    if correction == "pcst":
        nn, tt, removed = _core.rr_clean_pcst(nn, tt)
        flags = np.zeros(len(nn), np.uint8)
        counts["pcst_removed"] = removed
    if not (np.isfinite(nn) & (nn > 0) & (nn <= 10000)).any():
        raise error("too_short", f"no usable NN intervals ({counts['beats']} beats, {len(nn)} intervals): "
                    "nothing to analyse")
    spectra = h.settings()["spectra"]
    counts.update(intervals=len(nn), corrected=int(flags.sum()), skipped=0)
    if window is None:
        r = h.compute(nn, tt, flags)
        counts["skipped"] = r["skipped"]
        out = HrvResult(_row(t_first, float(tt[-1] - t_first), r, spectra))
        out.spectra = {name: h.spectrum(name) for name, _ in SPECTRA}
    else:
        wins = _core.hrv_windows(pcst, nn, tt, t_first, float(window), float(step))
        if not wins:
            raise error("too_short", f"the series ({tt[-1] - t_first:.1f} s) is shorter than one window of "
                        f"{window:g} s")
        out = []
        for onset, duration, a, b, too_little in wins:
            r = h.compute(nn[a:b], tt[a:b], flags[a:b], too_little)
            counts["skipped"] += r["skipped"]
            out.append(HrvResult(_row(onset, duration, r, spectra)))
    for row in out if isinstance(out, list) else [out]:
        row.counts, row.settings = counts, dict(h.settings(), preset=preset, correction=correction)
    return out
