"""The ``model_scan`` evidence: the model scanner's result for each model artifact of the project."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from secplan.assess.interface import EvidenceKey

if TYPE_CHECKING:
    from secplan.model.scan.result import FileResult


@dataclass(frozen=True)
class ModelScanEvidence:
    """Scan results by project-relative path."""

    results: dict[str, FileResult] = field(default_factory=dict)


MODEL_SCAN: EvidenceKey[ModelScanEvidence] = EvidenceKey(
    "model_scan", ModelScanEvidence, "the model artifact scan (`secplan model scan`)")
