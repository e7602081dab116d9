"""psyphys.read: a recording's channels, start, events and warnings."""
import datetime

import numpy as np

from . import _core
from . import _tables


def error(status, reason, what=None):
    """A psyphys.Error as the library's: .status, .reason, and the message "what: reason"."""
    e = _core.Error(f"{what}: {reason}" if what else reason)
    e.status, e.reason = status, reason
    return e
from ._tables import table


class Channel:
    """One channel: label, type (ECG, EDA, RESP, ...), unit, rate_hz (0: irregular, e.g. RR
    lists), and its samples as a float64 numpy array in that unit (NaN = missing), read on first
    use. `times` gives each sample's time in seconds from the recording start."""

    def __init__(self, reader, index, info):
        self._reader, self.index = reader, index  # the reader, not the Recording: no cycle
        self.label, self.type, self.unit = info["label"], info["type"], info["unit"]
        self.file_unit, self.rate_hz, self.frames = info["file_unit"], info["rate_hz"], info["frames"]
        self.physical_range = (info["physical_min"], info["physical_max"])
        self._data = None

    @property
    def data(self):
        if self._data is None:
            self._data = self._reader.read(self.index)
        return self._data

    @property
    def times(self):
        return self._reader.read(self.index, True)

    def __repr__(self):
        rate = f"{self.rate_hz:g} Hz" if self.rate_hz > 0 else "irregular"
        return f"<Channel {self.label!r} {self.type} {self.unit!r} {rate}, {self.frames} samples>"


class Recording:
    """An open recording (psyphys.read, or Recording.from_arrays). channels, start (a datetime:
    aware where the file's clock has a zone: UTC where it counts Unix time (Movesense, Empatica
    E4, a CSV time column in Unix seconds), the stated offset where it gives one (a Garmin log's
    +02:00); naive, the file's wall clock, where it gives no zone (EDF); None when it gives
    no start), duration_s, format, events (a DataFrame, or a list of dicts without pandas:
    onset, duration (s, NaN when none), label, detail, source (annotation, wfdb, file, trigger,
    device, marker), sample (-1 when none), channel (-1 when none), code (WFDB), session (True
    for a session event)), warnings, files."""

    def __init__(self, reader, path=None):
        self._reader, self._path = reader, path  # the path as given (for sidecars)
        self.channels = [Channel(reader, i, c) for i, c in enumerate(reader.channels())]

    @classmethod
    def from_arrays(cls, channels, events=()):
        """A recording of the caller's arrays, read in place (one conversion to float64 at most):
        channels is a list of dicts with label, data, rate_hz (or times for an irregular channel,
        e.g. RR intervals), and optionally type and unit; events a list of (onset, duration,
        label)."""
        specs = []
        for c in channels:
            times = c.get("times")
            specs.append((c["label"], c.get("type"), c.get("unit"), float(c.get("rate_hz", 0.0)),
                          c["data"], times))
        ev = [(float(o), float("nan") if d is None else float(d), str(lab)) for o, d, lab in events]
        return cls(_core.reader_from_arrays(specs, ev))

    @property
    def format(self):
        return self._reader.format()

    @property
    def duration_s(self):
        return self._reader.duration()

    @property
    def start(self):
        t = self._reader.start()
        if t is None:
            return None
        y, mo, d, h, mi, s, ns, east_min = t
        zone = None if east_min is None else datetime.timezone(datetime.timedelta(minutes=east_min))
        return datetime.datetime(y, mo, d, h, mi, s, ns // 1000, tzinfo=zone)

    @property
    def events(self):
        rows = [dict(onset=o, duration=np.nan if d is None else d, label=lab, detail=det, source=src,
                     sample=smp, channel=ch, code=code, session=bool(ses))
                for o, d, lab, det, src, smp, ch, code, ses in self._reader.events()]
        if _tables.have_pandas() is None:
            return rows
        return table({k: [r[k] for r in rows] for k in
                      ("onset", "duration", "label", "detail", "source", "sample", "channel", "code",
                       "session")})

    @property
    def warnings(self):
        return self._reader.warnings()

    @property
    def files(self):
        return self._reader.files()

    def channel(self, label):
        """The channel with this label (case-insensitive), or KeyError."""
        i = self._reader.find_channel(label)
        if i < 0:
            raise KeyError(f"no channel labelled {label!r}; it has "
                           + ", ".join(repr(c.label) for c in self.channels))
        return self.channels[i]

    def pick(self, label, types):
        """The index of the channel to analyse, as the psyphys command chooses it
        (psy_reader_pick_channel): the one labelled `label` (refused when its type is another
        known type), else the first of `types`, in order."""
        return self._reader.pick_channel(label, list(types))

    def load_events(self, path, offset=0.0, columns=None):
        """Adds the session events of an event file (BIDS _events.tsv, CSV/TSV markers), its
        onsets shifted by offset s, its columns named by columns {"onset": col, "duration": col,
        "label": col} (default: by their names). Returns what was read (columns, n_events)."""
        cols = columns or {}
        return self._reader.load_events(str(path), float(offset), cols.get("onset"), cols.get("duration"),
                                        cols.get("label"))

    def close(self):
        self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<Recording {self.format}, {self.duration_s:.1f} s, {len(self.channels)} channels>"


def read(path, format=None, fs=0.0, override_fs=False, sidecar=None, use_libedf=True,
         channel_types=None, units=None, events=None, events_offset=0.0, events_columns=None,
         triggers=None, skip_annotations=False):
    """Opens a recording (EDF/BDF, WFDB, WAV/FLAC, CSV/TSV, BIDS physio, RR lists, device
    exports, ...) as `psyphys` does with the same input options: format, fs (Hz, for files
    without a rate), override_fs, sidecar, use_libedf; channel_types {label: type} and units
    {label: unit} (--channel-type, --unit); events (an event file, e.g. BIDS _events.tsv) with
    events_offset (s) and events_columns {"onset": col, "duration": col, "label": col};
    triggers {channel label: None (auto) | "bits" | level} (--trigger)."""
    path = str(path)
    r = _core.Reader(path, format, float(fs), override_fs, sidecar, use_libedf, skip_annotations)
    for opt, specs, setter in (("channel_types", channel_types, r.set_channel_type),
                               ("units", units, r.set_channel_unit)):
        for label, value in (specs or {}).items():
            i = r.find_channel(label)
            if i < 0:
                raise error("not_found", f"{opt}: no channel labelled '{label}'", path)
            setter(i, value)
    for label, how in (triggers or {}).items():
        i = r.find_channel(label)
        if i < 0:
            raise error("not_found", f"triggers: no channel labelled '{label}'", path)
        if how is None:
            r.trigger_events(i)
        elif how == "bits":
            r.trigger_events(i, "bits")
        else:
            r.trigger_events(i, "level", float(how))
    rec = Recording(r, path)
    if events is not None:
        rec.load_events(events, events_offset, events_columns)
    return rec
