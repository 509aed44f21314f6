"""Stored assessments: every run of ``secplan assess`` is kept, so posture can be followed over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import JSON, Float, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from secplan.assess.result import AssessmentDoc
from secplan.store.base import Base
from secplan.store.db import Store


class AssessmentRecord(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    branch: Mapped[str | None] = mapped_column(String(255), nullable=True)
    """The git branch assessed (None: not a checkout, a detached HEAD, or stored before branches were)."""
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime]
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    counts: Mapped[dict] = mapped_column(JSON)
    open_counts: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    """Open findings by severity, kept beside the report so that a trend does not read whole reports."""
    changed: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    """``{"new": n, "fixed": m}`` against the previous assessment of the branch (None for the first)."""
    report: Mapped[dict] = mapped_column(JSON)


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    project_id: str
    finished_at: dt.datetime
    score: float | None
    counts: dict[str, int]
    branch: str | None = None
    changed: dict[str, int] | None = None


def save_assessment(store: Store, doc: AssessmentDoc, branch: str | None = None,
                    project_id: str | None = None) -> int:
    """Keep ``doc``; in the store's own project, or in ``project_id`` (a server storing an upload)."""
    from secplan.projects import project_of

    with store.session() as session:
        record = AssessmentRecord(
            project_id=project_id or project_of(store).id,
            branch=branch,
            open_counts={str(k): v for k, v in doc.severity_counts.items()},
            changed=({"new": len(doc.changes.new), "fixed": len(doc.changes.fixed)}
                     if doc.changes is not None and doc.changes.previous is not None else None),
            started_at=doc.generated_at,
            finished_at=dt.datetime.now(dt.UTC),
            score=doc.score,
            counts={str(k): v for k, v in doc.counts.items()},
            report=doc.model_dump(mode="json"),
        )
        session.add(record)
        session.flush()
        return record.id


def list_assessments(store: Store, project_id: str | None = None, limit: int = 50,
                     branch: str | None = None) -> list[AssessmentSummary]:
    """Newest first; one project's (its :class:`~secplan.projects.Project` id) or every project's,
    on one branch or on all."""
    query = select(AssessmentRecord.id, AssessmentRecord.project_id, AssessmentRecord.finished_at,
                   AssessmentRecord.score, AssessmentRecord.counts, AssessmentRecord.branch,
                   AssessmentRecord.changed)
    if project_id:
        query = query.where(AssessmentRecord.project_id == project_id)
    if branch is not None:
        query = query.where(AssessmentRecord.branch == branch)
    query = query.order_by(AssessmentRecord.finished_at.desc(), AssessmentRecord.id.desc()).limit(limit)
    with store.session() as session:
        return [AssessmentSummary(*row) for row in session.execute(query)]


def latest_assessment(store: Store, project_id: str | None = None) -> AssessmentDoc | None:
    query = select(AssessmentRecord.report)
    if project_id:
        query = query.where(AssessmentRecord.project_id == project_id)
    query = query.order_by(AssessmentRecord.finished_at.desc(), AssessmentRecord.id.desc()).limit(1)
    with store.session() as session:
        report = session.execute(query).scalar_one_or_none()
    return AssessmentDoc.model_validate(report) if report else None
