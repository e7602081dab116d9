"""Where the tests find the psyphys command (to compare with), the bundled recording and the
shared recordings. PSYPHYS_CLI: the command (default: build/psyphys of the checkout);
PSYPHYS_SHARED: the shared data (default: ../shared beside the checkout; tests that need it are
skipped without it)."""
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.dirname(os.path.dirname(HERE))
BUNDLED = os.path.join(CHECKOUT, "recordings", "neurokit_eventrelated.edf")
BUNDLED_EVENTS = os.path.join(CHECKOUT, "recordings", "neurokit_eventrelated_events.tsv")
SHARED = os.environ.get("PSYPHYS_SHARED", os.path.join(os.path.dirname(CHECKOUT), "shared"))


def cli_path():
    return os.environ.get("PSYPHYS_CLI", os.path.join(CHECKOUT, "build", "psyphys"))


@pytest.fixture(scope="session")
def cli():
    """run(*args) -> the stdout of `psyphys args...` (which must succeed)."""
    exe = cli_path()
    if not os.access(exe, os.X_OK):
        pytest.fail(f"no psyphys command at {exe} (build it, or set PSYPHYS_CLI)")

    def run(*args):
        done = subprocess.run([exe, *map(str, args)], capture_output=True, text=True)
        assert done.returncode == 0, f"psyphys {' '.join(map(str, args))}: {done.stderr}"
        return done.stdout
    return run


def shared(*parts):
    """A file of the shared data, or a skip when it is absent."""
    path = os.path.join(SHARED, "data", *parts)
    if not os.path.exists(path):
        pytest.skip(f"shared data absent: {path}")
    return path
