"""Which stored assessment is a project's current one: its newest, on one branch or on any."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from sqlalchemy import func, select

from secplan.assess.history import AssessmentRecord
from secplan.server import index
from secplan.server.records import IndexedAssessment
from secplan.store.db import Store

TTL = 1.0
"""Seconds a process reuses its answer: an upload to another replica shows within this time (an
upload to this process shows at once), as a grant change does through the access layer's cache."""
_cache: dict[tuple, tuple[float, dict[str, int]]] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop the cached answers (after this process stored or indexed an assessment)."""
    with _lock:
        _cache.clear()


def latest_ids(store: Store, project_ids: Sequence[str], branch: str | None = None) -> dict[str, int]:
    """``{project_id: newest assessment id}`` for the projects that have one (indexed on the way)."""
    if not project_ids:
        return {}
    key = (store.url, tuple(project_ids), branch)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < TTL:
        return hit[1]
    found = _query(store, project_ids, branch)
    with _lock:
        if len(_cache) > 1024:
            _cache.clear()
        _cache[key] = (now, found)
    return found


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
