"""A dataset's profile: the baseline later data is checked against (schema, types, null rates,
ranges, categories, uniqueness, and quantiles for drift).

Only aggregates are stored: quantiles of numeric columns, the frequency of each category of
low-cardinality columns, lengths of free text. No row and no high-cardinality value (a name, an
e-mail address) ever enters a profile.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from secplan.documents import parse_json, validate_shape
from secplan.errors import InputError
from secplan.fsutil import atomic_write_text

if TYPE_CHECKING:
    import pandas as pd

#: Quantile grid resolution: the KS statistic computed from it is within 1/(QUANTILES-1) of the exact one.
QUANTILES = 1001
#: A text column with at most this many distinct values (and at most this share of rows) is categorical.
MAX_CATEGORIES = 100
MAX_CATEGORY_RATIO = 0.2

ColumnType = Literal["integer", "float", "boolean", "datetime", "string"]


class ColumnProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ColumnType
    null_rate: float
    distinct: int
    unique_ratio: float
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    median: float | None = None
    mad: float | None = None
    quantiles: list[float] | None = None
    categories: dict[str, float] | None = Field(None, description="Share of rows per category (categorical only).")
    length: dict[str, float] | None = None


class Correlation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    columns: list[str]
    matrix: list[list[float]]


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    dataset: str
    created: str
    rows: int
    duplicate_share: float
    label: str | None = None
    columns: dict[str, ColumnProfile]
    correlation: Correlation | None = Field(
        None, description="Correlation of the numeric columns' normal scores (a Gaussian copula): the joint "
                          "shape the gateway's out-of-distribution score checks requests against.")


def column_type(col: pd.Series) -> ColumnType:
    import pandas as pd

    if pd.api.types.is_bool_dtype(col):
        return "boolean"
    if pd.api.types.is_integer_dtype(col):
        return "integer"
    if pd.api.types.is_float_dtype(col):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(col):
        return "datetime"
    return "string"


def numeric_view(col: pd.Series):
    """The column as float64 (datetimes as epoch seconds), nulls dropped; ``None`` for text."""
    import pandas as pd

    kind = column_type(col)
    if kind in ("integer", "float", "boolean"):
        return col.dropna().to_numpy(dtype="float64")
    if kind == "datetime":
        values = col.dropna()
        return (values.astype("int64") / 1e9).to_numpy() if len(values) else pd.Series([], dtype="float64").to_numpy()
    return None


#: An integer column with at most this many distinct values (codes, labels, counts) is also categorical.
MAX_INTEGER_CATEGORIES = 20


def is_categorical(col: pd.Series, distinct: int) -> bool:
    """Few distinct values: text, booleans, and small integer codes such as class labels."""
    kind = column_type(col)
    if kind == "integer":
        return distinct <= MAX_INTEGER_CATEGORIES
    return kind in ("string", "boolean") and distinct <= MAX_CATEGORIES and (
        distinct <= MAX_CATEGORY_RATIO * max(1, len(col)) or len(col) < 50)


def profile_column(col: pd.Series) -> ColumnProfile:
    import numpy as np

    n = len(col)
    distinct = int(col.nunique(dropna=True))
    kind = column_type(col)
    prof = ColumnProfile(type=kind, null_rate=round(float(col.isna().mean()) if n else 0.0, 6), distinct=distinct,
                         unique_ratio=round(distinct / n, 6) if n else 0.0)
    values = numeric_view(col)
    if values is not None and len(values):
        median = float(np.median(values))
        prof.min, prof.max = float(values.min()), float(values.max())
        prof.mean, prof.std = float(values.mean()), float(values.std())
        prof.median, prof.mad = median, float(np.median(np.abs(values - median)))
        prof.quantiles = [float(q) for q in np.quantile(values, np.linspace(0, 1, QUANTILES))]
    if is_categorical(col, distinct):
        shares = col.astype("string").value_counts(normalize=True, dropna=True)
        prof.categories = {str(k): round(float(v), 6) for k, v in shares.items()}
    elif kind == "string":
        lengths = col.dropna().astype("string").str.len()
        if len(lengths):
            prof.length = {"min": float(lengths.min()), "max": float(lengths.max()), "mean": round(float(lengths.mean()), 3)}
    return prof


def build_profile(df: pd.DataFrame, dataset: str, *, label: str | None = None) -> Profile:
    from secplan.data.validate.duplicates import exact_duplicates

    return Profile(
        dataset=dataset,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        rows=len(df),
        duplicate_share=round(float(exact_duplicates(df).mean()) if len(df) else 0.0, 6),
        label=label,
        columns=(columns := {str(name): profile_column(df[name]) for name in df.columns}),
        correlation=copula_correlation(df, columns, label),
    )


#: Columns beyond this are left out of the joint profile (its matrix grows with the square).
MAX_CORRELATED = 64


def copula_correlation(df: pd.DataFrame, columns: dict[str, ColumnProfile], label: str | None) -> Correlation | None:
    """Pearson correlation of each continuous column's normal scores (ranks mapped through the normal
    quantile function): aggregates only, robust to any marginal shape. ``None`` below two columns."""
    import numpy as np
    from scipy.stats import norm, rankdata

    names = [n for n, c in columns.items() if c.quantiles and not c.categories and n != label][:MAX_CORRELATED]
    if len(names) < 2 or len(df) < 10:
        return None
    scores = []
    for name in names:
        values = df[name].to_numpy(dtype="float64", na_value=np.nan) if columns[name].type != "datetime" \
            else numeric_view(df[name].fillna(df[name].min()))
        filled = np.where(np.isnan(values), np.nanmedian(values), values)
        scores.append(norm.ppf(rankdata(filled) / (len(filled) + 1)))
    matrix = np.corrcoef(np.vstack(scores))
    matrix = np.nan_to_num(matrix, nan=0.0)
    np.fill_diagonal(matrix, 1.0)
    return Correlation(columns=names, matrix=[[round(float(v), 6) for v in row] for row in matrix])


def save_profile(profile: Profile, path: Path) -> None:
    atomic_write_text(path, profile.model_dump_json(indent=1, exclude_none=True) + "\n")


def load_profile(path: Path) -> Profile:
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such baseline profile") from None
    data = parse_json(text, str(path), what="baseline profile")
    return validate_shape(Profile, data, f"{path}: not a secplan profile")
