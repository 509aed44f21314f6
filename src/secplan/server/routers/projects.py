"""``/api/v1/projects``: the portfolio (worst first) and one project's posture."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from secplan.access import Identity
from secplan.server import answers
from secplan.server.auth import allow, caller, project_by_ref, visible
from secplan.server.context import Context, context
from secplan.server.errors import COMMON
from secplan.server.pagination import Page, page_size
from secplan.server.queries.projects import ProjectSummary, summaries
from secplan.server.schemas import ProjectOut

router = APIRouter(prefix="/api/v1", tags=["projects"], responses=COMMON)


@router.get("/projects", response_model=Page[ProjectOut], summary="Every project the caller may see, worst first")
def list_projects(branch: str | None = None, page_token: str | None = None,
                  size: int | None = Query(None, alias="page_size"),
                  ctx: Context = Depends(context), who: Identity = Depends(caller)) -> Response:
    """Projects with their current score and pillar scores: never assessed first, then lowest score."""
    n = page_size(size)
    filters = {"branch": branch, "user": who.name}
    position = ctx.pager.decode("projects", filters, page_token)
    start = int(position[0]) if position else 0
    projects = visible(ctx, who, "read", "assessment")  # authorized before any kept answer is looked up

    def build() -> bytes:
        rows = summaries(ctx.store, projects, branch)
        chunk = rows[start:start + n]
        token = ctx.pager.encode("projects", filters, [start + n]) if start + n < len(rows) else None
        # typed by construction (ProjectSummary): built as plain JSON, not validated a second time
        return bytes(JSONResponse({"items": [_doc(r) for r in chunk], "next_page_token": token,
                                   "total": len(rows)}).body)

    key = ("api-projects", answers.current(ctx, projects, branch), who.name, start, n)
    return Response(answers.kept(key, build), media_type="application/json")


_FIELDS = tuple(ProjectOut.model_fields)


def _doc(summary: ProjectSummary) -> dict[str, object]:
    doc = {name: getattr(summary, name) for name in _FIELDS}
    if summary.assessed_at is not None:
        doc["assessed_at"] = summary.assessed_at.isoformat().replace("+00:00", "Z")
    return doc


@router.get("/projects/{project}", response_model=ProjectOut, summary="One project's current posture")
def get_project(project: str, branch: str | None = None, ctx: Context = Depends(context),
                who: Identity = Depends(caller)) -> ProjectOut:
    target = project_by_ref(ctx.store, project)
    allow(ctx, who, "read", "assessment", target)
    return ProjectOut(**asdict(summaries(ctx.store, [target], branch)[0]))
