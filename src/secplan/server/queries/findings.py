"""Findings across projects: filtered in the database on indexed rows, a keyset page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select

from secplan.projects import Project
from secplan.server.queries.latest import latest_ids
from secplan.server.records import IndexedFinding
from secplan.store.base import as_utc, utcnow
from secplan.store.db import Store


@dataclass(frozen=True)
class FindingFilter:
    pillar: str | None = None
    control: str | None = None
    severity: tuple[str, ...] = ()
    state: str | None = None
    min_age_days: int | None = None
    max_age_days: int | None = None
    branch: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"pillar": self.pillar, "control": self.control, "severity": list(self.severity) or None,
                "state": self.state, "min_age_days": self.min_age_days, "max_age_days": self.max_age_days,
                "branch": self.branch}


@dataclass(frozen=True)
class FindingRow:
    id: int
    project_id: str
    project: str
    assessment: int
    fingerprint: str
    probe: str
    control: str
    pillar: str
    severity: str
    state: str
    message: str
    path: str | None
    line: int | None
    remediation: str | None
    first_seen: dt.datetime
    age_days: int


_COLUMNS = (IndexedFinding.id, IndexedFinding.project_id, IndexedFinding.assessment_id, IndexedFinding.fingerprint,
            IndexedFinding.probe, IndexedFinding.control, IndexedFinding.pillar, IndexedFinding.severity,
            IndexedFinding.state, IndexedFinding.message, IndexedFinding.path, IndexedFinding.line,
            IndexedFinding.remediation, IndexedFinding.first_seen, IndexedFinding.severity_rank)


def _filtered(query: Select, assessment_ids: Sequence[int], f: FindingFilter, now: dt.datetime) -> Select:
    query = query.where(IndexedFinding.assessment_id.in_(list(assessment_ids)))
    if f.pillar:
        query = query.where(IndexedFinding.pillar == f.pillar)
    if f.control:
        query = query.where(IndexedFinding.control == f.control)
    if f.severity:
        query = query.where(IndexedFinding.severity.in_(list(f.severity)))
    if f.state:
        query = query.where(IndexedFinding.state == f.state)
    if f.min_age_days is not None:
        query = query.where(IndexedFinding.first_seen <= now - dt.timedelta(days=f.min_age_days))
    if f.max_age_days is not None:
        # age_days <= N: open for less than N + 1 whole days
        query = query.where(IndexedFinding.first_seen > now - dt.timedelta(days=f.max_age_days + 1))
    return query


def page_query(assessment_ids: Sequence[int], f: FindingFilter, after: tuple[int, int] | None, size: int,
               now: dt.datetime) -> Select:
    """The SQL of one page: worst first, newest row first within a severity, strictly after ``after``
    (rank, id). Both keys descend, so the database walks the (severity_rank, id) index backwards and
    stops after one page instead of sorting every match."""
    query = _filtered(select(*_COLUMNS), assessment_ids, f, now)
    if after is not None:
        rank, last = after
        query = query.where(or_(IndexedFinding.severity_rank < rank,
                                and_(IndexedFinding.severity_rank == rank, IndexedFinding.id < last)))
    return query.order_by(IndexedFinding.severity_rank.desc(), IndexedFinding.id.desc()).limit(size)


def _row(raw, names: dict[str, str], now: dt.datetime) -> FindingRow:
    seen = as_utc(raw.first_seen)
    return FindingRow(raw.id, raw.project_id, names.get(raw.project_id, raw.project_id), raw.assessment_id,
                      raw.fingerprint, raw.probe, raw.control, raw.pillar, raw.severity, raw.state, raw.message,
                      raw.path, raw.line, raw.remediation, seen, max(0, (now - seen).days))


#: (assessment ids, filters) -> how many findings match. The index rows of an assessment never change,
#: so a total is exact for as long as the projects' current assessments are the same ones (the key).
_totals: dict[tuple, int] = {}
_TOTALS_MAX = 4096


def _total(store: Store, ids: Sequence[int], f: FindingFilter, now: dt.datetime) -> int:
    cacheable = f.min_age_days is None and f.max_age_days is None  # an age filter moves with the clock
    key = (store.url, tuple(sorted(ids)), f)
    if cacheable and key in _totals:
        return _totals[key]
    with store.engine.connect() as conn:
        total = int(conn.execute(_filtered(select(func.count()).select_from(IndexedFinding), ids, f, now)).scalar_one())
    if cacheable:
        if len(_totals) >= _TOTALS_MAX:
            _totals.clear()
        _totals[key] = total
    return total


def current_assessments(store: Store, projects: Sequence[Project], branch: str | None) -> list[int]:
    return list(latest_ids(store, [p.id for p in projects], branch).values())


def page(store: Store, projects: Sequence[Project], f: FindingFilter, after: tuple[int, int] | None,
         size: int) -> tuple[list[FindingRow], int, tuple[int, int] | None]:
    """One page of the current findings of ``projects``, how many match in all, and the position
    after the page (None on the last)."""
    now = utcnow()
    ids = current_assessments(store, projects, f.branch)
    if not ids:
        return [], 0, None
    names = {p.id: p.name for p in projects}
    with store.engine.connect() as conn:
        raws = list(conn.execute(page_query(ids, f, after, size + 1, now)))
    total = _total(store, ids, f, now)
    more = len(raws) > size
    raws = raws[:size]
    position = (raws[-1].severity_rank, raws[-1].id) if more and raws else None
    return [_row(r, names, now) for r in raws], total, position


def every(store: Store, projects: Sequence[Project], f: FindingFilter, batch: int = 2000) -> Iterator[FindingRow]:
    """Every matching finding, worst first, read a batch at a time (for exports)."""
    after: tuple[int, int] | None = None
    while True:
        rows, _, after = page(store, projects, f, after, batch)
        yield from rows
        if after is None:
            return
