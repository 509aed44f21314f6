"""Drift of each column against its baseline profile.

Numeric columns: normalised Wasserstein-1 distance (by the baseline's standard deviation), the
population stability index over the baseline's deciles, and the two-sample Kolmogorov-Smirnov test,
all computed from the baseline's quantile grid (no baseline rows are kept). Categorical columns: PSI
over categories and a chi-square goodness-of-fit test. p-values are corrected for testing many
columns at once (Benjamini-Hochberg or Holm), and a column drifts only when its corrected p-value
is significant *and* the effect is large enough to matter (PSI or normalised Wasserstein), so that
a huge sample does not flag a negligible shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from secplan.data.validate.profile import ColumnProfile, Profile, numeric_view

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_PSI_FLOOR = 1e-4


@dataclass
class ColumnDrift:
    column: str
    kind: Literal["numeric", "categorical"]
    p_value: float
    psi: float
    wasserstein: float | None = None
    ks: float | None = None
    p_adjusted: float = 1.0


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index between two share vectors over the same bins."""
    import numpy as np

    e = np.clip(expected, _PSI_FLOOR, None)
    a = np.clip(actual, _PSI_FLOOR, None)
    return float(np.sum((a - e) * np.log(a / e)))


def numeric_drift(name: str, base: ColumnProfile, col: pd.Series, base_rows: int) -> ColumnDrift | None:
    import numpy as np
    from scipy.stats import kstwo

    values = numeric_view(col)
    if values is None or len(values) == 0 or not base.quantiles:
        return None
    grid = np.asarray(base.quantiles)
    levels = np.linspace(0, 1, len(grid))
    current_q = np.quantile(values, levels)
    scale = base.std or 1.0
    wasserstein = float(np.mean(np.abs(current_q - grid))) / scale
    # KS: compare the current ECDF with the baseline's at the baseline's quantile points.
    ecdf_at_grid = np.searchsorted(np.sort(values), grid, side="right") / len(values)
    d = float(np.max(np.abs(ecdf_at_grid - levels)))
    d = max(0.0, d - 1.0 / (len(grid) - 1))  # grid resolution: never overstate the statistic
    n_eff = max(1, round(base_rows * len(values) / (base_rows + len(values))))
    p_value = float(kstwo.sf(d, n_eff)) if d > 0 else 1.0
    # PSI over the baseline deciles.
    edges = np.unique(np.quantile(grid, np.linspace(0, 1, 11)))
    if len(edges) < 3:
        value_psi = 0.0 if np.allclose(values, grid[0]) else 1.0
    else:
        inner = edges[1:-1]
        expected = np.diff(np.concatenate([[0.0], np.interp(inner, grid, levels), [1.0]]))
        actual = np.bincount(np.searchsorted(inner, values, side="right"), minlength=len(inner) + 1) / len(values)
        value_psi = psi(expected, actual)
    return ColumnDrift(name, "numeric", p_value, value_psi, wasserstein, d)


def categorical_drift(name: str, base: ColumnProfile, col: pd.Series) -> ColumnDrift | None:
    import numpy as np
    from scipy.stats import chisquare

    if not base.categories:
        return None
    current = col.dropna().astype("string").value_counts()
    n = int(current.sum())
    if n == 0:
        return None
    cats = list(base.categories)
    expected = np.array([base.categories[c] for c in cats] + [0.0])
    expected = expected / expected.sum()
    observed = np.array([int(current.get(c, 0)) for c in cats] + [n - int(current.reindex(cats).fillna(0).sum())])
    value_psi = psi(expected, observed / n)
    smoothed = (expected + _PSI_FLOOR) / (expected + _PSI_FLOOR).sum()
    p_value = float(chisquare(observed, smoothed * n).pvalue)
    return ColumnDrift(name, "categorical", p_value, value_psi)


def adjust(p_values: list[float], method: Literal["bh", "holm"]) -> list[float]:
    """Multiple-test correction: Benjamini-Hochberg (false discovery rate) or Holm (family-wise)."""
    import numpy as np
    from scipy.stats import false_discovery_control

    if not p_values:
        return []
    p = np.asarray(p_values, dtype="float64")
    if method == "bh":
        return [float(x) for x in false_discovery_control(p, method="bh")]
    order = np.argsort(p)
    m = len(p)
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return [float(x) for x in adjusted]


def column_drifts(baseline: Profile, df: pd.DataFrame, method: Literal["bh", "holm"]) -> list[ColumnDrift]:
    """Drift statistics for every column present on both sides, with corrected p-values."""
    results: list[ColumnDrift] = []
    for name, base in baseline.columns.items():
        if name not in df.columns:
            continue
        drift = categorical_drift(name, base, df[name]) if base.categories else numeric_drift(name, base, df[name], baseline.rows)
        if drift is not None:
            results.append(drift)
    for drift, p in zip(results, adjust([d.p_value for d in results], method), strict=True):
        drift.p_adjusted = p
    return results
