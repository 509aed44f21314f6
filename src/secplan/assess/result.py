"""The assessment document: what ``secplan assess --format json`` prints and every writer renders.

Its JSON Schema is ``secplan assess --schema`` and docs/report-schema.md; ``version`` changes when a
field changes meaning or disappears (adding a field does not change it).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from secplan.vocabulary import Outcome, Pillar, Severity, Status

REPORT_VERSION = "1.0"

FindingState = Literal["open", "waived", "baseline"]
WaiverState = Literal["active", "expired", "unmatched"]


class LocationDoc(BaseModel):
    path: str
    line: int | None = None
    member: str | None = None


class FindingDoc(BaseModel):
    """One probe result. ``outcome`` negative = a finding to act on; positive = evidence of compliance."""

    id: str = Field(description="Stable fingerprint: probe id / hash of the subject.")
    probe: str
    control: str
    severity: Severity
    outcome: Outcome
    message: str
    location: LocationDoc | None = None
    state: FindingState | None = Field(
        None, description="For negative outcomes: open, waived (by a waiver) or baseline (known before)."
    )
    waiver: str | None = Field(None, description="The target of the waiver that covers it.")
    remediation: str | None = None
    details: dict = Field(default_factory=dict)


class ControlDoc(BaseModel):
    id: str
    pillar: Pillar
    title: str
    status: Status
    score: float | None = Field(None, description="0-10; null when the control has no verdict (manual, n/a, error).")
    summary: str = Field(description="One sentence: why this status.")
    asks: str
    checks: str
    frameworks: dict[str, list[str]]
    findings: list[FindingDoc]


class PillarDoc(BaseModel):
    id: Pillar
    title: str
    score: float | None
    counts: dict[Status, int]


class WaiverDoc(BaseModel):
    target: str
    reason: str
    approver: str
    expires: dt.date
    state: WaiverState
    matched: int = Field(description="How many findings (or controls) it covers.")


class ProbeRunDoc(BaseModel):
    id: str
    control: str
    seconds: float
    results: int
    error: str | None = None


class FindingChangeDoc(BaseModel):
    """A finding that appeared or went away since the previous assessment."""

    id: str = Field(description="The finding's stable id, as in `controls[].findings[].id`.")
    control: str = Field(description="The control it fails (DS-1 .. HS-5).")
    severity: Severity = Field(description="Its severity when it was last seen open.")
    message: str = Field(description="What was wrong, as the probe said it.")
    location: LocationDoc | None = Field(None, description="Where, when it concerns a file.")


class TrendPointDoc(BaseModel):
    """One assessment in the trend."""

    assessment: int | None = Field(description="The stored assessment's id; null for this run when not stored.")
    at: dt.datetime = Field(description="When it finished (this run: when it started).")
    score: float | None = Field(description="Its score, 0-10; null when no control had a verdict.")
    open: dict[Severity, int] = Field(description="Open findings by severity.")


class ChangesDoc(BaseModel):
    """What changed since the previous stored assessment of the same project and branch."""

    branch: str | None = Field(description="The git branch both runs were on (from CI variables or .git/HEAD).")
    previous: TrendPointDoc | None = Field(description="The assessment compared with; null for the first one.")
    new: list[FindingChangeDoc] = Field(description="Open now, not open in the previous assessment.")
    fixed: list[FindingChangeDoc] = Field(description="Open in the previous assessment, no longer found.")
    trend: list[TrendPointDoc] = Field(description="Score and open findings of recent assessments, oldest "
                                                   "first, ending with this one.")


class AssessmentDoc(BaseModel):
    version: str = REPORT_VERSION
    tool: dict[str, str]
    project: dict[str, str]
    generated_at: dt.datetime
    today: dt.date
    score: float | None = Field(description="Mean of the control scores that have one, 0-10.")
    coverage: float = Field(description="Share of controls with a verdict (not manual, n/a or error).")
    counts: dict[Status, int]
    severity_counts: dict[Severity, int] = Field(description="Open negative findings by severity.")
    fail_on: Severity
    failed: bool = Field(description="True when an open finding is at or above fail_on: the exit code is 1.")
    pillars: list[PillarDoc]
    controls: list[ControlDoc]
    waivers: list[WaiverDoc]
    baseline: str | None = None
    changes: ChangesDoc | None = Field(None, description="Since the previous assessment; null without a store.")
    probes: list[ProbeRunDoc] = Field(default_factory=list)

    def open_findings(self) -> list[FindingDoc]:
        return [f for c in self.controls for f in c.findings if f.outcome == Outcome.NEGATIVE and f.state == "open"]
