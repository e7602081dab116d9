"""psyphys.beats: R-peaks (or a device's beats), RR intervals, artefact classes, the NN series."""
import json

import numpy as np

from . import _core
from ._recording import Recording, error, read
from ._tables import table

#: Beat classes by their code in Beats.classes (psy_beat_class order).
BEAT_CLASSES = ("N", "ectopic", "missed", "extra", "long", "short")


class Beats:
    """The beats of a channel, as `psyphys beats` gives them.

    table: onset (s), sample (NaN for RR channels), rr_ms (NaN for a stretch's first beat),
    label (N or the artefact class, Lipponen & Tarvainen 2019), corrected (1 where the interval
    differs in the NN series); nn: onset, nn_ms, corrected (the corrected NN series);
    counts: beats per class; n_searchback; amplitude (R amplitude, channel unit); channel;
    sidecar: the JSON sidecar of `psyphys beats -o` as a dict (input SHA-256, every setting,
    counts, gaps, warnings), made on first use; pulses: True for a PPG channel's pulses."""

    def __init__(self, d, channel=None, recording=None, channels=()):
        self._d, self.channel = d, channel
        self._rec, self._chs, self._sidecar = recording, channels, None
        self.counts, self.n_searchback, self.n_gaps = d["counts"], d["n_searchback"], d["n_gaps"]
        self.pulses = bool(d["pulses"])

    @property
    def sidecar(self):
        if self._sidecar is None and self._rec is not None:
            text = _core.beats_sidecar(self._rec._reader, self._rec._path, self._d["list"], *self._chs)
            self._sidecar = json.loads(text)
        return self._sidecar

    @property
    def onset(self):
        return self._d["onset"]

    @property
    def rr_ms(self):
        return self._d["rr_ms"]

    @property
    def classes(self):
        return self._d["class"]

    @property
    def amplitude(self):
        return self._d["amplitude"]

    @property
    def nn_ms(self):
        return self._d["nn_ms"]

    @property
    def nn_onset(self):
        return self._d["nn_onset"]

    @property
    def nn_corrected(self):
        return self._d["nn_corrected"]

    @property
    def table(self):
        sample = self._d["sample"].astype(np.float64)
        sample[self._d["sample"] < 0] = np.nan
        return table(dict(onset=self.onset, sample=sample, rr_ms=self.rr_ms,
                          label=np.array([BEAT_CLASSES[c] for c in self.classes], dtype=object),
                          corrected=self._d["corrected"].astype(np.int64)))

    @property
    def nn(self):
        return table(dict(onset=self.nn_onset, nn_ms=self.nn_ms,
                          corrected=self.nn_corrected.astype(np.int64)))

    def __len__(self):
        return len(self.onset)

    def __repr__(self):
        return f"<Beats {len(self)} beats, {len(self.nn_ms)} NN intervals, counts {self.counts}>"


HEART = ("ECG", "RR", "PPG")  # psyphys beats' choice; a second lead: ECG or RR


def as_recording(src, fs=None, kind="ECG", **read_options):
    """A Recording from a path, a Recording, or a 1-D signal array sampled at fs Hz (read in
    place: one conversion to float64 at most)."""
    if isinstance(src, Recording):
        return src
    if isinstance(src, (str, bytes)) or hasattr(src, "__fspath__"):
        return read(src, **read_options)
    if fs is None:
        raise ValueError("an array needs its sampling rate: fs=HZ")
    unit = "uS" if kind == "EDA" else None
    return Recording.from_arrays([dict(label=kind, type=kind, unit=unit, data=src, rate_hz=float(fs))])


def beats(src, fs=None, channel=None, **read_options):
    """The beats of a recording's ECG (or RR) channel: src is a path (opened with read_options,
    as psyphys.read), a Recording, or an ECG signal array sampled at fs Hz. channel: a label
    (default: the first ECG channel, else the first RR), or two labels for two ECG leads at one
    rate. Gives exactly the table of `psyphys beats`."""
    rec = as_recording(src, fs, **({"skip_annotations": True, **read_options}
                                   if isinstance(src, (str, bytes)) or hasattr(src, "__fspath__")
                                   else read_options))
    labels = channel if isinstance(channel, (list, tuple)) else [channel]
    if len(labels) > 2:
        raise ValueError("at most two channels (two ECG leads)")
    chs = [rec.pick(label, HEART if k == 0 else HEART[:2]) for k, label in enumerate(labels)]
    if len(chs) == 2 and rec.channels[chs[0]].type == "PPG":
        raise error("invalid", f"two channels combine two ECG leads; '{labels[0]}' is a PPG channel")
    d = _core.beats(rec._reader, *chs)
    return Beats(d, rec.channels[chs[0]].label, rec, chs)


def load_beat_times(path, fs=None, override_fs=False):
    """The beat times (s, ascending, a numpy array) of a file as `psyphys score-beats` reads its
    REF and TEST: a TSV/CSV table with an 'onset' (s) or 'sample' column (rows whose 'label' is
    a WFDB non-beat code left out), rdann text, a WFDB annotation file (its record's .hea gives
    the rate, else fs; override_fs: fs replaces the header's), a vendor's beat list or a Holter
    folder. fs: the rate (Hz) of sample numbers. Raises psyphys.Error with the reason."""
    return _core.load_beat_times(path, float(fs or 0.0), bool(override_fs))
