"""Tables as pandas DataFrames when pandas is installed, else dicts of numpy columns."""
import functools
import io

import numpy as np


@functools.lru_cache(maxsize=None)
def have_pandas():
    """The pandas module, imported on first use (it takes long to import, and many scripts need
    no table), or None when it is not installed."""
    try:
        import pandas
    except ImportError:  # pandas is optional
        return None
    return pandas


def table(columns):
    """A DataFrame of the columns (a dict of equal-length sequences), or the dict itself (numpy
    arrays) without pandas."""
    pandas = have_pandas()
    if pandas is not None:
        return pandas.DataFrame(columns)
    return {k: np.asarray(v) for k, v in columns.items()}


def _column(cells):
    """A column of TSV cells: float64 (n/a as NaN) when every cell is a number, else strings."""
    try:
        return np.array([np.nan if c == "n/a" else float(c) for c in cells], dtype=np.float64)
    except ValueError:
        return np.array(cells, dtype=object)


def parse_tsv(text):
    """The columns of a TSV table written by the library (a header row, n/a for missing)."""
    lines = io.StringIO(text).read().splitlines()
    if not lines:
        return table({})
    names = lines[0].split("\t")
    rows = [line.split("\t") for line in lines[1:]]
    return table({name: _column([r[k] for r in rows]) for k, name in enumerate(names)})
