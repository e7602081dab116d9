"""psyphys.Stream: live beats, heart rate, rolling HRV and skin conductance for biofeedback."""
import warnings

from . import _core


class Output(dict):
    """One output of Stream.poll(): `type` names it as in the JSON lines of `psyphys stream`.
    `kind`, 0.2.0's name for it, still answers (with a DeprecationWarning) until the next
    version."""

    def __missing__(self, key):
        if key != "kind":
            raise KeyError(key)
        _warn_kind()
        return self["type"]

    def get(self, key, default=None):
        # dict.get does not call __missing__: 0.2.0's `o.get("kind")` must answer too.
        if key == "kind":
            _warn_kind()
            return self["type"]
        return super().get(key, default)


def _warn_kind():
    warnings.warn("psyphys.Stream outputs: 'kind' is now 'type' (as the JSON lines of psyphys stream)",
                  DeprecationWarning, stacklevel=3)


class Stream(_core.Stream):
    """The library's live stream (psyphys/stream.h): push numpy blocks of ECG (push_ecg), skin
    conductance in uS (push_eda) or RR intervals in ms (push_rr), poll() the outputs since the
    last poll (dicts with type beat | hr | label | hrv | scl | scr | status, as the JSON lines
    of `psyphys stream`, and onset in s; hrv and scl dicts say why a value is None in
    na_reasons).
    An hrv line comes every hrv_interval_s (default 5 s; 0: after every NN interval).
    gap(seconds) tells it that samples went missing (a device pause, dropped packets): what is
    pushed after it lies that much later, no beat interval spans it (the first beat after it has
    rr_ms None) and a status dict (condition "time_jump", gap_s) says so. A recording's
    channel with gaps (Recording.channel(...).times) is replayed stretch by stretch with a gap()
    before each, as `psyphys stream --replay` does, and gives the beats of psyphys.beats().
    gap() fills the EDA with missing samples (NaN: SCL None over it; at most 3600 s), so scl and
    scr keep the recording's time axis; `--replay` instead reads the EDA back to back as offline
    psyphys.eda() does (its SCL/SCR onsets after a pause are earlier by the time missing, while
    beats and breaths follow the recording's axis): there the two differ. gap(0) is refused.
    Pushes release the GIL; any thread may push or poll (pushes are serialised among
    themselves, polls among themselves, as the library requires). finish() at the end.

        s = psyphys.Stream(ecg_rate_hz=250)
        while running:
            s.push_ecg(device.read())
            for out in s.poll():
                if out["type"] == "hr": show(out["bpm"])
    """

    def __init__(self, ecg_rate_hz=0.0, eda_rate_hz=0.0, rr_input=False, **settings):
        super().__init__(float(ecg_rate_hz), float(eda_rate_hz), rr_input, **settings)

    def poll(self, max=-1):
        """The outputs made since the last poll, oldest first (at most max when max >= 0)."""
        return [Output(type=o.pop("kind"), **o) for o in super().poll(max)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
