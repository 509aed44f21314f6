"""The server's own tables: an index of stored assessments and of their findings.

Findings live inside each stored report (JSON); filtering 100,000 of them by project, pillar,
control, severity, state and age needs rows and indexes. Each assessment is indexed once, when it
is uploaded or, for one stored by a CLI run against the same database, when a query first needs
it; the index is derived data and can be rebuilt from the reports.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Float, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from secplan.store.base import Base


class IndexedAssessment(Base):
    """One stored assessment as the server knows it: CI metadata and pillar scores."""

    __tablename__ = "server_assessments"

    assessment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    branch: Mapped[str | None] = mapped_column(String(255), nullable=True)
    commit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pipeline: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    uploaded_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """The user who uploaded it; null for one stored by a CLI run."""
    finished_at: Mapped[dt.datetime]
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    pillars: Mapped[dict] = mapped_column(JSON)
    """``{pillar: score or null}``."""
    findings: Mapped[int] = mapped_column(Integer)
    open_counts: Mapped[dict] = mapped_column(JSON)
    """Open findings by severity."""


class IndexedFinding(Base):
    """One negative finding of one indexed assessment."""

    __tablename__ = "server_findings"
    __table_args__ = (Index("ix_server_findings_page", "assessment_id", "severity_rank", "id"),
                      Index("ix_server_findings_order", "severity_rank", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    fingerprint: Mapped[str] = mapped_column(String(300))
    probe: Mapped[str] = mapped_column(String(200))
    control: Mapped[str] = mapped_column(String(8))
    pillar: Mapped[str] = mapped_column(String(4))
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(SmallInteger)
    state: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    remediation: Mapped[str | None] = mapped_column(Text, nullable=True)
    first_seen: Mapped[dt.datetime]
    """When the project (on the same branch) first had this finding open, as far as its history shows."""
