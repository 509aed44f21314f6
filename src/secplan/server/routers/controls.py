"""``/api/v1/projects/{project}/controls`` and ``/waivers``: from the project's current assessment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from secplan.access import Identity
from secplan.server.auth import allow, caller, project_by_ref
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError
from secplan.server.queries.assessments import get
from secplan.server.queries.latest import latest_ids
from secplan.server.schemas import ControlDetail, ControlOut, WaiverOut

router = APIRouter(prefix="/api/v1/projects/{project}", tags=["controls"], responses=COMMON)


def _current_report(ctx: Context, who: Identity, project: str, branch: str | None) -> dict[str, Any]:
    target = project_by_ref(ctx.store, project)
    allow(ctx, who, "read", "assessment", target)
    latest = latest_ids(ctx.store, [target.id], branch).get(target.id)
    found = get(ctx.store, latest) if latest is not None else None
    if found is None:
        raise ApiError(404, f"project {target.name!r} has no assessment yet"
                            + (f" on branch {branch!r}" if branch else ""))
    return found[1]


def _control(c: dict[str, Any]) -> dict[str, Any]:
    negative = [f for f in c.get("findings", []) if f.get("outcome") == "negative"]
    return {"id": c["id"], "pillar": c.get("pillar", c["id"][:2]), "title": c.get("title", ""),
            "status": c.get("status", ""), "score": c.get("score"), "summary": c.get("summary", ""),
            "frameworks": c.get("frameworks", {}), "findings": len(negative),
            "open": sum(1 for f in negative if f.get("state") == "open")}


@router.get("/controls", response_model=list[ControlOut], summary="The controls of the current assessment")
def list_controls(project: str, branch: str | None = None, ctx: Context = Depends(context),
                  who: Identity = Depends(caller)) -> list[ControlOut]:
    report = _current_report(ctx, who, project, branch)
    return [ControlOut(**_control(c)) for c in report.get("controls", [])]


@router.get("/controls/{control}", response_model=ControlDetail, summary="One control, with its probe results")
def get_control(project: str, control: str, branch: str | None = None, ctx: Context = Depends(context),
                who: Identity = Depends(caller)) -> ControlDetail:
    report = _current_report(ctx, who, project, branch)
    for c in report.get("controls", []):
        if c.get("id") == control.upper():
            return ControlDetail(**_control(c), asks=c.get("asks", ""), checks=c.get("checks", ""),
                                 results=c.get("findings", []))
    raise ApiError(404, f"no control {control!r} in the plan (DS-1 .. HS-5)")


@router.get("/waivers", response_model=list[WaiverOut], summary="The waivers of the current assessment")
def list_waivers(project: str, branch: str | None = None, ctx: Context = Depends(context),
                 who: Identity = Depends(caller)) -> list[WaiverOut]:
    report = _current_report(ctx, who, project, branch)
    return [WaiverOut(**w) for w in report.get("waivers", [])]
