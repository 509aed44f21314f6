"""Who is acting: an :class:`Identity` from a bearer token, ``SECPLAN_TOKEN`` or the OS user.

Entry points resolve the identity once (the CLI from its environment, a server from each request's
``Authorization: Bearer`` header) and the services they call check it with ``authorize``. A server
runs a request's services inside ``acting(identity)``, so that ``require`` and the ledger name the
request's caller rather than the server's environment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from secplan.access import cache, tokens
from secplan.access.denials import record_denial
from secplan.errors import PermissionDenied
from secplan.identity import TOKEN_ENV, acting_name, os_user, remember_token_user, token_id_of
from secplan.projects import Project, ProjectRow, project_of
from secplan.store.base import utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store


@dataclass(frozen=True)
class Identity:
    """An authenticated caller, for one project."""

    name: str
    project: Project
    """The project it was authenticated for (a token's own project)."""
    roles: tuple[str, ...]
    """Its roles in ``project`` when authenticated (decisions reread them from the cached policy)."""
    via: str
    """``local-owner`` (owns the store: admin), ``os-user`` or ``token``."""
    token_id: str | None = None
    scope: str | None = None
    """A token's scope (``read``, ``write``, ``admin``); None for an OS user."""
    token_roles: tuple[str, ...] | None = None
    """The roles a token is limited to; None for all of its user's."""
    all_projects: bool = False
    """A token issued with ``--all-projects``: it acts in any project, with its user's roles there."""

    @property
    def is_local_owner(self) -> bool:
        return self.via == "local-owner"


_current: ContextVar[Identity | None] = ContextVar("secplan_identity", default=None)


@contextlib.contextmanager
def acting(identity: Identity) -> Iterator[Identity]:
    """Run a block as ``identity``: services' checks and ledger entries in it are this caller's."""
    reset = _current.set(identity)
    try:
        with acting_name(identity.name):
            yield identity
    finally:
        _current.reset(reset)


def acting_identity() -> Identity | None:
    """The identity set by :func:`acting` for this thread or task, if any."""
    return _current.get()


def identity_from_token(store: Store, token: str, *, project: Project | None = None,
                        now: dt.datetime | None = None) -> Identity:
    """The identity a bearer token stands for. Raises PermissionDenied (exit 3, recorded) for a
    malformed, unknown, wrong, revoked or expired token, a disabled user, or, when ``project`` is
    given, a token of another project. The message names the token by its public id at most."""
    token_id = token_id_of(token)
    try:
        row = tokens.verify(store, token, now or utcnow())
    except tokens.TokenRejected as exc:
        record_denial(store, f"token:{token_id or 'malformed'}", "authenticate", "token",
                      project or _unknown_project(), str(exc))
        raise PermissionDenied(f"the token is not valid: {exc}") from None
    own = project if project is not None and project.id == row.project_id else _project(store, row.project_id)
    if project is not None and project.id != row.project_id and row.all_projects:
        own = project
    elif project is not None and project.id != row.project_id:
        record_denial(store, row.user_name, "authenticate", "token", project,
                      f"token is for project id {row.project_id}")
        raise PermissionDenied(f"the token is for project {own.name!r} ({row.project_id}), "
                               f"not {project.name!r} ({project.id})")
    granted = cache.policy(store).roles_of(row.user_name, own.id)
    limit = tuple(row.roles) if row.roles is not None else None
    roles = tuple(r for r in granted if limit is None or r in limit)
    remember_token_user(row.token_id, row.user_name)
    return Identity(row.user_name, own, roles, "token", row.token_id, row.scope, limit, bool(row.all_projects))


def for_project(store: Store, identity: Identity, project: Project) -> Identity:
    """``identity`` acting in ``project``, so that services (which act in ``who.project``) and the
    ledger see the project a request is about. A token bound to another project is refused (the
    refusal recorded); an all-projects token, an OS user or an OIDC user get their user's roles
    there, and the owner of the server's own folder is an administrator of that folder's project only."""
    if project.id == identity.project.id:
        return identity
    if identity.via == "token" and not identity.all_projects:
        reason = f"the token is for project id {identity.project.id}"
        record_denial(store, identity.name, "authenticate", "token", project, reason)
        raise PermissionDenied(f"{identity.name} may not act in project {project.name!r}: {reason}")
    policy = cache.policy(store)
    roles = () if identity.name in policy.disabled else policy.roles_of(identity.name, project.id)
    if identity.token_roles is not None:
        roles = tuple(r for r in roles if r in identity.token_roles)
    via = "os-user" if identity.is_local_owner else identity.via
    return replace(identity, project=project, roles=roles, via=via)


def current_identity(store: Store, *, project: Project | None = None, now: dt.datetime | None = None,
                     token: str | None = None) -> Identity:
    """The caller: the identity set by :func:`acting`, else ``token`` (a server passes the request's
    bearer token), else ``SECPLAN_TOKEN``, else the OS user (admin if it owns the store's folder)."""
    set_by_entry_point = _current.get()
    if set_by_entry_point is not None and token is None:
        return set_by_entry_point
    project = project or project_of(store)
    presented = token or os.environ.get(TOKEN_ENV)
    if presented:
        try:
            return identity_from_token(store, presented, project=project, now=now)
        except PermissionDenied as exc:
            if token is None:
                raise PermissionDenied(exc.message.replace("the token", TOKEN_ENV, 1)) from None
            raise
    name = os_user()
    if owns_store(store):
        return Identity(name, project, ("admin",), "local-owner")
    return Identity(name, project, cache.policy(store).roles_of(name, project.id), "os-user")


def owns_store(store: Store) -> bool:
    """Local single-user mode: the OS user owns the store's folder."""
    try:
        return store.home.stat().st_uid == os.getuid()
    except OSError:
        return False


def _project(store: Store, project_id: str) -> Project:
    with store.session() as session:
        row = session.get(ProjectRow, project_id)
    return Project(project_id, row.name if row is not None else project_id)


def _unknown_project() -> Project:
    return Project("", "(unknown)")
