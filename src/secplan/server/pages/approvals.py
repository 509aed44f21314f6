"""The approvals queue (HS-4): each project's pending requests with approve and deny forms, and the
decided ones. Decisions go through ``secplan.human.approvals``, which enforces the two-person rule;
the page shows a requester why their own request waits for someone else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from secplan.server.errors import ApiError
from secplan.server.pages.web import PageRoute, checked_form, person, render

router = APIRouter(prefix="/ui", route_class=PageRoute, include_in_schema=False)


@router.get("/approvals")
def queue(request: Request, done: str = "") -> Response:
    from secplan.access import can, for_project
    from secplan.human import approvals
    from secplan.server.auth import visible

    ctx, who, csrf = person(request)
    sensitive = set(approvals.sensitive_actions(ctx.store))
    projects = []
    for project in visible(ctx, who, "read", "approval"):
        rows = approvals.all_requests(ctx.store, project.id)
        acting = for_project(ctx.store, who, project)
        may_approve = can(ctx.store, acting, "approve", "approval", project)
        pending = [{**r, "own": r["requester"] == who.name and r["action"] in sensitive}
                   for r in rows if r["state"] == "pending"]
        decided = [r for r in reversed(rows) if r["state"] != "pending"][:20]
        projects.append({"project": project, "pending": pending, "decided": decided, "may_approve": may_approve})
    return render(request, "approvals.html.j2", who=who, csrf=csrf, projects=projects, done=done)


@router.post("/approvals/{project}/{request_id}")
async def decide(request: Request, project: str, request_id: int) -> Response:
    from secplan.access import acting
    from secplan.human import approvals
    from secplan.server.auth import in_project

    ctx, who, _ = person(request)
    fields = await checked_form(request)
    decision = fields.get("decision", "")
    if decision not in ("approve", "deny"):
        raise ApiError(400, f"decision {decision!r}: approve or deny")
    target, me = in_project(ctx, who, project, "read", "approval")
    if not any(r["id"] == request_id for r in approvals.all_requests(ctx.store, target.id)):
        raise ApiError(404, f"no approval request {request_id} in project {target.name!r}")
    with acting(me):
        result = approvals.decide(ctx.store, request_id, approve=decision == "approve")
    return RedirectResponse(f"/ui/approvals?done={result['state']}+{request_id}", status_code=303)
