"""The portfolio: each project's current score, pillar scores and open findings, worst first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from secplan.assess.history import AssessmentRecord
from secplan.projects import Project
from secplan.server.queries.latest import latest_ids
from secplan.server.records import IndexedAssessment
from secplan.store.db import Store

TREND = 10
"""Scores in a project's trend on the portfolio (newest last)."""


@dataclass(frozen=True)
class ProjectSummary:
    id: str
    name: str
    score: float | None
    pillars: dict[str, float | None]
    open: dict[str, int]
    assessment: int | None
    assessed_at: dt.datetime | None
    branch: str | None
    commit: str | None
    trend: list[float | None] = field(default_factory=list)


def _trends(store: Store, project_ids: Sequence[str]) -> dict[str, list[float | None]]:
    ranked = (select(AssessmentRecord.project_id, AssessmentRecord.score, AssessmentRecord.id,
                     func.row_number().over(partition_by=AssessmentRecord.project_id,
                                            order_by=AssessmentRecord.id.desc()).label("n"))
              .where(AssessmentRecord.project_id.in_(list(project_ids))).subquery())
    query = select(ranked.c.project_id, ranked.c.score).where(ranked.c.n <= TREND).order_by(ranked.c.id)
    out: dict[str, list[float | None]] = {}
    with store.session() as session:
        for project_id, score in session.execute(query):
            out.setdefault(project_id, []).append(score)
    return out


def summaries(store: Store, projects: Sequence[Project], branch: str | None = None) -> list[ProjectSummary]:
    """Every given project, worst first: never assessed first (unknown posture), then by score."""
    latest = latest_ids(store, [p.id for p in projects], branch)
    with store.session() as session:
        rows = {r.assessment_id: r for r in session.scalars(
            select(IndexedAssessment).where(IndexedAssessment.assessment_id.in_(list(latest.values()))))}
    trends = _trends(store, [p.id for p in projects]) if projects else {}
    out = []
    for project in projects:
        row = rows.get(latest.get(project.id, -1))
        if row is None:
            out.append(ProjectSummary(project.id, project.name, None, {}, {}, None, None, None, None, []))
            continue
        out.append(ProjectSummary(project.id, project.name, row.score, dict(row.pillars), dict(row.open_counts),
                                  row.assessment_id, row.finished_at, row.branch, row.commit,
                                  trends.get(project.id, [])))
    return sorted(out, key=lambda s: (s.assessment is not None, s.score if s.score is not None else -1.0, s.name))
