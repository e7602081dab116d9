"""psyphys.analyze: the session analysis of `psyphys analyze` (psyphys/session.h)."""
import json
import os

from . import _core
from ._beats import Beats
from ._recording import Recording, read
from ._tables import parse_tsv

TABLES = ("segments", "epochs", "epoch-means", "hrv-windows", "scr", "breaths", "pat")


class Session:
    """The results of a session analysis. tables: {name: table} for the tables the run has
    (segments, epochs, epoch-means, hrv-windows, scr, breaths, pat), each exactly the CLI's
    (parsed from the library's TSV, n/a as NaN); tsv(name): the table's text; na_reasons: {name: [(column,
    reason, rows), ...]}; beats (a Beats, or None); warnings; skipped (events that got no
    epoch, and why); channels (the channels used: ecg, eda, rsp, hr labels or None);
    recording; metadata: what every table's sidecar shares (psyphys version, the input and the
    SHA-256 of its files, every setting, warnings, skipped events), sidecars: {name: the table's
    JSON sidecar as `psyphys analyze -o` writes it, less the command's own input options}; both
    None for a recording of arrays."""

    def __init__(self, recording, session):
        self.recording, self._s = recording, session
        res = session.results()
        self.warnings = res["warnings"]
        self.skipped = [dict(label=lab, onset=on, source=src, reason=why) for lab, on, src, why in res["skipped"]]
        self.beats = Beats(res["beats"]) if res["beats"] is not None else None
        self.channels = {k: recording.channels[res[k]].label if res[k] >= 0 else None
                         for k in ("ecg", "eda", "rsp", "hr")}
        base, self.metadata = None, None
        if recording._path is not None:
            base, text = session.sidecar(recording._path)
            self.metadata = json.loads(text)
        self._text, self.na_reasons, self.tables, self.sidecars = {}, {}, {}, {}
        for name in TABLES:
            got = session.table(name, base)
            if got is not None:
                self._text[name], self.na_reasons[name], side = got
                self.tables[name] = parse_tsv(got[0])
                self.sidecars[name] = json.loads(side) if side is not None else None

    def tsv(self, name):
        """The table as the CLI writes it (STEM_<name>.tsv)."""
        return self._text[name]

    def __getitem__(self, name):
        return self.tables[name]

    def __repr__(self):
        return f"<Session tables {list(self.tables)}, {len(self.warnings)} warnings>"


def _read_already(rec, path, paired):
    """Whether the event file is one the recording was read with (a BIDS physio run's
    _events.tsv, or the one paired with a BIDS data file): read once, as the CLI does."""
    same = lambda a: os.path.exists(a) and os.path.exists(path) and os.path.samefile(a, path)
    return any(same(f) for f in list(rec.files) + ([paired] if paired else []))


def analyze(src, events=None, ecg=None, eda=None, rsp=None, hr=None, segments="events", window=0.0, step=0.0,
            epochs=None, pre=None, post=None, latency=None, eda_method="fast", hrv_window=None, hrv_step=None,
            max_corrected_pct=None, keep_corrected=False, **read_options):
    """Runs the session analysis of `psyphys analyze` on src (a path, opened with events and
    read_options as psyphys.read, or a Recording): channel labels ecg/eda/rsp/hr (default: as
    the CLI chooses), segments events | markers | windows (window, step s), epochs (event labels;
    default every session event), pre/post (s around each), latency (min, max s), eda_method
    fast | deconv, hrv_window/hrv_step (s), max_corrected_pct, keep_corrected. The command's
    --segments window:W:STEP is segments="windows", window=W, step=STEP. A BIDS data file's run
    _events.tsv beside it is read with it (psy_bids_events_for), as the command does; events
    naming a file already read are read once."""
    if isinstance(src, Recording):
        rec = src
        if events is not None:
            rec.load_events(events)
    else:
        offset, columns = read_options.pop("events_offset", 0.0), read_options.pop("events_columns", None)
        rec = read(src, **read_options)
        paired = _core.bids_events_for(str(src))  # a BIDS data file's run events, as the CLI pairs them
        if paired is not None:
            rec.load_events(paired)
        if events is not None and not (offset == 0 and _read_already(rec, events, paired)):
            rec.load_events(events, offset, columns)
    step = step or window  # windows every window_s unless said (as --segments window:W)
    kw = dict(ecg=ecg, eda=eda, rsp=rsp, hr=hr, segments=segments, window_s=float(window), step_s=float(step),
              epoch_labels=list(epochs) if epochs is not None else None, eda_method=eda_method,
              keep_corrected=keep_corrected)
    for name, value in (("pre_s", pre), ("post_s", post), ("hrv_window_s", hrv_window), ("hrv_step_s", hrv_step),
                        ("max_corrected_pct", max_corrected_pct)):
        if value is not None:
            kw[name] = float(value)
    if latency is not None:
        kw["latency_min_s"], kw["latency_max_s"] = (float(v) for v in latency)
    for label, types in ((ecg, ("ECG", "RR")), (eda, ("EDA",)), (rsp, ("RESP",)), (hr, ("HR",))):
        if label is not None:
            rec.pick(label, types)
    return Session(rec, _core.Session(rec._reader, **kw))
