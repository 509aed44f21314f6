"""The API's documents (pydantic): what the OpenAPI document describes and every answer follows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from secplan.assess.result import AssessmentDoc, FindingChangeDoc


class ProjectOut(BaseModel):
    id: str = Field(description="The project's stable id (a UUID).")
    name: str
    score: float | None = Field(description="Score of its current assessment, 0-10; null when never assessed.")
    pillars: dict[str, float | None] = Field(description="Pillar scores of its current assessment (DS, MS, PS, CS, HS).")
    open: dict[str, int] = Field(description="Open findings by severity in its current assessment.")
    assessment: int | None = Field(description="The current assessment's id.")
    assessed_at: dt.datetime | None
    branch: str | None
    commit: str | None
    trend: list[float | None] = Field(description="Scores of its recent assessments, oldest first.")


class FindingOut(BaseModel):
    id: int = Field(description="The finding's row in the server's index (stable for one assessment).")
    project_id: str
    project: str
    assessment: int
    fingerprint: str = Field(description="The finding's stable id across assessments (`controls[].findings[].id`).")
    probe: str
    control: str
    pillar: str
    severity: str
    state: str = Field(description="open, waived or baseline.")
    message: str
    path: str | None
    line: int | None
    remediation: str | None
    first_seen: dt.datetime = Field(description="When the project first had it open on this branch.")
    age_days: int


class AssessmentOut(BaseModel):
    id: int
    project_id: str
    branch: str | None
    commit: str | None
    pipeline: str | None
    uploaded_by: str | None = Field(description="Who uploaded it; null for one stored by a CLI run.")
    finished_at: dt.datetime
    score: float | None
    pillars: dict[str, float | None]
    open: dict[str, int]
    findings: int = Field(description="Negative findings in it (open, waived and baseline).")
    changed: dict[str, int] | None = Field(description="`{new, fixed}` against the branch's previous assessment.")


class AssessmentDetail(AssessmentOut):
    report: dict[str, Any] = Field(description="The stored JSON report (secplan assess --schema).")


class UploadIn(BaseModel):
    """An assessment sent by CI (`secplan assess --upload URL`)."""

    report: AssessmentDoc
    project: str | None = Field(None, max_length=500, description="The project's id (from its plan) or name; "
                                "default: the report's `project.id`, else `project.name`.")
    branch: str | None = Field(None, max_length=255)
    commit: str | None = Field(None, max_length=64)
    pipeline: str | None = Field(None, max_length=2000, description="The CI pipeline's URL or id.")


class UploadOut(BaseModel):
    id: int
    project_id: str
    url: str = Field(description="Where the stored assessment is read back.")
    new: int
    fixed: int
    score: float | None


class ComparisonOut(BaseModel):
    base: AssessmentOut
    head: AssessmentOut
    new: list[FindingChangeDoc]
    fixed: list[FindingChangeDoc]
    score_delta: float | None


class ControlOut(BaseModel):
    id: str
    pillar: str
    title: str
    status: str
    score: float | None
    summary: str
    frameworks: dict[str, list[str]]
    open: int = Field(description="Open findings of this control.")
    findings: int = Field(description="Negative findings of this control (open, waived, baseline).")


class ControlDetail(ControlOut):
    asks: str
    checks: str
    results: list[dict[str, Any]] = Field(description="Every probe result of this control in the assessment.")


class WaiverOut(BaseModel):
    target: str
    reason: str
    approver: str
    expires: dt.date
    state: str
    matched: int


class Health(BaseModel):
    status: str
    version: str
