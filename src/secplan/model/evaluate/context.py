"""What every suite works on: the model as a :class:`~secplan.model.worker.Predictor`, the test (and
training) features and labels, the sensitive columns, the thresholds and a seeded generator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from secplan.model.worker.interface import Predictor


@dataclass
class Context:
    model: Predictor
    test: pd.DataFrame
    """Feature columns the model reads, test rows."""
    y_test: np.ndarray
    train: pd.DataFrame | None
    y_train: np.ndarray | None
    sensitive: pd.DataFrame
    """Sensitive attributes of the test rows (model inputs or not)."""
    thresholds: dict[str, Any]
    rng: np.random.Generator
    budget: int
    """Queries the budgeted attacks may spend."""
    task: str
    classes: list[Any] = field(default_factory=list)
    progress: Callable[[str], None] = lambda _step: None
    _pred: np.ndarray | None = None
    _proba: np.ndarray | None = None

    @property
    def numeric(self) -> list[str]:
        return [c for c in self.test.columns if pd.api.types.is_numeric_dtype(self.test[c])
                and not pd.api.types.is_bool_dtype(self.test[c])]

    def predictions(self) -> np.ndarray:
        """Labels for the test rows (asked once, reused by every suite)."""
        if self._pred is None:
            self._pred = np.asarray(self.model.predict(self.test))
        return self._pred

    def probabilities(self) -> np.ndarray | None:
        if self._proba is None and self.model.info.has_proba:
            try:
                self._proba = np.asarray(self.model.predict_proba(self.test), dtype="float64")
            except Exception:  # a service without probabilities: label-only suites still run
                self._proba = None
        return self._proba

    def positive(self) -> Any:
        """The positive class of a binary task: the last class (1, True, 'yes' sort last)."""
        return self.classes[-1] if self.classes else 1


def same_labels(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality of label arrays that may differ in dtype (1 vs 1.0 vs '1')."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "iufb" and b.dtype.kind in "iufb":
        return np.isclose(a.astype("float64"), b.astype("float64"))
    return a.astype(str) == b.astype(str)


def bootstrap(values: Callable[[np.ndarray], float], n: int, rng: np.random.Generator,
              resamples: int = 200) -> list[float] | None:
    """A 95% percentile interval of a statistic over row resamples (None when too few rows)."""
    if n < 10:
        return None
    stats = [values(rng.integers(0, n, n)) for _ in range(resamples)]
    stats = [s for s in stats if s == s]
    if not stats:
        return None
    return [float(np.percentile(stats, 2.5)), float(np.percentile(stats, 97.5))]


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or value != value else round(float(value), digits)
