"""Column operators, each a vectorised function from a column to its anonymised form.

Generalisation is a *hierarchy*: level 0 is what the policy declares, every level above is coarser,
and the top level is ``*`` (the value is gone). k-anonymity climbs these levels.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from secplan.data.anonymize.policy import Generalize, Mask, Pseudonymize, Redact
from secplan.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

TOP = "*"
_DATE_LEVELS = ("month", "year", "decade")


def redact(col: pd.Series, rule: Redact) -> pd.Series:
    import pandas as pd

    out = pd.Series(rule.replacement, index=col.index, dtype="string")
    return out.where(col.notna(), other=pd.NA)


def mask(col: pd.Series, rule: Mask) -> pd.Series:
    """``keep_last`` characters survive; the others become ``char`` (lengths are kept)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(col.astype("string"), type=pa.large_string(), from_pandas=True)
    length = pc.utf8_length(arr)
    keep = pc.min_element_wise(length, pa.scalar(rule.keep_last, pa.int64()))
    hidden = pc.fill_null(pc.subtract(length, keep), 0)  # nulls stay null through the join below
    prefix = pc.binary_repeat(pa.scalar(rule.char, pa.large_string()), hidden)
    tail = pc.utf8_slice_codeunits(arr, start=-rule.keep_last) if rule.keep_last else pc.utf8_slice_codeunits(arr, 0, 0)
    tail = pc.if_else(pc.equal(keep, 0), pa.scalar("", pa.large_string()), tail)
    out = pc.binary_join_element_wise(prefix, tail, pa.scalar("", pa.large_string()))
    out = pc.if_else(pc.is_null(arr), pa.scalar(None, pa.large_string()), out)
    return pd.Series(out.to_pandas(), index=col.index, dtype="string")


def pseudonymize(col: pd.Series, rule: Pseudonymize, key: bytes) -> pd.Series:
    """HMAC-SHA256 of each distinct value (computed once per distinct value, then broadcast)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(col.astype("string"), use_na_sentinel=True)
    n = rule.length
    keyed = hmac.new(key, digestmod="sha256")  # keyed once; each value continues from a copy

    def token(value: str) -> str:
        mac = keyed.copy()
        mac.update(value.encode("utf-8"))
        return mac.hexdigest()[:n]

    tokens = np.array([token(v) for v in uniques.to_numpy(dtype=object)] + [None], dtype=object)
    return pd.Series(tokens[codes], index=col.index, dtype="string")


# -- generalisation hierarchies ------------------------------------------------------------------

def max_level(rule: Generalize | None) -> int:
    """Number of levels above the declared one; the last always maps every value to ``*``."""
    if rule is None:
        return 1
    if rule.kind == "date":
        return len(_DATE_LEVELS) - _DATE_LEVELS.index(rule.level)
    if rule.kind == "postcode":
        return rule.keep + 1
    return 6  # bands double in width five times, then ``*``


def generalize(col: pd.Series, rule: Generalize | None, level: int = 0) -> pd.Series:
    """Column ``col`` generalised ``level`` steps above the declared rule (``None``: keep or ``*``)."""
    import pandas as pd

    if level >= max_level(rule):
        return pd.Series(TOP, index=col.index, dtype="string").where(col.notna(), other=pd.NA)
    if rule is None:
        return col
    if rule.kind == "date":
        return _date(col, _DATE_LEVELS[_DATE_LEVELS.index(rule.level) + level])
    if rule.kind == "postcode":
        return _prefix(col, rule.keep - level)
    return _band(col, rule.width * (2**level), integer=rule.kind == "age")


def _date(col: pd.Series, level: str) -> pd.Series:
    import numpy as np
    import pandas as pd

    when = pd.to_datetime(col, errors="coerce", utc=True, format="mixed")
    bad = when.isna() & col.notna()
    if bad.any():
        first = col[bad].index[0]
        raise InputError(f"column {col.name!r}: value at row {first} is not a date")
    year = when.dt.year.to_numpy(dtype="float64", na_value=np.nan)
    if level == "month":
        key = year * 100 + when.dt.month.to_numpy(dtype="float64", na_value=np.nan)
        label = lambda k: f"{int(k) // 100:04d}-{int(k) % 100:02d}"  # noqa: E731
    elif level == "year":
        key = year
        label = lambda k: f"{int(k):04d}"  # noqa: E731
    else:
        key = np.floor(year / 10) * 10
        label = lambda k: f"{int(k):04d}s"  # noqa: E731
    return _labels(key, label, col.index)


def _band(col: pd.Series, width: float, *, integer: bool) -> pd.Series:
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(col, errors="coerce")
    bad = values.isna() & col.notna()
    if bad.any():
        raise InputError(f"column {col.name!r}: value at row {col[bad].index[0]} is not a number")
    low = np.floor(values.to_numpy(dtype="float64", na_value=np.nan) / width) * width
    if integer and float(width).is_integer():
        label = lambda k: f"{int(k)}-{int(k + width - 1)}"  # noqa: E731
    else:
        label = lambda k: f"[{k:g}, {k + width:g})"  # noqa: E731
    return _labels(low, label, col.index)


def _labels(keys, label, index) -> pd.Series:
    """Format each distinct key once, then broadcast: no per-row Python work."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    names = np.array([label(u) for u in uniques] + [None], dtype=object)
    return pd.Series(names[codes], index=index, dtype="string")


def _prefix(col: pd.Series, keep: int) -> pd.Series:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(col.astype("string"), type=pa.large_string(), from_pandas=True)
    arr = pc.utf8_upper(pc.utf8_replace_slice(pc.utf8_trim_whitespace(arr), keep, 1 << 30, TOP))
    return pd.Series(arr.to_pandas(), index=col.index, dtype="string")


def midpoints(col: pd.Series) -> pd.Series | None:
    """Numeric stand-ins for generalised bands (their midpoints), for utility distances; else ``None``.

    Each distinct label is parsed once, then broadcast.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(col.astype("string"), use_na_sentinel=True)
    labels = pd.Series(uniques, dtype="string")
    parts = labels.str.extract(r"^\[?(-?[\d.e+]+)(?:-|, )(-?[\d.e+]+)\)?$")
    if parts[0].isna().all():
        return None
    low = pd.to_numeric(parts[0], errors="coerce")
    high = pd.to_numeric(parts[1], errors="coerce")
    integer = ~labels.str.startswith("[").fillna(False)
    high = high.where(~integer, high + 1)
    mids = np.append(((low + high) / 2).to_numpy(dtype="float64"), np.nan)
    return pd.Series(mids[codes], index=col.index)


def date_midpoints(col: pd.Series) -> pd.Series | None:
    """Days since the epoch at the middle of each generalised date ("1984-03", "1984", "1980s"),
    for utility distances; ``None`` when no value is such a label."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(col.astype("string"), use_na_sentinel=True)
    labels = pd.Series(uniques, dtype="string")
    parts = labels.str.extract(r"^(\d{4})(?:-(\d{2})|(s))?$")
    if parts[0].isna().all():
        return None
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    decade = parts[2].notna()
    start = pd.to_datetime(dict(year=year.fillna(1970), month=month.fillna(1), day=1), errors="coerce")
    length = np.where(month.notna(), 30.44, np.where(decade, 3652.5, 365.25))
    mids = (start - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype="float64", na_value=np.nan) + length / 2
    mids[year.isna().to_numpy()] = np.nan
    return pd.Series(np.append(mids, np.nan)[codes], index=col.index)
