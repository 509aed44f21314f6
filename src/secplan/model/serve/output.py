"""Output minimisation (MS-2): labels only by default; class probabilities, rounded and cut to the
top k, only for clients granted them; every answer checked before it leaves.

Probabilities are what model extraction and membership inference feed on, so a client that only
needs a decision never gets them. Rounding to two decimals costs a legitimate caller nothing and
takes away most of the signal those attacks use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


class OutputError(RuntimeError):
    """The model answered something out of range: the gateway refuses to pass it on (HTTP 502)."""


@dataclass(frozen=True)
class Answer:
    labels: list[Any]
    probabilities: list[list[float]] | None
    classes: list[Any] | None


def plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def check_labels(labels: np.ndarray, rows: int, classes: Sequence[Any] | None) -> list[Any]:
    """The labels as JSON values; OutputError for a wrong count or a class the model never had."""
    values = [plain(v) for v in np.asarray(labels).ravel().tolist()]
    if len(values) != rows:
        raise OutputError(f"the model gave {len(values)} answers for {rows} rows")
    if classes is not None:
        known = {str(c) for c in classes}
        odd = next((v for v in values if str(v) not in known), None)
        if odd is not None:
            raise OutputError(f"the model answered {odd!r}, not one of its classes")
    return values


def minimise(probabilities: np.ndarray, rows: int, round_to: int, top_k: int | None) -> list[list[float]]:
    """Rounded probabilities, all but the ``top_k`` largest of each row set to 0; range-checked."""
    p = np.asarray(probabilities, dtype="float64")
    if p.ndim != 2 or len(p) != rows:
        raise OutputError(f"the model gave probabilities of shape {list(p.shape)} for {rows} rows")
    if not np.all(np.isfinite(p)) or np.any(p < -1e-9) or np.any(p > 1 + 1e-9) or \
            np.any(np.abs(p.sum(axis=1) - 1) > 1e-3):
        raise OutputError("the model gave probabilities outside [0, 1] or not summing to 1")
    if top_k is not None and top_k < p.shape[1]:
        cut = np.argsort(-p, axis=1)[:, top_k:]
        p = p.copy()
        np.put_along_axis(p, cut, 0.0, axis=1)
    return np.round(p, round_to).tolist()
