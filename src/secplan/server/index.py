"""Indexing stored assessments for the API: their pillar scores, CI metadata and negative findings.

An assessment is indexed once. Its findings' ``first_seen`` carries over from the previous
assessment of the same project and branch (indexed first if it is not yet), so a finding's age is
how long the project has had it, not how old the newest report is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from secplan.assess.history import AssessmentRecord
from secplan.server.records import IndexedAssessment, IndexedFinding
from secplan.store.base import as_utc
from secplan.store.db import Store
from secplan.vocabulary import Outcome, Severity


@dataclass(frozen=True)
class CiMeta:
    """Where an uploaded assessment came from."""

    commit: str | None = None
    pipeline: str | None = None
    uploaded_by: str | None = None


def _rank(severity: str) -> int:
    try:
        return Severity(severity).rank
    except ValueError:
        return 0


def _rows(report: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for control in report.get("controls", []):
        for finding in control.get("findings", []):
            if finding.get("outcome") != Outcome.NEGATIVE.value:
                continue
            location = finding.get("location") or {}
            yield {"fingerprint": str(finding.get("id", ""))[:300], "probe": str(finding.get("probe", ""))[:200],
                   "control": str(control.get("id", finding.get("control", "")))[:8],
                   "pillar": str(control.get("pillar", str(control.get("id", ""))[:2]))[:4],
                   "severity": str(finding.get("severity", "info")), "severity_rank": _rank(finding.get("severity", "")),
                   "state": str(finding.get("state") or "open"), "message": str(finding.get("message", "")),
                   "path": location.get("path"), "line": location.get("line"),
                   "remediation": finding.get("remediation")}


def _previous(session: Session, record: AssessmentRecord) -> int | None:
    query = (select(AssessmentRecord.id).where(AssessmentRecord.project_id == record.project_id,
                                                AssessmentRecord.id < record.id)
             .where(AssessmentRecord.branch.is_(None) if record.branch is None
                    else AssessmentRecord.branch == record.branch)
             .order_by(AssessmentRecord.id.desc()).limit(1))
    return session.execute(query).scalar_one_or_none()


def _index_one(session: Session, assessment_id: int, meta: CiMeta) -> None:
    record = session.get(AssessmentRecord, assessment_id)
    if record is None or session.get(IndexedAssessment, assessment_id) is not None:
        return
    report = record.report or {}
    seen_at = as_utc(record.finished_at)
    previous = _previous(session, record)
    first_seen: dict[str, dt.datetime] = {}
    if previous is not None:
        first_seen = {fp: as_utc(at) for fp, at in session.execute(
            select(IndexedFinding.fingerprint, IndexedFinding.first_seen)
            .where(IndexedFinding.assessment_id == previous))}
    rows = list(_rows(report))
    pillars = {str(p.get("id")): p.get("score") for p in report.get("pillars", [])}
    open_counts = {str(k): int(v) for k, v in (record.open_counts or report.get("severity_counts") or {}).items()}
    session.add(IndexedAssessment(assessment_id=record.id, project_id=record.project_id, branch=record.branch,
                                  commit=meta.commit, pipeline=meta.pipeline, uploaded_by=meta.uploaded_by,
                                  finished_at=seen_at, score=record.score, pillars=pillars, findings=len(rows),
                                  open_counts=open_counts))
    session.flush()
    if rows:
        for row in rows:
            row.update(assessment_id=record.id, project_id=record.project_id,
                       first_seen=first_seen.get(row["fingerprint"], seen_at))
        session.execute(insert(IndexedFinding), rows)


def _chain(session: Session, assessment_id: int) -> list[int]:
    """``assessment_id`` and the earlier assessments of its branch not yet indexed, oldest first."""
    chain = []
    current: int | None = assessment_id
    while current is not None and session.get(IndexedAssessment, current) is None:
        chain.append(current)
        record = session.get(AssessmentRecord, current)
        current = _previous(session, record) if record is not None else None
    return list(reversed(chain))


def index(store: Store, assessment_id: int, meta: CiMeta | None = None) -> None:
    """Index one assessment (and the unindexed ones before it on its branch)."""
    try:
        with store.session() as session:
            chain = _chain(session, assessment_id)
            for earlier in chain:
                _index_one(session, earlier, meta if earlier == assessment_id and meta else CiMeta())
    except IntegrityError:
        pass  # another replica indexed the same assessment at the same moment: its rows are the same


def ensure(store: Store, assessment_ids: Iterable[int]) -> None:
    """Index whichever of ``assessment_ids`` are not indexed yet (stored by a CLI run, say)."""
    wanted = set(assessment_ids)
    if not wanted:
        return
    with store.session() as session:
        done = set(session.scalars(select(IndexedAssessment.assessment_id)
                                   .where(IndexedAssessment.assessment_id.in_(wanted))))
    for assessment_id in sorted(wanted - done):
        index(store, assessment_id)
