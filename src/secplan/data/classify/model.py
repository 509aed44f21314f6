"""The classification result: one document for JSON, the table, the collector and the probes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secplan import findings as common
from secplan.data.classify.columns import ColumnResult
from secplan.data.classify.levels import Levels
from secplan.data.classify.rules import COLUMN_RULE, REMEDIATION, SEVERITY, TEXT_RULE
from secplan.fsutil import path_text
from secplan.vocabulary import Classification, Severity


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
            "path": path_text(self.path),
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

    def findings(self, levels: Levels | None = None) -> list[common.Finding]:
        """One finding per column with sensitive data and per entity type in a text file (never the
        matched text: a masked value in a code-scanning alert would still be a leak of its shape).
        ``levels``: the plan's entity levels, as the classification used them."""
        levels = levels or Levels()
        out: list[common.Finding] = []
        for d in self.datasets:
            for c in d.columns:
                if not c.entities or SEVERITY[c.classification] is Severity.INFO:
                    continue
                types = ", ".join(e.type for e in c.entities)
                out.append(common.Finding(
                    rule=COLUMN_RULE, control="DS-4", severity=SEVERITY[c.classification],
                    message=f"column {c.name!r} holds {types}: {c.classification.value} data",
                    location=common.Location(d.path, member=f"column {c.name}"), remediation=REMEDIATION,
                    fingerprint=common.fingerprint(COLUMN_RULE, d.path, types, where=c.name),
                    properties={"classification": c.classification.value,
                                "entities": [e.type for e in c.entities]}))
            by_type: dict[str, list[TextFinding]] = {}
            for f in d.text_findings:
                by_type.setdefault(f.type, []).append(f)
            for kind, hits in sorted(by_type.items()):
                level = levels.in_dataset([kind], by_type)
                if SEVERITY[level] is Severity.INFO:
                    continue
                first = hits[0]
                out.append(common.Finding(
                    rule=TEXT_RULE, control="DS-4", severity=SEVERITY[level],
                    message=f"{len(hits)} {kind} value(s) in text: {level.value} data",
                    location=common.Location(d.path, offset=first.start, length=first.end - first.start),
                    remediation=REMEDIATION, fingerprint=common.fingerprint(TEXT_RULE, d.path, kind),
                    properties={"classification": level.value, "entity": kind, "count": len(hits)}))
        return out
