"""The ``data_validation`` evidence: each training dataset validated against its baseline profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from secplan.assess.interface import EvidenceKey

if TYPE_CHECKING:
    from secplan.data.validate.findings import Finding


@dataclass
class DatasetValidation:
    """Filled in as the dataset is validated (hence not frozen)."""

    path: str
    baseline: str | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class ValidationEvidence:
    datasets: dict[str, DatasetValidation] = field(default_factory=dict)
    """By dataset path: every declared training dataset that exists."""


DATA_VALIDATION: EvidenceKey[ValidationEvidence] = EvidenceKey(
    "data_validation", ValidationEvidence, "training-data validation (`pip install 'secplan[data-quality]'`)")
