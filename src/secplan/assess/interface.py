"""What probes are given and what they return.

A probe is a small, self-describing check: its metadata lives in ``def.yml`` next to its code
(see :mod:`secplan.assess.registry`) and its code is a function ``run(ev: Evidence) -> Iterable[Result]``
with the evidence it reads declared beside it: ``NEEDS = (KEY, ...)`` (it cannot judge without them)
and ``OPTIONAL = (KEY, ...)`` (it judges differently when an engine provides them). Probes never print,
never write, and never load an artifact: they read evidence.

Evidence an engine computes is named by an :class:`EvidenceKey`: a name and the type its collector
returns, so that a probe, its collector and a reader agree on what the evidence is, and a probe whose
evidence no installed engine provides is known before it runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from secplan.vocabulary import Outcome, Severity

T = TypeVar("T")


@dataclass(frozen=True)
class EvidenceKey(Generic[T]):
    """The name of one piece of engine evidence and the type its collector returns.

    Keys live in the owning engine's ``evidence.py`` next to the frozen dataclass they name; that
    module imports only core dependencies, so a probe can declare a key even when the engine's own
    dependencies are not installed (the probe is then reported, not silently skipped).
    """

    name: str
    type: type[T]
    description: str = field(default="", compare=False)
    """What the evidence is, in a few words (shown when no installed engine provides it)."""

    def __str__(self) -> str:
        return self.name


class EvidenceUnavailable(LookupError):
    """No installed engine provides this evidence (an optional engine is missing or not written yet)."""

    def __init__(self, key: EvidenceKey[Any]):
        self.key = key
        super().__init__(f"no installed engine provides {key.name}")


class UndeclaredEvidence(LookupError):
    """A probe read evidence it did not declare in ``NEEDS`` or ``OPTIONAL`` (a bug in the probe)."""

    def __init__(self, key: EvidenceKey[Any], probe: str):
        self.key = key
        super().__init__(f"probe {probe} reads {key.name} without declaring it in NEEDS or OPTIONAL")


@dataclass(frozen=True)
class Location:
    """Where a result points. ``path`` is relative to the project root, with forward slashes."""

    path: str
    line: int | None = None
    member: str | None = None
    """A place inside the file: an archive member, a column, a JSON path, a notebook cell."""

    def __str__(self) -> str:
        text = self.path
        if self.line:
            text += f":{self.line}"
        if self.member:
            text += f" [{self.member}]"
        return text


@dataclass(frozen=True)
class ProbeDef:
    """A probe's metadata, loaded from its ``def.yml``."""

    id: str
    control: str
    severity: Severity
    title: str
    rationale: str
    """Why the probe exists: the risk it detects."""
    implementation: str
    """What evidence it reads and how it decides."""
    remediation: str
    """What to do about a negative result."""


@dataclass(frozen=True)
class Result:
    """One conclusion of a probe about one piece of evidence."""

    outcome: Outcome
    message: str
    location: Location | None = None
    severity: Severity | None = None
    """Overrides the probe's severity for this result (a critical CVE in a high-severity probe)."""
    key: str | None = None
    """A stable subject for the finding id; defaults to the location and the message."""
    details: dict[str, Any] = field(default_factory=dict)
    remediation: str | None = None
    """What fixes this result, when the probe knows better than its definition's general advice (the
    rule that fired, the version to upgrade to)."""

    def fingerprint(self, probe_id: str) -> str:
        """A stable id: same probe, same subject -> same id across runs (baselines and waivers use it)."""
        subject = self.key
        if subject is None:
            where = f"{self.location.path}|{self.location.member or ''}" if self.location else ""
            subject = f"{where}|{self.message}"
        digest = hashlib.sha256(f"{probe_id}\x00{subject}".encode("utf-8", "surrogateescape")).hexdigest()[:12]
        return f"{probe_id}/{digest}"


def positive(message: str, location: Location | None = None, **kw: Any) -> Result:
    """Evidence that the control is met."""
    return Result(Outcome.POSITIVE, message, location, **kw)


def negative(message: str, location: Location | None = None, **kw: Any) -> Result:
    """A violation: becomes a finding people act on."""
    return Result(Outcome.NEGATIVE, message, location, **kw)


def no_evidence(message: str, **kw: Any) -> Result:
    """Nothing to judge by: the message says what evidence would satisfy the probe."""
    return Result(Outcome.NO_EVIDENCE, message, **kw)


def not_applicable(message: str, **kw: Any) -> Result:
    return Result(Outcome.NOT_APPLICABLE, message, **kw)
