"""Who is calling and what they may see: bearer tokens and decisions through ``secplan.access``.

A token is verified once a second at most per process (its Argon2 hash on first sight only, its
revocation and expiry at each verification), as the model gateway does. Every decision goes
through ``access.authorize`` (each denial ledgered) in the project a request is about; a caller
who may not see a project gets a 403 naming the missing permission, never an empty list.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from fastapi import Depends, Request

from secplan.errors import PermissionDenied
from secplan.server.context import Context, context
from secplan.server.errors import ApiError, unauthenticated
from secplan.web.oidc import looks_like_jwt
from secplan.web.ttl import TtlCache

if TYPE_CHECKING:
    from secplan.access import Identity
    from secplan.projects import Project
    from secplan.store.db import Store
    from secplan.web.oidc import Oidc

TTL = 1.0


class Authenticator:
    def __init__(self, store: Store, home: Project, oidc: Oidc | None = None) -> None:
        self.store, self.home = store, home
        self._verifier = None
        if oidc is not None:
            from secplan.web.oidc import JwtVerifier

            self._verifier = JwtVerifier(oidc)
        self._cache: TtlCache[Identity] = TtlCache(TTL)

    def identify(self, authorization: str | None) -> Identity:
        """The caller of a request from its ``Authorization`` header; 401 when there is none that holds."""
        from secplan.access import identity_from_token

        token = _bearer(authorization)
        if token is None:
            raise unauthenticated("send Authorization: Bearer TOKEN (a token from `secplan tokens create`)")
        def verified() -> Identity:
            try:
                if self._verifier is not None and looks_like_jwt(token):
                    return self._oidc_identity(token)
                return identity_from_token(self.store, token)
            except PermissionDenied as exc:
                raise unauthenticated(exc.message) from None

        return self._cache.get(hashlib.sha256(token.encode()).hexdigest(), verified)

    def verified_lately(self, authorization: str | None) -> Identity | None:
        """The caller of a bearer token verified within ``TTL`` seconds, else None (verify it)."""
        token = _bearer(authorization)
        return None if token is None else self._cache.peek(hashlib.sha256(token.encode()).hexdigest())


    def _oidc_identity(self, token: str) -> Identity:
        """An OIDC user: the secplan user its claim names, with that user's grants in each project."""
        from secplan.access import Identity
        from secplan.access.cache import policy
        from secplan.access.denials import record_denial
        from secplan.web.oidc import JwtRejected

        assert self._verifier is not None
        try:
            user = self._verifier.user(token)
        except JwtRejected as exc:
            record_denial(self.store, "jwt:invalid", "authenticate", "token", self.home, str(exc))
            raise PermissionDenied(f"the token is not valid: {exc}") from None
        if user in policy(self.store).disabled:
            record_denial(self.store, user, "authenticate", "token", self.home, "the user is disabled")
            raise PermissionDenied("the token is not valid: the token's user is disabled")
        return Identity(user, self.home, policy(self.store).roles_of(user, self.home.id), "oidc")


    def from_session(self, user: str) -> Identity:
        """A logged-in browser's user, with that user's grants in each project."""
        from secplan.access import Identity
        from secplan.access.cache import policy

        if user in policy(self.store).disabled:
            raise unauthenticated("the session's user is disabled")
        return Identity(user, self.home, policy(self.store).roles_of(user, self.home.id), "oidc")


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def caller(request: Request, ctx: Context = Depends(context)) -> Identity:
    """The dependency every ``/api/v1`` route declares: the authenticated caller, from a bearer token
    or, without one, from a login session (whose writes must carry the CSRF header). A token verified
    within the last second is answered on the event loop; anything that reads the store runs on a
    worker thread."""
    from starlette.concurrency import run_in_threadpool

    known = ctx.auth.verified_lately(request.headers.get("authorization"))
    if known is not None:
        return known
    return await run_in_threadpool(_caller, request, ctx)


def _caller(request: Request, ctx: Context) -> Identity:
    from secplan.server import sessions

    authorization = request.headers.get("authorization")
    sealed = request.cookies.get(sessions.COOKIE)
    if authorization or not sealed:
        return ctx.auth.identify(authorization)
    found = ctx.signer.session(sealed)
    if found is None:
        raise unauthenticated("the session has expired or is not valid (log in again at /api/auth/login)")
    if request.method in sessions.UNSAFE and not ctx.signer.csrf_ok(sealed, request.headers.get(sessions.CSRF_HEADER)):
        from secplan.access.denials import record_denial

        record_denial(ctx.store, found.user, "write", "session", ctx.home, "missing or wrong CSRF token")
        raise ApiError(403, f"a write from a browser session needs the {sessions.CSRF_HEADER} header "
                            "(from GET /api/auth/session)")
    return ctx.auth.from_session(found.user)


def project_by_ref(store: Store, ref: str) -> Project:
    """A project named by its id or its name; 404 when the store has none."""
    from sqlalchemy import or_, select

    from secplan.projects import Project, ProjectRow

    with store.session() as session:
        row = session.scalars(select(ProjectRow).where(or_(ProjectRow.id == ref, ProjectRow.name == ref))).first()
    if row is None:
        raise ApiError(404, f"no project {ref!r} on this server (projects appear with their first assessment "
                            "upload or any secplan command run against this database)")
    return Project(row.id, row.name)


def allow(ctx: Context, identity: Identity, action: str, resource: str, project: Project) -> Identity:
    """``identity`` acting in ``project``, if it may do ``action`` on ``resource`` there; else 403
    with the reason (recorded in the ledger by the access layer)."""
    from secplan.access import authorize, for_project

    try:
        acting = for_project(ctx.store, identity, project)
    except PermissionDenied as exc:
        raise ApiError(403, exc.message) from None
    decision = authorize(ctx.store, acting, action, resource, project)
    if not decision:
        raise ApiError(403, decision.message)
    return acting


_visible: TtlCache[list[Project]] = TtlCache(TTL)


def visible(ctx: Context, identity: Identity, action: str, kind: str) -> list[Project]:
    """The projects in which ``identity`` may do ``action`` on ``kind``; 403 (recorded) when none.
    Kept for ``TTL`` seconds per caller, the time the access layer's policy cache may lag anyway."""
    key = (ctx.store.url, identity, action, kind)
    return _visible.get(key, lambda: _visible_now(ctx, identity, action, kind))


def _visible_now(ctx: Context, identity: Identity, action: str, kind: str) -> list[Project]:
    from secplan.access import can, for_project
    from secplan.projects import known_projects

    seen = []
    for project in known_projects(ctx.store):
        if project.id != identity.project.id and identity.via == "token" and not identity.all_projects:
            continue
        try:
            acting = for_project(ctx.store, identity, project) if project.id != identity.project.id else identity
        except PermissionDenied:
            continue
        if can(ctx.store, acting, action, kind, project):
            seen.append(project)
    if not seen:
        allow(ctx, identity, action, kind, identity.project)  # records the denial and raises its 403
        raise ApiError(403, f"{identity.name} may not {action} {kind} in any project")
    return seen


def in_project(ctx: Context, identity: Identity, ref: str, action: str, resource: str) -> tuple[Project, Identity]:
    """The project named ``ref`` and the caller acting in it, if it may do ``action`` on ``resource``."""
    project = project_by_ref(ctx.store, ref)
    return project, allow(ctx, identity, action, resource, project)
