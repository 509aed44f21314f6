"""Exact and near duplicates within a dataset, and rows shared between two datasets (leakage).

Rows are hashed column-wise with pandas' vectorised hashing; near duplicates are exact duplicates
of a *normalised* row: text case-folded with punctuation and spaces removed, numbers quantised to a
thousandth of the column's spread. (Two values straddling a quantisation step are missed; that keeps
the check linear in the number of rows.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def row_hashes(df: pd.DataFrame) -> np.ndarray:
    import pandas as pd

    if df.shape[1] == 0:
        import numpy as np

        return np.zeros(len(df), dtype="uint64")
    return pd.util.hash_pandas_object(df, index=False).to_numpy()


def exact_duplicates(df: pd.DataFrame) -> np.ndarray:
    """True for every row that repeats an earlier row."""
    import pandas as pd

    return pd.Series(row_hashes(df)).duplicated().to_numpy()


def quantisation_steps(df: pd.DataFrame) -> dict[str, float]:
    """A thousandth of each numeric column's standard deviation (1 for constant columns)."""
    import numpy as np
    import pandas as pd

    steps = {}
    for name in df.columns:
        col = df[name]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            values = col.to_numpy(dtype="float64", na_value=np.nan)
            spread = float(np.nanstd(values)) if np.isfinite(values).any() else 0.0
            steps[name] = spread * 1e-3 if spread > 0 else 1.0
    return steps


def normalise(df: pd.DataFrame, steps: dict[str, float] | None = None) -> pd.DataFrame:
    """Each column in a canonical form: numbers quantised, text folded to letters and digits."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    steps = quantisation_steps(df) if steps is None else steps
    out = {}
    for name in df.columns:
        col = df[name]
        if name in steps and pd.api.types.is_numeric_dtype(col):
            out[name] = np.round(col.to_numpy(dtype="float64", na_value=np.nan) / steps[name])
        else:
            arr = pa.array(col.astype("string"), type=pa.large_string(), from_pandas=True)
            arr = pc.replace_substring_regex(pc.utf8_lower(arr), r"[^\p{L}\p{N}]+", "")
            out[name] = arr.to_numpy(zero_copy_only=False)
    return pd.DataFrame(out, index=df.index)


def near_duplicates(df: pd.DataFrame) -> np.ndarray:
    """True for rows that repeat an earlier row once normalised, but not exactly."""
    import pandas as pd

    near = pd.Series(row_hashes(normalise(df))).duplicated().to_numpy()
    return near & ~exact_duplicates(df)


def shared_rows(df: pd.DataFrame, other: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """True for rows of ``df`` that also occur in ``other`` (compared normalised on ``columns``)."""
    import numpy as np
    import pandas as pd

    steps = quantisation_steps(pd.concat([df[columns], other[columns]], ignore_index=True))
    mine = row_hashes(normalise(df[columns], steps))
    theirs = row_hashes(normalise(other[columns], steps))
    return np.isin(mine, theirs)
