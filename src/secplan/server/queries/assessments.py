"""Stored assessments: keeping an upload (with the server's own new/fixed against the branch's
history), listing a project's history and comparing two runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from secplan.assess.changes import compare as compare_with_history
from secplan.assess.changes import open_findings
from secplan.assess.history import AssessmentRecord, save_assessment
from secplan.assess.result import AssessmentDoc, FindingChangeDoc
from secplan.projects import Project
from secplan.server import answers, index
from secplan.server.queries.latest import forget
from secplan.server.records import IndexedAssessment
from secplan.store.base import as_utc
from secplan.store.db import Store


@dataclass(frozen=True)
class AssessmentMeta:
    id: int
    project_id: str
    branch: str | None
    commit: str | None
    pipeline: str | None
    uploaded_by: str | None
    finished_at: dt.datetime
    score: float | None
    pillars: dict[str, float | None]
    open: dict[str, int]
    findings: int
    changed: dict[str, int] | None


@dataclass(frozen=True)
class Comparison:
    base: AssessmentMeta
    head: AssessmentMeta
    new: list[FindingChangeDoc]
    fixed: list[FindingChangeDoc]
    score_delta: float | None


def store_upload(store: Store, project: Project, doc: AssessmentDoc, *, branch: str | None, commit: str | None,
                 pipeline: str | None, uploaded_by: str) -> int:
    """Keep an uploaded report in ``project``'s history; new and fixed are recomputed here, against the
    server's history of the branch (a CI runner's own store is usually empty)."""
    changes = compare_with_history(store, project.id, branch, doc)
    kept = doc.model_copy(update={"changes": changes,
                                  "project": {**doc.project, "id": project.id, "name": project.name}})
    assessment_id = save_assessment(store, kept, branch, project_id=project.id)
    index.index(store, assessment_id, index.CiMeta(commit, pipeline, uploaded_by))
    forget()  # this process shows the upload at once; other replicas within latest.TTL
    answers.forget()  # and no answer kept from before it
    return assessment_id


def _meta(record: AssessmentRecord, row: IndexedAssessment) -> AssessmentMeta:
    return AssessmentMeta(record.id, record.project_id, record.branch, row.commit, row.pipeline, row.uploaded_by,
                          as_utc(record.finished_at), record.score, dict(row.pillars), dict(row.open_counts),
                          row.findings, record.changed)


def history(store: Store, project: Project, branch: str | None, before: int | None,
            size: int) -> tuple[list[AssessmentMeta], int, int | None]:
    """A page of ``project``'s assessments, newest first, strictly older than id ``before``."""
    from sqlalchemy import func

    base = select(AssessmentRecord.id).where(AssessmentRecord.project_id == project.id)
    if branch is not None:
        base = base.where(AssessmentRecord.branch == branch)
    with store.session() as session:
        total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
        query = base.order_by(AssessmentRecord.id.desc()).limit(size + 1)
        if before is not None:
            query = query.where(AssessmentRecord.id < before)
        ids = list(session.scalars(query))
    more = len(ids) > size
    ids = ids[:size]
    index.ensure(store, ids)
    with store.session() as session:
        records = {r.id: r for r in session.scalars(select(AssessmentRecord).where(AssessmentRecord.id.in_(ids))
                                                    .options())}
        rows = {r.assessment_id: r for r in session.scalars(
            select(IndexedAssessment).where(IndexedAssessment.assessment_id.in_(ids)))}
        metas = [_meta(records[i], rows[i]) for i in ids]
    return metas, int(total), (ids[-1] if more and ids else None)


def get(store: Store, assessment_id: int) -> tuple[AssessmentMeta, dict[str, Any]] | None:
    """An assessment's metadata and its stored report, or None."""
    index.ensure(store, [assessment_id])
    with store.session() as session:
        record = session.get(AssessmentRecord, assessment_id)
        row = session.get(IndexedAssessment, assessment_id)
        if record is None or row is None:
            return None
        return _meta(record, row), dict(record.report)


def project_of_assessment(store: Store, assessment_id: int) -> str | None:
    with store.session() as session:
        return session.execute(select(AssessmentRecord.project_id)
                               .where(AssessmentRecord.id == assessment_id)).scalar_one_or_none()


def compare(store: Store, base_id: int, head_id: int) -> Comparison | None:
    """What is open in ``head`` and not in ``base`` (new), and the other way round (fixed)."""
    base, head = get(store, base_id), get(store, head_id)
    if base is None or head is None:
        return None
    before = {f.id: f for f in open_findings(base[1])}
    after = {f.id: f for f in open_findings(head[1])}
    delta = None if base[0].score is None or head[0].score is None else round(head[0].score - base[0].score, 4)
    return Comparison(base[0], head[0], [f for i, f in after.items() if i not in before],
                      [f for i, f in before.items() if i not in after], delta)
