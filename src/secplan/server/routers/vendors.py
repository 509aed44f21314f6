"""``/api/v1/projects/{project}/vendors``: the vendor register (CS-6)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from secplan.access import Identity
from secplan.compliance.vendors import all_vendors
from secplan.server.auth import caller, in_project
from secplan.server.context import Context, context
from secplan.server.errors import COMMON
from secplan.server.schemas_records import VendorOut

router = APIRouter(prefix="/api/v1/projects/{project}/vendors", tags=["vendors"], responses=COMMON)


@router.get("", response_model=list[VendorOut], summary="The project's vendors")
def list_vendors(project: str, ctx: Context = Depends(context), who: Identity = Depends(caller)) -> list[VendorOut]:
    target, _ = in_project(ctx, who, project, "read", "vendor")
    return [VendorOut(**v) for v in all_vendors(ctx.store, target.id)]
