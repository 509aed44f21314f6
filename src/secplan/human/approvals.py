"""Approvals and the two-person rule (HS-4).

Actions the plan lists in ``policy.approvals.two_person_rule`` (promoting a model, granting access
to restricted data, deleting data) need a request approved by someone other than the requester.
Engines call :func:`require_approval` before doing such an action; each approval is used once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from secplan.access import deny, require
from secplan.errors import InputError, PermissionDenied
from secplan.human.audit import audit
from secplan.human.domain import project_plan
from secplan.human.records import ApprovalRequest
from secplan.plan.model import ApprovalPolicy
from secplan.store.base import utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store


def sensitive_actions(store: Store) -> list[str]:
    plan = project_plan(store)
    return list(plan.policy.approvals.two_person_rule if plan else ApprovalPolicy().two_person_rule)


def request(store: Store, action: str, target: str, reason: str = "") -> int:
    who = require(store, "write", "approval")
    if not action.strip() or not target.strip():
        raise InputError("a request needs an ACTION (model.promote) and a TARGET (model:fraud@3)")
    with store.session() as session:
        row = ApprovalRequest(project_id=who.project.id, action=action, target=target, reason=reason, requester=who.name)
        session.add(row)
        session.flush()
        request_id = row.id
    audit(store, "approval.request", f"approval:{request_id}", {"action": action, "target": target})
    return request_id


def decide(store: Store, request_id: int, *, approve: bool = True) -> dict[str, Any]:
    """Approve or reject. The requester can never approve their own request for a sensitive action."""
    with store.session() as session:
        row = session.get(ApprovalRequest, request_id)
        target = row.target if row else ""
    who = require(store, "approve", target or "approval")
    if row is None or row.project_id != who.project.id:
        raise InputError(f"no request {request_id} in project {who.project.name!r} (see `secplan request list`)")
    if row.state != "pending":
        raise InputError(f"request {request_id} is already {row.state}")
    if approve and row.requester == who.name and row.action in sensitive_actions(store):
        raise deny(store, who, "approve", f"approval:{request_id}",
                   f"two-person rule: {row.action} needs a second person; {who.name} requested it")
    with store.session() as session:
        row = session.get(ApprovalRequest, request_id)
        row.state = "approved" if approve else "rejected"
        row.decided_by, row.decided_at = who.name, utcnow()
        result = request_dict(row)
    audit(store, "approval.approve" if approve else "approval.reject", f"approval:{request_id}",
          {"action": row.action, "target": row.target, "requester": row.requester})
    return result


def require_approval(store: Store, action: str, target: str) -> int | None:
    """For engines: before a sensitive ``action`` on ``target``, consume an approved request.

    Returns the request id used, or None when the plan does not mark the action sensitive.
    Raises PermissionDenied (recorded) when no approved, unused request exists.
    """
    if action not in sensitive_actions(store):
        return None
    who = require(store, "write", target)
    with store.session() as session:
        row = session.scalars(select(ApprovalRequest).where(
            ApprovalRequest.project_id == who.project.id, ApprovalRequest.action == action,
            ApprovalRequest.target == target, ApprovalRequest.state == "approved",
            ApprovalRequest.used_at.is_(None)).order_by(ApprovalRequest.id)).first()
        if row is not None and row.decided_by != row.requester:
            row.used_at = utcnow()
            used = row.id
        else:
            used = None
    if used is None:
        error = deny(store, who, action, target, "needs an approved request (two-person rule)")
        raise PermissionDenied(error.message, hint=f"secplan request create {action} {target} --reason ...; "
                               "then a second person runs `secplan approve ID`")
    audit(store, "approval.use", f"approval:{used}", {"action": action, "target": target})
    return used


def request_dict(row: ApprovalRequest) -> dict[str, Any]:
    return {"id": row.id, "action": row.action, "target": row.target, "reason": row.reason,
            "requester": row.requester, "state": row.state, "decided_by": row.decided_by,
            "created_at": row.created_at.isoformat(),
            "decided_at": row.decided_at.isoformat() if row.decided_at else None,
            "used_at": row.used_at.isoformat() if row.used_at else None}


def all_requests(store: Store, project_id: str) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = session.scalars(select(ApprovalRequest).where(ApprovalRequest.project_id == project_id)
                               .order_by(ApprovalRequest.id)).all()
        return [request_dict(r) for r in rows]


def list_requests(store: Store) -> list[dict[str, Any]]:
    who = require(store, "read", "approval")
    return all_requests(store, who.project.id)
