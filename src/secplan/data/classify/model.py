"""The classification result: one document for JSON, the table, the collector and the probes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secplan.data.classify.columns import ColumnResult
from secplan.vocabulary import Classification


@dataclass(frozen=True)
class TextFinding:
    type: str
    start: int
    """Character offset into the file's decoded text (a UTF-8 BOM is not counted)."""
    end: int
    text: str
    """Masked unless the user asked for ``--show-values``."""


@dataclass(frozen=True)
class DatasetResult:
    path: str
    format: str
    classification: Classification
    columns: tuple[ColumnResult, ...] = ()
    text_findings: tuple[TextFinding, ...] = ()
    rows_scanned: int = 0
    sampled: bool = True

    @property
    def entity_types(self) -> list[str]:
        """Every entity type found anywhere in the dataset, sorted."""
        found = {e.type for c in self.columns for e in c.entities} | {f.type for f in self.text_findings}
        return sorted(found)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``secplan data classify --format json`` (docs/data-classification.md)."""
        return {
            "path": self.path,
            "format": self.format,
            "classification": self.classification.value,
            "columns": [
                {
                    "name": c.name,
                    "entities": [{"type": e.type, "match_ratio": e.match_ratio, "confidence": e.confidence}
                                 for e in c.entities],
                    "classification": c.classification.value,
                }
                for c in self.columns
            ],
            "text_findings": [{"type": f.type, "start": f.start, "end": f.end, "text": f.text}
                              for f in self.text_findings],
        }


@dataclass(frozen=True)
class ReadProblem:
    path: str
    message: str


@dataclass
class ClassifyReport:
    datasets: list[DatasetResult] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"datasets": [d.to_dict() for d in self.datasets]}
