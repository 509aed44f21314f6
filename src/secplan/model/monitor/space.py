"""Requests in the training data's coordinates: normal scores from the profile's quantile grid.

Each continuous feature becomes ``Phi^-1(F(x))`` where ``F`` is the training CDF read off the
profile's quantiles (values past the observed range keep growing, by the training spread), and
each categorical feature a one-hot block scaled so that a mismatch counts 1. In those coordinates
the training data is close to a Gaussian copula, so:

- a request's joint out-of-distribution p-value is the chi-square tail of its Mahalanobis distance
  under the profile's copula correlation (independent marginal sampling, as a model-extraction
  attacker does from published statistics, lands far off that joint shape);
- per-feature extremes, unseen categories, NaN/inf and unexpected missing values are marginal
  evidence, combined with the joint test by Bonferroni;
- distances between requests are comparable across features (the query-pattern detectors).

Integer features (ages, counts, terms, codes) are ordered values, so they are continuous
coordinates too, even when the profile keeps their few values as categories. Discrete values tie in
the quantile grid: a tied value gets the middle of its step of the CDF (its mid-rank, as the
profile's copula correlation ranks ties), not whichever end of the step interpolation lands on.
A value no training row had (an unseen category or integer code, a fraction for an integer
feature, an unexpected NaN or missing value) is marked ``unseen``: no real query carries one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import chdtrc, ndtr, ndtri

from secplan.data.validate.profile import Profile

#: Cap of the out-of-distribution score (-log10 p): a value no training row could have.
MAX_SCORE = 12.0


@dataclass(frozen=True)
class Encoded:
    """A batch of requests in profile coordinates."""

    vectors: np.ndarray
    """(n, dim): normal scores then one-hot categorical blocks; distances between rows are meaningful."""
    joint_p: np.ndarray
    """(n,): p-value of each request under the profile's copula (1.0 without a correlation)."""
    score: np.ndarray
    """(n,): out-of-distribution score, -log10 of the combined p-value, capped at MAX_SCORE."""
    unseen: np.ndarray
    """(n,): the request has a value no training row had (see the module's docstring)."""


class FeatureSpace:
    """The coordinates of one model's inputs, built once from its training profile."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        cols = {n: c for n, c in profile.columns.items() if n != profile.label}
        self.features = list(cols)
        self.numeric = [n for n, c in cols.items() if c.quantiles and (not c.categories or c.type == "integer")]
        self.categorical = [n for n, c in cols.items() if c.categories and n not in self.numeric]
        self._integer = {n for n in self.numeric if cols[n].type == "integer"}
        self._codes = {n: frozenset(cols[n].categories or ()) for n in self._integer if cols[n].categories}
        eps = 0.5 / max(profile.rows, 2)
        self._eps = eps
        self._grids = {n: np.asarray(cols[n].quantiles, dtype="float64") for n in self.numeric}
        self._levels = {n: np.linspace(0, 1, len(g)) for n, g in self._grids.items()}
        self._scale = {n: (cols[n].std or 1.0) or 1.0 for n in self.numeric}
        self._nullable = {n: c.null_rate > 0 for n, c in cols.items()}
        self._cats = {n: list(cols[n].categories or {}) for n in self.categorical}
        self.dim = len(self.numeric) + sum(len(v) + 1 for v in self._cats.values())
        corr = profile.correlation
        self._joint: list[int] = []
        self._inverse: np.ndarray | None = None
        if corr is not None:
            index = {n: i for i, n in enumerate(self.numeric)}
            keep = [i for i, n in enumerate(corr.columns) if n in index]
            if len(keep) >= 2:
                matrix = np.asarray(corr.matrix, dtype="float64")[np.ix_(keep, keep)]
                # A little ridge: a training set with two identical columns must not make it singular.
                self._inverse = np.linalg.inv(0.98 * matrix + 0.02 * np.eye(len(keep)))
                self._joint = [index[corr.columns[i]] for i in keep]

    def _numeric_column(self, name: str, raw: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
        """Normal scores of one feature and a per-request flag for values no training row had."""
        values = np.fromiter((_as_float(v) for v in raw), dtype="float64", count=len(raw))
        bad = ~np.isfinite(values)
        flagged = bad
        if bad.any() and self._nullable[name]:
            missing = np.fromiter((v is None for v in raw), dtype=bool, count=len(raw))
            flagged = bad & ~missing
        if name in self._integer:
            finite = np.where(bad, 0.0, values)
            flagged = flagged | (finite != np.round(finite))
            codes = self._codes.get(name)
            if codes is not None:
                flagged = flagged | np.fromiter((not b and category_key(v) not in codes for v, b in zip(values, bad, strict=True)),
                                                dtype=bool, count=len(raw))
        grid, levels = self._grids[name], self._levels[name]
        x = np.where(bad, grid[len(grid) // 2], values)
        u = np.clip(_cdf(x, grid, levels), self._eps, 1 - self._eps)
        z = ndtri(u)
        scale = self._scale[name]
        z = z + np.where(x > grid[-1], (x - grid[-1]) / scale, 0.0) + np.where(x < grid[0], (x - grid[0]) / scale, 0.0)
        return z, flagged

    def encode(self, rows: Sequence[Mapping[str, Any]]) -> Encoded:
        n = len(rows)
        blocks: list[np.ndarray] = []
        flagged = np.zeros(n, dtype=bool)
        zs = np.zeros((n, len(self.numeric)))
        for j, name in enumerate(self.numeric):
            z, bad = self._numeric_column(name, [r.get(name) for r in rows])
            zs[:, j] = z
            flagged |= bad
        blocks.append(zs)
        for name in self.categorical:
            cats = self._cats[name]
            onehot = np.zeros((n, len(cats) + 1))
            for i, row in enumerate(rows):
                value = row.get(name)
                if value is None:
                    flagged[i] |= not self._nullable[name]
                    continue
                key = category_key(value)
                if key in cats:
                    onehot[i, cats.index(key)] = math.sqrt(0.5)
                else:
                    onehot[i, -1] = math.sqrt(0.5)
                    flagged[i] = True
            blocks.append(onehot)
        vectors = np.hstack(blocks) if blocks else np.zeros((n, 0))
        if self.numeric:
            tail = 2 * ndtr(-np.abs(zs))
            marginal = np.clip(tail.min(axis=1) * len(self.numeric), 0.0, 1.0)
        else:
            marginal = np.ones(n)
        if self._inverse is not None:
            zj = zs[:, self._joint]
            d2 = np.einsum("ij,jk,ik->i", zj, self._inverse, zj)
            joint = chdtrc(len(self._joint), d2)
        else:
            joint = np.ones(n)
        combined = np.clip(2 * np.minimum(marginal, joint), 0.0, 1.0)
        combined[flagged] = 0.0
        score = np.minimum(-np.log10(np.maximum(combined, 10 ** -MAX_SCORE)), MAX_SCORE)
        return Encoded(vectors, joint, score, flagged)


def _cdf(x: np.ndarray, grid: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The training CDF at ``x`` from its quantile grid; a value on a step (a tie: several quantiles
    equal) gets the step's middle."""
    u = np.interp(x, grid, levels)
    first = np.searchsorted(grid, x, side="left")
    after = np.searchsorted(grid, x, side="right")
    tied = after - first > 1
    if tied.any():
        u = np.where(tied, (levels[np.minimum(first, len(levels) - 1)] + levels[np.maximum(after - 1, 0)]) / 2, u)
    return u


def _as_float(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return math.nan if value is None else float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def category_key(value: Any) -> str:
    """Categories are stored as pandas' string form: ``True``, ``3``, ``red``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
