"""Several Python threads on one Recording: the calls that read it take turns (a reader belongs
to one thread at a time), the others run beside them, and every result equals the one-thread
result; a recording closed meanwhile gives an exception, not a crash."""
import threading

import numpy as np

import psyphys
from conftest import BUNDLED


def run_threads(target, n=4):
    errors = []

    def guarded():
        try:
            target()
        except Exception as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)
    ts = [threading.Thread(target=guarded) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return errors


def test_one_recording_many_threads():
    rec = psyphys.read(BUNDLED)
    want_beats, want_eda = psyphys.beats(rec), psyphys.eda(rec)
    want_seg = psyphys.analyze(rec).tsv("segments")
    got = []

    def work():
        for _ in range(3):
            b, e = psyphys.beats(rec), psyphys.eda(rec)
            got.append((np.array_equal(b.onset, want_beats.onset) and np.array_equal(b.nn_ms, want_beats.nn_ms),
                        np.array_equal(e._d["scr"]["onset"], want_eda._d["scr"]["onset"]),
                        psyphys.analyze(rec).tsv("segments") == want_seg,
                        len(rec.channels[0].data) == 15000, len(rec.events) == 4))
    assert run_threads(work) == []
    assert len(got) == 12 and all(all(g) for g in got)


def test_closed_while_used():
    rec = psyphys.read(BUNDLED)
    s = psyphys.analyze(rec)

    def work():
        for _ in range(5):
            try:
                psyphys.beats(rec)
            except ValueError as e:  # closed by the other thread: an exception, not a crash
                assert "closed" in str(e)
    ts = [threading.Thread(target=work) for _ in range(3)]
    for t in ts:
        t.start()
    rec.close()
    for t in ts:
        t.join()
    try:
        s.tsv("segments")  # the text was taken at analysis time
        s._s.table("segments")
        raise AssertionError("a session over a closed recording answered")
    except ValueError:
        pass
