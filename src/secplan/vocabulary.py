"""The words users see: one definition each, shared by the terminal, JSON, SARIF, HTML and the docs."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is. Ordered: ``critical`` is the worst."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Larger is worse; used for ``--fail-on`` thresholds and sorting."""
        return _SEVERITY_RANK[self]

    @property
    def weight(self) -> float:
        """Weight of a finding of this severity in a control's score (see docs/scoring.md)."""
        return _SEVERITY_WEIGHT[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}
_SEVERITY_WEIGHT = {
    Severity.INFO: 0.5,
    Severity.LOW: 1.0,
    Severity.MEDIUM: 3.0,
    Severity.HIGH: 7.0,
    Severity.CRITICAL: 10.0,
}


class Status(StrEnum):
    """A control's status in an assessment."""

    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"
    MANUAL = "manual"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Outcome(StrEnum):
    """What one probe concluded about one piece of evidence.

    ``positive``: evidence that the control is met; ``negative``: a violation (a finding users act on);
    ``no_evidence``: nothing to judge by, so a person must look; ``not_applicable``: the control
    does not concern this project; ``error``: the probe could not run.
    """

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NO_EVIDENCE = "no_evidence"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Pillar(StrEnum):
    """The plan's five pillars; the value is the control-id prefix."""

    DS = "DS"
    MS = "MS"
    PS = "PS"
    CS = "CS"
    HS = "HS"

    @property
    def title(self) -> str:
        return _PILLAR_TITLES[self]


_PILLAR_TITLES = {
    Pillar.DS: "Data security",
    Pillar.MS: "Model security",
    Pillar.PS: "Platform security",
    Pillar.CS: "Compliance",
    Pillar.HS: "Human security",
}


class Classification(StrEnum):
    """Sensitivity levels, ordered from least to most sensitive."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"

    @property
    def rank(self) -> int:
        return list(Classification).index(self)

    def at_least(self, other: Classification) -> bool:
        return self.rank >= other.rank


class AssetKind(StrEnum):
    """Kinds of asset a plan declares and the collector discovers."""

    DATASET = "dataset"
    MODEL = "model"
    CODE = "code"
    NOTEBOOK = "notebook"
    DEPENDENCIES = "dependencies"
    INFRASTRUCTURE = "infrastructure"
    SERVICE = "service"
    DOCUMENT = "document"
    ENCRYPTED = "encrypted"
    OTHER = "other"
