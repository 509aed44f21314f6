"""``/api/v1/findings``: current findings of the projects a caller may see, filtered, paged, exported.

Naming a project the caller may not read is a 403, never an empty page. Exports hold every match
(CSV or JSON); a CSV cell that a spreadsheet would run as a formula is prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response, StreamingResponse

from secplan.access import Identity
from secplan.projects import Project
from secplan.server import answers
from secplan.server.auth import allow, caller, project_by_ref, visible
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError
from secplan.server.pagination import Page, page_size
from secplan.server.queries import findings as queries
from secplan.server.schemas import FindingOut
from secplan.vocabulary import Pillar, Severity

router = APIRouter(prefix="/api/v1", tags=["findings"], responses=COMMON)
State = Literal["open", "waived", "baseline"]
CSV_COLUMNS = list(FindingOut.model_fields)


def _projects(ctx: Context, who: Identity, refs: list[str]) -> list[Project]:
    if not refs:
        return visible(ctx, who, "read", "assessment")
    chosen = [project_by_ref(ctx.store, ref) for ref in refs]
    for project in chosen:
        allow(ctx, who, "read", "assessment", project)
    return chosen


def _filter(pillar: Pillar | None, control: str | None, severity: list[Severity], state: State | None,
            min_age_days: int | None, max_age_days: int | None, branch: str | None) -> queries.FindingFilter:
    for name, value in (("min_age_days", min_age_days), ("max_age_days", max_age_days)):
        if value is not None and value < 0:
            raise ApiError(400, f"{name} {value}: a number of days, 0 or more")
    return queries.FindingFilter(pillar.value if pillar else None, control.upper() if control else None,
                                 tuple(s.value for s in severity), state, min_age_days, max_age_days, branch)


class _Params:
    """The query parameters both routes take (one definition, so the list and the export agree)."""

    def __init__(self, project: list[str] = Query([], description="Project id or name (repeat for several)."),
                 pillar: Pillar | None = None, control: str | None = Query(None, description="DS-1 .. HS-5"),
                 severity: list[Severity] = Query([], description="Repeat for several."),
                 state: State | None = None,
                 min_age_days: int | None = Query(None, description="Open for at least this many days."),
                 max_age_days: int | None = Query(None, description="Open for at most this many days."),
                 branch: str | None = Query(None, description="The current assessment of this branch "
                                                              "(default: of any branch).")) -> None:
        self.project = project
        self.filter = _filter(pillar, control, severity, state, min_age_days, max_age_days, branch)


@router.get("/findings", response_model=Page[FindingOut], summary="Current findings, worst first, one page")
def list_findings(params: _Params = Depends(), page_token: str | None = None,
                  size: int | None = Query(None, alias="page_size"), ctx: Context = Depends(context),
                  who: Identity = Depends(caller)) -> Response:
    n = page_size(size)
    projects = _projects(ctx, who, params.project)  # authorized before any kept answer is looked up
    scope = {**params.filter.as_dict(), "projects": sorted(p.id for p in projects)}
    position = ctx.pager.decode("findings", scope, page_token)
    after = (int(position[0]), int(position[1])) if position else None

    def build() -> tuple[bytes, float]:
        rows, total, following = queries.page(ctx.store, projects, params.filter, after, n)
        token = ctx.pager.encode("findings", scope, list(following)) if following else None
        # typed by construction (FindingRow): built as plain JSON, since validating each row again
        # costs more than the page's SQL
        body = JSONResponse({"items": [_doc(r) for r in rows], "next_page_token": token, "total": total}).body
        return bytes(body), keep_for(params.filter, rows)

    key = ("api-findings", answers.current(ctx, projects, params.filter.branch), params.filter, after, n)
    body, _ = answers.kept(key, build, lambda answer: answer[1])
    return Response(body, media_type="application/json")


def keep_for(f: queries.FindingFilter, rows: list[queries.FindingRow]) -> float:
    """How long a page of ``rows`` stays true: until a row's age changes; not at all under an age
    filter (which rows match moves with the clock)."""
    from secplan.store.base import utcnow

    if f.min_age_days is not None or f.max_age_days is not None:
        return 0.0
    return answers.until_older((r.first_seen for r in rows), (r.age_days for r in rows), utcnow())


_FIELDS = tuple(FindingOut.model_fields)


def _doc(row: queries.FindingRow) -> dict[str, object]:
    """A row as its FindingOut JSON (UTC times as RFC 3339 with ``Z``, as pydantic writes them)."""
    doc = {name: getattr(row, name) for name in _FIELDS}
    doc["first_seen"] = row.first_seen.isoformat().replace("+00:00", "Z")
    return doc


def _cell(value: object) -> str:
    text = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: Iterator[queries.FindingRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, c)) for c in CSV_COLUMNS])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(rows: Iterator[queries.FindingRow]) -> Iterator[str]:
    yield '{"items": ['
    for n, row in enumerate(rows):
        yield ("," if n else "") + json.dumps(_doc(row))
    yield "]}"


@router.get("/findings/export", summary="Every matching finding as CSV or JSON",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}},
                                         "application/json": {"schema": {"type": "object"}}},
                             "description": "The findings, worst first."}})
def export_findings(params: _Params = Depends(), format: Literal["csv", "json"] = "csv",
                    ctx: Context = Depends(context), who: Identity = Depends(caller)) -> StreamingResponse:
    projects = _projects(ctx, who, params.project)
    rows = list(queries.every(ctx.store, projects, params.filter))  # read whole first: no partial export
    if format == "csv":
        return StreamingResponse(_csv(iter(rows)), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="findings.csv"'})
    return StreamingResponse(_json(iter(rows)), media_type="application/json",
                             headers={"Content-Disposition": 'attachment; filename="findings.json"'})
