"""Which stored assessment is a project's current one: its newest, on one branch or on any."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from secplan.assess.history import AssessmentRecord
from secplan.server import index
from secplan.server.records import IndexedAssessment
from secplan.store.db import Store
from secplan.web.ttl import TtlCache

TTL = 1.0
"""Seconds a process reuses its answer: an upload to another replica shows within this time (an
upload to this process shows at once), as a grant change does through the access layer's cache."""
_cache: TtlCache[dict[str, int]] = TtlCache(TTL, 1024)


def forget() -> None:
    """Drop the cached answers (after this process stored or indexed an assessment)."""
    _cache.clear()


def latest_ids(store: Store, project_ids: Sequence[str], branch: str | None = None) -> dict[str, int]:
    """``{project_id: newest assessment id}`` for the projects that have one (indexed on the way)."""
    if not project_ids:
        return {}
    return _cache.get((store.url, tuple(project_ids), branch), lambda: _query(store, project_ids, branch))


def _query(store: Store, project_ids: Sequence[str], branch: str | None) -> dict[str, int]:
    newest = (select(AssessmentRecord.project_id, func.max(AssessmentRecord.id).label("newest"))
              .where(AssessmentRecord.project_id.in_(list(project_ids))).group_by(AssessmentRecord.project_id))
    if branch is not None:
        newest = newest.where(AssessmentRecord.branch == branch)
    latest = newest.subquery()
    query = (select(latest.c.project_id, latest.c.newest, IndexedAssessment.assessment_id)
             .outerjoin(IndexedAssessment, IndexedAssessment.assessment_id == latest.c.newest))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    missing = [row.newest for row in rows if row.assessment_id is None]
    if missing:  # stored by a CLI run against this database: indexed on first use
        index.ensure(store, missing)
    return {row.project_id: row.newest for row in rows}
