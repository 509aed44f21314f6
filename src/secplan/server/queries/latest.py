"""Which stored assessment is a project's current one: its newest, on one branch or on any."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from secplan.assess.history import AssessmentRecord
from secplan.server import index
from secplan.store.db import Store


def latest_ids(store: Store, project_ids: Sequence[str], branch: str | None = None) -> dict[str, int]:
    """``{project_id: newest assessment id}`` for the projects that have one (indexed on the way)."""
    if not project_ids:
        return {}
    query = (select(AssessmentRecord.project_id, func.max(AssessmentRecord.id))
             .where(AssessmentRecord.project_id.in_(list(project_ids))).group_by(AssessmentRecord.project_id))
    if branch is not None:
        query = query.where(AssessmentRecord.branch == branch)
    with store.session() as session:
        found = {project_id: newest for project_id, newest in session.execute(query)}
    index.ensure(store, found.values())
    return found
