"""The ``data_classification`` evidence: the sensitivity detected in the project's datasets (sampled).

Paths are relative to the project root, with forward slashes, like :class:`AssetView` paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secplan.assess.interface import EvidenceKey


@dataclass(frozen=True)
class ClassificationEvidence:
    levels: dict[str, str] = field(default_factory=dict)
    """``{path: classification}`` for every dataset file read, and for every declared asset (the
    highest level among the files under its path)."""
    entities: dict[str, list[str]] = field(default_factory=dict)
    """``{path: [entity types]}``, same keys."""
    datasets: list[dict[str, Any]] = field(default_factory=list)
    """The per-file documents of ``secplan data classify --format json`` (values masked)."""
    errors: dict[str, str] = field(default_factory=dict)
    """``{path: message}`` for files that could not be read."""


DATA_CLASSIFICATION: EvidenceKey[ClassificationEvidence] = EvidenceKey(
    "data_classification", ClassificationEvidence,
    "the datasets' detected classification (`pip install 'secplan[classify]'`)")
