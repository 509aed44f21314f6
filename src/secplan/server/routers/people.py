"""``/api/v1/projects/{project}/people``: people with their screening and training (HS-1, HS-2)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from secplan.access import Identity
from secplan.human.people import all_people
from secplan.server.auth import caller, in_project
from secplan.server.context import Context, context
from secplan.server.errors import COMMON
from secplan.server.schemas_records import PersonOut

router = APIRouter(prefix="/api/v1/projects/{project}/people", tags=["people"], responses=COMMON)


@router.get("", response_model=list[PersonOut], summary="The project's people")
def list_people(project: str, ctx: Context = Depends(context), who: Identity = Depends(caller)) -> list[PersonOut]:
    target, _ = in_project(ctx, who, project, "read", "person")
    return [PersonOut(**p) for p in all_people(ctx.store, target.id)]
