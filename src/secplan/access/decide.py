"""Decisions: may this identity do this action on this resource in this project? Every "no" is ledgered.

``authorize`` answers from the cached policy (no database round trip for an allowed decision) and
writes each denial to the audit ledger before it returns; ``require`` is the same for services,
raising :class:`~secplan.errors.PermissionDenied` (exit 3). ``can`` only asks (for a UI that hides
what a user may not do); it decides nothing and records nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from secplan.access import cache
from secplan.access.authn import Identity, current_identity
from secplan.access.denials import record_denial
from secplan.access.policy import ACTIONS, SCOPE_ACTIONS
from secplan.errors import PermissionDenied
from secplan.identity import TOKEN_ENV, os_user
from secplan.projects import Project, folder_project

if TYPE_CHECKING:
    from secplan.store.db import Store


@dataclass(frozen=True)
class Decision:
    """The answer to one question, with what it was decided on."""

    allowed: bool
    identity: Identity
    action: str
    resource: str
    project: Project
    roles: tuple[str, ...]
    """The identity's roles in ``project`` that were considered."""
    reason: str
    """Why not (empty when allowed)."""

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def message(self) -> str:
        """What the caller is told: the missing permission, never a token."""
        return (f"{self.identity.name} may not {self.action} {self.resource}: {self.reason} in project "
                f"{self.project.name!r} (roles: {', '.join(self.roles) or 'none'})")


def _decide(store: Store, identity: Identity, action: str, resource: str,
            project: Project | None) -> Decision:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    project = project or identity.project
    kind = resource.split(":", 1)[0]
    policy = cache.policy(store)
    same_project = project.id == identity.project.id
    if identity.via == "local-owner" and same_project:
        roles: tuple[str, ...] = ("admin",)
    elif identity.name in policy.disabled:
        roles = ()
    else:
        roles = policy.roles_of(identity.name, project.id)
        if identity.token_roles is not None:
            roles = tuple(r for r in roles if r in identity.token_roles)
    if identity.via == "token" and not same_project and not identity.all_projects:
        reason = f"the token is for project id {identity.project.id}"
    elif not policy.allows(roles, kind, action):
        reason = f"missing permission {action!r} on {kind!r}"
    elif identity.scope is not None and action not in SCOPE_ACTIONS.get(identity.scope, ()):
        reason = f"the token's scope {identity.scope!r} does not allow {action!r}"
    else:
        return Decision(True, identity, action, resource, project, roles, "")
    return Decision(False, identity, action, resource, project, roles, reason)


def authorize(store: Store, identity: Identity, action: str, resource: str,
              project: Project | None = None) -> Decision:
    """Decide ``action`` on ``resource`` (``kind`` or ``kind:name``) in ``project`` (default: the
    identity's). A denial is in the ledger when this returns."""
    decision = _decide(store, identity, action, resource, project)
    if not decision.allowed:
        record_denial(store, identity.name, action, resource, decision.project, decision.reason,
                      roles=list(decision.roles))
    return decision


def can(store: Store, identity: Identity, action: str, resource: str, project: Project | None = None) -> bool:
    """Whether :func:`authorize` would allow it; records nothing (not a gate: for showing options)."""
    return _decide(store, identity, action, resource, project).allowed


def require(store: Store, action: str, resource: str, *, project: Project | None = None,
            token: str | None = None, identity: Identity | None = None) -> Identity:
    """The acting identity, if it may do ``action`` on ``resource``; else PermissionDenied (recorded).

    The identity is ``identity`` if given, else the caller (:func:`~secplan.access.authn.current_identity`)."""
    who = identity or current_identity(store, project=project, token=token)
    decision = authorize(store, who, action, resource, project)
    if not decision:
        raise PermissionDenied(decision.message)
    return who


def deny(store: Store, identity: Identity, action: str, resource: str, reason: str) -> PermissionDenied:
    """Record a denial decided by a rule beyond the policy (self-grant, self-approval) and return the error."""
    record_denial(store, identity.name, action, resource, identity.project, reason, roles=list(identity.roles))
    return PermissionDenied(f"{identity.name} may not {action} {resource}: {reason}")


def require_at(root: Path, action: str, resource: str) -> Identity:
    """:func:`require` on the store of the project at ``root``: the one line a command adds at its top.

    A project without a store has no grants yet: its local user acts as the owner-to-be (the store
    it creates will be theirs), and a token cannot be checked, so it is refused. No store is created
    here, so commands keep their own "no store" errors.
    """
    from secplan.store.db import Store

    if not Store.exists_for(root):
        if os.environ.get(TOKEN_ENV):
            raise PermissionDenied(f"{root}: no secplan store to check {TOKEN_ENV} against")
        return Identity(os_user(), folder_project(root), ("admin",), "local-owner")
    store = Store.for_project(root)
    try:
        return require(store, action, resource)
    finally:
        store.dispose()
