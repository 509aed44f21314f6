"""``/api/v1/projects/{project}/attestations``: signed attestations, verified against the server's
trusted attestation keys (an attestation whose key the server does not hold shows as ``invalid``
with the reason)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends

from secplan.access import Identity
from secplan.compliance.attestations import all_attestations
from secplan.server.auth import caller, in_project
from secplan.server.context import Context, context
from secplan.server.errors import COMMON
from secplan.server.schemas_records import AttestationOut

router = APIRouter(prefix="/api/v1/projects/{project}/attestations", tags=["attestations"], responses=COMMON)


@router.get("", response_model=list[AttestationOut], summary="The project's attestations")
def list_attestations(project: str, ctx: Context = Depends(context),
                      who: Identity = Depends(caller)) -> list[AttestationOut]:
    target, _ = in_project(ctx, who, project, "read", "attestation")
    return [AttestationOut(**a) for a in all_attestations(ctx.store, target.id, dt.date.today())]
