"""Who is acting and what they may do: the one API every command calls before touching protected things.

``require(store, "decrypt", "dataset:data/train.csv")`` returns the acting :class:`Identity` or
raises :class:`~secplan.errors.PermissionDenied` (exit 3) after writing the denial to the ledger.
The identity comes from ``SECPLAN_TOKEN`` or, without a token, from the OS user: the user who owns
the store's folder is admin (local single-user mode); anyone else has only the roles granted to
their OS user name.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from secplan.errors import PermissionDenied
from secplan.human import rbac
from secplan.human.audit import audit
from secplan.human.records import CustomRole, Grant, User
from secplan.identity import TOKEN_ENV, os_user, remember_token_user, token_id_of
from secplan.projects import Project, folder_project, project_of
from secplan.store.base import utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store


@dataclass(frozen=True)
class Identity:
    name: str
    project: Project
    roles: tuple[str, ...]
    via: str
    """``local-owner`` (owns the store: admin), ``os-user`` or ``token``."""
    token_id: str | None = None

    @property
    def is_local_owner(self) -> bool:
        return self.via == "local-owner"


def role_definitions(store: Store) -> dict[str, tuple[tuple[str, str], ...]]:
    roles = dict(rbac.BUILTIN_ROLES)
    with store.session() as session:
        for row in session.scalars(select(CustomRole)):
            roles[row.name] = tuple((k, a) for k, a in row.permissions)
    return roles


def _granted_roles(store: Store, user: str, project_id: str) -> tuple[str, ...]:
    with store.session() as session:
        account = session.scalars(select(User).where(User.name == user)).first()
        if account is None or account.disabled:
            return ()
        rows = session.scalars(select(Grant.role).where(Grant.user_name == user, Grant.project_id == project_id))
        return tuple(sorted(rows))


def current_identity(store: Store, *, project: Project | None = None, now: dt.datetime | None = None,
                     token: str | None = None) -> Identity:
    """Authenticate the caller: ``token`` (a server passes the request's bearer token), else
    ``SECPLAN_TOKEN``, else the OS user. A bad, revoked or expired token is denied (and recorded)."""
    from secplan.human import tokens

    project = project or project_of(store)
    presented = token or os.environ.get(TOKEN_ENV)
    if presented:
        token_id = token_id_of(presented)
        try:
            row = tokens.verify(store, presented, now or utcnow())
        except tokens.TokenRejected as exc:
            _deny(store, f"token:{token_id or 'malformed'}", "authenticate", "token", project, str(exc))
            raise PermissionDenied(f"{TOKEN_ENV} is not a valid token: {exc}") from None
        if row.project_id != project.id:
            _deny(store, row.user_name, "authenticate", "token", project,
                  f"token is for project id {row.project_id}")
            raise PermissionDenied(f"the token is for project {row.project_id}, not {project.name!r} ({project.id})")
        granted = _granted_roles(store, row.user_name, project.id)
        roles = tuple(r for r in granted if row.roles is None or r in row.roles)
        remember_token_user(row.token_id, row.user_name)
        return Identity(row.user_name, project, roles, "token", row.token_id)
    name = os_user()
    if _owns_store(store):
        return Identity(name, project, ("admin",), "local-owner")
    return Identity(name, project, _granted_roles(store, name, project.id), "os-user")


def _owns_store(store: Store) -> bool:
    try:
        return store.home.stat().st_uid == os.getuid()
    except OSError:
        return False


def can(store: Store, identity: Identity, action: str, resource: str) -> bool:
    kind = resource.split(":", 1)[0]
    grants = [(identity.name, role, identity.project.id) for role in identity.roles]
    enforcer = rbac.build_enforcer(role_definitions(store), grants)
    return rbac.allowed(enforcer, identity.name, identity.project.id, kind, action)


def require(store: Store, action: str, resource: str, *, project: Project | None = None,
            token: str | None = None) -> Identity:
    """The acting identity, if it may do ``action`` on ``resource`` (``kind`` or ``kind:name``).

    Raises PermissionDenied naming the missing permission; the denial is in the ledger.
    """
    identity = current_identity(store, project=project, token=token)
    if not can(store, identity, action, resource):
        kind = resource.split(":", 1)[0]
        _deny(store, identity.name, action, resource, identity.project,
              f"no role grants {action} on {kind}", roles=list(identity.roles))
        raise PermissionDenied(
            f"{identity.name} may not {action} {resource}: missing permission {action!r} on {kind!r} "
            f"in project {identity.project.name!r} (roles: {', '.join(identity.roles) or 'none'})"
        )
    return identity


def deny(store: Store, identity: Identity, action: str, resource: str, reason: str) -> PermissionDenied:
    """Record a denial decided by a rule beyond RBAC (self-grant, self-approval) and return the error."""
    _deny(store, identity.name, action, resource, identity.project, reason, roles=list(identity.roles))
    return PermissionDenied(f"{identity.name} may not {action} {resource}: {reason}")


def _deny(store: Store, actor: str, action: str, resource: str, project: Project, reason: str,
          roles: list[str] | None = None) -> None:
    details = {"action": action, "project_id": project.id, "project": project.name, "reason": reason}
    if roles is not None:
        details["roles"] = roles
    audit(store, "access.deny", resource, details, outcome="denied", actor=actor)


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
