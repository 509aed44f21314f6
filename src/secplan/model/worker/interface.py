"""What every way of querying a model offers: the :class:`Predictor` protocol and the worker's limits.

A local model in a worker process (:class:`~.process.ModelWorker`) and a model behind an endpoint
(:class:`~.endpoint.EndpointModel`) answer the same calls, so every evaluation runs unchanged
against either, and a black-box test is one that only uses these calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

Features = Any
"""A ``pandas.DataFrame`` (columns by name), a mapping of column names to 1-D ``numpy`` arrays, or a 2-D
``numpy`` array."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of a worker process; safe defaults, raise them explicitly for big models."""

    memory_mb: int = 4096
    """Address space of the worker (``RLIMIT_AS``): a model that needs more fails to load."""
    cpu_seconds: int = 900
    """CPU time of the whole worker (``RLIMIT_CPU``): a runaway model is killed."""
    call_timeout_s: float = 300.0
    """Wall-clock time one call may take before the worker is killed."""
    max_rows: int = 1_000_000
    """Rows one call may send."""


@dataclass(frozen=True)
class ModelInfo:
    """What the model says about itself once loaded."""

    format: str
    """``sklearn``, ``skops``, ``xgboost``, ``lightgbm``, ``onnx`` or ``endpoint``."""
    task: str
    """``classification`` or ``regression``."""
    classes: list[Any] | None = None
    """Class labels in the order of ``predict_proba``'s columns (None: unknown or regression)."""
    features: list[str] | None = None
    """Input feature names the model was trained with, when it records them."""
    has_proba: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "task": self.task, "classes": self.classes, "features": self.features,
                "has_proba": self.has_proba, **({"details": self.details} if self.details else {})}


@runtime_checkable
class Predictor(Protocol):
    """A model that can only be queried: labels, class probabilities, and the number of rows asked."""

    info: ModelInfo
    queries: int
    """Rows sent to the model so far (what an attacker would have spent)."""

    def predict(self, features: Features) -> np.ndarray: ...

    def predict_proba(self, features: Features) -> np.ndarray:
        """Probabilities, one column per class of ``info.classes``; InputError when the model has none."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class WhiteBox(Protocol):
    """A model whose worker also runs white-box attacks next to it (gradients or its tree, never handed out)."""

    def white_box_attacks(self) -> list[str]:
        """Names of the attacks this model supports (``fgsm``, ``pgd``, ``decision_tree``)."""
        ...

    def attack(self, kind: str, features: Features, params: dict[str, Any]) -> tuple[np.ndarray, int]:
        """Adversarial rows for ``features`` and the rows of model calls the attack spent."""
        ...
