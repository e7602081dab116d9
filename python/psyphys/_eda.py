"""psyphys.eda: skin conductance responses, tonic level and event-related SCRs, as `psyphys eda`."""
import numpy as np

from . import _core
from ._beats import as_recording
from ._tables import table

ARTIFACT_SECONDS = (("missing_s", "missing"), ("below_range_s", "below_min"), ("above_range_s", "above_max"),
                    ("slope_s", "slope"), ("flat_s", "flat"), ("drop_s", "drop"), ("transition_s", "near"),
                    ("excluded_s", "excluded"), ("spike_repaired_s", "spike"))


class Eda:
    """What `psyphys eda` gives: scr (onset, peak_onset, amplitude_us, rise_time_s,
    half_recovery_s), epochs (one row per event: label, onset, scr_found, scr_amplitude_us,
    scr_latency_s, scr_rise_time_s, scr_peak_onset, scl_baseline_us), segments (one row per
    event with a duration: label, onset, duration, scl_us, scr_count, ns_scr_count,
    ns_scr_per_min, excluded_s, scr_amplitude_mean_us, scr_amplitude_sum_us,
    phasic_driver_area_us_s), summary (the --json summary with its artifacts), tonic_1hz_us (the
    tonic level once per second), settings (every psy_eda_config setting as applied, and the
    latency window), method, analysis_rate_hz, channel."""

    def __init__(self, d, channel):
        self._d, self.channel = d, channel
        self.method, self.analysis_rate_hz = d["method"], d["analysis_rate_hz"]
        self.tonic_1hz_us = d["tonic_1hz_us"]
        self.settings = d["settings"]
        self.scr = table(d["scr"])
        names = ("label", "onset", "scr_found", "scr_amplitude_us", "scr_latency_s", "scr_rise_time_s",
                 "scr_peak_onset", "scl_baseline_us")
        self.epochs = table({n: _column([row[k] for row in d["epochs"]], n == "label")
                             for k, n in enumerate(names)})
        keys = ("scl_us", "scr_count", "ns_scr_count", "ns_scr_per_min", "excluded_s", "scr_amplitude_mean_us",
                "scr_amplitude_sum_us", "phasic_driver_area_us_s")
        seg = {"label": _column([r[0] for r in d["segments"]], True),
               "onset": _column([r[1] for r in d["segments"]]),
               "duration": _column([r[2] for r in d["segments"]])}
        seg.update({k: _column([r[3][k] for r in d["segments"]]) for k in keys})
        self.segments = table(seg)
        self.summary = self._summary()

    def _summary(self):
        d, w = self._d, self._d["whole"]
        analysed = d["scl_us"] is not None  # else nothing was: no count, not a zero one
        s = dict(scl_us=d["scl_us"], ns_scr_per_min=w["ns_scr_per_min"] if analysed else None,
                 scr_count=len(d["scr"]["onset"]) if analysed else None,
                 ns_scr_count=w["ns_scr_count"] if analysed else None,
                 scr_amplitude_mean_us=d["scr_amplitude_mean_us"], scr_amplitude_sum_us=d["scr_amplitude_sum_us"],
                 phasic_driver_area_us_s=d["phasic_driver_area_us_s"], duration_s=d["duration_s"],
                 valid_s=d["valid_s"], excluded_s=max(0.0, d["duration_s"] - d["valid_s"]), noise=d["noise"])
        if d["why_na"]:
            s["n/a_reason"] = d["why_na"]
        elif w["ns_scr_per_min_na"]:
            s["n/a_reason"] = w["ns_scr_per_min_na"]
        if self.method == "fast":
            s["phasic_driver_area_n/a_reason"] = "deconv method only"
        a, dt = d["artifacts"], 1.0 / self.analysis_rate_hz
        s["artifacts"] = {name: a[key] * dt for name, key in ARTIFACT_SECONDS}
        s["artifacts"]["excluded_s"] = s["excluded_s"]
        s["artifacts"]["flagged_fraction"] = a["excluded"] / a["total"] if a["total"] else 0.0
        return s

    def __repr__(self):
        return f"<Eda {self.method}: {len(self._d['scr']['onset'])} SCRs, SCL {self._d['scl_us']} uS>"


def _column(values, text=False):
    if text:
        return np.array(values, dtype=object)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def eda(src, fs=None, channel=None, method="fast", latency=(1.0, 4.0), **settings):
    """Skin conductance of a recording's EDA channel (src: a path, opened with the read options
    among settings, e.g. events=...; a Recording; or a signal in uS sampled at fs Hz). method:
    fast | deconv; latency: the SCR window after each event (s); settings: any psy_eda_config
    setting by name (min_amplitude_us, noise_factor, relative_amplitude, lowpass_hz, ...)."""
    read_keys = ("format", "override_fs", "sidecar", "use_libedf", "channel_types", "units", "events",
                 "events_offset", "events_columns", "triggers")
    read_options = {k: settings.pop(k) for k in list(settings) if k in read_keys}
    rec = as_recording(src, fs, kind="EDA", **read_options)
    ch = rec.pick(channel, ("EDA",))
    lat_min, lat_max = latency
    d = _core.eda(rec._reader, ch, method, float(lat_min), float(lat_max), **settings)
    d["settings"].update(method=method, latency_window_s=(float(lat_min), float(lat_max)))
    return Eda(d, rec.channels[ch].label)
