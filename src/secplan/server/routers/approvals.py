"""``/api/v1/projects/{project}/approvals``: the approval queue, requests, and decisions (HS-4).

Decisions go through ``secplan.human.approvals``: the requester can never approve their own
request for a sensitive action (the two-person rule), and that refusal is a ledgered 403.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends

from secplan.access import Identity, acting
from secplan.human import approvals
from secplan.server.auth import caller, in_project
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError
from secplan.server.schemas_records import ApprovalIn, ApprovalOut, DecisionIn

router = APIRouter(prefix="/api/v1/projects/{project}/approvals", tags=["approvals"], responses=COMMON)


@router.get("", response_model=list[ApprovalOut], summary="The project's approval requests, oldest first")
def list_approvals(project: str, state: Literal["pending", "approved", "rejected"] | None = None,
                   ctx: Context = Depends(context), who: Identity = Depends(caller)) -> list[ApprovalOut]:
    target, _ = in_project(ctx, who, project, "read", "approval")
    rows = approvals.all_requests(ctx.store, target.id)
    return [ApprovalOut(**r) for r in rows if state is None or r["state"] == state]


@router.post("", response_model=ApprovalOut, status_code=201, summary="Ask for an approval")
def request_approval(project: str, body: ApprovalIn, ctx: Context = Depends(context),
                     who: Identity = Depends(caller)) -> ApprovalOut:
    target, me = in_project(ctx, who, project, "write", "approval")
    with acting(me):
        request_id = approvals.request(ctx.store, body.action, body.target, body.reason)
    return ApprovalOut(**next(r for r in approvals.all_requests(ctx.store, target.id) if r["id"] == request_id))


@router.post("/{request_id}/decide", response_model=ApprovalOut, summary="Approve or reject a request")
def decide(project: str, request_id: int, body: DecisionIn, ctx: Context = Depends(context),
           who: Identity = Depends(caller)) -> ApprovalOut:
    target, me = in_project(ctx, who, project, "read", "approval")
    if not any(r["id"] == request_id for r in approvals.all_requests(ctx.store, target.id)):
        raise ApiError(404, f"no approval request {request_id} in project {target.name!r}")
    with acting(me):
        return ApprovalOut(**approvals.decide(ctx.store, request_id, approve=body.approve))
