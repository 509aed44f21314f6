"""``/api/v1/projects/{project}/incidents``: incidents with their phases, clocks and owners (HS-3, HS-5)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends

from secplan.access import Identity, acting
from secplan.human import incidents
from secplan.server.auth import caller, in_project
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError
from secplan.server.schemas_records import IncidentIn, IncidentOut
from secplan.vocabulary import Severity

router = APIRouter(prefix="/api/v1/projects/{project}/incidents", tags=["incidents"], responses=COMMON)


@router.get("", response_model=list[IncidentOut], summary="The project's incidents")
def list_incidents(project: str, state: Literal["open", "closed"] | None = None, ctx: Context = Depends(context),
                   who: Identity = Depends(caller)) -> list[IncidentOut]:
    target, _ = in_project(ctx, who, project, "read", "incident")
    return [IncidentOut(**i) for i in incidents.all_incidents(ctx.store, target.id)
            if state is None or i["state"] == state]


@router.get("/{incident_id}", response_model=IncidentOut, summary="One incident")
def get_incident(project: str, incident_id: int, ctx: Context = Depends(context),
                 who: Identity = Depends(caller)) -> IncidentOut:
    target, _ = in_project(ctx, who, project, "read", "incident")
    for found in incidents.all_incidents(ctx.store, target.id):
        if found["id"] == incident_id:
            return IncidentOut(**found)
    raise ApiError(404, f"no incident {incident_id} in project {target.name!r}")


@router.post("", response_model=IncidentOut, status_code=201, summary="Open an incident")
def open_incident(project: str, body: IncidentIn, ctx: Context = Depends(context),
                  who: Identity = Depends(caller)) -> IncidentOut:
    _, me = in_project(ctx, who, project, "write", "incident")
    try:
        severity = Severity(body.severity)
    except ValueError:
        raise ApiError(422, f"severity {body.severity!r}: one of {', '.join(s.value for s in Severity)}") from None
    with acting(me):
        incident_id = incidents.open_incident(ctx.store, body.title, kind=body.type, severity=severity,
                                              owner=body.owner, assets=body.assets, atlas=body.atlas)
    return get_incident(project, incident_id, ctx, who)
