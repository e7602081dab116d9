"""psyphys from Python: physiological recordings to beats, HRV, skin conductance and session
tables, numpy arrays in and out, with exactly the numbers of the psyphys command.

    import psyphys
    rec = psyphys.read("session.edf", events="events.tsv")
    b = psyphys.beats(rec)                  # the table of `psyphys beats`
    h = psyphys.hrv(b, preset="kubios")     # the row of `psyphys hrv --json`
    s = psyphys.analyze("session.edf", events="events.tsv")   # the tables of `psyphys analyze`

Failures of the library raise psyphys.Error, whose .status names the kind ("format", "io", ...)
and .reason gives the library's reason.
"""
from . import _core
from ._analyze import Session, analyze
from ._beats import BEAT_CLASSES, Beats, beats, load_beat_times
from ._eda import Eda, eda
from ._hrv import HrvResult, hrv
from ._recording import Channel, Recording, read
from ._stream import Stream

Error = _core.Error
__version__ = "0.3.0"
library_version = _core.version()

__all__ = ["read", "Recording", "Channel", "beats", "Beats", "BEAT_CLASSES", "load_beat_times", "hrv",
           "HrvResult", "eda", "Eda", "analyze", "Session", "Stream", "Error", "library_version"]
